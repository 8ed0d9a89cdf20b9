// SPDX-License-Identifier: MIT
#include "berth/base/text.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace berth::base {
namespace {

TEST_SUITE("base") {
  TEST_CASE("Cat joins text and integers as absl::StrCat did") {
    const absl::string_view why = "no such process";
    const std::string who = "kill";
    CHECK(Cat(who, "(", -42, ", ", 15u, "): ", why) == "kill(-42, 15): no such process");
    CHECK(Cat(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
    CHECK(Cat(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
    std::string line = "pids";
    Append(&line, " ", 1, ",", 2);
    CHECK(line == "pids 1,2");
  }

  TEST_CASE("ParseInt reads a whole integer or nothing") {
    int v = 7;
    CHECK(ParseInt(" 42\n", &v));
    CHECK(v == 42);
    CHECK(ParseInt("+3", &v));
    CHECK(v == 3);
    CHECK(ParseInt("-3", &v));
    CHECK(v == -3);
    for (absl::string_view bad :
         {"", " ", "+", "+-3", "++3", "12a", "0x10", "1 2", "99999999999"}) {
      CAPTURE(bad);
      int out = 7;
      CHECK_FALSE(ParseInt(bad, &out));
      CHECK(out == 7);  // untouched
    }
    unsigned u = 1;
    CHECK_FALSE(ParseInt("-1", &u));
    CHECK_FALSE(ParseInt("+-1", &u));
    std::uint8_t small = 0;
    CHECK_FALSE(ParseInt("256", &small));
    CHECK(ParseInt("255", &small));
    CHECK(small == 255);
    std::uint64_t mask = 0;
    CHECK(ParseInt("0000000000004002", &mask, 16));
    CHECK(mask == 0x4002);
  }
}

}  // namespace
}  // namespace berth::base
