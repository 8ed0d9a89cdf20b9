// SPDX-License-Identifier: MIT
// loop: a one-shot timer on a timerfd (CLOCK_MONOTONIC), dispatched by the Loop.
#pragma once

#include <functional>

#include "absl/time/time.h"
#include "berth/base/error.h"
#include "berth/base/unique_fd.h"
#include "berth/loop/loop.h"

namespace berth::loop {

class Timer {
 public:
  // Creates the timerfd and adds it to `loop`; `on_fire` runs once per expiry.
  static base::Result<std::unique_ptr<Timer>> Create(Loop& loop, std::function<void()> on_fire);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Fires once, `after` from now (zero or less fires at once). Re-arming replaces the old expiry.
  base::Status Arm(absl::Duration after);
  base::Status Disarm();
  bool Armed() const { return armed_; }

 private:
  Timer(Loop& loop, base::UniqueFd fd, std::function<void()> on_fire)
      : loop_(loop), fd_(std::move(fd)), on_fire_(std::move(on_fire)) {}
  void OnReady() noexcept;

  Loop& loop_;
  base::UniqueFd fd_;
  std::function<void()> on_fire_;
  bool armed_ = false;
};

}  // namespace berth::loop
