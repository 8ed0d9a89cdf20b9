// SPDX-License-Identifier: MIT
#include "berth/process/descendants.h"

#include <dirent.h>

#include <map>

#include "absl/strings/numbers.h"
#include "berth/process/proc_state.h"

namespace berth::process {

std::vector<ProcessInfo> Descendants(pid_t root) {
  std::map<pid_t, ProcStat> live;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return {};
  while (dirent* d = ::readdir(dir)) {
    pid_t pid;
    if (!absl::SimpleAtoi(d->d_name, &pid)) continue;
    std::optional<ProcStat> s = ReadProcStat(pid);
    if (s && s->state != 'Z' && s->state != 'X') live.emplace(pid, std::move(*s));
  }
  ::closedir(dir);
  std::vector<ProcessInfo> out;
  for (const auto& [pid, e] : live) {
    // Walk up; pids that vanished mid-scan end the chain, and the step bound guards against a
    // cycle in a snapshot torn by pid reuse.
    size_t steps = 0;
    for (pid_t p = e.ppid; p > 0 && steps++ < live.size();) {
      if (p == root) {
        out.push_back({pid, CommandLine(pid, e.comm)});
        break;
      }
      auto up = live.find(p);
      if (up == live.end()) break;
      p = up->second.ppid;
    }
  }
  return out;
}

}  // namespace berth::process
