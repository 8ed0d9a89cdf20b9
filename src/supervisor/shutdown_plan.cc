// SPDX-License-Identifier: MIT
#include "berth/supervisor/shutdown_plan.h"

namespace berth::supervisor {

std::optional<absl::Time> ShutdownPlan::KillAt() const {
  if (!grace_) return std::nullopt;
  return began_ + *grace_;
}

absl::Time ShutdownPlan::LeftoverKillAt(absl::Time now, absl::Duration fallback) const {
  std::optional<absl::Time> kill_at = KillAt();
  return kill_at ? *kill_at : now + fallback;
}

}  // namespace berth::supervisor
