// SPDX-License-Identifier: MIT
#include "orphans.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace berth::helpers {

void SleepMs(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

int CountOthersInGroup() {
  const pid_t self = getpid();
  const pid_t group = getpgrp();
  int count = 0;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return -1;
  while (dirent* d = readdir(dir)) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
    char path[300];
    std::snprintf(path, sizeof path, "/proc/%s/stat", d->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = '\0';
    char* close_paren = std::strrchr(buf, ')');
    if (close_paren == nullptr) continue;
    char state;
    int ppid;
    int pgrp;
    if (std::sscanf(close_paren + 2, "%c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == group &&
        std::atoi(d->d_name) != self) {
      ++count;
    }
  }
  closedir(dir);
  return count;
}

// The children come from vfork(2): they share the intermediate's memory and only _exit, so each
// costs a few microseconds instead of a page-table copy (6 ms per fork on a busy VM), and
// 100,000 fit in the stress test's time. Nothing they share can be clobbered: GCC can't know.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
bool MakeOrphans(long n) {
  constexpr long kBatch = 100;
  for (long made = 0; made < n; made += kBatch) {
    pid_t mid = fork();
    if (mid == 0) {
      for (long i = 0; i < kBatch && made + i < n; ++i) {
        if (vfork() == 0) _exit(0);
      }
      _exit(0);
    }
    if (mid < 0) {
      std::perror("fork");
      return false;
    }
    waitpid(mid, nullptr, 0);
  }
  return true;
}
#pragma GCC diagnostic pop

bool WaitReaped(long timeout_ms, long poll_ms) {
  for (long waited = 0; waited < timeout_ms; waited += poll_ms) {
    if (CountOthersInGroup() == 0) return true;
    SleepMs(poll_ms);
  }
  return false;
}

}  // namespace berth::helpers
