// SPDX-License-Identifier: MIT
#include "berth/base/unique_fd.h"

#include <unistd.h>

namespace berth::base {

void UniqueFd::Reset(int fd) {
  // close(2): never retry on EINTR, Linux has released the fd already.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace berth::base
