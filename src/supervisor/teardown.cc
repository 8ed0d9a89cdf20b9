// SPDX-License-Identifier: MIT
#include "berth/supervisor/teardown.h"

#include <signal.h>

#include <cerrno>
#include <cstring>

#include "berth/base/error.h"
#include "berth/log/log.h"
#include "berth/signals/signal.h"

namespace berth::supervisor {

base::Result<std::unique_ptr<Teardown>> Teardown::Create(const config::Options& options, Host& host,
                                                         std::function<void()> on_drained,
                                                         std::function<void()> on_deadline) {
  std::unique_ptr<Teardown> t(new Teardown(options, host));
  Teardown* raw = t.get();
  t->on_drained_ = std::move(on_drained);
  t->on_deadline_ = std::move(on_deadline);
  BERTH_ASSIGN_OR_RETURN(t->drain_, host.NewAlarm([raw] {
    log::Info("drain of {} over", absl::FormatDuration(raw->options_.drain));
    raw->drained_ = raw->options_.drain;
    raw->on_drained_();
  }));
  BERTH_ASSIGN_OR_RETURN(t->deadline_, host.NewAlarm([raw] { raw->OnDeadline(); }));
  return t;
}

const ShutdownPlan& Teardown::Begin() {
  if (plan_) return *plan_;
  const ShutdownPlan& plan = plan_.emplace(host_.Now(), options_.drain, options_.grace);
  if (std::optional<absl::Time> kill_at = plan.KillAt()) ArmDeadline(*kill_at);
  return plan;
}

void Teardown::OnStopSignal(int sig) {
  if (draining()) {
    log::Info("second stop signal {} during the drain: stopping now", signals::SignalName(sig));
    EndDrain();
    on_drained_();
    return;
  }
  const ShutdownPlan& plan = Begin();
  if (options_.drain <= absl::ZeroDuration()) {
    on_drained_();
  } else if (base::Status s = drain_->Arm(plan.ForwardAt()); !s.has_value()) {
    log::Error("{}: stopping at once", s.error().message());
    on_drained_();
  }
}

// A second stop signal or the end of the run cuts the drain short: the summary says how long it
// really was.
void Teardown::EndDrain() {
  if (!draining() || !plan_) return;  // a drain is armed only once the plan is made
  drain_->Disarm();
  drained_ = absl::Trunc(host_.Now() - plan_->began(), absl::Milliseconds(1));
}

void Teardown::TerminateLeftovers(absl::string_view gone) {
  if (killing_) KillEverything();  // something was born after the last sweep
  if (leftovers_terminated_ || killing_) return;
  leftovers_terminated_ = true;
  terminated_ = host_.Supervised();
  for (const process::ProcessInfo& p : terminated_) {
    if (Send(p.pid, SIGTERM) == 0) ContinueIfStopped(p.pid, p.pid);
  }
  log::Info("{}; sent SIGTERM to {} leftover process(es)", gone, terminated_.size());
  const absl::Time now = host_.Now();
  ArmDeadline(plan_ ? plan_->LeftoverKillAt(now, config::kDefaultTeardownWait)
                    : now + options_.grace.value_or(config::kDefaultTeardownWait));
}

void Teardown::OnDeadline() {
  log::Warn("deadline reached: killing what is left");
  killing_ = true;
  if (on_deadline_) on_deadline_();
  KillEverything();
}

void Teardown::KillEverything() {
  killing_ = true;
  for (const process::ProcessInfo& p : host_.Supervised()) {
    if (Send(p.pid, SIGKILL) == 0) killed_.Add(p);
  }
  killed_.EndSweep();
  // As PID 1 one call reaches every other process in the namespace, whether /proc showed it or
  // not; otherwise an unseen leftover would keep berth waiting for ever.
  if (host_.IsInit()) (void)host_.Kill(-1, SIGKILL);
}

int Teardown::Send(pid_t target, int sig) {
  const int err = host_.Kill(target, sig);
  if (err != 0 && err != ESRCH) {
    log::Error("kill({}, {}): {}", target, signals::SignalName(sig), std::strerror(err));
  }
  return err;
}

// As systemd does after its SIGTERM (found by tests/integration/test_faults.py).
void Teardown::ContinueIfStopped(pid_t pid, pid_t target) {
  if (!host_.IsStopped(pid) || Send(target, SIGCONT) != 0) return;
  log::Info("pid {} was stopped: sent SIGCONT after the stop signal", pid);
}

int Teardown::ExitCode(int code, std::optional<int> requested) const {
  if (options_.exit_to_zero.test(static_cast<size_t>(code))) code = 0;
  return requested.value_or(code);
}

void Teardown::ArmDeadline(absl::Time at) {
  if (base::Status s = deadline_->Arm(at); !s.has_value())
    log::Error("{}: no deadline", s.error().message());
}

}  // namespace berth::supervisor
