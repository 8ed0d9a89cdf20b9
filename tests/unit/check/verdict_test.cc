// SPDX-License-Identifier: MIT
#include "berth/check/verdict.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include "absl/strings/match.h"
#include "berth/check/report.h"

namespace berth::check {
namespace {

absl::Duration Ms(int ms) { return absl::Milliseconds(ms); }
int Exited(int code) { return code << 8; }  // a wait status, as WEXITSTATUS reads it
int Signaled(int sig) { return sig; }

// Ready at 100 ms, TERM at 100 ms; the caller fills in the rest.
Timeline Ready() {
  Timeline t;
  t.command = {"app"};
  t.ready_how = "after 100ms";
  t.ready_timeout = absl::Seconds(30);
  t.ready_at = Ms(100);
  t.signals = {{SIGTERM, Ms(100)}};
  return t;
}

bool Has(const std::vector<std::string>& v, absl::string_view part) {
  for (const std::string& s : v) {
    if (absl::StrContains(s, part)) return true;
  }
  return false;
}

TEST_SUITE("check") {
  TEST_CASE("a clean, quick exit on TERM passes") {
    Timeline t = Ready();
    t.main_exit = Ms(105);
    t.container_exit = Ms(107);
    t.wait_status = Exited(0);
    Verdict v = Judge(t, Criteria{});
    CHECK(v.pass);
    CHECK(v.failures.empty());
    CHECK(v.warnings.empty());
    REQUIRE(v.reactions.size() == 1);
    CHECK(*v.reactions[0].exit_after == Ms(5));
    CHECK(*v.shutdown == Ms(7));
    CHECK(*v.exit_code == 0);
    CHECK(v.exit_meaning == "clean exit");
  }

  TEST_CASE("exit codes: 143 passes by default, others fail unless expected") {
    struct Case {
      int status;
      std::vector<int> expect;
      bool pass;
      const char* meaning;
    };
    const Case cases[] = {
        {Exited(143), {0, 143}, true, "128+15: ended by SIGTERM"},
        {Exited(1), {0, 143}, false, "exit code 1: an error"},
        {Exited(1), {1}, true, "exit code 1: an error"},
        {Exited(130), {0, 143}, false, "128+2: ended by SIGINT"},
        {Signaled(SIGTERM), {0, 143}, true, "killed by SIGTERM"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.status);
      Timeline t = Ready();
      t.main_exit = t.container_exit = Ms(110);
      t.wait_status = c.status;
      Verdict v = Judge(t, Criteria{absl::Seconds(10), c.expect});
      CHECK(v.pass == c.pass);
      CHECK(v.exit_meaning == c.meaning);
      CHECK(Has(v.failures, "is not") == !c.pass);
    }
  }

  TEST_CASE("an ignored TERM killed at the budget fails twice over") {
    Timeline t = Ready();
    t.budget_kill_at = Ms(10100);
    t.killed_at_budget = {"app --ignore TERM"};
    t.main_exit = Ms(10102);
    t.container_exit = Ms(10103);
    t.wait_status = Signaled(SIGKILL);
    Verdict v = Judge(t, Criteria{});
    CHECK_FALSE(v.pass);
    CHECK(Has(v.failures, "did not exit on SIGTERM"));
    CHECK(Has(v.failures, "still running at the 10s budget; SIGKILLed: app --ignore TERM"));
    CHECK_FALSE(Has(v.failures, "is not"));  // the budget says it
    CHECK_FALSE(v.reactions[0].exit_after.has_value());
    CHECK(v.exit_meaning == "SIGKILLed by berth check at the budget");
  }

  TEST_CASE("a stop slower than the budget fails even without a kill") {
    Timeline t = Ready();
    t.main_exit = Ms(2100);
    t.container_exit = Ms(2100);
    Verdict v = Judge(t, Criteria{absl::Seconds(1), {0}});
    CHECK_FALSE(v.pass);
    CHECK(Has(v.failures, "the stop took 2s, over the 1s budget"));
  }

  TEST_CASE("a sequence: the first signal ignored is a warning when the second works") {
    Timeline t = Ready();
    t.signals.push_back({SIGQUIT, Ms(2100)});
    t.main_exit = Ms(2110);
    t.container_exit = Ms(2111);
    Verdict v = Judge(t, Criteria{});
    CHECK(v.pass);
    CHECK(Has(v.warnings, "did not exit on SIGTERM"));
    REQUIRE(v.reactions.size() == 2);
    CHECK_FALSE(v.reactions[0].exit_after.has_value());
    CHECK(*v.reactions[1].exit_after == Ms(10));
    CHECK(*v.main_exit_after == Ms(2010));
  }

  TEST_CASE("leftovers warn; berth's own SIGKILL fails") {
    Timeline t = Ready();
    t.main_exit = Ms(105);
    t.container_exit = Ms(200);
    t.leftovers = {{7, "daemon", Ms(105), Ms(190)}};
    Verdict v = Judge(t, Criteria{});
    CHECK(v.pass);
    CHECK(Has(v.warnings, "1 process(es) outlived the main process: daemon (gone 85ms after"));
    t.killed_by_berth = {"daemon"};
    v = Judge(t, Criteria{});
    CHECK_FALSE(v.pass);
    CHECK(Has(v.failures, "berth had to SIGKILL at its deadline: daemon"));
  }

  TEST_CASE("zombies warn only when they last") {
    Timeline t = Ready();
    t.main_exit = t.container_exit = Ms(3000);
    t.zombies = {{8, "[sh]", Ms(50), Ms(100)}};
    CHECK(Judge(t, Criteria{}).warnings.empty());
    t.zombies.push_back({9, "[sh]", Ms(50), Ms(2000)});
    CHECK(Has(Judge(t, Criteria{}).warnings, "1 zombie(s) left unreaped"));
  }

  TEST_CASE("readiness: a timeout, or an exit before it") {
    Timeline t;
    t.ready_how = "tcp 127.0.0.1:1";
    t.ready_timeout = absl::Seconds(1);
    t.ready_timed_out = true;
    Verdict v = Judge(t, Criteria{});
    CHECK_FALSE(v.pass);
    CHECK(v.failures == std::vector<std::string>{"not ready within 1s (tcp 127.0.0.1:1)"});

    Timeline e;
    e.ready_how = "after 1s";
    e.container_exit = Ms(20);
    e.wait_status = Exited(127);
    v = Judge(e, Criteria{});
    CHECK_FALSE(v.pass);
    CHECK(Has(v.failures, "exited before it was ready (after 1s): exit code 127"));
  }

  TEST_CASE("an exit before the signal fails") {
    Timeline t = Ready();
    t.main_exit = Ms(90);
    t.ready_at = Ms(50);
    t.container_exit = Ms(95);
    CHECK(Has(Judge(t, Criteria{}).failures, "exited on its own before the stop signal"));
  }

  TEST_CASE("the report shows the figures, in text and JSON") {
    Timeline t = Ready();
    t.main_exit = Ms(105);
    t.container_exit = Ms(107);
    t.wait_status = Exited(143);
    const Criteria c;
    const Verdict v = Judge(t, c);
    const Result r{&t, &v};
    const std::string text = RenderText(r, nullptr, c);
    CHECK(absl::StrContains(text, "exited 5ms after SIGTERM"));
    CHECK(absl::StrContains(text, "stop took   7ms (budget 10s)"));
    CHECK(absl::StrContains(text, "verdict     PASS"));
    const std::string json = RenderJson(r, &r, c);
    CHECK(absl::StrContains(json, R"("verdict":"pass")"));
    CHECK(absl::StrContains(json, R"("exit_after_ms":5)"));
    CHECK(absl::StrContains(json, R"("shutdown_ms":7)"));
    CHECK(absl::StrContains(json, R"("bare":{"verdict":"pass")"));
  }

  TEST_CASE("durations read short") {
    CHECK(FormatShort(Ms(7)) == "7ms");
    CHECK(FormatShort(absl::Seconds(10)) == "10s");
    CHECK(FormatShort(Ms(2345)) == "2.35s");
  }
}

}  // namespace
}  // namespace berth::check
