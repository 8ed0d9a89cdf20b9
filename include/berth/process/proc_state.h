// SPDX-License-Identifier: MIT
// process: reads one process's state, parent and command from /proc; reads only, signals nobody.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace berth::process {

struct ProcStat {
  pid_t pid;
  pid_t ppid;
  char state;        // proc(5) stat state: 'R', 'S', 'T', 'Z', ...
  std::string comm;  // names a zombie, which has no command line left
};

// /proc/PID/stat, if the process still exists.
std::optional<ProcStat> ReadProcStat(pid_t pid);

// /proc/PID/cmdline with spaces between the words, or "[comm]" when it is empty (a zombie, a
// kernel thread).
std::string CommandLine(pid_t pid, const std::string& comm);

// The direct children of `pid`, from the children file of each of its threads, in the kernel's
// order: those it forked, oldest first, then those it adopted, in the order it adopted them.
std::vector<pid_t> ChildrenOf(pid_t pid);

// True when `pid` is stopped by a stop signal (state 'T'). False when it runs, is gone, or /proc
// cannot be read.
bool IsStopped(pid_t pid);

// True when `pid` blocks `sig` (SigBlk in /proc/PID/status): berth blocks the signals it takes
// through its signalfd, so this tells that it is ready to take them. False when gone.
bool BlocksSignal(pid_t pid, int sig);

}  // namespace berth::process
