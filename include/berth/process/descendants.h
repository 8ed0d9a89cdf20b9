// SPDX-License-Identifier: MIT
// process: finds the processes below a pid by reading /proc; reads only, signals nobody.
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

}  // namespace berth::process
