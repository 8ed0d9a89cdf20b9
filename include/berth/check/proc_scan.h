// SPDX-License-Identifier: MIT
// check: reads /proc for the processes below a pid, zombies included; reads only, signals nobody.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace berth::check {

struct ProcEntry {
  pid_t pid;
  pid_t ppid;
  char state;        // proc(5) stat state: 'R', 'S', 'Z', ...
  std::string comm;  // for the command of a zombie, which has no cmdline
};

// Every process whose chain of parents reaches `root` (root excluded), zombies included. Walks
// /proc/PID/task/TID/children from `root`, so the cost follows the size of the tree, not of the
// machine. Breadth first: root's children come first, in the kernel's order (those it forked,
// oldest first, then those it adopted, in the order it adopted them).
std::vector<ProcEntry> ScanBelow(pid_t root);

// The entry read from /proc/PID/stat, if the process still exists.
std::optional<ProcEntry> ReadEntry(pid_t pid);

// /proc/PID/cmdline with spaces, or "[comm]" when it has none (zombies, kernel threads).
std::string CommandOf(pid_t pid, const std::string& comm);

}  // namespace berth::check
