// SPDX-License-Identifier: MIT
// berth (private): the --config mode (reading the file, the PROGRAM as service "main", the
// ServiceGroup on the loop).
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "berth/config/options.h"
#include "berth/config/parse.h"
#include "berth/health/service.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"

namespace berth {

// Config errors exit with this, before anything starts.
inline constexpr int kConfigErrorExitCode = 2;

// Runs the services of --config (and PROGRAM as "main"); returns berth's exit code. `base` is
// the main child's spec (signal mask, environment); `envp` the environment --user derives from.
int RunServices(const config::Options& o, loop::Loop& loop, process::Reaper& reaper,
                const process::SpawnSpec& base, char** envp,
                const health::Settings& health_settings, const std::vector<int>& inherited_fds);

}  // namespace berth
