// SPDX-License-Identifier: MIT
#include "berth/loop/loop.h"

#include <cerrno>

#include "berth/base/error.h"

namespace berth::loop {
namespace {

uint64_t Pack(int fd, uint32_t generation) {
  return (static_cast<uint64_t>(generation) << 32) | static_cast<uint32_t>(fd);
}

}  // namespace

base::Result<Loop> Loop::Create() {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return base::ErrnoError("epoll_create1");
  return Loop(base::UniqueFd(fd));
}

base::Status Loop::Add(int fd, uint32_t events, Handler handler) {
  auto entry = std::make_shared<Entry>(Entry{next_generation_++, std::move(handler)});
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = Pack(fd, entry->generation);
  if (::epoll_ctl(epoll_.Get(), EPOLL_CTL_ADD, fd, &ev) < 0) return base::ErrnoError("epoll_ctl(ADD)");
  entries_[fd] = std::move(entry);
  return base::OkStatus();
}

base::Status Loop::Modify(int fd, uint32_t events) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return base::NotFoundError("epoll_ctl(MOD): fd not in the loop");
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = Pack(fd, it->second->generation);
  if (::epoll_ctl(epoll_.Get(), EPOLL_CTL_MOD, fd, &ev) < 0) return base::ErrnoError("epoll_ctl(MOD)");
  return base::OkStatus();
}

void Loop::Remove(int fd) {
  if (entries_.erase(fd) == 0) return;
  // The fd may already be closed by its owner; ENOENT/EBADF then mean "already out".
  ::epoll_ctl(epoll_.Get(), EPOLL_CTL_DEL, fd, nullptr);
}

base::Status Loop::Run() {
  running_ = true;
  epoll_event events[16];
  while (running_) {
    int n = ::epoll_wait(epoll_.Get(), events, 16, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return base::ErrnoError("epoll_wait");
    }
    for (int i = 0; i < n && running_; ++i) {
      int fd = static_cast<int>(events[i].data.u64 & 0xffffffffu);
      uint32_t generation = static_cast<uint32_t>(events[i].data.u64 >> 32);
      auto it = entries_.find(fd);
      if (it == entries_.end() || it->second->generation != generation) continue;
      // Hold the entry: its handler may Remove() itself.
      std::shared_ptr<Entry> entry = it->second;
      entry->handler(events[i].events);
    }
  }
  return base::OkStatus();
}

}  // namespace berth::loop
