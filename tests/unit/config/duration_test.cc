// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/config/duration.h"

namespace berth::config {
namespace {

TEST_SUITE("config") {
  TEST_CASE("ParseDuration accepts the documented forms") {
    struct Row {
      const char* text;
      absl::Duration want;
    };
    for (Row r : {Row{"500ms", absl::Milliseconds(500)}, Row{"10s", absl::Seconds(10)},
                  Row{"1m30s", absl::Seconds(90)}, Row{"10", absl::Seconds(10)},
                  Row{"0", absl::ZeroDuration()}, Row{"1.5s", absl::Milliseconds(1500)},
                  Row{"2h", absl::Hours(2)}}) {
      CAPTURE(r.text);
      base::Result<absl::Duration> d = ParseDuration(r.text);
      REQUIRE(d.has_value());
      CHECK(*d == r.want);
    }
  }

  TEST_CASE("ParseDuration refuses the rest") {
    for (const char* text : {"", "-1s", "inf", "10x", "s", "ten", " 10", "1m30", "-5"}) {
      CAPTURE(text);
      base::Result<absl::Duration> d = ParseDuration(text);
      CHECK_FALSE(d.has_value());
      CHECK(d.error().message().find("bad duration") != absl::string_view::npos);
    }
  }
}

}  // namespace
}  // namespace berth::config
