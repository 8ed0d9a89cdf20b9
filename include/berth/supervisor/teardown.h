// SPDX-License-Identifier: MIT
// supervisor: the stop and the end of every run, one program's or a group of services': the
// drain, the deadline, SIGTERM to the leftovers with SIGCONT to the stopped ones, the SIGKILL
// sweep (kill(-1) as PID 1), and the one exit-code rule. Its owner says when a stop signal came
// and when only leftovers remain; it knows no child and no service.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"
#include "berth/config/options.h"
#include "berth/process/descendants.h"
#include "berth/supervisor/host.h"
#include "berth/supervisor/kill_list.h"
#include "berth/supervisor/shutdown_plan.h"

namespace berth::supervisor {

class Teardown {
 public:
  // `on_drained` runs when the drain is over (the owner then stops its child or services);
  // `on_deadline` when the deadline passes, just before the SIGKILL sweep. `options` (for
  // --grace, --drain and -e) and `host` outlive the teardown.
  static base::Result<std::unique_ptr<Teardown>> Create(const config::Options& options, Host& host,
                                                        std::function<void()> on_drained,
                                                        std::function<void()> on_deadline);

  // The stop began now (later calls change nothing): the grace counts from here, and with one
  // the deadline is armed for it. Returns the plan.
  const ShutdownPlan& Begin();
  // A stop signal `sig` while the owner still runs: the first begins the stop and the drain
  // (none: on_drained at once); one during the drain ends it at once.
  void OnStopSignal(int sig);
  // Ends the drain early, without on_drained (the child or a service ended the run first).
  void EndDrain();
  bool draining() const { return drain_->Armed(); }
  // How long the drain was, once it is over.
  std::optional<absl::Duration> drained() const { return drained_; }
  // Sends SIGTERM to every process berth still answers for, and SIGCONT after it to each stopped
  // one (a stopped process keeps the SIGTERM pending until the deadline, or for ever without
  // one). The deadline: the stop's, else the grace (5 s without one) from now. Logs "`gone`;
  // sent SIGTERM to N leftover process(es)". Once per run; after the deadline, the SIGKILL sweep
  // again instead (call it after each reap that leaves processes behind).
  void TerminateLeftovers(absl::string_view gone);
  // The SIGKILL sweep: every process berth answers for, each named in the log (KillList), then
  // kill(-1) as PID 1.
  void KillEverything();

  // kill(target, sig): 0, or its errno. ESRCH (gone already) is quiet, any other is logged.
  int Send(pid_t target, int sig);
  // SIGCONT to `target` when `pid` is stopped, so it can act on the signal it was just sent.
  void ContinueIfStopped(pid_t pid, pid_t target);

  // The exit code berth ends with, from `code` (the child's or the deciding service's, through
  // ExitCodeFromWaitStatus): 0 when -e names it, `requested` (--on-unhealthy exit) above all.
  int ExitCode(int code, std::optional<int> requested) const;

  const std::optional<ShutdownPlan>& plan() const { return plan_; }
  bool killing() const { return killing_; }
  bool leftovers_terminated() const { return leftovers_terminated_; }
  const std::vector<process::ProcessInfo>& terminated() const { return terminated_; }
  const KillList& killed() const { return killed_; }

 private:
  Teardown(const config::Options& options, Host& host) : options_(options), host_(host) {}
  void ArmDeadline(absl::Time at);
  void OnDeadline();

  const config::Options& options_;
  Host& host_;
  std::unique_ptr<Alarm> drain_;
  std::unique_ptr<Alarm> deadline_;
  std::function<void()> on_drained_;
  std::function<void()> on_deadline_;
  std::optional<absl::Duration> drained_;
  std::optional<ShutdownPlan> plan_;
  bool leftovers_terminated_ = false;
  bool killing_ = false;
  std::vector<process::ProcessInfo> terminated_;  // leftovers sent SIGTERM
  KillList killed_;                               // sent SIGKILL at the deadline
};

}  // namespace berth::supervisor
