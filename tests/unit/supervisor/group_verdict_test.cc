// SPDX-License-Identifier: MIT
#include "berth/supervisor/group_verdict.h"

#include <doctest/doctest.h>

namespace berth::supervisor {
namespace {

// A service that counts for both verdicts and passes both: essential, running, ready, healthy.
ServiceStatus Good(const char* name) {
  return ServiceStatus{name, "running", true, true, true, false, 0, std::nullopt};
}

TEST_SUITE("supervisor") {
  TEST_CASE("no service: live and ready, an empty list") {
    GroupVerdict v = JudgeGroup({});
    CHECK(v.live);
    CHECK(v.ready);
    CHECK(v.services_json == "[]");
  }

  TEST_CASE("every service running, ready and healthy: live and ready") {
    GroupVerdict v = JudgeGroup({Good("web"), Good("worker")});
    CHECK(v.live);
    CHECK(v.ready);
  }

  TEST_CASE("readiness: any service not ready makes the group not ready, unless it is left down") {
    ServiceStatus starting = Good("db");
    starting.state = "starting";
    starting.ready = false;
    GroupVerdict v = JudgeGroup({Good("web"), starting});
    CHECK_FALSE(v.ready);
    CHECK(v.live);  // still coming up: a liveness probe must not kill the container

    ServiceStatus waiting = Good("web");
    waiting.state = "waiting";
    waiting.ready = false;
    waiting.essential = false;
    CHECK_FALSE(JudgeGroup({waiting}).ready);

    ServiceStatus left_down = Good("cron");
    left_down.state = "exited";
    left_down.essential = false;
    left_down.ready = false;
    left_down.left_down = true;
    v = JudgeGroup({Good("web"), left_down});
    CHECK(v.ready);
    CHECK(v.live);  // not essential: its end is no reason to restart the container
  }

  TEST_CASE("a finished one-shot that is ready keeps the group ready") {
    ServiceStatus done = Good("migrate");
    done.state = "exited";
    done.essential = false;
    done.last_exit = 0;
    GroupVerdict v = JudgeGroup({Good("web"), done});
    CHECK(v.ready);
    CHECK(v.live);
  }

  TEST_CASE(
      "liveness: an essential service gone or unhealthy fails it; a non-essential one does not") {
    struct Row {
      const char* state;
      bool essential;
      bool healthy;
      bool live;
    };
    // clang-format off
    const Row rows[] = {
        {"exited",     true,  true,  false},
        {"running",    true,  false, false},
        {"exited",     false, true,  true},
        {"running",    false, false, true},
        {"restarting", true,  true,  true},
        {"waiting",    true,  true,  true},
        {"starting",   true,  true,  true},
    };
    // clang-format on
    for (const Row& r : rows) {
      CAPTURE(r.state);
      CAPTURE(r.essential);
      CAPTURE(r.healthy);
      ServiceStatus s = Good("app");
      s.state = r.state;
      s.essential = r.essential;
      s.healthy = r.healthy;
      CHECK(JudgeGroup({Good("web"), s}).live == r.live);
    }
  }

  TEST_CASE("the services' JSON lists each in order, escaped, with its last exit or null") {
    ServiceStatus restarted = Good("a\"b");
    restarted.state = "restarting";
    restarted.ready = false;
    restarted.healthy = false;
    restarted.restarts = 3;
    restarted.last_exit = 137;
    GroupVerdict v = JudgeGroup({Good("web"), restarted});
    CHECK(v.services_json ==
          "[{\"name\":\"web\",\"state\":\"running\",\"ready\":true,\"healthy\":true,"
          "\"restarts\":0,\"last_exit\":null},"
          "{\"name\":\"a\\\"b\",\"state\":\"restarting\",\"ready\":false,\"healthy\":false,"
          "\"restarts\":3,\"last_exit\":137}]");
  }
}

}  // namespace
}  // namespace berth::supervisor
