// SPDX-License-Identifier: MIT
// health: `berth probe TARGET`, a one-shot check for Docker's HEALTHCHECK in images without curl.
// Plain poll(2) with a deadline: no loop, no logger, one line on stderr when unhealthy.
#pragma once

namespace berth::health {

// Exit codes of `berth probe`.
inline constexpr int kProbeHealthy = 0;
inline constexpr int kProbeUnhealthy = 1;
inline constexpr int kProbeUsage = 2;

// Runs `berth probe`; `argv[0]` is "probe". Returns the exit code.
int ProbeMain(int argc, char** argv);

}  // namespace berth::health
