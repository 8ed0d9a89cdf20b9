// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>

#include "berth/health/state.h"

namespace berth::health {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

bool Has(const std::string& body, const std::string& part) {
  return body.find(part) != std::string::npos;
}

TEST_SUITE("health") {
  TEST_CASE("without a check: live and ready at once, not ready once stopping") {
    State s({false, 3, absl::ZeroDuration()}, kStart);
    CHECK(s.Live());
    CHECK(s.Ready());
    CHECK(s.ready_body() == "{\"status\":\"ok\",\"phase\":\"running\"}\n");
    s.SetLife(Life::kDraining);
    CHECK(s.Live());
    CHECK_FALSE(s.Ready());
    CHECK(Has(s.ready_body(), "\"status\":\"draining\""));
    s.SetLife(Life::kStopping);
    CHECK_FALSE(s.Ready());
    s.SetLife(Life::kExited);
    CHECK_FALSE(s.Live());
    CHECK(s.live_body() == "{\"status\":\"exited\",\"phase\":\"exited\"}\n");
  }

  TEST_CASE("with a check: starting, ready, unhealthy after retries, recovering") {
    State s({true, 2, absl::ZeroDuration()}, kStart);
    CHECK(s.Live());
    CHECK_FALSE(s.Ready());
    CHECK(Has(s.ready_body(), "\"status\":\"starting\""));
    CHECK(s.Record(true, "status 200", kStart + absl::Seconds(1)) == State::Change::kNone);
    CHECK(s.Ready());
    CHECK(Has(s.live_body(),
              "\"check\":{\"ok\":true,\"detail\":\"status 200\","
              "\"at\":\"2023-11-14T22:13:21.000Z\",\"failures\":0}"));
    CHECK(s.Record(false, "status 500", kStart + absl::Seconds(2)) == State::Change::kNone);
    CHECK(s.Live());
    CHECK(s.Ready());
    CHECK(s.Record(false, "say \"no\"", kStart + absl::Seconds(3)) ==
          State::Change::kBecameUnhealthy);
    CHECK_FALSE(s.Live());
    CHECK_FALSE(s.Ready());
    CHECK(Has(s.live_body(), "\"detail\":\"say \\\"no\\\"\""));
    CHECK(Has(s.ready_body(), "\"status\":\"unhealthy\""));
    CHECK(s.Record(false, "status 500", kStart + absl::Seconds(4)) == State::Change::kNone);
    CHECK(s.Record(true, "status 200", kStart + absl::Seconds(5)) == State::Change::kRecovered);
    CHECK(s.Live());
    CHECK(s.Ready());
  }

  TEST_CASE("failures inside the start period count only after a pass") {
    State s({true, 1, absl::Seconds(10)}, kStart);
    CHECK(s.Record(false, "refused", kStart + absl::Seconds(1)) == State::Change::kNone);
    CHECK(s.failures() == 0);
    CHECK(s.Live());
    CHECK(s.Record(true, "ok", kStart + absl::Seconds(2)) == State::Change::kNone);
    CHECK(s.Record(false, "refused", kStart + absl::Seconds(3)) ==
          State::Change::kBecameUnhealthy);

    State late({true, 1, absl::Seconds(10)}, kStart);
    CHECK(late.Record(false, "refused", kStart + absl::Seconds(10)) ==
          State::Change::kBecameUnhealthy);
  }

  TEST_CASE("several services: the group's verdict and list fold into both answers") {
    State s({false, 3, absl::ZeroDuration()}, kStart);
    s.SetGroup(true, false, "[{\"name\":\"web\"}]");
    CHECK(s.Live());
    CHECK_FALSE(s.Ready());
    CHECK(s.ready_body() ==
          "{\"status\":\"starting\",\"phase\":\"running\",\"services\":[{\"name\":\"web\"}]}\n");
    s.SetGroup(false, true, "[]");
    CHECK_FALSE(s.Live());
    CHECK_FALSE(s.Ready());
    CHECK(Has(s.live_body(), "\"status\":\"unhealthy\""));
    CHECK(Has(s.ready_body(), "\"status\":\"unhealthy\""));
    s.SetGroup(true, true, "[]");
    CHECK(s.Ready());
  }
}

}  // namespace
}  // namespace berth::health
