// SPDX-License-Identifier: MIT
#include "berth/health/service.h"

#include "absl/time/clock.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/log/log.h"

namespace berth::health {
namespace {

base::Failure Prefix(absl::string_view option, const base::Error& s) {
  return base::InvalidArgumentError(base::Cat(option, ": ", s.message()));
}

base::Status ParseCheck(const RawSettings& raw, bool have_shell, CheckSpec& check) {
  const int given = !raw.command.empty() + !raw.http.empty() + !raw.tcp.empty();
  if (given > 1) {
    return base::InvalidArgumentError("give one of --health-cmd, --health-http, --health-tcp");
  }
  if (!raw.command.empty()) {
    check.kind = CheckKind::kCommand;
    check.argv = CommandArgv(raw.command, have_shell);
    if (check.argv.empty()) return base::InvalidArgumentError("--health-cmd: empty command");
  } else if (!raw.http.empty()) {
    check.kind = CheckKind::kHttp;
    base::Result<Target> t = ParseTarget(raw.http);
    if (!t.has_value() || t->scheme != Target::Scheme::kHttp) {
      return Prefix("--health-http",
                    t.has_value() ? base::InvalidArgumentError("want http://HOST:PORT/PATH").error()
                                  : t.error());
    }
    check.target = std::move(*t);
  } else if (!raw.tcp.empty()) {
    check.kind = CheckKind::kTcp;
    base::Result<Endpoint> e = ParseHostPort(raw.tcp);
    if (!e.has_value()) return Prefix("--health-tcp", e.error());
    check.target.scheme = Target::Scheme::kTcp;
    check.target.endpoint = std::move(*e);
  }
  if (!raw.statuses.empty()) {
    base::Result<StatusList> list = StatusList::Parse(raw.statuses);
    if (!list.has_value()) return Prefix("--health-status", list.error());
    check.healthy = *list;
  }
  return base::OkStatus();
}

}  // namespace

base::Result<Settings> ParseSettings(const RawSettings& raw, bool have_shell) {
  Settings s;
  if (!raw.listen.empty()) {
    base::Result<Endpoint> e = ParseListenAddress(raw.listen);
    if (!e.has_value()) return Prefix("--healthz", e.error());
    s.listen = std::move(*e);
  }
  BERTH_RETURN_IF_ERROR(ParseCheck(raw, have_shell, s.check));
  if (raw.interval <= absl::ZeroDuration()) {
    return base::InvalidArgumentError("--health-interval must be more than 0");
  }
  if (raw.timeout <= absl::ZeroDuration()) {
    return base::InvalidArgumentError("--health-timeout must be more than 0");
  }
  if (raw.retries < 1) return base::InvalidArgumentError("--health-retries must be 1 or more");
  if (raw.exit_on_unhealthy && s.check.kind == CheckKind::kNone) {
    return base::InvalidArgumentError(
        "--on-unhealthy exit needs a check (--health-cmd, --health-http or --health-tcp)");
  }
  s.check.interval = raw.interval;
  s.check.timeout = raw.timeout;
  s.policy = {s.check.kind != CheckKind::kNone, raw.retries, raw.start_period};
  s.exit_on_unhealthy = raw.exit_on_unhealthy;
  return s;
}

base::Result<std::unique_ptr<Service>> Service::Create(const Settings& settings, loop::Loop& loop,
                                                       process::Reaper& reaper,
                                                       process::SpawnSpec spawn_template,
                                                       std::function<void()> on_unhealthy) {
  std::unique_ptr<Service> s(new Service(settings, std::move(on_unhealthy)));
  if (settings.listen) {
    BERTH_ASSIGN_OR_RETURN(s->server_,
                           Server::Create(loop, *settings.listen, s->state_, ServerLimits{}));
  }
  if (settings.check.kind != CheckKind::kNone) {
    Service* raw = s.get();
    BERTH_ASSIGN_OR_RETURN(
        s->checker_,
        Checker::Create(loop, reaper, settings.check, std::move(spawn_template),
                        [raw](bool ok, absl::string_view detail) { raw->OnResult(ok, detail); }));
  }
  return s;
}

void Service::Start() {
  if (checker_) checker_->Start();
}

void Service::SetLife(Life life) {
  state_.SetLife(life);
  if (checker_ && life != Life::kRunning && life != Life::kDraining) checker_->Stop();
}

void Service::OnResult(bool ok, absl::string_view detail) {
  const State::Change change = state_.Record(ok, detail, absl::Now());
  log::Debug("health check {}: {} ({} failure(s) in a row)", ok ? "passed" : "failed", detail,
             state_.failures());
  if (change == State::Change::kRecovered) log::Notice("healthy again: {}", detail);
  if (change != State::Change::kBecameUnhealthy) return;
  const int n = state_.failures();
  if (n == 1) {
    log::Warn("unhealthy: the check failed, last: {}", detail);
  } else {
    log::Warn("unhealthy: the check failed {} times in a row, last: {}", n, detail);
  }
  if (on_unhealthy_) on_unhealthy_();
}

}  // namespace berth::health
