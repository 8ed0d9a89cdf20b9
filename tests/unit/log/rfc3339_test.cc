// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/log/log.h"

namespace berth::log {
namespace {

TEST_SUITE("log") {
  TEST_CASE("Rfc3339 writes UTC with milliseconds, leap days included") {
    struct Row {
      long long unix_ms;
      const char* want;
    };
    for (Row r : {Row{0, "1970-01-01T00:00:00.000Z"}, Row{951782400123, "2000-02-29T00:00:00.123Z"},
                  Row{951868800000, "2000-03-01T00:00:00.000Z"},
                  Row{1709164800999, "2024-02-29T00:00:00.999Z"},
                  Row{1767225599000, "2025-12-31T23:59:59.000Z"},
                  Row{4102444800000, "2100-01-01T00:00:00.000Z"}}) {
      CAPTURE(r.unix_ms);
      CHECK(Rfc3339(absl::FromUnixMillis(r.unix_ms)) == r.want);
    }
  }
}

}  // namespace
}  // namespace berth::log
