// SPDX-License-Identifier: MIT
#include "berth/check/tracker.h"

#include <doctest/doctest.h>

namespace berth::check {
namespace {

absl::Duration Ms(int ms) { return absl::Milliseconds(ms); }

ProcEntry Live(pid_t pid, pid_t ppid = 1) { return {pid, ppid, 'S', "p" + std::to_string(pid)}; }
ProcEntry Zombie(pid_t pid) { return {pid, 1, 'Z', "z"}; }

ProcessTracker Make(Timeline& t) {
  return ProcessTracker(t, [](const ProcEntry& e) { return e.comm; });
}

TEST_SUITE("check") {
  TEST_CASE("processes alive when the main process exits are leftovers; exits time them") {
    Timeline t;
    ProcessTracker tr = Make(t);
    tr.SetMain(2);
    CHECK(tr.Observe(Ms(0), {Live(2), Live(3), Live(4)}) == std::vector<pid_t>{3, 4});
    CHECK(tr.Observe(Ms(50), {Live(2), Live(3), Live(4)}).empty());
    tr.Exited(3, Ms(60));  // before the main: not a leftover
    tr.MainExited(Ms(100));
    REQUIRE(t.leftovers.size() == 1);
    CHECK(t.leftovers[0].pid == 4);
    CHECK(t.leftovers[0].command == "p4");
    CHECK(t.leftovers[0].seen == Ms(100));
    tr.Exited(4, Ms(130));
    CHECK(*t.leftovers[0].gone == Ms(130));
  }

  TEST_CASE("a snapshot without a process ends it; new ones after the main are leftovers") {
    Timeline t;
    ProcessTracker tr = Make(t);
    tr.SetMain(2);
    tr.Observe(Ms(0), {Live(2), Live(5)});
    tr.MainExited(Ms(10));
    tr.Observe(Ms(50), {Live(6, 5)});
    REQUIRE(t.leftovers.size() == 2);
    CHECK(*t.leftovers[0].gone == Ms(50));
    CHECK(t.leftovers[1].pid == 6);
    CHECK(t.leftovers[1].seen == Ms(50));
    CHECK_FALSE(t.leftovers[1].gone.has_value());
  }

  TEST_CASE("a process seen between its fork and its exec is named by what it execs") {
    Timeline t;
    ProcessTracker tr = Make(t);
    tr.SetMain(2);
    tr.Observe(Ms(0), {Live(2), {3, 2, 'S', "sh"}});
    tr.Observe(Ms(10), {Live(2), {3, 2, 'S', "worker"}});
    tr.MainExited(Ms(20));
    tr.Observe(Ms(30), {{3, 1, 'S', "worker2"}});
    REQUIRE(t.leftovers.size() == 1);
    CHECK(t.leftovers[0].command == "worker2");  // and a leftover's own exec renames it too
  }

  TEST_CASE("zombies are counted until reaped; the main's own is not") {
    Timeline t;
    ProcessTracker tr = Make(t);
    tr.SetMain(2);
    tr.Observe(Ms(0), {Zombie(2), Zombie(7)});
    tr.Observe(Ms(50), {Zombie(7)});
    tr.Observe(Ms(100), {});
    REQUIRE(t.zombies.size() == 1);
    CHECK(t.zombies[0].pid == 7);
    CHECK(t.zombies[0].seen == Ms(0));
    CHECK(*t.zombies[0].gone == Ms(100));
  }
}

}  // namespace
}  // namespace berth::check
