// SPDX-License-Identifier: MIT
// supervisor: the state machine that runs the child and decides every shutdown step; the only
// place that knows policy. It never exits the process: Main reads ExitCode() when Run ends.
//
//   kRunning --stop signal--> kDraining --drain over / 2nd stop signal--> kStopping
//      |                                                                     |
//      | child exits, leftovers alive          child exits, leftovers alive   |
//      v                                                                     v
//   kTearingDown (TERM to leftovers) <--------------------------------------+
//      |                                                                     |
//      +--------- deadline (grace, or 5 s for leftovers) --> kKilling (SIGKILL all)
//                                                               |
//   kDone <------ child reaped and no process left (or --no-teardown) -------+
#pragma once

#include <sys/signalfd.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "berth/base/error.h"
#include "berth/config/options.h"
#include "berth/loop/loop.h"
#include "berth/process/cgroup_memory.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"
#include "berth/supervisor/host.h"
#include "berth/supervisor/teardown.h"
#include "berth/supervisor/trace.h"

namespace berth::supervisor {

enum class Phase { kRunning, kDraining, kStopping, kTearingDown, kKilling, kDone };

absl::string_view PhaseName(Phase phase);

// A write of berth's own to a pipe nobody reads (its stderr's reader gone) raises SIGPIPE at
// berth, sent by the kernel as SI_USER from berth's own pid; so does SIGXFSZ past RLIMIT_FSIZE.
// Forwarded, it would kill an innocent child; logged, it would raise the next one: a loop that
// spun berth at full CPU (found by tests/integration/test_faults.py, and again with services).
// Both supervisors drop such signals without a word.
bool SentByMyself(const signalfd_siginfo& info);

class Supervisor {
 public:
  // `child` is the prepared spawn (ignored in pause mode). Loop, reaper and `host` (none: the
  // real one) outlive the supervisor.
  static base::Result<std::unique_ptr<Supervisor>> Create(const config::Options& options,
                                                          loop::Loop& loop, process::Reaper& reaper,
                                                          process::SpawnSpec child,
                                                          Host* host = nullptr);

  // Starts the child. An error is a set-up error (Main prints it and exits with
  // process::ExitCodeForSpawnError).
  base::Status Start();

  // Every signal read from the signalfd comes here.
  void OnSignal(const signalfd_siginfo& info) noexcept;

  // Starts the shutdown as the first stop signal `sig` would (for --on-unhealthy exit); berth
  // then exits `exit_code` whatever the child's status, and the summary says so.
  void RequestStop(int sig, int exit_code) noexcept;

  // berth's health verdict turned unhealthy: the summary line is due at the end.
  void NoteUnhealthy() { unhealthy_ = true; }

  // Drops the next `sig` berth receives instead of acting on it: giving up the terminal
  // (TIOCNOTTY) sends berth a SIGHUP and a SIGCONT meant for nobody (dumb-init #136).
  void IgnoreNext(int sig) { ignore_once_.Add(sig); }

  // Reports each event to `trace` too (dumb-init's -v); it must outlive the supervisor.
  void SetTrace(Trace* trace) { trace_ = trace; }

  Phase phase() const { return phase_; }
  // The exit code berth ends with; valid once phase() is kDone.
  int ExitCode() const { return exit_code_; }
  // Called after each phase change (health's /readyz goes 503 on kDraining).
  void OnPhaseChange(std::function<void(Phase)> observer) {
    observers_.push_back(std::move(observer));
  }

 private:
  Supervisor(const config::Options& options, loop::Loop& loop, process::Reaper& reaper,
             process::SpawnSpec child, Host* host);

  void SetPhase(Phase phase);
  void Forward(int sig, absl::string_view why);
  int TranslateTraced(int sig);
  void OnTerminalStop(int sig);
  void BeginShutdown(int sig);
  void ForwardStopSignal();
  pid_t TargetOf(pid_t pid) const;
  void OnChildExit(int wait_status);
  void OnOrphan(pid_t pid, int wait_status);
  void AfterReap();
  void Finish();
  bool Eventful() const;
  void LogSummary() const;

  const config::Options& options_;
  loop::Loop& loop_;
  process::Reaper& reaper_;
  process::SpawnSpec child_spec_;
  std::unique_ptr<Host> own_host_;  // the real one, when Create was given none
  Host& host_;
  std::unique_ptr<Teardown> teardown_;
  std::vector<std::function<void(Phase)>> observers_;
  signals::SignalSet ignore_once_;
  Trace* trace_ = nullptr;

  Phase phase_ = Phase::kRunning;
  pid_t child_pid_ = 0;
  std::optional<int> child_status_;
  int exit_code_ = 0;
  int stop_signal_ = 0;
  uint64_t forwarded_ = 0;
  bool child_killed_at_deadline_ = false;
  process::OomWatch oom_;  // read at construction: earlier OOM kills are not the child's
  int oom_kills_ = 0;
  bool unhealthy_ = false;
  std::optional<int> requested_exit_code_;  // RequestStop's: not the child's, not remapped
};

}  // namespace berth::supervisor
