// SPDX-License-Identifier: MIT
// app (private): /healthz and /readyz for --config: the health service fed from the
// ServiceGroup, which health may not know. It decides nothing about the services.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "berth/config/options.h"
#include "berth/health/service.h"
#include "berth/supervisor/service_group.h"

namespace berth::app {

// The group's verdict: ready when every service still meant to run is ready (a finished
// one-shot counts as ready; a non-essential service left down no longer counts); live while
// every essential service runs (or waits for its restart) and passes its own check.
struct GroupVerdict {
  bool live = true;
  bool ready = true;
  std::string services_json;  // [{"name":..,"state":..,"ready":..,"healthy":..,...}, ...]
};
GroupVerdict JudgeGroup(const std::vector<supervisor::ServiceStatus>& statuses);

// Creates the health service (binding --healthz) and keeps it current with the group's phase
// and services. --on-unhealthy exit stops the group, which then exits exit_codes::kUnhealthy.
absl::StatusOr<std::unique_ptr<health::Service>> WireGroupHealth(const health::Settings& settings,
                                                                 loop::Loop& loop,
                                                                 process::Reaper& reaper,
                                                                 supervisor::ServiceGroup& group,
                                                                 const process::SpawnSpec& base);

}  // namespace berth::app
