// SPDX-License-Identifier: MIT
#include "berth/process/proc_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "berth/base/unique_fd.h"

namespace berth::process {

bool IsStopped(pid_t pid) {
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  base::UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return false;
  char buf[512];
  ssize_t n = ::read(fd.Get(), buf, sizeof buf - 1);
  if (n <= 0) return false;
  buf[n] = '\0';
  // proc(5): "pid (comm) state ..."; comm may hold ')' itself, so the state follows the last one.
  const char* close = std::strrchr(buf, ')');
  return close != nullptr && close[1] == ' ' && close[2] == 'T';
}

}  // namespace berth::process
