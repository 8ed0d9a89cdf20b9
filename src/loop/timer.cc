// SPDX-License-Identifier: MIT
#include "berth/loop/timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "berth/base/error.h"
#include "berth/log/log.h"

namespace berth::loop {

base::Result<std::unique_ptr<Timer>> Timer::Create(Loop& loop, std::function<void()> on_fire) {
  int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return base::ErrnoError("timerfd_create");
  std::unique_ptr<Timer> timer(new Timer(loop, base::UniqueFd(fd), std::move(on_fire)));
  Timer* raw = timer.get();
  BERTH_RETURN_IF_ERROR(loop.Add(fd, EPOLLIN, [raw](uint32_t) { raw->OnReady(); }));
  return timer;
}

Timer::~Timer() { loop_.Remove(fd_.Get()); }

base::Status Timer::Arm(absl::Duration after) {
  // An all-zero it_value disarms a timerfd, so "now" is one nanosecond.
  if (after <= absl::ZeroDuration()) after = absl::Nanoseconds(1);
  itimerspec spec{};
  spec.it_value = absl::ToTimespec(after);
  if (::timerfd_settime(fd_.Get(), 0, &spec, nullptr) < 0) return base::ErrnoError("timerfd_settime");
  armed_ = true;
  return base::OkStatus();
}

base::Status Timer::Disarm() {
  itimerspec spec{};
  if (::timerfd_settime(fd_.Get(), 0, &spec, nullptr) < 0) return base::ErrnoError("timerfd_settime");
  armed_ = false;
  return base::OkStatus();
}

void Timer::OnReady() noexcept {
  uint64_t expirations;
  if (::read(fd_.Get(), &expirations, sizeof expirations) < 0) {
    // EAGAIN: re-armed or disarmed between the wake-up and this read; nothing fired.
    if (errno != EAGAIN) log::Error("read(timerfd): {}", std::strerror(errno));
    return;
  }
  armed_ = false;
  on_fire_();
}

}  // namespace berth::loop
