// SPDX-License-Identifier: MIT
// benchbin: the benchmark's helper, both the child each init runs and the driver that loads it.
// The init is measured, never this program, so it does the least work it can per event.
//
//   benchbin idle                       prints "ready", then sleeps until SIGTERM (exits 0)
//   benchbin sigecho                    blocks everything, prints "ready", then writes one byte
//                                       to stdout per SIGUSR1; exits 0 on SIGTERM
//   benchbin sigdrive PID N FD          sends SIGUSR1 to PID N times, each after the byte for
//                                       the previous one arrived on FD; prints
//                                       "cpu_ns N p50_ns N p99_ns N" (PID's CPU over the loop)
//   benchbin orphans N                  prints "ready", waits for a byte on stdin, makes N
//                                       orphans, waits until init reaped them all, prints
//                                       "reaped N", then exits at EOF on stdin
//   benchbin cpu PID                    prints PID's CPU time in ns (/proc/PID/schedstat)
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

void Say(const std::string& line) {
  std::string l = line + "\n";
  [[maybe_unused]] ssize_t n = ::write(STDOUT_FILENO, l.data(), l.size());
}

long long NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// The first field of /proc/PID/schedstat: time on a CPU, in ns (utime+stime count 10 ms ticks,
// too coarse for a few microseconds per event).
long long CpuNs(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
  FILE* f = std::fopen(path, "re");
  if (f == nullptr) return -1;
  long long ns = -1;
  if (std::fscanf(f, "%lld", &ns) != 1) ns = -1;
  std::fclose(f);
  return ns;
}

void SleepMs(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

int Idle() {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigprocmask(SIG_BLOCK, &term, nullptr);
  Say("ready");
  int sig = 0;
  sigwait(&term, &sig);
  return 0;
}

int SigEcho() {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, nullptr);
  Say("ready");
  for (;;) {
    int sig = sigwaitinfo(&all, nullptr);
    if (sig == SIGUSR1) {
      [[maybe_unused]] ssize_t n = ::write(STDOUT_FILENO, "!", 1);
    } else if (sig == SIGTERM) {
      return 0;
    } else if (sig == SIGCHLD) {
      while (waitpid(-1, nullptr, WNOHANG) > 0) {
      }
    }
  }
}

// Ping-pong: one signal in flight at a time, so none coalesces and each one is a full
// kill -> init -> kill -> child -> pipe round trip.
int SigDrive(pid_t pid, long count, int ack_fd) {
  std::vector<long long> rtt;
  rtt.reserve(static_cast<size_t>(count));
  long long cpu0 = CpuNs(pid);
  for (long i = 0; i < count; ++i) {
    long long t0 = NowNs();
    if (kill(pid, SIGUSR1) < 0) {
      std::perror("kill");
      return 1;
    }
    char c;
    ssize_t n;
    while ((n = read(ack_fd, &c, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1) {
      std::fprintf(stderr, "benchbin: the child stopped acknowledging after %ld signals\n", i);
      return 1;
    }
    rtt.push_back(NowNs() - t0);
  }
  long long cpu1 = CpuNs(pid);
  std::sort(rtt.begin(), rtt.end());
  auto at = [&](double q) { return rtt[std::min(rtt.size() - 1, static_cast<size_t>(q * rtt.size()))]; };
  std::printf("cpu_ns %lld p50_ns %lld p99_ns %lld\n", cpu1 - cpu0, at(0.50), at(0.99));
  return 0;
}

// Zombies and live processes other than this one in this process group: orphans keep it.
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
    int ppid;
    int pgrp;
    char state;
    if (close_paren != nullptr &&
        std::sscanf(close_paren + 2, "%c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == group &&
        std::atoi(d->d_name) != self) {
      ++count;
    }
  }
  closedir(dir);
  return count;
}

// vfork(2): the children share this process's memory and only _exit, so each costs a few
// microseconds instead of a page-table copy (6 ms per fork on a busy VM).
// GCC warns that the counter "might be clobbered": the child only calls _exit and never comes
// back into the loop, so it cannot be.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
[[gnu::noinline]] void ExitingChildren(long n) {
  for (long i = 0; i < n; ++i) {
    if (vfork() == 0) _exit(0);
  }
}
#pragma GCC diagnostic pop

int Orphans(long count) {
  Say("ready");
  char c;
  if (read(STDIN_FILENO, &c, 1) != 1) return 1;
  constexpr long kBatch = 100;
  for (long made = 0; made < count; made += kBatch) {
    pid_t mid = fork();
    if (mid == 0) {
      ExitingChildren(std::min(kBatch, count - made));
      _exit(0);
    }
    if (mid < 0) {
      std::perror("fork");
      return 1;
    }
    waitpid(mid, nullptr, 0);
  }
  for (long waited = 0; CountOthersInGroup() != 0; waited += 5) {
    if (waited > 120000) {
      Say("timeout");
      return 1;
    }
    SleepMs(5);
  }
  Say("reaped " + std::to_string(count));
  while (read(STDIN_FILENO, &c, 1) > 0) {
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "idle") return Idle();
  if (mode == "sigecho") return SigEcho();
  if (mode == "sigdrive" && argc == 5) {
    return SigDrive(std::atoi(argv[2]), std::atol(argv[3]), std::atoi(argv[4]));
  }
  if (mode == "orphans" && argc == 3) return Orphans(std::atol(argv[2]));
  if (mode == "cpu" && argc == 3) {
    std::printf("%lld\n", CpuNs(std::atoi(argv[2])));
    return 0;
  }
  std::fprintf(stderr, "usage: benchbin idle|sigecho|sigdrive PID N FD|orphans N|cpu PID\n");
  return 64;
}
