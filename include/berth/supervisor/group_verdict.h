// SPDX-License-Identifier: MIT
// supervisor: what the services' states mean for /healthz and /readyz under --config; pure, so
// every rule has a unit test. It serves nothing (health does) and changes no service.
#pragma once

#include <string>
#include <vector>

#include "berth/supervisor/service_group.h"

namespace berth::supervisor {

// The group's verdict: ready when every service still meant to run is ready (a finished
// one-shot counts as ready; a non-essential service left down no longer counts); live while
// every essential service runs (or waits for its restart) and passes its own check.
struct GroupVerdict {
  bool live = true;
  bool ready = true;
  std::string services_json;  // [{"name":..,"state":..,"ready":..,"healthy":..,...}, ...]
};
GroupVerdict JudgeGroup(const std::vector<ServiceStatus>& statuses);

}  // namespace berth::supervisor
