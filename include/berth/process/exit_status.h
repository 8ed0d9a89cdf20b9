// SPDX-License-Identifier: MIT
// process: turns wait statuses into exit codes and words; pure.
#pragma once

#include <string>

namespace berth::process {

// The exit code a shell would report: the child's code, or 128+N when signal N killed it.
int ExitCodeFromWaitStatus(int wait_status);

// "exited with code 3" or "killed by SIGKILL".
std::string DescribeWaitStatus(int wait_status);

}  // namespace berth::process
