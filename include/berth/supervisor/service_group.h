// SPDX-License-Identifier: MIT
// supervisor: runs the services of a --config file side by side on the one loop: starts them in
// `after` order as each dependency becomes ready, restarts them by their policy, and ends the
// container when an essential one exits, stopping the rest in reverse start order within one
// grace. Main picks this or the single-child Supervisor; both end through one Teardown (drain,
// deadline, leftovers, SIGKILL sweep, exit code).
#pragma once

#include <sys/signalfd.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "berth/base/error.h"
#include "berth/config/options.h"
#include "berth/config/service_file.h"
#include "berth/loop/loop.h"
#include "berth/process/cgroup_memory.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"
#include "berth/supervisor/host.h"
#include "berth/supervisor/teardown.h"

namespace berth::supervisor {

class Service;

//   running --stop signal, drain > 0--> draining --drain over--> stopping --all reaped--> done
//      \--stop signal, essential exit, max_restarts, RequestStop------^
enum class GroupPhase { kRunning, kDraining, kStopping, kDone };

// One service as /healthz and /readyz list it.
struct ServiceStatus {
  std::string name;
  const char* state;  // "waiting", "starting", "running", "restarting", "exited"
  bool essential;
  bool ready;
  bool healthy;  // its own `health` check (none: true)
  bool left_down;  // exited for good and not essential: no longer counts for readiness
  int restarts;
  std::optional<int> last_exit;
};

class ServiceGroup {
 public:
  // `spawns` (one per spec, same order) carry what each service's spawn restores (signal mask,
  // TTIN/TTOU), its privilege steps and the environment it starts from (none: berth's), to
  // which the service's own `env` is added. `prefix` puts "name | " before each output line.
  // The teardown runs on `host` (none: the real one), which outlives the group.
  static base::Result<std::unique_ptr<ServiceGroup>> Create(const config::Options& options,
                                                            loop::Loop& loop,
                                                            process::Reaper& reaper,
                                                            std::vector<config::ServiceSpec> specs,
                                                            std::vector<process::SpawnSpec> spawns,
                                                            bool prefix, Host* host = nullptr);
  ~ServiceGroup();

  // Starts every service that waits for nobody. An error is a set-up error.
  base::Status Start();
  void OnSignal(const signalfd_siginfo& info) noexcept;
  // Valid once the loop has stopped.
  int ExitCode() const { return exit_code_.value_or(0); }

  // Stops everything (reverse order, grace) and exits `exit_code` (--on-unhealthy exit).
  void RequestStop(int exit_code, absl::string_view why);

  // Something berth did or saw that its closing line must report (a restart, a stop signal,
  // a health verdict): without one, and without -v, berth ends quietly.
  void NoteEvent() { eventful_ = true; }

  GroupPhase phase() const { return phase_; }
  std::vector<ServiceStatus> Statuses() const;
  // Called after anything Statuses() or phase() shows may have changed.
  void OnChange(std::function<void()> observer) { observer_ = std::move(observer); }

  // For Service: its process ended, it became ready, or its health changed.
  void OnServiceExit(Service& s, int wait_status);
  void OnServiceReady(Service& s);
  void OnServiceChanged();
  // `s` passed its `ready.timeout` without being ready: the container cannot come up; `why`
  // says so. Stops everything and exits 1.
  void OnReadyTimeout(Service& s, absl::string_view why);
  // The services not started yet because they wait for `s` to be ready, comma separated.
  std::string WaitingOn(const Service& s) const;

 private:
  ServiceGroup(const config::Options& options, loop::Loop& loop, process::Reaper& reaper,
               Host* host);

  void StartReady();
  void OnStopSignal(int sig);
  void EndContainer(std::optional<int> code, absl::string_view why);
  void StopNext();
  // Sends `sig` to `s` (its process group with --target group); false when nothing got it.
  bool Signal(const Service& s, int sig);
  pid_t Target(const Service& s) const;
  void AfterReap();
  bool NothingLeft() const;

  const config::Options& options_;
  loop::Loop& loop_;
  process::Reaper& reaper_;
  std::vector<std::unique_ptr<Service>> services_;  // in start order
  std::unique_ptr<Host> own_host_;                  // the real one, when Create was given none
  Host& host_;
  std::unique_ptr<Teardown> teardown_;
  std::function<void()> observer_;
  GroupPhase phase_ = GroupPhase::kRunning;
  bool stopping_ = false;
  std::vector<const Service*> wait_said_;  // services whose wait for `after` was logged
  bool eventful_ = false;
  uint64_t start_seq_ = 0;
  std::optional<int> exit_code_;
  process::OomWatch oom_;  // read at construction: earlier OOM kills are not the services'
  std::optional<int> requested_exit_code_;  // RequestStop's: not a service's, not remapped
};

}  // namespace berth::supervisor
