// SPDX-License-Identifier: MIT
// health: one client exchange for a check or `berth probe`: a non-blocking connect and, for
// HTTP, one GET whose status line decides. It never blocks and owns no timer: the caller waits
// for Interest() on fd() (poll or the loop) and enforces the timeout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "berth/base/unique_fd.h"
#include "berth/health/address.h"
#include "berth/health/status_list.h"

namespace berth::health {

struct Outcome {
  bool healthy = false;
  std::string detail;  // "status 200", "connected", "connect: Connection refused", ...
};

// The GET request for `target`: Host, User-Agent, "Connection: close", then `headers`
// ("Name: value" lines, as given to -H).
std::string BuildRequest(const Target& target, const std::vector<std::string>& headers);

class Exchange {
 public:
  // Starts connecting to `target`. `request` is sent once connected (HTTP); for a TCP target
  // the exchange ends healthy as soon as the connection is made. A failure to even start makes
  // an exchange that is already Done().
  static Exchange Begin(const Target& target, StatusList healthy, std::string request);

  int fd() const { return fd_.Get(); }
  // The events to wait for: POLLOUT while connecting or sending, POLLIN while reading (the same
  // bits as EPOLLOUT and EPOLLIN); 0 once Done().
  uint32_t Interest() const;
  // Advances after fd() was reported ready.
  void OnReady() noexcept;
  bool Done() const { return state_ == State::kDone; }
  const Outcome& outcome() const { return outcome_; }

 private:
  enum class State { kConnecting, kSending, kReading, kDone };
  Exchange(base::UniqueFd fd, StatusList healthy, std::string request)
      : fd_(std::move(fd)), healthy_(healthy), request_(std::move(request)) {}

  void Finish(bool healthy, std::string detail);
  void Connected();
  void Send();
  void Read();

  base::UniqueFd fd_;
  StatusList healthy_;
  std::string request_;
  size_t sent_ = 0;
  char reply_[1024];
  size_t received_ = 0;
  State state_ = State::kConnecting;
  Outcome outcome_;
};

}  // namespace berth::health
