// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <linux/capability.h>

#include "berth/security/capabilities.h"

namespace berth::security {
namespace {

TEST_SUITE("security") {
  TEST_CASE("capability lists") {
    struct Case {
      const char* list;
      CapSet want;
    } cases[] = {
        {"none", 0},
        {"NONE", 0},
        {"NET_BIND_SERVICE", CapBit(CAP_NET_BIND_SERVICE)},
        {"CAP_NET_BIND_SERVICE", CapBit(CAP_NET_BIND_SERVICE)},
        {"net_bind_service, chown", CapBit(CAP_NET_BIND_SERVICE) | CapBit(CAP_CHOWN)},
        {"KILL,KILL", CapBit(CAP_KILL)},
    };
    for (const Case& c : cases) {
      CAPTURE(c.list);
      base::Result<CapSet> got = ParseCapList(c.list);
      REQUIRE(got.has_value());
      CHECK(*got == c.want);
    }
  }

  TEST_CASE("unknown capabilities name the item") {
    base::Result<CapSet> got = ParseCapList("CHOWN,FLY");
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().message() == "--caps: unknown capability 'FLY' (item 2)");
    CHECK_FALSE(ParseCapList("12").has_value());  // numbers are not names
    CHECK_FALSE(ParseCapList("CHOWN,").has_value());
  }

  TEST_CASE("capability sets print as names") {
    CHECK(CapListText(0) == "none");
    CHECK(CapListText(CapBit(CAP_CHOWN) | CapBit(CAP_KILL)) == "CAP_CHOWN,CAP_KILL");
    CHECK(LastCap() >= CAP_AUDIT_READ);
  }
}

}  // namespace
}  // namespace berth::security
