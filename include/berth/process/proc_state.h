// SPDX-License-Identifier: MIT
// process: reads one process's scheduling state from /proc; reads only, signals nobody.
#pragma once

#include <sys/types.h>

namespace berth::process {

// True when `pid` is stopped by a stop signal (state 'T' in proc(5) stat). False when it runs,
// is gone, or /proc cannot be read.
bool IsStopped(pid_t pid);

}  // namespace berth::process
