// SPDX-License-Identifier: MIT
// loop: delivers blocked signals through a signalfd to one handler; never a signal handler.
#pragma once

#include <sys/signalfd.h>

#include <functional>
#include <memory>

#include "berth/base/error.h"
#include "berth/base/unique_fd.h"
#include "berth/loop/loop.h"

namespace berth::loop {

class SignalSource {
 public:
  using Handler = std::function<void(const signalfd_siginfo&)>;

  // Opens a signalfd for `set` and adds it to `loop`. The caller must already have blocked
  // `set` (sigprocmask), or the signals keep their default action.
  static base::Result<std::unique_ptr<SignalSource>> Create(Loop& loop, const sigset_t& set,
                                                            Handler handler);
  ~SignalSource();
  SignalSource(const SignalSource&) = delete;
  SignalSource& operator=(const SignalSource&) = delete;

 private:
  SignalSource(Loop& loop, base::UniqueFd fd, Handler handler)
      : loop_(loop), fd_(std::move(fd)), handler_(std::move(handler)) {}
  void OnReady() noexcept;

  Loop& loop_;
  base::UniqueFd fd_;
  Handler handler_;
};

}  // namespace berth::loop
