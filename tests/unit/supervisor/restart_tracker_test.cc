// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/supervisor/restart_tracker.h"

namespace berth::supervisor {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

config::ServiceSpec Spec(config::RestartPolicy policy, int max_restarts = 0) {
  config::ServiceSpec s;
  s.restart = policy;
  s.restart_delay = absl::Seconds(1);
  s.restart_max_delay = absl::Seconds(5);
  s.max_restarts = max_restarts;
  s.restart_window = absl::Minutes(1);
  return s;
}

TEST_SUITE("supervisor") {
  TEST_CASE("never restarts; on-failure skips a clean exit; always restarts it") {
    config::ServiceSpec never = Spec(config::RestartPolicy::kNever);
    CHECK_FALSE(RestartTracker(never).OnExit(1, kT0).restart);
    config::ServiceSpec on_failure = Spec(config::RestartPolicy::kOnFailure);
    RestartTracker f(on_failure);
    CHECK_FALSE(f.OnExit(0, kT0).restart);
    CHECK(f.OnExit(1, kT0).restart);
    config::ServiceSpec always = Spec(config::RestartPolicy::kAlways);
    CHECK(RestartTracker(always).OnExit(0, kT0).restart);
  }

  TEST_CASE("the delay doubles up to the maximum and resets outside the window") {
    config::ServiceSpec spec = Spec(config::RestartPolicy::kOnFailure);
    RestartTracker t(spec);
    const absl::Duration want[] = {absl::Seconds(1), absl::Seconds(2), absl::Seconds(4),
                                   absl::Seconds(5), absl::Seconds(5)};
    absl::Time now = kT0;
    for (absl::Duration d : want) {
      RestartDecision r = t.OnExit(1, now);
      CHECK(r.restart);
      CHECK(r.delay == d);
      now += absl::Seconds(1);
    }
    CHECK(t.OnExit(1, now + absl::Minutes(2)).delay == absl::Seconds(1));
  }

  TEST_CASE("max_restarts within the window ends with exhausted") {
    config::ServiceSpec spec = Spec(config::RestartPolicy::kAlways, 2);
    RestartTracker t(spec);
    CHECK(t.OnExit(1, kT0).restart);
    CHECK(t.OnExit(1, kT0 + absl::Seconds(1)).restart);
    RestartDecision third = t.OnExit(1, kT0 + absl::Seconds(2));
    CHECK_FALSE(third.restart);
    CHECK(third.exhausted);
    // Once the first two restarts are out of the window, restarting is allowed again.
    CHECK(t.OnExit(1, kT0 + absl::Seconds(62)).restart);
  }
}

}  // namespace
}  // namespace berth::supervisor
