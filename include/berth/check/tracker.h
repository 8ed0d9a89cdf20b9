// SPDX-License-Identifier: MIT
// check: turns /proc snapshots and exit events into the leftovers and zombies of a Timeline;
// pure (snapshots, events and times in), so it is unit-tested with made-up snapshots.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "berth/check/proc_scan.h"
#include "berth/check/timeline.h"

namespace berth::check {

class ProcessTracker {
 public:
  using CommandFn = std::function<std::string(const ProcEntry&)>;

  // Writes into `timeline` (leftovers, zombies), which must outlive the tracker.
  ProcessTracker(Timeline& timeline, CommandFn command_of)
      : t_(timeline), command_of_(std::move(command_of)) {}

  // The main process: never a leftover, and its own zombie state is not counted.
  void SetMain(pid_t pid) { main_ = pid; }
  pid_t main() const { return main_; }

  // One snapshot of the processes below PID 1, taken at `now`. A known process missing from it,
  // or a zombie in it, has ended (at `now`, unless Exited() said so sooner). Returns the live
  // processes seen for the first time, for the caller to watch for their exit.
  std::vector<pid_t> Observe(absl::Duration now, const std::vector<ProcEntry>& below);

  // A watched process ended at `now` (its pidfd said so: exact, unlike a snapshot).
  void Exited(pid_t pid, absl::Duration now);

  // The main process ended at `now`: every process still alive is a leftover, seen from then.
  void MainExited(absl::Duration now);

 private:
  Timeline& t_;
  CommandFn command_of_;
  pid_t main_ = 0;
  bool main_exited_ = false;
  struct Live {
    std::string comm;
    std::string command;
  };
  void Renamed(Live& l, const ProcEntry& e);

  std::map<pid_t, Live> live_;  // known alive
  std::set<pid_t> ended_;
  std::map<pid_t, size_t> leftover_index_;
  std::map<pid_t, size_t> zombie_index_;
};

}  // namespace berth::check
