// SPDX-License-Identifier: MIT
#include "berth/supervisor/restart_tracker.h"

#include <algorithm>

namespace berth::supervisor {

RestartDecision RestartTracker::OnExit(int exit_code, absl::Time now) {
  using config::RestartPolicy;
  RestartDecision d;
  if (spec_.restart == RestartPolicy::kNever ||
      (spec_.restart == RestartPolicy::kOnFailure && exit_code == 0)) {
    return d;
  }
  while (!recent_.empty() && recent_.front() <= now - spec_.restart_window) recent_.pop_front();
  if (spec_.max_restarts > 0 && static_cast<int>(recent_.size()) >= spec_.max_restarts) {
    d.exhausted = true;
    return d;
  }
  absl::Duration delay = spec_.restart_delay;
  for (size_t i = 0; i < recent_.size() && delay < spec_.restart_max_delay; ++i) delay *= 2;
  d.restart = true;
  d.delay = std::min(delay, spec_.restart_max_delay);
  recent_.push_back(now);
  return d;
}

}  // namespace berth::supervisor
