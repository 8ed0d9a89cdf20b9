// SPDX-License-Identifier: MIT
// supervisor: one service's life inside a ServiceGroup: spawn with its env, workdir and output
// relay, its readiness, its restarts. The group decides what an exit means for the container.
#pragma once

#include <regex.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "berth/base/error.h"
#include "berth/config/service_file.h"
#include "berth/health/checker.h"
#include "berth/health/state.h"
#include "berth/loop/timer.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"
#include "berth/supervisor/output_relay.h"
#include "berth/supervisor/restart_tracker.h"

namespace berth::supervisor {

class ServiceGroup;

class Service {
 public:
  static base::Result<std::unique_ptr<Service>> Create(ServiceGroup& group, loop::Loop& loop,
                                                       process::Reaper& reaper,
                                                       config::ServiceSpec spec,
                                                       const process::SpawnSpec& base, bool prefix);
  ~Service();

  base::Status Spawn();
  // The restart timer: spawns again after `delay`.
  void ScheduleRestart(absl::Duration delay);
  void CancelRestart();
  void StopReadiness();

  const config::ServiceSpec& spec() const { return spec_; }
  RestartTracker& tracker() { return tracker_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  bool ready() const { return ready_; }
  // Its own `health` check has not failed `retries` times in a row (no check: true).
  bool healthy() const { return !health_state_ || !health_state_->Unhealthy(); }
  int restarts() const { return restarts_; }
  std::optional<int> last_exit() const { return last_exit_; }
  // "waiting" (for `after`), "starting" (runs, its `ready` has yet to pass), "running",
  // "restarting" or "exited".
  const char* StateName() const;
  bool started_once() const { return started_once_; }
  bool restart_pending() const { return restart_timer_->Armed(); }
  void MarkReady();
  uint64_t start_seq = 0;  // order of the last start, for the reverse stop
  bool done = false;       // will not run again

 private:
  Service(ServiceGroup& group, loop::Loop& loop, process::Reaper& reaper, config::ServiceSpec spec)
      : group_(group), loop_(loop), reaper_(reaper), spec_(std::move(spec)), tracker_(spec_) {}
  void OnLine(absl::string_view line);
  void OnExit(int wait_status);
  base::Status CreateReadyCheck(const process::SpawnSpec& base);
  base::Status CreateHealthCheck(const process::SpawnSpec& base);
  void OnHealthResult(bool ok, absl::string_view detail);
  bool AwaitsReadiness() const;
  void ArmReadyWatch();
  void OnReadyWatch();

  ServiceGroup& group_;
  loop::Loop& loop_;
  process::Reaper& reaper_;
  config::ServiceSpec spec_;
  RestartTracker tracker_;
  process::SpawnSpec spawn_;
  std::unique_ptr<OutputRelay> relay_;
  std::unique_ptr<loop::Timer> restart_timer_;
  std::unique_ptr<health::Checker> ready_check_;
  // While a started service is not ready: a notice at a backoff, and its `ready.timeout`.
  std::unique_ptr<loop::Timer> ready_watch_;
  absl::Time started_at_;
  absl::Duration next_report_;  // since started_at_
  std::string ready_detail_;    // the last failed ready check's reason
  std::optional<regex_t> ready_regex_;
  std::unique_ptr<health::Checker> health_check_;
  health::CheckPolicy health_policy_;
  std::optional<health::State> health_state_;  // from the first spawn on, anew at each
  int restarts_ = 0;
  std::optional<int> last_exit_;
  pid_t pid_ = 0;
  bool ready_ = false;
  bool started_once_ = false;
};

}  // namespace berth::supervisor
