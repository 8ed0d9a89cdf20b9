// SPDX-License-Identifier: MIT
#include "berth/check/options.h"

#include <doctest/doctest.h>
#include <signal.h>

#include "absl/strings/match.h"

namespace berth::check {
namespace {

CheckOptions Must(std::vector<absl::string_view> args) {
  base::Result<CheckInvocation> inv = ParseCheckArgs(args);
  REQUIRE_MESSAGE(inv.has_value(), inv.error().message());
  REQUIRE_FALSE(inv->print);
  return inv->options;
}

std::string Error(std::vector<absl::string_view> args) {
  base::Result<CheckInvocation> inv = ParseCheckArgs(args);
  REQUIRE_FALSE(inv.has_value());
  return std::string(inv.error().message());
}

TEST_SUITE("check") {
  TEST_CASE("defaults: TERM, 10 s budget, 0 and 143, ready after 1 s") {
    CheckOptions o = Must({"app", "--flag"});
    CHECK(o.command == std::vector<std::string>{"app", "--flag"});
    CHECK(o.signals == std::vector<int>{SIGTERM});
    CHECK(o.budget == absl::Seconds(10));
    CHECK(o.expect_codes == std::vector<int>{0, 143});
    CHECK(o.ready.kind == ReadyKind::kAfter);
    CHECK(o.ready_timeout == absl::Seconds(30));
  }

  TEST_CASE("options, both spellings, and repeats") {
    CheckOptions o =
        Must({"--signal", "TERM", "--signal=QUIT", "--signal-gap=500ms", "--budget", "3s",
              "--expect-code", "2", "--ready-tcp", "127.0.0.1:80", "--berth-arg=--map=TERM:QUIT",
              "--json", "--quiet-app", "--compare-bare", "--", "app"});
    CHECK(o.signals == std::vector<int>{SIGTERM, SIGQUIT});
    CHECK(o.signal_gap == absl::Milliseconds(500));
    CHECK(o.budget == absl::Seconds(3));
    CHECK(o.expect_codes == std::vector<int>{2});
    CHECK(o.ready.kind == ReadyKind::kTcp);
    CHECK(o.berth_args == std::vector<std::string>{"--map=TERM:QUIT"});
    CHECK((o.json && o.quiet_app && o.compare_bare));
    CHECK(DescribeReady(o.ready) == "tcp 127.0.0.1:80");
  }

  TEST_CASE("usage errors") {
    CHECK(Error({}) == "no program given");
    CHECK(absl::StrContains(Error({"--nope", "app"}), "unknown option '--nope'"));
    CHECK(absl::StrContains(Error({"-x", "app"}), "unknown option '-x'"));
    CHECK(absl::StrContains(Error({"--signal", "NOPE", "app"}), "not a valid signal"));
    CHECK(absl::StrContains(Error({"--budget", "0", "app"}), "more than zero"));
    CHECK(absl::StrContains(Error({"--ready-tcp", "127.0.0.1:1", "--ready-log", "y", "app"}),
                            "one of"));
    CHECK(absl::StrContains(Error({"--ready-tcp", "example..com:80", "app"}), "HOST:PORT"));
    CHECK(absl::StrContains(Error({"--ready-tcp", "127.0.0.1:0", "app"}), "port 1-65535"));
    CHECK(absl::StrContains(Error({"--ready-tcp", "127.0.0.1", "app"}), "HOST:PORT"));
    CHECK(absl::StrContains(Error({"--ready-http", "https://x/", "app"}), "https"));
    CHECK(absl::StrContains(Error({"--ready-http", "tcp://x:1", "app"}), "http://"));
    CHECK(absl::StrContains(Error({"--ready-log", "(", "app"}), "regular expression"));
    CHECK(absl::StrContains(Error({"--expect-code", "256", "app"}), "0 to 255"));
    CHECK(absl::StrContains(Error({"--json=1", "app"}), "takes no value"));
    CHECK(absl::StrContains(Error({"--budget"}), "needs a value"));
  }

  TEST_CASE("--help prints every option") {
    base::Result<CheckInvocation> inv = ParseCheckArgs({"--help"});
    REQUIRE(inv.has_value());
    CHECK(inv->print);
    for (const char* o : {"--ready-http", "--ready-tcp", "--ready-log", "--ready-after",
                          "--ready-timeout", "--signal", "--signal-gap", "--budget",
                          "--expect-code", "--compare-bare", "--json", "--quiet-app"}) {
      CHECK(absl::StrContains(inv->text, o));
    }
  }
}

}  // namespace
}  // namespace berth::check
