// SPDX-License-Identifier: MIT
// berth (private): the --config mode (reading the file, the PROGRAM as service "main", the
// ServiceGroup on the loop) and --wait-for, which runs before anything starts.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "berth/config/options.h"
#include "berth/config/parse.h"
#include "berth/health/service.h"
#include "berth/process/spawn.h"

namespace berth {

// Config errors exit with this, before anything starts.
inline constexpr int kConfigErrorExitCode = 2;

// Blocks until every --wait-for URL answers (0), or a stop signal arrives (its number: a
// `docker stop` must not wait out --wait-timeout), or fails naming the first URL that did not
// answer within --wait-timeout. Nothing runs yet, so blocking here holds nobody else up.
// The stop signals must be blocked.
absl::StatusOr<int> WaitForDependencies(const config::Options& o);

// Runs the services of --config (and PROGRAM as "main"); returns berth's exit code. `base` is
// the main child's spec (signal mask, environment); `envp` the environment --user derives from.
int RunServices(const config::Options& o, const process::SpawnSpec& base, char** envp,
                const health::Settings& health_settings, const std::vector<int>& inherited_fds);

}  // namespace berth
