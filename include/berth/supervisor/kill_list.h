// SPDX-License-Identifier: MIT
// supervisor: the processes SIGKILLed at the deadline, and how they are reported. A
// fork bomb's 5,000 names made one 39 KB summary line (Docker splits lines over 16 KB) and
// 5,000 log lines: the first kNamedKills get a line and a place in the summary, the rest a count.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "berth/process/descendants.h"

namespace berth::supervisor {

inline constexpr size_t kNamedKills = 10;

class KillList {
 public:
  // Records `p`, sent SIGKILL, and logs its line while fewer than kNamedKills are named. False
  // when its pid was recorded already (still on its way out at the next sweep).
  bool Add(const process::ProcessInfo& p);
  // Ends a sweep: one line counting the processes killed past the named ones since the last.
  void EndSweep();
  size_t size() const { return pids_.size(); }
  // "2/testbin,3/sh" (pid/program of each named one), then ",+N" for the N more; "-" when empty.
  std::string Summary() const;

 private:
  std::vector<process::ProcessInfo> named_;
  std::unordered_set<pid_t> pids_;
  size_t unnamed_in_sweep_ = 0;
};

}  // namespace berth::supervisor
