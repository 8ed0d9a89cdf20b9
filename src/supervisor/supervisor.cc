// SPDX-License-Identifier: MIT
#include "berth/supervisor/supervisor.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/log/log.h"
#include "berth/process/exit_status.h"
#include "berth/signals/signal.h"

namespace berth::supervisor {
namespace {

std::string FormatOptionalDuration(std::optional<absl::Duration> d) {
  return d ? absl::FormatDuration(*d) : "none";
}

bool IsTerminalStop(int sig) { return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

}  // namespace

bool SentByMyself(const signalfd_siginfo& info) {
  return info.ssi_code == SI_USER && static_cast<pid_t>(info.ssi_pid) == ::getpid();
}

absl::string_view PhaseName(Phase phase) {
  constexpr absl::string_view kNames[] = {"running",      "draining", "stopping",
                                         "tearing-down", "killing",  "done"};
  return kNames[static_cast<int>(phase)];
}

Supervisor::Supervisor(const config::Options& options, loop::Loop& loop, process::Reaper& reaper,
                       process::SpawnSpec child, Host* host)
    : options_(options),
      loop_(loop),
      reaper_(reaper),
      child_spec_(std::move(child)),
      own_host_(host ? nullptr : RealHost(loop)),
      host_(host ? *host : *own_host_) {}

base::Result<std::unique_ptr<Supervisor>> Supervisor::Create(const config::Options& options,
                                                             loop::Loop& loop,
                                                             process::Reaper& reaper,
                                                             process::SpawnSpec child, Host* host) {
  std::unique_ptr<Supervisor> s(new Supervisor(options, loop, reaper, std::move(child), host));
  Supervisor* raw = s.get();
  BERTH_ASSIGN_OR_RETURN(s->teardown_, Teardown::Create(
                                           options, s->host_, [raw] { raw->ForwardStopSignal(); },
                                           [raw] { raw->SetPhase(Phase::kKilling); }));
  reaper.OnOrphan([raw](pid_t pid, int status) { raw->OnOrphan(pid, status); });
  return s;
}

base::Status Supervisor::Start() {
  if (options_.pause) {
    log::Debug("pause mode: no program, reaping until a stop signal");
    return base::OkStatus();
  }
  BERTH_ASSIGN_OR_RETURN(child_pid_, host_.Spawn(child_spec_));
  reaper_.Watch(child_pid_, [this](pid_t, int status) { OnChildExit(status); });
  log::Info("spawned '{}' as pid {}", child_spec_.argv.front(), child_pid_);
  if (trace_) trace_->Spawned(child_pid_);
  return base::OkStatus();
}

void Supervisor::OnSignal(const signalfd_siginfo& info) noexcept {
  const int sig = static_cast<int>(info.ssi_signo);
  // First: TIOCNOTTY's SIGHUP and SIGCONT come as SI_USER from berth's own pid (kill_pgrp), so
  // they would otherwise be taken for the SIGPIPEs below and leave the one-shot armed.
  if (trace_ && (ignore_once_.Contains(sig) || !SentByMyself(info))) trace_->Received(sig);
  if (ignore_once_.Contains(sig)) {
    ignore_once_.Remove(sig);
    if (trace_) trace_->IgnoredHandoff(sig);
    log::Debug("ignored {}: sent by the terminal hand-off", signals::SignalName(sig));
    return;
  }
  if (SentByMyself(info)) return;
  if (sig == SIGCHLD) {
    reaper_.ReapAll();
    AfterReap();
    return;
  }
  if (IsTerminalStop(sig)) {
    OnTerminalStop(sig);
    return;
  }
  const bool is_stop = options_.stop_signals.Contains(sig);
  if (is_stop && phase_ == Phase::kRunning) {
    BeginShutdown(sig);
  } else if (is_stop && phase_ == Phase::kDraining) {
    teardown_->OnStopSignal(sig);
  } else {
    Forward(sig, "forwarded");
  }
}

void Supervisor::RequestStop(int sig, int exit_code) noexcept {
  if (phase_ != Phase::kRunning) return;
  requested_exit_code_ = exit_code;
  BeginShutdown(sig);
}

void Supervisor::SetPhase(Phase phase) {
  if (phase == phase_) return;
  log::Debug("phase {} -> {}", PhaseName(phase_), PhaseName(phase));
  if (phase_ == Phase::kDraining) teardown_->EndDrain();
  phase_ = phase;
  for (const auto& observer : observers_) observer(phase);
}

int Supervisor::TranslateTraced(int sig) {
  const int to = options_.map.Translate(sig);
  if (trace_ && options_.map.Has(sig)) trace_->Translated(sig, to);
  if (trace_ && to == signals::SignalMap::kDrop) trace_->NotForwarded(to);
  return to;
}

void Supervisor::Forward(int sig, absl::string_view why) {
  const int to = TranslateTraced(sig);
  if (to == signals::SignalMap::kDrop) {
    log::Debug("dropped {} (signal map)", signals::SignalName(sig));
    return;
  }
  if (child_pid_ <= 0 || child_status_) {
    log::Debug("no child to pass {} to", signals::SignalName(sig));
    return;
  }
  const pid_t target = TargetOf(child_pid_);
  if (const int err = teardown_->Send(target, to); err != 0) {
    // tini: a child that died before its exit was reaped is not an error.
    if (err == ESRCH) log::Warn("child was dead when forwarding {}", signals::SignalName(to));
    return;
  }
  ++forwarded_;
  if (trace_) trace_->Forwarded(to);
  log::Debug("{} {} to {} as {}", why, signals::SignalName(sig), target, signals::SignalName(to));
}

void Supervisor::OnTerminalStop(int sig) {
  switch (options_.tty_stop) {
    case config::TtyStop::kIgnore:
      log::Debug("ignored {} (catatonit never stops)", signals::SignalName(sig));
      return;
    case config::TtyStop::kForward:
      Forward(sig, "forwarded");
      return;
    case config::TtyStop::kForwardAndSuspend:
      // dumb-init: the shell's job control stops the child and its init together; the SIGCONT
      // that resumes berth is also forwarded, waking the child.
      Forward(sig, "forwarded");
      if (trace_) trace_->Suspending();
      log::Debug("suspending berth itself after {}", signals::SignalName(sig));
      (void)teardown_->Send(::getpid(), SIGSTOP);
      return;
  }
}

void Supervisor::BeginShutdown(int sig) {
  stop_signal_ = sig;
  log::Info("received {}: shutting down (drain {}, grace {})", signals::SignalName(sig),
            absl::FormatDuration(options_.drain), FormatOptionalDuration(options_.grace));
  if (options_.pause) {
    teardown_->Begin();
    child_status_ = 0;  // nothing to stop: the pause container ends cleanly
    reaper_.ReapAll();  // learns whether anything is left to tear down (ECHILD)
    AfterReap();
    return;
  }
  teardown_->OnStopSignal(sig);  // ForwardStopSignal when the drain is over
  if (teardown_->draining()) SetPhase(Phase::kDraining);
}

void Supervisor::ForwardStopSignal() {
  if (phase_ != Phase::kRunning && phase_ != Phase::kDraining) return;
  SetPhase(Phase::kStopping);
  Forward(stop_signal_, "stop signal");
  // A stopped child keeps the stop signal pending: it would wait for the deadline, or for ever
  // without one.
  if (child_pid_ > 0 && !child_status_)
    teardown_->ContinueIfStopped(child_pid_, TargetOf(child_pid_));
}

pid_t Supervisor::TargetOf(pid_t pid) const {
  return options_.target == config::SignalTarget::kProcessGroup ? -pid : pid;
}

void Supervisor::OnChildExit(int wait_status) {
  if (trace_) trace_->Reaped(child_pid_, wait_status);
  child_status_ = wait_status;
  if (phase_ == Phase::kKilling && WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) {
    child_killed_at_deadline_ = true;
  }
  log::Info("child {} {}", child_pid_, process::DescribeWaitStatus(wait_status));
  if (!child_killed_at_deadline_ && oom_.Claim(wait_status)) {
    ++oom_kills_;
    log::Warn("child {} {}", child_pid_, oom_.Describe());
  }
}

void Supervisor::OnOrphan(pid_t pid, int wait_status) {
  if (trace_) trace_->Reaped(pid, wait_status);
  if (options_.warn_on_reap) log::Warn("Reaped zombie process with pid={}", pid);
  log::Trace("reaped orphan {} ({})", pid, process::DescribeWaitStatus(wait_status));
}

void Supervisor::AfterReap() {
  if (!child_status_ || phase_ == Phase::kDone) return;
  if (!reaper_.HasChildren() || !options_.teardown) {
    Finish();
  } else {
    if (!teardown_->killing()) SetPhase(Phase::kTearingDown);
    teardown_->TerminateLeftovers("child is gone");
  }
}

void Supervisor::Finish() {
  // dumb-init: the child's group gets SIGTERM (as rewritten) when the child is gone.
  // (In single-child mode dumb-init sends it to the child's pid, gone by now; berth does not,
  // since that pid may already be another process's, but still reports the forward as it does.)
  if (options_.term_group_on_exit && child_pid_ > 0) {
    const int to = TranslateTraced(SIGTERM);
    const bool group = options_.target == config::SignalTarget::kProcessGroup;
    if (to != signals::SignalMap::kDrop) {
      if (group && host_.Kill(-child_pid_, to) == 0) {
        log::Debug("sent {} to the child's group {} after its exit", signals::SignalName(to),
                   child_pid_);
      }
      if (trace_) trace_->Forwarded(to);  // dumb-init says so whether anyone was left or not
    }
  }
  SetPhase(Phase::kDone);
  const int code = child_status_ ? process::ExitCodeFromWaitStatus(*child_status_) : 0;
  exit_code_ = teardown_->ExitCode(code, requested_exit_code_);
  if (trace_ && child_pid_ > 0) trace_->Goodbye(teardown_->ExitCode(code, std::nullopt));
  const bool berth = options_.personality == config::Personality::kBerth;
  if (berth && log::Enabled(Eventful() ? log::Level::kNotice : log::Level::kInfo)) LogSummary();
  loop_.Stop();
}

// Quiet by default, as tini, dumb-init and catatonit: the summary is for runs where berth did
// something beyond passing the child's status through.
bool Supervisor::Eventful() const {
  return stop_signal_ != 0 || !teardown_->terminated().empty() || teardown_->killed().size() > 0 ||
         unhealthy_ || oom_kills_ > 0;
}

void Supervisor::LogSummary() const {
  std::string why =
      options_.pause ? "pause ended"
      : child_killed_at_deadline_
          ? "child killed at the deadline"
          : base::Cat("child ", process::DescribeWaitStatus(child_status_.value_or(0)));
  if (requested_exit_code_) why = base::Cat("stopped as unhealthy (", why, ")");
  std::string took = "-";
  std::string stop_at = "-";
  if (const std::optional<ShutdownPlan>& plan = teardown_->plan()) {
    took = absl::FormatDuration(absl::Trunc(host_.Now() - plan->began(), absl::Milliseconds(1)));
    stop_at = log::Rfc3339(plan->began());
  }
  log::Write(log::Level::kNotice, base::Cat("exit ", exit_code_, ": ", why),
             {log::Number("exit_code", exit_code_),
              {"stop_signal", stop_signal_ ? signals::SignalName(stop_signal_) : "none"},
              {"stop_at", stop_at},
              {"shutdown_took", took},
              {"drain", absl::FormatDuration(teardown_->drained().value_or(options_.drain))},
              {"grace", FormatOptionalDuration(options_.grace)},
              log::Number("forwarded", static_cast<long long>(forwarded_)),
              log::Number("terminated", static_cast<long long>(teardown_->terminated().size())),
              log::Number("killed", static_cast<long long>(teardown_->killed().size())),
              {"killed_pids", teardown_->killed().Summary()},
              log::Number("oom_kill", oom_kills_)});
}

}  // namespace berth::supervisor
