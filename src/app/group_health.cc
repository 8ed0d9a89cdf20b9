// SPDX-License-Identifier: MIT
#include "app/group_health.h"

#include "absl/strings/str_cat.h"
#include "app/health_wiring.h"
#include "berth/base/exit_codes.h"
#include "berth/base/status.h"
#include "berth/log/log.h"

namespace berth::app {
namespace {

health::Life LifeOf(supervisor::GroupPhase phase) {
  switch (phase) {
    case supervisor::GroupPhase::kRunning: return health::Life::kRunning;
    case supervisor::GroupPhase::kDraining: return health::Life::kDraining;
    case supervisor::GroupPhase::kStopping: return health::Life::kStopping;
    case supervisor::GroupPhase::kDone: break;
  }
  return health::Life::kExited;
}

const char* Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

GroupVerdict JudgeGroup(const std::vector<supervisor::ServiceStatus>& statuses) {
  GroupVerdict v;
  v.services_json = "[";
  for (const supervisor::ServiceStatus& s : statuses) {
    if (!s.ready && !s.left_down) v.ready = false;
    // Liveness fails only on what a restart of the container would fix: an essential service
    // gone for good or unhealthy. One still waiting or starting is alive; /readyz says "not
    // yet" (a liveness probe must not kill a container that is still coming up).
    const bool gone = absl::string_view(s.state) == "exited";
    if (s.essential && (gone || !s.healthy)) v.live = false;
    if (v.services_json.size() > 1) v.services_json += ",";
    absl::StrAppend(&v.services_json, "{\"name\":\"", log::JsonEscape(s.name), "\",\"state\":\"",
                    s.state, "\",\"ready\":", Bool(s.ready), ",\"healthy\":", Bool(s.healthy),
                    ",\"restarts\":", s.restarts, ",\"last_exit\":",
                    s.last_exit ? absl::StrCat(*s.last_exit) : "null", "}");
  }
  v.services_json += "]";
  return v;
}

absl::StatusOr<std::unique_ptr<health::Service>> WireGroupHealth(const health::Settings& settings,
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
    GroupVerdict v = JudgeGroup(g->Statuses());
    raw->SetGroup(v.live, v.ready, std::move(v.services_json));
    if (raw->state().life() != LifeOf(g->phase())) raw->SetLife(LifeOf(g->phase()));
  };
  update();
  group.OnChange(update);
  return service;
}

}  // namespace berth::app
