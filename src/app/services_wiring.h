// SPDX-License-Identifier: MIT
// app (private): the --config mode (reading the file, the PROGRAM as service "main", the
// ServiceGroup on the loop).
#pragma once

#include <vector>

#include "berth/base/error.h"
#include "berth/config/options.h"
#include "berth/config/parse.h"
#include "berth/config/service_file.h"
#include "berth/health/service.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"

namespace berth::app {

// The largest --config file berth reads.
inline constexpr size_t kMaxConfigFile = 1024 * 1024;

// Reads and parses --config (base::ReadSmallRegularFile, kMaxConfigFile) and adds PROGRAM as
// service "main". Every error is a usage error naming the file (and the line), found before
// anything starts.
base::Result<std::vector<config::ServiceSpec>> LoadServices(const config::Options& o);

// Runs `services` (LoadServices') on `loop`; returns berth's exit code. `base` is the main
// child's spec (signal mask, environment); `envp` the environment --user derives from.
int RunServices(const config::Options& o, std::vector<config::ServiceSpec> services,
                loop::Loop& loop, process::Reaper& reaper, const process::SpawnSpec& base,
                char** envp, const health::Settings& health_settings,
                const std::vector<int>& inherited_fds);

}  // namespace berth::app
