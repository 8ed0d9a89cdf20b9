// SPDX-License-Identifier: MIT
#include "berth/process/descendants.h"

#include <dirent.h>
#include <unistd.h>

#include <map>

#include "berth/base/text.h"
#include "berth/process/descriptor_reserve.h"
#include "berth/process/proc_state.h"

namespace berth::process {

namespace {

// Every living process, zombies left out: they are already dead and wait only for the reaper.
std::map<pid_t, ProcStat> LiveProcesses() {
  std::map<pid_t, ProcStat> live;
  UsingReserve reserve;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return live;
  while (dirent* d = ::readdir(dir)) {
    pid_t pid;
    if (!base::ParseInt(d->d_name, &pid)) continue;
    std::optional<ProcStat> s = ReadProcStat(pid);
    if (s && s->state != 'Z' && s->state != 'X') live.emplace(pid, std::move(*s));
  }
  ::closedir(dir);
  return live;
}

}  // namespace

std::vector<ProcessInfo> Descendants(pid_t root) {
  const std::map<pid_t, ProcStat> live = LiveProcesses();
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

std::vector<ProcessInfo> Supervised() {
  const pid_t self = ::getpid();
  if (self != 1) return Descendants(self);
  std::vector<ProcessInfo> out;
  for (const auto& [pid, e] : LiveProcesses()) {
    if (pid != self) out.push_back({pid, CommandLine(pid, e.comm)});
  }
  return out;
}

}  // namespace berth::process
