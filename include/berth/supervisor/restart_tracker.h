// SPDX-License-Identifier: MIT
// supervisor: decides whether and when a service that exited starts again (restart policy,
// exponential backoff, max_restarts within a window); pure, driven by the times it is given.
#pragma once

#include <deque>

#include "absl/time/time.h"
#include "berth/config/service_file.h"

namespace berth::supervisor {

struct RestartDecision {
  bool restart = false;
  bool exhausted = false;  // the policy wanted a restart, but max_restarts ran out
  absl::Duration delay;
};

class RestartTracker {
 public:
  explicit RestartTracker(const config::ServiceSpec& spec) : spec_(spec) {}

  // The service exited with `exit_code` at `now`. The delay doubles with each restart inside the
  // window (restart_delay, 2x, 4x ... up to restart_max_delay); restarts that left the window no
  // longer count, so a service that stays up earns its short delay back.
  RestartDecision OnExit(int exit_code, absl::Time now);

 private:
  const config::ServiceSpec& spec_;
  std::deque<absl::Time> recent_;  // restart times inside the window
};

}  // namespace berth::supervisor
