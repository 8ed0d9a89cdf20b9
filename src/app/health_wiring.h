// SPDX-License-Identifier: MIT
// app (private): connects the health module to the options and to the supervisor or the service
// group, which health may not know: their phases feed /healthz and /readyz (under --config with
// the group's verdict, supervisor::JudgeGroup), and --on-unhealthy exit asks them to stop;
// --wait-for (the dockerize use case) is health's dependency wait, before anything starts.
#pragma once

#include <memory>
#include <vector>

#include "berth/base/error.h"
#include "berth/config/options.h"
#include "berth/health/dependency_wait.h"
#include "berth/health/service.h"
#include "berth/supervisor/service_group.h"
#include "berth/supervisor/supervisor.h"

namespace berth::app {

// The health options of `o`, checked. An error is a usage error.
base::Result<health::Settings> HealthSettings(const config::Options& o);

// Creates the service (binding the endpoint) and subscribes it to the supervisor's phases.
// `child` is the main child's spawn spec (for the signal mask a command check restores).
// --on-unhealthy exit stops the child and makes berth exit exit_codes::kUnhealthy.
base::Result<std::unique_ptr<health::Service>> WireHealth(const health::Settings& settings,
                                                          const config::Options& o,
                                                          loop::Loop& loop, process::Reaper& reaper,
                                                          supervisor::Supervisor& sup,
                                                          const process::SpawnSpec& child);

// The same for --config: the service is kept current with the group's phase and services.
// --on-unhealthy exit stops the group, which then exits exit_codes::kUnhealthy.
base::Result<std::unique_ptr<health::Service>> WireGroupHealth(const health::Settings& settings,
                                                               loop::Loop& loop,
                                                               process::Reaper& reaper,
                                                               supervisor::ServiceGroup& group,
                                                               const process::SpawnSpec& base);

// The --wait-for URLs, parsed. An error is a usage error naming the URL (Main checks them with
// the other options, before anything starts).
base::Result<std::vector<health::Dependency>> WaitForTargets(const config::Options& o);

// health::WaitForDependencies with --wait-for, --wait-timeout and the stop signals (which must
// be blocked): 0 once every URL answered (at once without --wait-for), or the number of the stop
// signal that ended the wait. An error is a set-up failure.
base::Result<int> WaitForDependencies(const config::Options& o, loop::Loop& loop,
                                      process::Reaper& reaper);

}  // namespace berth::app
