// SPDX-License-Identifier: MIT
// check: reads /proc for the processes below a pid, zombies included; reads only, signals nobody.
#pragma once

#include <sys/types.h>

#include <vector>

#include "berth/process/proc_state.h"

namespace berth::check {

using ProcEntry = process::ProcStat;

// Every process whose chain of parents reaches `root` (root excluded), zombies included. Walks
// /proc/PID/task/TID/children from `root`, so the cost follows the size of the tree, not of the
// machine. Breadth first: root's children come first, in the kernel's order (see ChildrenOf).
std::vector<ProcEntry> ScanBelow(pid_t root);

}  // namespace berth::check
