// SPDX-License-Identifier: MIT
// base: a move-only owner of one file descriptor; it never duplicates or shares the fd.
#pragma once

#include <utility>

namespace berth::base {

// Owns a file descriptor and closes it when destroyed. -1 means "owns nothing".
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int Get() const { return fd_; }
  bool Valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int Release() { return std::exchange(fd_, -1); }
  // Closes the owned fd (errors from close(2) are ignored: the fd is gone either way).
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace berth::base
