// SPDX-License-Identifier: MIT
// testbin: the one static helper every integration test runs as berth's child. Each mode does
// one known thing and says so on stdout, so tests wait on lines, never on sleeps.
//
//   testbin signals [--ignore SIG]... [--exit-on SIG] [--linger-ms N] [--code N] [--child]
//       blocks everything, prints "ready", then "signal NAME" per signal received; exits --code
//       (default 0) on the --exit-on signal (default TERM) after --linger-ms; --child also starts
//       a grandchild recorder in the same process group that prints "child signal NAME" (exits
//       on TERM); --daemon (or --daemon-ignore-term) first leaves a daemon behind as `testbin
//       daemon` does.
//   testbin exit CODE                      exits CODE
//   testbin raise SIG                      kills itself with SIG (default disposition)
//   testbin orphans N [TIMEOUT_MS]         makes N orphans, waits until init has reaped them
//                                          all, prints "reaped N" and exits 0 (1 on timeout)
//   testbin daemon [--ignore-term] [--exit CODE]
//                                          leaves a double-forked daemon behind, prints
//                                          "daemon PID", exits CODE (default 0)
//   testbin tty                            prints "tty yes|no" and "foreground yes|no"
//   testbin status                         prints /proc/self/status
//   testbin pid                            prints "pid N ppid N"
//   testbin ids                            prints "pid N ppid N pgid N sid N"
//   testbin env NAME                       prints "env NAME=VALUE", or "env NAME unset"
//   testbin fds                            prints "fds 0 1 2 ..." (its open fds, ascending)
//   testbin try-syscall NAME...            calls each NAME (uname, getcwd, getppid, mkdirat,
//                                          chdir) with zero arguments; prints "NAME ok" or
//                                          "NAME errno ENAME" (uname and getcwd fail with EFAULT
//                                          and ERANGE when allowed)
//   testbin count SIG... [--every N] [--churn] [--exit CODE]
//                                          counts each SIG (real-time ones queue, so none may be
//                                          lost), prints "got TOTAL" every N (default 1000);
//                                          --churn starts a process that keeps making orphans
//                                          for init to reap. On TERM prints "count NAME N" per
//                                          SIG and "churned N", exits CODE (default 0)
//   testbin orphan-rounds N                prints "ready"; on each USR1 makes N orphans and
//                                          prints "reaped TOTAL" once init reaped them; TERM
//                                          exits 0
//   testbin segv                           dereferences null (no core file)
//   testbin close-std CODE                 prints "closing", closes stdout and stderr, exits
//                                          CODE on TERM
//   testbin stop-self                      prints "stopping", stops itself with SIGSTOP, prints
//                                          "continued" once continued, exits 0 on TERM
//   testbin hog                            allocates 1 MiB blocks until malloc fails, prints
//                                          "hogged N MiB", exits 3
//   testbin fork-bomb CODE                 forks children that wait for TERM until fork fails,
//                                          prints "forked N, then ENAME", exits CODE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "orphans.h"

namespace {

using berth::helpers::CountOthersInGroup;
using berth::helpers::MakeOrphans;
using berth::helpers::SleepMs;
using berth::helpers::WaitReaped;

int SignalNumber(std::string_view name) {
  if (!name.empty() && name[0] >= '0' && name[0] <= '9') return std::atoi(std::string(name).c_str());
  if (name.substr(0, 3) == "SIG") name.remove_prefix(3);
  for (int s = 1; s < 32; ++s) {
    const char* abbrev = sigabbrev_np(s);
    if (abbrev != nullptr && name == abbrev) return s;
  }
  std::fprintf(stderr, "testbin: unknown signal %.*s\n", static_cast<int>(name.size()), name.data());
  std::exit(64);
}

// Python's names (signal.Signals(n).name), so tests compare with them directly.
std::string SignalName(int sig) {
  if (sig == SIGIO) return "SIGIO";
  if (sig == SIGRTMIN) return "SIGRTMIN";
  if (sig == SIGRTMAX) return "SIGRTMAX";
  if (sig > SIGRTMIN && sig < SIGRTMAX) return "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "SIG" + std::to_string(sig);
}

void Say(const std::string& line) {
  std::string l = line + "\n";
  // One write per line, so lines from two processes on one pipe never interleave.
  [[maybe_unused]] ssize_t n = ::write(STDOUT_FILENO, l.data(), l.size());
}

[[noreturn]] void RecordSignals(const std::string& prefix, const sigset_t& ignored, int exit_on,
                                long linger_ms, bool say_ready, int code = 0) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, nullptr);
  // An ignored signal must be unblocked and out of the wait set: a blocked one is queued.
  for (int s = 1; s < 65; ++s) {
    if (sigismember(&ignored, s) == 1) {
      signal(s, SIG_IGN);
      sigdelset(&all, s);
    }
  }
  sigprocmask(SIG_SETMASK, &all, nullptr);
  if (say_ready) Say("ready");
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      while (waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      continue;
    }
    Say(prefix + "signal " + SignalName(sig));
    if (sig == exit_on) {
      SleepMs(linger_ms);
      std::exit(code);
    }
  }
}

void StartDaemon(bool ignore_term);

int Signals(std::vector<std::string_view> args) {
  sigset_t ignored;
  sigemptyset(&ignored);
  int exit_on = SIGTERM;
  long linger_ms = 0;
  int code = 0;
  bool child = false;
  int daemon = 0;  // 1: a daemon that exits on TERM; 2: one that ignores it
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--ignore" && i + 1 < args.size()) {
      sigaddset(&ignored, SignalNumber(args[++i]));
    } else if (args[i] == "--exit-on" && i + 1 < args.size()) {
      exit_on = SignalNumber(args[++i]);
    } else if (args[i] == "--linger-ms" && i + 1 < args.size()) {
      linger_ms = std::atol(std::string(args[++i]).c_str());
    } else if (args[i] == "--code" && i + 1 < args.size()) {
      code = std::atoi(std::string(args[++i]).c_str());
    } else if (args[i] == "--child") {
      child = true;
    } else if (args[i] == "--daemon") {
      daemon = 1;
    } else if (args[i] == "--daemon-ignore-term") {
      daemon = 2;
    }
  }
  if (daemon != 0) StartDaemon(daemon == 2);
  if (child) {
    int ready[2];
    if (pipe(ready) < 0) return 70;
    if (fork() == 0) {
      close(ready[0]);
      sigset_t none;
      sigemptyset(&none);
      sigset_t all;
      sigfillset(&all);
      sigprocmask(SIG_BLOCK, &all, nullptr);
      close(ready[1]);  // tells the parent the mask is in place
      RecordSignals("child ", none, SIGTERM, 0, false);
    }
    close(ready[1]);
    char c;
    while (read(ready[0], &c, 1) < 0 && errno == EINTR) {
    }
  }
  RecordSignals("", ignored, exit_on, linger_ms, true, code);
}

int Orphans(long n, long timeout_ms) {
  if (!MakeOrphans(n)) return 1;
  if (WaitReaped(timeout_ms, 10)) {
    Say("reaped " + std::to_string(n));
    return 0;
  }
  Say("left " + std::to_string(CountOthersInGroup()));
  return 1;
}

int OrphanRounds(long n) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  Say("ready");
  long total = 0;
  for (;;) {
    int sig = sigwaitinfo(&set, nullptr);
    if (sig == SIGTERM) return 0;
    if (sig != SIGUSR1) continue;
    if (!MakeOrphans(n)) return 1;
    total += n;
    if (!WaitReaped(60000, 10)) {
      Say("left " + std::to_string(CountOthersInGroup()));
      return 1;
    }
    Say("reaped " + std::to_string(total));
  }
}

// Keeps making orphans, one a millisecond, until TERM; then says how many.
[[noreturn]] void Churn() {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  long made = 0;
  const timespec none{0, 0};
  for (;;) {
    if (sigtimedwait(&term, nullptr, &none) == SIGTERM) {
      Say("churned " + std::to_string(made));
      _exit(0);
    }
    pid_t mid = fork();
    if (mid == 0) {
      if (fork() == 0) _exit(0);
      _exit(0);
    }
    if (mid > 0) {
      waitpid(mid, nullptr, 0);
      ++made;
    }
    SleepMs(1);
  }
}

int Count(std::vector<std::string_view> args) {
  std::vector<int> sigs;
  long every = 1000;
  bool churn = false;
  int code = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--every" && i + 1 < args.size()) {
      every = std::atol(std::string(args[++i]).c_str());
    } else if (args[i] == "--churn") {
      churn = true;
    } else if (args[i] == "--exit" && i + 1 < args.size()) {
      code = std::atoi(std::string(args[++i]).c_str());
    } else {
      sigs.push_back(SignalNumber(args[i]));
    }
  }
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, nullptr);
  pid_t churner = churn ? fork() : 0;
  if (churn && churner == 0) Churn();
  std::vector<long> counts(sigs.size());
  long total = 0;
  Say("ready");
  for (;;) {
    int sig = sigwaitinfo(&all, nullptr);
    if (sig == SIGTERM) break;
    for (size_t i = 0; i < sigs.size(); ++i) {
      if (sigs[i] != sig) continue;
      ++counts[i];
      if (++total % every == 0) Say("got " + std::to_string(total));
    }
  }
  if (churner > 0) {
    kill(churner, SIGTERM);
    waitpid(churner, nullptr, 0);
  }
  for (size_t i = 0; i < sigs.size(); ++i) {
    Say("count " + SignalName(sigs[i]) + " " + std::to_string(counts[i]));
  }
  return code;
}

int Segv() {
  rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
  signal(SIGSEGV, SIG_DFL);
  sigset_t segv;
  sigemptyset(&segv);
  sigaddset(&segv, SIGSEGV);
  sigprocmask(SIG_UNBLOCK, &segv, nullptr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
  volatile int* null = nullptr;
  *null = 1;  // a real fault, on purpose
#pragma GCC diagnostic pop
  return 70;
}

// Blocks TERM before the caller says anything, so a TERM sent on that line is waited for.
sigset_t BlockTerm() {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigprocmask(SIG_BLOCK, &term, nullptr);
  return term;
}

int WaitForTerm(const sigset_t& term, int code) {
  while (sigwaitinfo(&term, nullptr) != SIGTERM) {
  }
  return code;
}

int CloseStd(int code) {
  const sigset_t term = BlockTerm();
  Say("closing");
  close(STDOUT_FILENO);
  close(STDERR_FILENO);
  return WaitForTerm(term, code);
}

int StopSelf() {
  const sigset_t term = BlockTerm();
  Say("stopping");
  raise(SIGSTOP);
  Say("continued");
  return WaitForTerm(term, 0);
}

int Hog() {
  long mib = 0;
  std::vector<void*> blocks;
  while (void* p = std::malloc(1 << 20)) {
    std::memset(p, 1, 1 << 20);
    blocks.push_back(p);
    ++mib;
  }
  Say("hogged " + std::to_string(mib) + " MiB");
  for (void* p : blocks) std::free(p);
  return 3;
}

int ForkBomb(int code) {
  long forked = 0;
  for (;;) {
    const pid_t pid = fork();
    if (pid == 0) {
      pause();  // TERM's default action ends it
      _exit(0);
    }
    if (pid < 0) break;
    ++forked;
  }
  Say("forked " + std::to_string(forked) + ", then " + strerrorname_np(errno));
  return code;
}

// Leaves a double-forked daemon in its own session (re-parented to init), and returns once it
// has said "daemon PID". It exits on TERM unless `ignore_term`.
void StartDaemon(bool ignore_term) {
  int ready[2];
  if (pipe(ready) < 0) std::exit(70);
  pid_t first = fork();
  if (first == 0) {
    setsid();
    if (fork() == 0) {
      close(ready[0]);
      sigset_t all;
      sigfillset(&all);
      sigprocmask(SIG_BLOCK, &all, nullptr);
      Say("daemon " + std::to_string(getpid()));
      close(ready[1]);
      for (;;) {
        int sig = sigwaitinfo(&all, nullptr);
        if (sig == SIGTERM && !ignore_term) _exit(0);
      }
    }
    _exit(0);
  }
  close(ready[1]);
  char c;
  while (read(ready[0], &c, 1) < 0 && errno == EINTR) {
  }
  close(ready[0]);
  waitpid(first, nullptr, 0);
}

int Daemon(std::vector<std::string_view> args) {
  bool ignore_term = false;
  int code = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--ignore-term") ignore_term = true;
    if (args[i] == "--exit" && i + 1 < args.size()) code = std::atoi(std::string(args[++i]).c_str());
  }
  StartDaemon(ignore_term);
  return code;
}

int Tty() {
  bool tty = isatty(STDIN_FILENO) == 1;
  Say(std::string("tty ") + (tty ? "yes" : "no"));
  Say(std::string("foreground ") + (tty && tcgetpgrp(STDIN_FILENO) == getpgrp() ? "yes" : "no"));
  return 0;
}

int Status() {
  int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    [[maybe_unused]] ssize_t w = write(STDOUT_FILENO, buf, static_cast<size_t>(n));
  }
  close(fd);
  return 0;
}

int Ids() {
  Say("pid " + std::to_string(getpid()) + " ppid " + std::to_string(getppid()) + " pgid " +
      std::to_string(getpgrp()) + " sid " + std::to_string(getsid(0)));
  return 0;
}

int Env(const char* name) {
  const char* value = std::getenv(name);
  Say(std::string("env ") + name + (value != nullptr ? std::string("=") + value : " unset"));
  return 0;
}

int Fds() {
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 1;
  while (dirent* d = readdir(dir)) {
    if (d->d_name[0] >= '0' && d->d_name[0] <= '9' && std::atoi(d->d_name) != dirfd(dir)) {
      fds.push_back(std::atoi(d->d_name));
    }
  }
  closedir(dir);
  std::sort(fds.begin(), fds.end());
  std::string line = "fds";
  for (int fd : fds) {
    // Appended piecewise: GCC 12 at -O3 warns (-Wrestrict) on " " + std::to_string(fd).
    line += ' ';
    line += std::to_string(fd);
  }
  Say(line);
  return 0;
}

int TrySyscalls(const std::vector<std::string_view>& names) {
  static constexpr std::pair<std::string_view, long> kCalls[] = {
      {"uname", SYS_uname}, {"getcwd", SYS_getcwd}, {"getppid", SYS_getppid},
      {"mkdirat", SYS_mkdirat}, {"chdir", SYS_chdir},
  };
  for (std::string_view name : names) {
    long nr = -1;
    for (const auto& [n, number] : kCalls) {
      if (n == name) nr = number;
    }
    if (nr < 0) {
      std::fprintf(stderr, "testbin: try-syscall knows no %.*s\n", static_cast<int>(name.size()),
                   name.data());
      return 64;
    }
    errno = 0;
    long rc = syscall(nr, 0, 0, 0, 0, 0, 0);
    Say(std::string(name) + (rc < 0 ? std::string(" errno ") + strerrorname_np(errno) : " ok"));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: testbin MODE [ARGS...] (see the comment in testbin.cc)\n");
    return 64;
  }
  std::string_view mode = argv[1];
  std::vector<std::string_view> args(argv + 2, argv + argc);
  if (mode == "signals") return Signals(args);
  if (mode == "exit" && !args.empty()) return std::atoi(argv[2]);
  if (mode == "raise" && !args.empty()) {
    int sig = SignalNumber(args[0]);
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, nullptr);
    raise(sig);
    return 70;
  }
  if (mode == "orphans" && !args.empty()) {
    return Orphans(std::atol(argv[2]), args.size() > 1 ? std::atol(argv[3]) : 30000);
  }
  if (mode == "daemon") return Daemon(args);
  if (mode == "count") return Count(args);
  if (mode == "orphan-rounds" && !args.empty()) return OrphanRounds(std::atol(argv[2]));
  if (mode == "segv") return Segv();
  if (mode == "close-std" && !args.empty()) return CloseStd(std::atoi(argv[2]));
  if (mode == "stop-self") return StopSelf();
  if (mode == "hog") return Hog();
  if (mode == "fork-bomb" && !args.empty()) return ForkBomb(std::atoi(argv[2]));
  if (mode == "tty") return Tty();
  if (mode == "status") return Status();
  if (mode == "try-syscall") return TrySyscalls(args);
  if (mode == "pid") {
    Say("pid " + std::to_string(getpid()) + " ppid " + std::to_string(getppid()));
    return 0;
  }
  if (mode == "ids") return Ids();
  if (mode == "env" && !args.empty()) return Env(argv[2]);
  if (mode == "fds") return Fds();
  std::fprintf(stderr, "testbin: unknown mode %s\n", argv[1]);
  return 64;
}
