// SPDX-License-Identifier: MIT
// health: `berth probe TARGET`, a one-shot check for Docker's HEALTHCHECK in images without curl.
// Plain poll(2) with a deadline: no loop, no logger, one line on stderr when unhealthy.
#pragma once

#include "berth/base/exit_codes.h"

namespace berth::health {

// Exit codes of `berth probe`.
inline constexpr int kProbeHealthy = exit_codes::kPass;
inline constexpr int kProbeUnhealthy = exit_codes::kFail;
inline constexpr int kProbeUsage = exit_codes::kUsage;

// Runs `berth probe`; `argv[0]` is "probe". Returns the exit code.
int ProbeMain(int argc, char** argv);

}  // namespace berth::health
