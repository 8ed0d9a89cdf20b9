// SPDX-License-Identifier: MIT
#include "app/wait_for_wiring.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "berth/base/status.h"

namespace berth::app {

absl::StatusOr<std::vector<health::Dependency>> WaitForTargets(const config::Options& o) {
  absl::StatusOr<std::vector<health::Dependency>> deps = health::ParseDependencies(o.wait_for);
  if (!deps.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--wait-for ", deps.status().message()));
  }
  return deps;
}

absl::StatusOr<int> WaitForDependencies(const config::Options& o, loop::Loop& loop,
                                        process::Reaper& reaper) {
  if (o.wait_for.empty()) return 0;
  BERTH_ASSIGN_OR_RETURN(std::vector<health::Dependency> deps, WaitForTargets(o));
  absl::StatusOr<int> stopped_by = health::WaitForDependencies(
      loop, reaper, std::move(deps), o.wait_timeout, o.stop_signals.ToSigset());
  if (absl::IsDeadlineExceeded(stopped_by.status())) {
    return absl::DeadlineExceededError(absl::StrCat("--wait-for ", stopped_by.status().message()));
  }
  return stopped_by;
}

}  // namespace berth::app
