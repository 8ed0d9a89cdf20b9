// SPDX-License-Identifier: MIT
#include "service.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/health/address.h"
#include "berth/log/log.h"
#include "berth/process/exit_status.h"
#include "berth/supervisor/service_group.h"

namespace berth::supervisor {
namespace {

// Readiness is polled briskly: dependants wait on it, and a check is a cheap connect.
constexpr absl::Duration kReadyInterval = absl::Milliseconds(200);
constexpr absl::Duration kReadyTimeout = absl::Seconds(1);
// A service not ready yet is reported this long after its start, then at twice the time since
// its start each time (5 s, 10 s, 20 s...), at least every kMaxReportGap.
constexpr absl::Duration kFirstReport = absl::Seconds(5);
constexpr absl::Duration kMaxReportGap = absl::Minutes(5);

// `base` (none: berth's environ) with the service's own NAME=VALUE pairs replacing any of the
// same name: getenv(3) takes the first match, so an appended duplicate would be ignored.
std::vector<std::string> WithOverrides(const std::optional<std::vector<std::string>>& base,
                                      const std::vector<std::pair<std::string, std::string>>& own) {
  std::vector<std::string> env;
  if (base) {
    env = *base;
  } else {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  }
  for (const auto& [name, value] : own) {
    const std::string prefix = base::Cat(name, "=");
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const std::string& kv) { return absl::StartsWith(kv, prefix); }),
              env.end());
    env.push_back(base::Cat(prefix, value));
  }
  return env;
}

}  // namespace

base::Result<std::unique_ptr<Service>> Service::Create(ServiceGroup& group, loop::Loop& loop,
                                                       process::Reaper& reaper,
                                                       config::ServiceSpec spec,
                                                       const process::SpawnSpec& base,
                                                       bool prefix) {
  std::unique_ptr<Service> s(new Service(group, loop, reaper, std::move(spec)));
  Service* raw = s.get();
  s->spawn_ = base;
  s->spawn_.argv = s->spec_.command;
  s->spawn_.workdir = s->spec_.workdir;
  s->spawn_.take_terminal = false;  // several services cannot all own the terminal
  if (!s->spec_.env.empty()) s->spawn_.env = WithOverrides(base.env, s->spec_.env);
  BERTH_ASSIGN_OR_RETURN(s->relay_,
                         OutputRelay::Create(loop, prefix ? base::Cat(s->spec_.name, " | ") : ""));
  s->spawn_.stdout_fd = s->relay_->child_stdout();
  s->spawn_.stderr_fd = s->relay_->child_stderr();
  s->relay_->OnLine([raw](absl::string_view line) { raw->OnLine(line); });
  BERTH_ASSIGN_OR_RETURN(s->restart_timer_, loop::Timer::Create(loop, [raw] {
                           if (base::Status st = raw->Spawn(); !st.has_value()) {
                             log::Error("service {}: {}", raw->spec_.name, st.error().message());
                             raw->group_.OnServiceExit(
                                 *raw, process::ExitCodeForSpawnError(st.error()) << 8);
                             return;
                           }
                           raw->group_.OnServiceChanged();  // no longer "restarting"
                         }));
  BERTH_ASSIGN_OR_RETURN(s->ready_watch_,
                         loop::Timer::Create(loop, [raw] { raw->OnReadyWatch(); }));
  BERTH_RETURN_IF_ERROR(s->CreateReadyCheck(base));
  BERTH_RETURN_IF_ERROR(s->CreateHealthCheck(base));
  return s;
}

base::Status Service::CreateReadyCheck(const process::SpawnSpec& base) {
  const config::ReadySpec& ready = spec_.ready;
  if (ready.kind == config::ReadySpec::Kind::kLog) {
    regex_t re;
    if (int err = ::regcomp(&re, ready.target.c_str(), REG_EXTENDED | REG_NOSUB); err != 0) {
      char buf[128];
      ::regerror(err, &re, buf, sizeof buf);
      return base::InvalidArgumentError(
          base::Cat("service ", spec_.name, ": ready log regex: ", buf));
    }
    ready_regex_ = re;
    return base::OkStatus();
  }
  if (ready.kind != config::ReadySpec::Kind::kHttp && ready.kind != config::ReadySpec::Kind::kTcp) {
    return base::OkStatus();
  }
  health::CheckSpec check;
  const bool tcp = ready.kind == config::ReadySpec::Kind::kTcp;
  check.kind = tcp ? health::CheckKind::kTcp : health::CheckKind::kHttp;
  base::Result<health::Target> target = health::ParseTarget(
      tcp && ready.target.find("://") == std::string::npos ? base::Cat("tcp://", ready.target)
                                                           : ready.target);
  if (!target.has_value()) {
    return base::InvalidArgumentError(
        base::Cat("service ", spec_.name, ": ready: ", target.error().message()));
  }
  check.target = *target;
  check.interval = kReadyInterval;
  check.timeout = kReadyTimeout;
  BERTH_ASSIGN_OR_RETURN(ready_check_,
                         health::Checker::Create(loop_, reaper_, check, base,
                                                 [this](bool ok, absl::string_view detail) {
                                                   if (!ok) ready_detail_ = std::string(detail);
                                                   if (ok && running()) MarkReady();
                                                 }));
  return base::OkStatus();
}

// The service's own `health`, with the fields and defaults of Docker's HEALTHCHECK. A command
// check runs with the service's spawn spec, so as its user.
base::Status Service::CreateHealthCheck(const process::SpawnSpec& base) {
  const config::HealthSpec& h = spec_.health;
  if (h.kind == config::HealthSpec::Kind::kNone) return base::OkStatus();
  health::CheckSpec check;
  const auto fail = [this](absl::string_view why) {
    return base::InvalidArgumentError(base::Cat("service ", spec_.name, ": health: ", why));
  };
  if (h.kind == config::HealthSpec::Kind::kCmd) {
    check.kind = health::CheckKind::kCommand;
    check.argv = health::CommandArgv(h.target, ::access("/bin/sh", X_OK) == 0);
    if (check.argv.empty()) return fail("empty command");
  } else {
    const bool tcp = h.kind == config::HealthSpec::Kind::kTcp;
    check.kind = tcp ? health::CheckKind::kTcp : health::CheckKind::kHttp;
    base::Result<health::Target> target = health::ParseTarget(
        tcp && h.target.find("://") == std::string::npos ? base::Cat("tcp://", h.target)
                                                         : h.target);
    if (!target.has_value()) return fail(target.error().message());
    check.target = *target;
  }
  base::Result<health::StatusList> statuses = health::StatusList::Parse(h.status);
  if (!statuses.has_value()) return fail(statuses.error().message());
  check.healthy = *statuses;
  check.interval = h.interval;
  check.timeout = h.timeout;
  health_policy_ = {true, h.retries, h.start_period};
  BERTH_ASSIGN_OR_RETURN(health_check_,
                         health::Checker::Create(loop_, reaper_, check, base,
                                                 [this](bool ok, absl::string_view detail) {
                                                   OnHealthResult(ok, detail);
                                                 }));
  return base::OkStatus();
}

void Service::OnHealthResult(bool ok, absl::string_view detail) {
  if (!health_state_) return;
  switch (health_state_->Record(ok, detail, absl::Now())) {
    case health::State::Change::kBecameUnhealthy:
      log::Warn("service {} is unhealthy: {} failure(s) in a row, last: {}", spec_.name,
                health_state_->failures(), detail);
      group_.OnServiceChanged();
      break;
    case health::State::Change::kRecovered:
      log::Notice("service {} is healthy again: {}", spec_.name, detail);
      group_.OnServiceChanged();
      break;
    case health::State::Change::kNone:
      break;
  }
}

const char* Service::StateName() const {
  if (running()) return ready_ || !AwaitsReadiness() ? "running" : "starting";
  if (restart_pending()) return "restarting";
  if (!started_once_ && !done) return "waiting";
  return "exited";
}

Service::~Service() {
  if (ready_regex_) ::regfree(&*ready_regex_);
  if (pid_ > 0) reaper_.Unwatch(pid_);
}

base::Status Service::Spawn() {
  BERTH_ASSIGN_OR_RETURN(pid_, process::Spawn(spawn_));
  reaper_.ChildStarted();
  started_once_ = true;
  reaper_.Watch(pid_, [this](pid_t, int status) { OnExit(status); });
  log::Info("service {} started as pid {}", spec_.name, pid_);
  if (AwaitsReadiness() || spec_.ready.timeout) {
    started_at_ = absl::Now();
    next_report_ = kFirstReport;
    ready_detail_.clear();
    ArmReadyWatch();
  }
  if (health_check_) {
    health_state_.emplace(health_policy_, absl::Now());  // start_period counts from each start
    health_check_->Start();
  }
  if (spec_.ready.kind == config::ReadySpec::Kind::kStarted) {
    MarkReady();
  } else if (ready_check_ && !ready_) {
    ready_check_->Start();
  }
  return base::OkStatus();
}

// Readiness and health are about this run: a restarted service must show them again.
void Service::OnExit(int wait_status) {
  pid_ = 0;
  relay_->Flush();  // its last lines come out before the group logs what the exit means
  ready_ = false;
  if (ready_watch_->Armed()) (void)ready_watch_->Disarm();
  last_exit_ = process::ExitCodeFromWaitStatus(wait_status);
  if (ready_check_) ready_check_->Stop();
  if (health_check_) health_check_->Stop();
  group_.OnServiceExit(*this, wait_status);
}

// A `ready` that a started service has to pass (a one-shot job just runs until it exits).
bool Service::AwaitsReadiness() const {
  const config::ReadySpec::Kind kind = spec_.ready.kind;
  return kind == config::ReadySpec::Kind::kHttp || kind == config::ReadySpec::Kind::kTcp ||
         kind == config::ReadySpec::Kind::kLog;
}

void Service::ArmReadyWatch() {
  absl::Duration at = next_report_;
  if (spec_.ready.timeout) at = std::min(at, *spec_.ready.timeout);
  if (base::Status s = ready_watch_->Arm(started_at_ + at - absl::Now()); !s.has_value()) {
    log::Error("service {}: {}", spec_.name, s.error().message());
  }
}

// Says, at a backoff, what a service still not ready is waiting on; past `ready.timeout` the
// container cannot come up, and the group ends it.
void Service::OnReadyWatch() {
  if (ready_ || !running()) return;
  const absl::Duration waited = absl::Now() - started_at_;
  const absl::Duration shown = absl::Trunc(waited, absl::Seconds(1));
  std::string last;
  if (spec_.ready.kind == config::ReadySpec::Kind::kLog) {
    last = base::Cat(" (no line of its output matched '", spec_.ready.target, "')");
  } else if (!ready_detail_.empty()) {
    last = base::Cat(" (last check: ", ready_detail_, ")");
  }
  if (spec_.ready.timeout && waited >= *spec_.ready.timeout) {
    group_.OnReadyTimeout(*this, base::Cat("service ", spec_.name, " was not ready within ",
                                           absl::FormatDuration(*spec_.ready.timeout), last));
    return;
  }
  const std::string waiting = group_.WaitingOn(*this);
  log::Notice("service {} is not ready after {}{}{}", spec_.name, absl::FormatDuration(shown), last,
              waiting.empty() ? "" : base::Cat("; waiting for it: ", waiting));
  next_report_ = std::min(2 * next_report_, next_report_ + kMaxReportGap);
  ArmReadyWatch();
}

void Service::MarkReady() {
  if (ready_) return;
  ready_ = true;
  if (ready_watch_->Armed()) (void)ready_watch_->Disarm();
  if (ready_check_) ready_check_->Stop();
  log::Info("service {} is ready", spec_.name);
  group_.OnServiceReady(*this);
}

void Service::OnLine(absl::string_view line) {
  if (ready_ || !ready_regex_) return;
  std::string copy(line);  // regexec wants a NUL-terminated string
  if (::regexec(&*ready_regex_, copy.c_str(), 0, nullptr, 0) == 0) MarkReady();
}

void Service::ScheduleRestart(absl::Duration delay) {
  ++restarts_;
  if (base::Status s = restart_timer_->Arm(delay); !s.has_value()) {
    log::Error("service {}: {}", spec_.name, s.error().message());
  }
}

void Service::CancelRestart() {
  if (restart_timer_->Armed()) (void)restart_timer_->Disarm();
}

void Service::StopReadiness() {
  if (ready_watch_->Armed()) (void)ready_watch_->Disarm();
  if (ready_check_) ready_check_->Stop();
  if (health_check_) health_check_->Stop();
}

}  // namespace berth::supervisor
