// SPDX-License-Identifier: MIT
#include "berth/process/reaper.h"

#include <sys/wait.h>

#include <cerrno>

#include "berth/log/log.h"

namespace berth::process {

void Reaper::Watch(pid_t pid, ExitHandler handler) {
  watched_[pid] = std::move(handler);
  has_children_ = true;
}

void Reaper::Unwatch(pid_t pid) { watched_.erase(pid); }

void Reaper::ReapAll() noexcept {
  for (;;) {
    int status = 0;
    pid_t pid = wait_ ? wait_(&status) : ::waitpid(-1, &status, WNOHANG);
    if (pid == 0) return;
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) {
        has_children_ = false;
      } else {
        log::Error("waitpid(-1): {}", std::strerror(errno));
      }
      return;
    }
    auto it = watched_.find(pid);
    if (it == watched_.end()) {
      ++orphans_reaped_;
      if (on_orphan_) on_orphan_(pid, status);
      continue;
    }
    ExitHandler handler = std::move(it->second);
    watched_.erase(it);
    handler(pid, status);
  }
}

}  // namespace berth::process
