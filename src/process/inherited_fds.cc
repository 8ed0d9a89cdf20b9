// SPDX-License-Identifier: MIT
#include "berth/process/inherited_fds.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>

namespace berth::process {

std::vector<int> ListInheritedFds() {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd >= 3 && fd != own) fds.push_back(fd);
  }
  ::closedir(dir);
  return fds;
}

void CloseFds(const std::vector<int>& fds) {
  for (int fd : fds) (void)::close(fd);
}

}  // namespace berth::process
