// SPDX-License-Identifier: MIT
// process: the only caller of waitpid(-1). Routes each exit to whoever watches that pid (main
// child, probe, service); every other exit is an orphan, counted and passed to one handler.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>

namespace berth::process {

class Reaper {
 public:
  using ExitHandler = std::function<void(pid_t pid, int wait_status)>;
  // waitpid(-1, status, WNOHANG) by default; a unit test's fake processes otherwise.
  using WaitFn = std::function<pid_t(int* status)>;

  explicit Reaper(WaitFn wait = nullptr) : wait_(std::move(wait)) {}

  // Calls `handler` once when `pid` exits. Watch a pid before the loop next runs: the loop is
  // single-threaded, so no exit can be reaped between Spawn() and Watch().
  void Watch(pid_t pid, ExitHandler handler);
  void Unwatch(pid_t pid);

  // Called for each reaped process nobody watched (an inherited zombie).
  void OnOrphan(ExitHandler handler) { on_orphan_ = std::move(handler); }

  // Reaps every child that has exited. signalfd(2): SIGCHLDs coalesce, so loop until waitpid
  // says nothing more is ready. Never blocks.
  void ReapAll() noexcept;

  // False once waitpid(2) has said ECHILD: berth has no child (and so no descendant) left.
  bool HasChildren() const { return has_children_; }
  // Marks that a child exists again (after a spawn).
  void ChildStarted() { has_children_ = true; }

  uint64_t orphans_reaped() const { return orphans_reaped_; }

 private:
  WaitFn wait_;
  std::map<pid_t, ExitHandler> watched_;
  ExitHandler on_orphan_;
  uint64_t orphans_reaped_ = 0;
  bool has_children_ = true;
};

}  // namespace berth::process
