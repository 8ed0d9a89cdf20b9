// SPDX-License-Identifier: MIT
// health: `berth probe TARGET`, a one-shot check for Docker's HEALTHCHECK in images without curl.
// Plain poll(2) with a deadline: no loop, no logger, one line on stderr when unhealthy.
#pragma once

namespace berth::health {

// Runs `berth probe`; `argv[0]` is "probe". Returns the exit code: exit_codes::kPass when
// healthy, kFail when not, kUsage for a usage error.
int ProbeMain(int argc, char** argv);

}  // namespace berth::health
