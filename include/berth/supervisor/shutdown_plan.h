// SPDX-License-Identifier: MIT
// supervisor: the times of a shutdown, computed from when it began; pure, so it runs on a fake
// clock in tests.
#pragma once

#include <optional>

#include "absl/time/time.h"

namespace berth::supervisor {

// One budget for the whole stop, counted from the first stop signal: the drain comes out of the
// grace, and whatever is alive when the grace is spent is killed.
class ShutdownPlan {
 public:
  ShutdownPlan(absl::Time began, absl::Duration drain, std::optional<absl::Duration> grace)
      : began_(began), drain_(drain), grace_(grace) {}

  absl::Time began() const { return began_; }
  // When the stop signal goes to the child.
  absl::Time ForwardAt() const { return began_ + drain_; }
  // When everything left is SIGKILLed; nullopt means never (no --grace).
  std::optional<absl::Time> KillAt() const;
  // For leftovers found when the child exits at `now`: the kill time of the plan, or
  // `fallback` from now when the plan has none.
  absl::Time LeftoverKillAt(absl::Time now, absl::Duration fallback) const;

 private:
  absl::Time began_;
  absl::Duration drain_;
  std::optional<absl::Duration> grace_;
};

}  // namespace berth::supervisor
