// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/supervisor/shutdown_plan.h"

namespace berth::supervisor {
namespace {

// A fixed instant stands in for the clock: the plan is pure arithmetic on it.
const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

TEST_SUITE("supervisor") {
  TEST_CASE("the drain comes out of the grace: one budget from the first stop signal") {
    ShutdownPlan plan(kT0, absl::Seconds(1), absl::Seconds(3));
    CHECK(plan.ForwardAt() == kT0 + absl::Seconds(1));
    REQUIRE(plan.KillAt().has_value());
    CHECK(*plan.KillAt() == kT0 + absl::Seconds(3));
  }

  TEST_CASE("no grace means no kill time; no drain forwards at once") {
    ShutdownPlan plan(kT0, absl::ZeroDuration(), std::nullopt);
    CHECK(plan.ForwardAt() == kT0);
    CHECK_FALSE(plan.KillAt().has_value());
  }

  TEST_CASE("leftovers get the plan's deadline, else the fallback from when the child exited") {
    const absl::Time exit_at = kT0 + absl::Seconds(2);
    ShutdownPlan with_grace(kT0, absl::ZeroDuration(), absl::Seconds(10));
    CHECK(with_grace.LeftoverKillAt(exit_at, absl::Seconds(5)) == kT0 + absl::Seconds(10));
    ShutdownPlan without(kT0, absl::ZeroDuration(), std::nullopt);
    CHECK(without.LeftoverKillAt(exit_at, absl::Seconds(5)) == exit_at + absl::Seconds(5));
  }
}

}  // namespace
}  // namespace berth::supervisor
