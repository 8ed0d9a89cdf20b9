// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/security/user.h"

namespace berth::security {
namespace {

std::string Fixture(const char* name) {
  return ReadAccountFile(std::string(BERTH_TEST_FIXTURES) + "/" + name).value();
}

Credentials Must(const char* spec) {
  base::Result<Credentials> c = ResolveUser(spec, Fixture("passwd"), Fixture("group"));
  REQUIRE_MESSAGE(c.has_value(), c.error().message());
  return *c;
}

std::string Error(const char* spec) {
  base::Result<Credentials> c = ResolveUser(spec, Fixture("passwd"), Fixture("group"));
  REQUIRE_FALSE(c.has_value());
  return std::string(c.error().message());
}

TEST_SUITE("security") {
  TEST_CASE("passwd: good lines are read, broken ones skipped") {
    std::vector<PasswdEntry> users = ParsePasswd(Fixture("passwd"));
    REQUIRE(users.size() == 6);
    CHECK(users[0].name == "root");
    CHECK(users[2].uid == 1000);
    CHECK(users[2].gid == 1000);
    CHECK(users[2].home == "/home/app");
    CHECK(users[5].name == "nobody");
  }

  TEST_CASE("group: members are split, a bad gid skips the line") {
    std::vector<GroupEntry> groups = ParseGroup(Fixture("group"));
    REQUIRE(groups.size() == 8);
    CHECK(groups[4].name == "web");
    CHECK(groups[4].members == std::vector<std::string>{"app", "other"});
  }

  TEST_CASE("a name gets its primary group and every group that lists it (initgroups)") {
    Credentials c = Must("app");
    CHECK(c.uid == 1000);
    CHECK(c.gid == 1000);
    CHECK(c.groups == std::vector<gid_t>{1000, 33, 999});
    CHECK(c.home == "/home/app");
  }

  TEST_CASE("USER:GROUP sets exactly that group, by name or number") {
    Credentials c = Must("app:audio");
    CHECK(c.gid == 29);
    CHECK(c.groups == std::vector<gid_t>{29});
    CHECK(Must("app:4242").gid == 4242);  // a gid need not exist, as gosu
    CHECK(Must("1000:web").groups == std::vector<gid_t>{33});
  }

  TEST_CASE("numeric ids") {
    SUBCASE("a uid with an entry uses it") {
      Credentials c = Must("65534");
      CHECK(c.gid == 65534);
      CHECK(c.home == "/nonexistent");
    }
    SUBCASE("a uid without an entry gets gid 0 and home /, as Docker") {
      Credentials c = Must("5000");
      CHECK(c.uid == 5000);
      CHECK(c.gid == 0);
      CHECK(c.home == "/");
      CHECK(c.groups == std::vector<gid_t>{0});
    }
    SUBCASE("a name made of digits is a name first") {
      CHECK(Must("1234").uid == 4321);
    }
    SUBCASE("an empty home reads as /") { CHECK(Must("nohome").home == "/"); }
  }

  TEST_CASE("unknown users and groups are clear errors") {
    CHECK(Error("ghost") == "--user: no user 'ghost' in /etc/passwd");
    CHECK(Error("app:ghosts") == "--user: no group 'ghosts' in /etc/group");
    CHECK(Error("app:") == "--user: the group after ':' is empty");
    CHECK(Error(":app") == "--user: the user is empty");
    CHECK(Error("-1") == "--user: no user '-1' in /etc/passwd");
  }

  TEST_CASE("HOME follows the user only when it was root's or unset") {
    Credentials c = Must("app");
    const std::string passwd = Fixture("passwd");
    CHECK(ChildHome(c, nullptr, passwd) == "/home/app");
    CHECK(ChildHome(c, "/root", passwd) == "/home/app");
    CHECK(ChildHome(c, "/srv", passwd) == "/srv");
  }
}

}  // namespace
}  // namespace berth::security
