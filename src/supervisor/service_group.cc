// SPDX-License-Identifier: MIT
#include "berth/supervisor/service_group.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "absl/time/clock.h"
#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/log/log.h"
#include "berth/process/exit_status.h"
#include "berth/signals/signal.h"
#include "berth/supervisor/supervisor.h"
#include "service.h"

namespace berth::supervisor {

base::Result<std::unique_ptr<ServiceGroup>> ServiceGroup::Create(
    const config::Options& options, loop::Loop& loop, process::Reaper& reaper,
    std::vector<config::ServiceSpec> specs, std::vector<process::SpawnSpec> spawns, bool prefix,
    Host* host) {
  std::unique_ptr<ServiceGroup> g(new ServiceGroup(options, loop, reaper, host));
  ServiceGroup* raw = g.get();
  for (size_t i : config::StartOrder(specs)) {
    BERTH_ASSIGN_OR_RETURN(std::unique_ptr<Service> s,
                           Service::Create(*raw, loop, reaper, specs[i], spawns[i], prefix));
    g->services_.push_back(std::move(s));
  }
  BERTH_ASSIGN_OR_RETURN(
      g->teardown_,
      Teardown::Create(
          options, g->host_, [raw] { raw->EndContainer(std::nullopt, "stop signal"); },
          [raw] { raw->eventful_ = true; }));
  reaper.OnOrphan([&options](pid_t pid, int status) {
    if (options.warn_on_reap) log::Warn("Reaped zombie process with pid={}", pid);
    log::Trace("reaped orphan {} ({})", pid, process::DescribeWaitStatus(status));
  });
  return g;
}

ServiceGroup::ServiceGroup(const config::Options& options, loop::Loop& loop,
                           process::Reaper& reaper, Host* host)
    : options_(options),
      loop_(loop),
      reaper_(reaper),
      own_host_(host ? nullptr : RealHost(loop)),
      host_(host ? *host : *own_host_) {}

ServiceGroup::~ServiceGroup() = default;

base::Status ServiceGroup::Start() {
  if (services_.empty()) return base::InvalidArgumentError("no service to run");
  StartReady();
  return base::OkStatus();
}

// Starts, in start order, every service not yet started whose `after` services are all ready.
void ServiceGroup::StartReady() {
  for (auto& s : services_) {
    if (stopping_) return;
    if (s->started_once() || s->done) continue;
    std::string not_ready;
    for (const std::string& dep : s->spec().after) {
      auto it = std::find_if(services_.begin(), services_.end(),
                             [&dep](const auto& o) { return o->spec().name == dep; });
      if (it == services_.end() || !(*it)->ready()) {
        base::Append(&not_ready, not_ready.empty() ? "" : ", ", dep);
      }
    }
    if (!not_ready.empty()) {
      if (std::find(wait_said_.begin(), wait_said_.end(), s.get()) == wait_said_.end()) {
        wait_said_.push_back(s.get());
        log::Info("service {} waits for {} to be ready", s->spec().name, not_ready);
      }
      continue;
    }
    s->start_seq = ++start_seq_;
    if (base::Status st = s->Spawn(); !st.has_value()) {
      log::Error("service {}: {}", s->spec().name, st.error().message());
      OnServiceExit(*s, process::ExitCodeForSpawnError(st.error()) << 8);
    }
    OnServiceChanged();  // "waiting" is over: /healthz shows it starting or running
  }
}

void ServiceGroup::OnServiceReady(Service&) {
  StartReady();
  OnServiceChanged();
}

void ServiceGroup::OnServiceChanged() {
  if (observer_) observer_();
}

void ServiceGroup::OnReadyTimeout(Service&, absl::string_view why) {
  EndContainer(exit_codes::kSetupFailure, why);
}

std::string ServiceGroup::WaitingOn(const Service& s) const {
  std::string names;
  for (const auto& o : services_) {
    if (o->started_once() || o->done) continue;
    const auto& after = o->spec().after;
    if (std::find(after.begin(), after.end(), s.spec().name) == after.end()) continue;
    base::Append(&names, names.empty() ? "" : ", ", o->spec().name);
  }
  return names;
}

std::vector<ServiceStatus> ServiceGroup::Statuses() const {
  std::vector<ServiceStatus> out;
  for (const auto& s : services_) {
    const bool gone = s->done && !s->running();
    out.push_back({s->spec().name, s->StateName(), s->spec().essential, s->ready(), s->healthy(),
                   gone && !s->spec().essential && !s->ready(), s->restarts(), s->last_exit()});
  }
  return out;
}

void ServiceGroup::RequestStop(int exit_code, absl::string_view why) {
  if (!stopping_) requested_exit_code_ = exit_code;
  EndContainer(exit_code, why);
}

void ServiceGroup::OnServiceExit(Service& s, int wait_status) {
  struct Notify {
    ServiceGroup* g;
    ~Notify() { g->OnServiceChanged(); }
  } notify{this};
  const std::string& name = s.spec().name;
  const int code = process::ExitCodeFromWaitStatus(wait_status);
  log::Info("service {} {}", name, process::DescribeWaitStatus(wait_status));
  const bool oom = oom_.Claim(wait_status);
  if (oom) log::Warn("service {} {}", name, oom_.Describe());
  const absl::string_view why = oom ? " (OOM kill)" : "";
  if (stopping_) {
    s.done = true;
    if (s.spec().essential && !exit_code_) exit_code_ = code;
    StopNext();
    return;
  }
  const bool one_shot = s.spec().ready.kind == config::ReadySpec::Kind::kExitZero;
  if (one_shot && code == 0) {
    s.done = true;
    s.MarkReady();
    if (NothingLeft()) EndContainer(0, "every service has finished");
    return;
  }
  RestartDecision d = s.tracker().OnExit(code, absl::Now());
  if (d.exhausted) {
    s.done = true;
    EndContainer(code, base::Cat("service ", name, " used up its max_restarts (",
                                 s.spec().max_restarts, ")"));
  } else if (d.restart) {
    eventful_ = true;
    log::Notice("service {} exited {}{}: restarting in {}", name, code, why,
                absl::FormatDuration(d.delay));
    s.start_seq = ++start_seq_;
    s.ScheduleRestart(d.delay);
  } else if (s.spec().essential) {
    s.done = true;
    EndContainer(code, base::Cat("essential service ", name, " exited ", code, why));
  } else if (one_shot) {
    // Its dependants can never start: the container cannot come up.
    s.done = true;
    EndContainer(code, base::Cat("one-shot service ", name, " exited ", code));
  } else {
    s.done = true;
    log::Warn("service {} exited {}{} and is left down (not essential, no restart)", name, code,
              why);
    if (NothingLeft()) EndContainer(code, "no service left running");
  }
}

bool ServiceGroup::NothingLeft() const {
  return std::none_of(services_.begin(), services_.end(), [](const auto& s) {
    return s->running() || s->restart_pending() || (!s->done && !s->started_once());
  });
}

void ServiceGroup::OnSignal(const signalfd_siginfo& info) noexcept {
  const int sig = static_cast<int>(info.ssi_signo);
  if (SentByMyself(info)) return;
  if (sig == SIGCHLD) {
    reaper_.ReapAll();
    AfterReap();
    return;
  }
  if (options_.stop_signals.Contains(sig)) {
    OnStopSignal(sig);
    return;
  }
  const int to = options_.map.Translate(sig);
  if (to == signals::SignalMap::kDrop) return;
  for (auto& s : services_) Signal(*s, to);
}

// As the single child's supervisor: with --drain, readiness goes 503 first and the services
// keep serving for the drain; a second stop signal cuts it short. The grace counts from here.
void ServiceGroup::OnStopSignal(int sig) {
  eventful_ = true;
  if (stopping_) return;
  if (!teardown_->draining()) {
    log::Info("received {}: {}stopping the services in reverse start order",
              signals::SignalName(sig),
              options_.drain > absl::ZeroDuration()
                  ? base::Cat("draining for ", absl::FormatDuration(options_.drain), ", then ")
                  : "");
  }
  teardown_->OnStopSignal(sig);  // EndContainer when the drain is over
  if (teardown_->draining()) {
    phase_ = GroupPhase::kDraining;
    OnServiceChanged();
  }
}

void ServiceGroup::EndContainer(std::optional<int> code, absl::string_view why) {
  if (stopping_) return;
  stopping_ = true;
  teardown_->EndDrain();
  phase_ = GroupPhase::kStopping;
  if (code) exit_code_ = code;
  // Stopping services still running is something berth does; the last one ending is not.
  if (std::any_of(services_.begin(), services_.end(), [](const auto& s) { return s->running(); })) {
    eventful_ = true;
  }
  if (log::Enabled(eventful_ ? log::Level::kNotice : log::Level::kInfo)) {
    log::Write(log::Level::kNotice, base::Cat("stopping the container: ", why));
  }
  for (auto& s : services_) {
    s->CancelRestart();
    s->StopReadiness();
    if (!s->running()) s->done = true;
  }
  teardown_->Begin();
  OnServiceChanged();
  StopNext();
}

// One service at a time, the last started first, each with its own stop signal (through --map).
void ServiceGroup::StopNext() {
  Service* next = nullptr;
  for (auto& s : services_) {
    if (s->running() && (next == nullptr || s->start_seq > next->start_seq)) next = s.get();
  }
  if (next == nullptr) {
    AfterReap();
    return;
  }
  if (next->pid() > 0 && !next->done) {
    next->done = true;  // its stop signal is on the way
    int sig = options_.map.Translate(next->spec().stop_signal);
    if (sig == signals::SignalMap::kDrop) sig = next->spec().stop_signal;
    log::Info("stopping service {} with {}", next->spec().name, signals::SignalName(sig));
    if (!Signal(*next, sig)) {
      StopNext();
    } else {
      teardown_->ContinueIfStopped(next->pid(), Target(*next));  // as the single child's stop
    }
  }
}

pid_t ServiceGroup::Target(const Service& s) const {
  return options_.target == config::SignalTarget::kProcessGroup ? -s.pid() : s.pid();
}

bool ServiceGroup::Signal(const Service& s, int sig) {
  return s.running() && teardown_->Send(Target(s), sig) == 0;
}

void ServiceGroup::AfterReap() {
  if (!stopping_) return;
  const bool any_running =
      std::any_of(services_.begin(), services_.end(), [](const auto& s) { return s->running(); });
  if (any_running) return;
  if (reaper_.HasChildren() && options_.teardown) {
    teardown_->TerminateLeftovers("services are down");
    if (!teardown_->terminated().empty()) eventful_ = true;
    return;
  }
  exit_code_ = teardown_->ExitCode(exit_code_.value_or(0), requested_exit_code_);
  const int code = *exit_code_;
  if (log::Enabled(eventful_ ? log::Level::kNotice : log::Level::kInfo)) {
    log::Write(log::Level::kNotice, base::Cat("exit ", code), {log::Number("exit_code", code)});
  }
  phase_ = GroupPhase::kDone;
  OnServiceChanged();
  loop_.Stop();
}

}  // namespace berth::supervisor
