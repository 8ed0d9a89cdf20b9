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

#include "../tests/helpers/orphans.h"

namespace {

using berth::helpers::MakeOrphans;
using berth::helpers::SleepMs;
using berth::helpers::WaitReaped;

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

int Orphans(long count) {
  Say("ready");
  char c;
  if (read(STDIN_FILENO, &c, 1) != 1) return 1;
  if (!MakeOrphans(count)) return 1;
  if (!WaitReaped(120000, 5)) {
    Say("timeout");
    return 1;
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
