// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/signals/map.h"

namespace berth::signals {
namespace {

TEST_SUITE("signals") {
  TEST_CASE("ParseMapRule takes names, numbers and drops") {
    struct Row {
      const char* text;
      int from;
      int to;
    };
    for (Row r : {Row{"TERM:QUIT", SIGTERM, SIGQUIT}, Row{"15:3", 15, 3},
                  Row{"HUP:-", SIGHUP, SignalMap::kDrop}, Row{"1:0", 1, SignalMap::kDrop},
                  Row{"SIGUSR1:sigusr2", SIGUSR1, SIGUSR2}}) {
      CAPTURE(r.text);
      base::Result<MapRule> rule = ParseMapRule(r.text);
      REQUIRE(rule.has_value());
      CHECK(rule->from == r.from);
      CHECK(rule->to == r.to);
    }
  }

  TEST_CASE("ParseMapRule refuses bad rules with a message") {
    for (const char* text : {"TERM", "TERM:", ":QUIT", "FOO:QUIT", "TERM:BAR", "99:1", "1:99",
                             "KILL:TERM", "STOP:CONT", "CHLD:-", "SEGV:TERM", "TTIN:HUP", "9:15"}) {
      CAPTURE(text);
      base::Result<MapRule> rule = ParseMapRule(text);
      CHECK_FALSE(rule.has_value());
      CHECK(rule.error().message().find("bad signal map") != absl::string_view::npos);
    }
  }

  TEST_CASE("SignalMap translates and drops") {
    SignalMap map;
    CHECK(map.IsIdentity());
    map.Set(SIGTERM, SIGQUIT);
    map.Set(SIGHUP, SignalMap::kDrop);
    CHECK_FALSE(map.IsIdentity());
    CHECK(map.Translate(SIGTERM) == SIGQUIT);
    CHECK(map.Translate(SIGHUP) == SignalMap::kDrop);
    CHECK(map.Translate(SIGUSR1) == SIGUSR1);
  }
}

}  // namespace
}  // namespace berth::signals
