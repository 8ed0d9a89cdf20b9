// SPDX-License-Identifier: MIT
// loop: one epoll set and its handlers; no policy. Blocks without a timeout when nothing is
// ready, so an idle berth makes no system call and never wakes up.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "berth/base/error.h"
#include "berth/base/unique_fd.h"

namespace berth::loop {

class Loop {
 public:
  using Handler = std::function<void(uint32_t events)>;

  static base::Result<Loop> Create();

  // Calls `handler` with the epoll events whenever `fd` is ready for `events`. The caller keeps
  // the fd open until Remove().
  base::Status Add(int fd, uint32_t events, Handler handler);
  base::Status Modify(int fd, uint32_t events);
  // Safe to call from inside any handler, for any fd.
  void Remove(int fd);

  // Dispatches events until Stop(). An error means epoll itself failed.
  base::Status Run();
  void Stop() { running_ = false; }

 private:
  struct Entry {
    uint32_t generation;
    Handler handler;
  };
  explicit Loop(base::UniqueFd epoll) : epoll_(std::move(epoll)) {}

  base::UniqueFd epoll_;
  // Keyed by fd; the generation in epoll's data tells a stale event for a reused fd apart.
  std::unordered_map<int, std::shared_ptr<Entry>> entries_;
  uint32_t next_generation_ = 1;
  bool running_ = false;
};

}  // namespace berth::loop
