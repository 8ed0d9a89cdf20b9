// SPDX-License-Identifier: MIT
// app (private): --wait-for, the dockerize use case: health's dependency wait on berth's loop,
// before anything starts.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "berth/config/options.h"
#include "berth/health/dependency_wait.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"

namespace berth::app {

// The --wait-for URLs, parsed. An error is a usage error naming the URL (Main checks them with
// the other options, before anything starts).
absl::StatusOr<std::vector<health::Dependency>> WaitForTargets(const config::Options& o);

// health::WaitForDependencies with --wait-for, --wait-timeout and the stop signals (which must
// be blocked): 0 once every URL answered (at once without --wait-for), or the number of the stop
// signal that ended the wait. An error is a set-up failure.
absl::StatusOr<int> WaitForDependencies(const config::Options& o, loop::Loop& loop,
                                        process::Reaper& reaper);

}  // namespace berth::app
