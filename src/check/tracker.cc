// SPDX-License-Identifier: MIT
#include "berth/check/tracker.h"

#include "absl/strings/match.h"

namespace berth::check {

std::vector<pid_t> ProcessTracker::Observe(absl::Duration now,
                                           const std::vector<ProcEntry>& below) {
  std::vector<pid_t> fresh;
  std::set<pid_t> live;
  std::set<pid_t> zombies;
  for (const ProcEntry& e : below) {
    if (e.pid == main_) continue;
    if (e.state == 'Z' || e.state == 'X') {
      zombies.insert(e.pid);
      if (zombie_index_.emplace(e.pid, t_.zombies.size()).second) {
        t_.zombies.push_back({e.pid, command_of_(e), now, std::nullopt});
      }
      continue;
    }
    live.insert(e.pid);
    if (ended_.count(e.pid)) continue;
    auto known = live_.find(e.pid);
    if (known != live_.end()) {
      // A new comm means an exec: a child first seen between its fork and its exec showed the
      // parent's command. An exec also leaves a moment with no command line ("[comm]").
      if (known->second.comm != e.comm || absl::StartsWith(known->second.command, "[")) {
        Renamed(known->second, e);
      }
      continue;
    }
    live_.emplace(e.pid, Live{e.comm, command_of_(e)});
    fresh.push_back(e.pid);
    if (main_exited_) {
      leftover_index_.emplace(e.pid, t_.leftovers.size());
      t_.leftovers.push_back({e.pid, live_[e.pid].command, now, std::nullopt});
    }
  }
  std::vector<pid_t> gone;
  for (const auto& [pid, l] : live_) {
    if (!live.count(pid)) gone.push_back(pid);
  }
  for (pid_t pid : gone) Exited(pid, now);
  for (const auto& [pid, i] : zombie_index_) {
    if (!t_.zombies[i].gone && !zombies.count(pid)) t_.zombies[i].gone = now;
  }
  return fresh;
}

void ProcessTracker::Renamed(Live& l, const ProcEntry& e) {
  l.comm = e.comm;
  l.command = command_of_(e);
  auto it = leftover_index_.find(e.pid);
  if (it != leftover_index_.end()) t_.leftovers[it->second].command = l.command;
}

void ProcessTracker::Exited(pid_t pid, absl::Duration now) {
  if (live_.erase(pid) == 0) return;
  ended_.insert(pid);
  auto it = leftover_index_.find(pid);
  if (it != leftover_index_.end() && !t_.leftovers[it->second].gone) {
    t_.leftovers[it->second].gone = now;
  }
}

void ProcessTracker::MainExited(absl::Duration now) {
  if (main_exited_) return;
  main_exited_ = true;
  live_.erase(main_);
  for (const auto& [pid, l] : live_) {
    leftover_index_.emplace(pid, t_.leftovers.size());
    t_.leftovers.push_back({pid, l.command, now, std::nullopt});
  }
}

}  // namespace berth::check
