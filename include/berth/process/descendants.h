// SPDX-License-Identifier: MIT
// process: finds the processes below a pid, or in berth's namespace, by reading /proc; reads
// only, signals nobody.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::process {

struct ProcessInfo {
  pid_t pid;
  std::string command;  // /proc/PID/cmdline with spaces, or "[comm]" for a kernel-less cmdline
};

// Every living process whose chain of parents reaches `root` (root itself excluded), read from
// /proc. Zombies are left out: they are already dead and wait only for the reaper.
std::vector<ProcessInfo> Descendants(pid_t root);

// The processes berth answers for at a teardown: as PID 1, every other living process in its
// PID namespace, including one entered from outside (`docker exec`, `kubectl exec`), whose
// parent is not in the namespace; otherwise Descendants(getpid()).
std::vector<ProcessInfo> Supervised();

}  // namespace berth::process
