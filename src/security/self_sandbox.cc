// SPDX-License-Identifier: MIT
#include "berth/security/self_sandbox.h"

#include <linux/seccomp.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <tuple>
#include <utility>

#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/log/log.h"
#include "berth/security/seccomp_filter.h"
#include "security/syscall_names.h"

namespace berth::security {
namespace {

// Where the interrupted system call's return value lives once the SIGSYS handler returns.
#if defined(__x86_64__)
constexpr bool kCanTrap = true;
void SetSyscallReturn(ucontext_t* uc, long value) { uc->uc_mcontext.gregs[REG_RAX] = value; }
#elif defined(__aarch64__)
constexpr bool kCanTrap = true;
void SetSyscallReturn(ucontext_t* uc, long value) { uc->uc_mcontext.regs[0] = value; }
#else
// Elsewhere the filter answers EPERM itself and berth's call sites log the failed call.
constexpr bool kCanTrap = false;
void SetSyscallReturn(ucontext_t*, long) {}
#endif

// What the loop calls after start-up: the event loop (epoll, signalfd, timerfd), reaping and
// forwarding (wait4, kill), /proc scans for the teardown (openat, getdents64), logging (write,
// vmsplice), memory (brk, mmap), the health endpoint and probes (sockets). No fork, clone or
// execve: a process berth started after the filter would inherit it (see SelfSandboxOptions).
// clang-format off: grouped by purpose, one group a line or two
const std::vector<std::string> kAllowlist = {
    // files and descriptors
    "read", "write", "readv", "writev", "pread64", "close", "open", "openat", "getdents64",
    "fstat", "newfstatat", "statx", "lseek", "fcntl", "ioctl", "dup", "dup3", "pipe2", "vmsplice",
    // event loop
    "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "poll", "ppoll",
    "signalfd4", "timerfd_create", "timerfd_settime", "timerfd_gettime",
    // signals, children
    "rt_sigprocmask", "rt_sigaction", "rt_sigreturn", "rt_sigtimedwait", "sigaltstack",
    "restart_syscall", "wait4", "waitid", "kill", "tgkill", "tkill",
    // identity and time
    "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getpgrp",
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    // memory, threads of libc
    "brk", "mmap", "munmap", "mremap", "madvise", "mprotect", "futex", "getrandom", "sched_yield",
    // health endpoint and probes
    "socket", "bind", "listen", "accept", "accept4", "connect", "recvfrom", "recvmsg", "sendto",
    "sendmsg", "setsockopt", "getsockopt", "getsockname", "getpeername", "shutdown",
    // the end
    "exit", "exit_group",
};
// clang-format on

// The SIGSYS handler's line around the call's name, composed before the filter is loaded; the
// handler fills in the name and number itself and only calls writev(2). Names come from a table
// built at compile time (syscall_names.h), so nothing is resolved until a call is refused.
std::string* g_line_head = nullptr;
std::string* g_line_tail = nullptr;

// "-12" into the end of `buf`; returns where the digits start. Async-signal-safe.
char* FormatInt(long v, char* end) {
  const bool negative = v < 0;
  unsigned long u = negative ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
  char* p = end;
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) *--p = '-';
  return p;
}

void OnSigsys(int, siginfo_t* info, void* context) {
  const int saved = errno;
  const int nr = info->si_syscall;
  char digits[24];
  char* end = digits + sizeof digits;
  char* start = FormatInt(nr, end);
  const char* name = NativeSyscallName(nr);
  // "getcwd (#79)" when the name is known, "#79" when not.
  iovec parts[] = {
      {g_line_head->data(), g_line_head->size()},
      {const_cast<char*>(name != nullptr ? name : ""), name != nullptr ? std::strlen(name) : 0},
      {const_cast<char*>(name != nullptr ? " (#" : "#"), name != nullptr ? 3u : 1u},
      {start, static_cast<size_t>(end - start)},
      {const_cast<char*>(")"), name != nullptr ? 1u : 0u},
      {g_line_tail->data(), g_line_tail->size()},
  };
  [[maybe_unused]] ssize_t n = ::writev(STDERR_FILENO, parts, std::size(parts));
  SetSyscallReturn(static_cast<ucontext_t*>(context), -EPERM);
  errno = saved;
}

// The refusal line with `call` in it, split at `call` for the handler.
std::pair<std::string, std::string> RefusalLineParts(const SelfSandboxOptions& o) {
  constexpr absl::string_view kHead = "seccomp: berth's own sandbox refused system call ";
  constexpr absl::string_view kTail =
      "; it failed with EPERM (see docs/privileges.md; --no-self-sandbox turns the sandbox off)";
  if (o.log_json) {
    // A system call's name and number need no JSON escaping.
    return {base::Cat(R"({"level":"error","name":")", log::JsonEscape(o.log_name), R"(","msg":")",
                      log::JsonEscape(kHead)),
            base::Cat(log::JsonEscape(kTail), "\"}\n")};
  }
  return {base::Cat(o.log_name, ": error: ", kHead), base::Cat(kTail, "\n")};
}

void ComposeRefusalLine(const SelfSandboxOptions& o) {
  static std::string head;
  static std::string tail;
  std::tie(head, tail) = RefusalLineParts(o);
  g_line_head = &head;
  g_line_tail = &tail;
}

base::Status InstallSigsysHandler() {
  struct sigaction sa {};
  sa.sa_sigaction = OnSigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (::sigaction(SIGSYS, &sa, nullptr) < 0) return base::ErrnoError("sigaction(SIGSYS)");
  return base::OkStatus();
}

base::Status DropCapabilities(CapSet keep) {
  cap_t current = cap_get_proc();
  if (current == nullptr) return base::ErrnoError("cap_get_proc");
  CapSet permitted = 0;
  bool can_drop_bound = false;
  for (int c = 0; c <= LastCap(); ++c) {
    cap_flag_value_t v = CAP_CLEAR;
    if (cap_get_flag(current, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET) permitted |= CapBit(c);
    if (c == CAP_SETPCAP && cap_get_flag(current, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET) {
      can_drop_bound = true;
    }
  }
  cap_free(current);
  const CapSet bounding = BoundingSet();
  for (int c = 0; can_drop_bound && c <= LastCap(); ++c) {
    if ((keep & CapBit(c)) || !(bounding & CapBit(c))) continue;
    if (cap_drop_bound(c) < 0) return base::ErrnoError(base::Cat("cap_drop_bound(", c, ")"));
  }
  cap_t next = cap_init();
  if (next == nullptr) return base::ErrnoError("cap_init");
  for (int c = 0; c <= LastCap(); ++c) {
    if (!(keep & permitted & CapBit(c))) continue;
    cap_value_t v = c;
    cap_set_flag(next, CAP_PERMITTED, 1, &v, CAP_SET);
    cap_set_flag(next, CAP_EFFECTIVE, 1, &v, CAP_SET);
  }
  // Inheritable and (so) ambient go empty: nothing berth forks later gets them by inheritance.
  const int rc = cap_set_proc(next);
  cap_free(next);
  if (rc < 0) return base::ErrnoError("cap_set_proc");
  log::Info("self-sandbox: berth keeps capabilities {}", CapListText(keep & permitted));
  return base::OkStatus();
}

}  // namespace

base::Result<std::unique_ptr<SelfSandbox>> SelfSandbox::Prepare(const SelfSandboxOptions& options) {
  std::unique_ptr<SelfSandbox> sandbox(new SelfSandbox(options));
  if (options.later_spawns) return sandbox;
  const SeccompAction otherwise = kCanTrap ? SeccompAction{SeccompAction::kTrap, 0}
                                            : SeccompAction{SeccompAction::kErrno, EPERM};
  std::vector<int> numbers;
  for (const std::string& name : kAllowlist) {
    std::optional<int> nr = SyscallNumber(name);
    if (!nr || *nr < 0) continue;  // not a native call here (open on aarch64, ...)
    numbers.push_back(*nr);
  }
  BERTH_ASSIGN_OR_RETURN(BpfProgram prog, CompileAllowlist(numbers, otherwise));
  sandbox->program_ = std::move(prog.code);
  sandbox->allowed_ = numbers.size();
  if (kCanTrap) ComposeRefusalLine(options);
  return sandbox;
}

base::Status SelfSandbox::Apply() {
  BERTH_RETURN_IF_ERROR(DropCapabilities(options_.keep | CapBit(CAP_KILL)));
  if (options_.later_spawns) {
    log::Info("self-sandbox: no seccomp filter for berth, as processes it starts later would "
              "inherit it");
    return base::OkStatus();
  }
  if (kCanTrap) BERTH_RETURN_IF_ERROR(InstallSigsysHandler());
  // Without CAP_SYS_ADMIN (just dropped) a filter needs no_new_privs; berth never execs.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    return base::ErrnoError("prctl(PR_SET_NO_NEW_PRIVS)");
  }
  sock_fprog fprog{static_cast<unsigned short>(program_.size()), program_.data()};
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0) {
    return base::ErrnoError("prctl(PR_SET_SECCOMP)");
  }
  log::Info("self-sandbox: seccomp allowlist of {} system calls loaded", allowed_);
  return base::OkStatus();
}

const std::vector<std::string>& SelfAllowlist() { return kAllowlist; }

void TrySyscall(absl::string_view name) {
  std::optional<int> nr = SyscallNumber(name);
  if (!nr || *nr < 0) {
    log::Error("--debug-try-syscall: unknown system call '{}'", name);
    return;
  }
  errno = 0;
  const long rc = ::syscall(*nr, 0, 0, 0, 0, 0, 0);
  const int err = errno;
  log::Notice("debug: {}(0, ...) returned {}{}", name, rc,
              rc < 0 ? base::Cat(": ", std::strerror(err)) : "");
}

}  // namespace berth::security
