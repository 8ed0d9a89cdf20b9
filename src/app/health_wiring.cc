// SPDX-License-Identifier: MIT
#include "app/health_wiring.h"

#include <signal.h>
#include <unistd.h>

#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/log/log.h"
#include "berth/supervisor/group_verdict.h"

namespace berth::app {
namespace {

// clang-format off
health::Life LifeOf(supervisor::Phase phase) {
  switch (phase) {
    case supervisor::Phase::kRunning: return health::Life::kRunning;
    case supervisor::Phase::kDraining: return health::Life::kDraining;
    case supervisor::Phase::kStopping: return health::Life::kStopping;
    default: return health::Life::kExited;
  }
}

health::Life LifeOf(supervisor::GroupPhase phase) {
  switch (phase) {
    case supervisor::GroupPhase::kRunning: return health::Life::kRunning;
    case supervisor::GroupPhase::kDraining: return health::Life::kDraining;
    case supervisor::GroupPhase::kStopping: return health::Life::kStopping;
    case supervisor::GroupPhase::kDone: break;
  }
  return health::Life::kExited;
}
// clang-format on

// The signal --on-unhealthy exit stops with: TERM when it is a stop signal (the default), else
// the lowest-numbered stop signal.
int FirstStopSignal(const config::Options& o) {
  if (o.stop_signals.Contains(SIGTERM)) return SIGTERM;
  for (int sig = 1; sig <= signals::kMaxSignal; ++sig) {
    if (o.stop_signals.Contains(sig)) return sig;
  }
  return SIGTERM;
}

}  // namespace

base::Result<health::Settings> HealthSettings(const config::Options& o) {
  health::RawSettings raw;
  raw.listen = o.healthz;
  raw.command = o.health_cmd;
  raw.http = o.health_http;
  raw.tcp = o.health_tcp;
  raw.statuses = o.health_status;
  raw.interval = o.health_interval;
  raw.timeout = o.health_timeout;
  raw.start_period = o.health_start_period;
  raw.retries = o.health_retries;
  raw.exit_on_unhealthy = o.exit_on_unhealthy;
  // Distroless images have no shell: then the command is split on blanks and exec'd.
  return health::ParseSettings(raw, ::access("/bin/sh", X_OK) == 0);
}

base::Result<std::unique_ptr<health::Service>> WireHealth(const health::Settings& settings,
                                                          const config::Options& o,
                                                          loop::Loop& loop, process::Reaper& reaper,
                                                          supervisor::Supervisor& sup,
                                                          const process::SpawnSpec& child) {
  const int stop_signal = FirstStopSignal(o);
  supervisor::Supervisor* s = &sup;
  const bool exit_on_unhealthy = settings.exit_on_unhealthy;
  auto on_unhealthy = [s, stop_signal, exit_on_unhealthy] {
    s->NoteUnhealthy();
    if (!exit_on_unhealthy || s->phase() != supervisor::Phase::kRunning) return;
    log::Warn("--on-unhealthy exit: stopping the child; berth will exit {}",
              exit_codes::kUnhealthy);
    s->RequestStop(stop_signal, exit_codes::kUnhealthy);
  };
  BERTH_ASSIGN_OR_RETURN(std::unique_ptr<health::Service> service,
                         health::Service::Create(settings, loop, reaper, child, on_unhealthy));
  health::Service* raw = service.get();
  sup.OnPhaseChange([raw](supervisor::Phase phase) { raw->SetLife(LifeOf(phase)); });
  return service;
}

base::Result<std::unique_ptr<health::Service>> WireGroupHealth(const health::Settings& settings,
                                                               loop::Loop& loop,
                                                               process::Reaper& reaper,
                                                               supervisor::ServiceGroup& group,
                                                               const process::SpawnSpec& base) {
  supervisor::ServiceGroup* g = &group;
  const bool exit_on_unhealthy = settings.exit_on_unhealthy;
  auto on_unhealthy = [g, exit_on_unhealthy] {
    g->NoteEvent();
    if (!exit_on_unhealthy || g->phase() != supervisor::GroupPhase::kRunning) return;
    log::Warn("--on-unhealthy exit: stopping the services; berth will exit {}",
              exit_codes::kUnhealthy);
    g->RequestStop(exit_codes::kUnhealthy, "unhealthy");
  };
  BERTH_ASSIGN_OR_RETURN(std::unique_ptr<health::Service> service,
                         health::Service::Create(settings, loop, reaper, base, on_unhealthy));
  health::Service* raw = service.get();
  auto update = [raw, g] {
    supervisor::GroupVerdict v = supervisor::JudgeGroup(g->Statuses());
    raw->SetGroup(v.live, v.ready, std::move(v.services_json));
    if (raw->state().life() != LifeOf(g->phase())) raw->SetLife(LifeOf(g->phase()));
  };
  update();
  group.OnChange(update);
  return service;
}

base::Result<std::vector<health::Dependency>> WaitForTargets(const config::Options& o) {
  base::Result<std::vector<health::Dependency>> deps = health::ParseDependencies(o.wait_for);
  if (!deps.has_value()) {
    return base::InvalidArgumentError(base::Cat("--wait-for ", deps.error().message()));
  }
  return deps;
}

base::Result<int> WaitForDependencies(const config::Options& o, loop::Loop& loop,
                                      process::Reaper& reaper) {
  if (o.wait_for.empty()) return 0;
  BERTH_ASSIGN_OR_RETURN(std::vector<health::Dependency> deps, WaitForTargets(o));
  base::Result<int> stopped_by = health::WaitForDependencies(
      loop, reaper, std::move(deps), o.wait_timeout, o.stop_signals.ToSigset());
  if (!stopped_by.has_value() && base::IsDeadlineExceeded(stopped_by.error())) {
    return base::DeadlineExceededError(base::Cat("--wait-for ", stopped_by.error().message()));
  }
  return stopped_by;
}

}  // namespace berth::app
