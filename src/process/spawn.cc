// SPDX-License-Identifier: MIT
#include "berth/process/spawn.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/base/unique_fd.h"
#include "berth/process/descriptor_reserve.h"

extern char** environ;

namespace berth::process {
namespace {

// What the child writes to the CLOEXEC pipe when a step fails: which one, and errno.
struct ChildFailure {
  int step;  // index into pre_exec, or one of the negative kStep* values
  int err;
};
constexpr int kStepSession = -1;
constexpr int kStepTerminal = -2;
constexpr int kStepSignals = -3;
constexpr int kStepExec = -4;
constexpr int kStepOutput = -5;
constexpr int kStepWorkdir = -6;

// Everything the child needs, as plain pointers into storage owned by the parent.
struct Prepared {
  std::vector<std::string> candidates;  // full paths to try, in PATH order
  std::vector<char*> argv;
  // execvp(3)'s fallback for a script without "#!": /bin/sh SCRIPT ARGS..., slot 1 filled in by
  // the child with the candidate that failed with ENOEXEC.
  std::vector<char*> sh_argv;
  std::vector<const char*> candidate_ptrs;
  std::vector<char*> envp;
  // "LISTEN_PID=" and room for the child's pid, written by the child itself after fork.
  std::array<char, 32> listen_pid{};
  bool fill_listen_pid = false;
};

constexpr absl::string_view kListenPid = "LISTEN_PID=";
constexpr const char* kShell = "/bin/sh";

// environ as is, except (when asked) a LISTEN_PID naming berth, which points at p.listen_pid.
void PrepareEnvironment(Prepared& p, const SpawnSpec& spec) {
  std::vector<char*> source;
  if (spec.env) {
    for (const std::string& e : *spec.env) source.push_back(const_cast<char*>(e.c_str()));
  } else {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) source.push_back(*e);
  }
  const std::string self = base::Cat(::getpid());
  for (char* e : source) {
    absl::string_view kv(e);
    if (spec.listen_pid_to_child && absl::StartsWith(kv, kListenPid) &&
        kv.substr(kListenPid.size()) == self) {
      std::memcpy(p.listen_pid.data(), kListenPid.data(), kListenPid.size());
      p.fill_listen_pid = true;
      p.envp.push_back(p.listen_pid.data());
    } else {
      p.envp.push_back(e);
    }
  }
  p.envp.push_back(nullptr);
}

// Writes getpid() in decimal after "LISTEN_PID="; async-signal-safe.
void FillListenPid(std::array<char, 32>& buf) {
  char digits[16];
  size_t n = 0;
  for (unsigned long v = static_cast<unsigned long>(::getpid()); v > 0 || n == 0; v /= 10) {
    digits[n++] = static_cast<char>('0' + v % 10);
  }
  size_t at = kListenPid.size();
  while (n > 0) buf[at++] = digits[--n];
  buf[at] = '\0';
}

// execvp(3)'s search, done before fork so the child only calls execve(2).
std::vector<std::string> Candidates(const std::string& program) {
  if (program.find('/') != std::string::npos) return {program};
  const char* path = std::getenv("PATH");
  absl::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::vector<std::string> out;
  for (absl::string_view dir : absl::StrSplit(dirs, ':')) {
    out.push_back(base::Cat(dir.empty() ? "." : dir, "/", program));
  }
  return out;
}

[[noreturn]] void Fail(int fd, int step, int err) {
  ChildFailure f{step, err};
  // The parent reads this; a short write only loses the detail, not the failure.
  [[maybe_unused]] ssize_t n = ::write(fd, &f, sizeof f);
  _exit(err == ENOENT   ? exit_codes::kNotFound
        : err == EACCES ? exit_codes::kCannotExecute
                        : exit_codes::kSetupFailure);
}

int ArrangeSession(Session session) {
  if (session == Session::kNewSession) return ::setsid() < 0 ? errno : 0;
  if (session == Session::kNewProcessGroup) return ::setpgid(0, 0) < 0 ? errno : 0;
  return 0;
}

// A new session takes stdin's terminal as its controlling terminal (dumb-init: TIOCSCTTY, which
// works once berth gave it up with TIOCNOTTY); a new group becomes the foreground group (tini:
// with SIGTTOU still ignored, tcsetpgrp() from the background is allowed). Failing to get the
// terminal is never fatal: there may be none.
int TakeTerminal(Session session) {
  if (session == Session::kNewSession) {
    (void)::ioctl(STDIN_FILENO, TIOCSCTTY, 0);
    return 0;
  }
  if (session == Session::kNewProcessGroup && ::tcsetpgrp(STDIN_FILENO, ::getpgrp()) < 0 &&
      errno != ENOTTY && errno != ENXIO && errno != EPERM) {
    return errno;
  }
  return 0;
}

[[noreturn]] void RunChild(const SpawnSpec& spec, Prepared& p, int fd) {
  if (int err = ArrangeSession(spec.session)) Fail(fd, kStepSession, err);
  if (spec.take_terminal) {
    if (int err = TakeTerminal(spec.session)) Fail(fd, kStepTerminal, err);
  }
  if (p.fill_listen_pid) FillListenPid(p.listen_pid);
  if ((spec.stdout_fd >= 0 && ::dup2(spec.stdout_fd, STDOUT_FILENO) < 0) ||
      (spec.stderr_fd >= 0 && ::dup2(spec.stderr_fd, STDERR_FILENO) < 0)) {
    Fail(fd, kStepOutput, errno);
  }
  if (!spec.workdir.empty() && ::chdir(spec.workdir.c_str()) < 0) Fail(fd, kStepWorkdir, errno);
  if (::sigprocmask(SIG_SETMASK, &spec.sigmask, nullptr) < 0 ||
      ::sigaction(SIGTTIN, &spec.ttin_action, nullptr) < 0 ||
      ::sigaction(SIGTTOU, &spec.ttou_action, nullptr) < 0) {
    Fail(fd, kStepSignals, errno);
  }
  if (spec.default_signal_actions) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig <= 31; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP && ::sigaction(sig, &dfl, nullptr) < 0) {
        Fail(fd, kStepSignals, errno);
      }
    }
  }
  for (size_t i = 0; i < spec.pre_exec.size(); ++i) {
    if (int err = spec.pre_exec[i].run(spec.pre_exec[i].context)) Fail(fd, static_cast<int>(i), err);
  }
  // execvp's rule: remember EACCES, go on past ENOENT/ENOTDIR, stop at anything else; a file
  // the kernel cannot run (ENOEXEC: a script without "#!") runs through /bin/sh.
  int err = ENOENT;
  for (const char* candidate : p.candidate_ptrs) {
    ::execve(candidate, p.argv.data(), p.envp.data());
    if (errno == ENOEXEC) {
      p.sh_argv[1] = const_cast<char*>(candidate);
      ::execve(kShell, p.sh_argv.data(), p.envp.data());
      err = ENOEXEC;  // as execvp: the script's error, not the shell's
      break;
    }
    if (errno == EACCES) {
      err = EACCES;
    } else if (errno != ENOENT && errno != ENOTDIR) {
      err = errno;
      break;
    }
  }
  Fail(fd, kStepExec, err);
}

std::string StepName(const SpawnSpec& spec, int step) {
  switch (step) {
    case kStepSession: return spec.session == Session::kNewSession ? "setsid" : "setpgid";
    case kStepTerminal: return "tcsetpgrp";
    case kStepSignals: return "restore signal mask";
    case kStepExec:
      return base::Cat("exec ", spec.argv.front());
    case kStepOutput: return "dup2 (output)";
    case kStepWorkdir:
      return base::Cat("chdir ", spec.workdir);
    default: return spec.pre_exec[step].name;
  }
}

}  // namespace

base::Result<pid_t> Spawn(const SpawnSpec& spec) {
  Prepared p;
  p.candidates = Candidates(spec.argv.front());
  for (const std::string& c : p.candidates) p.candidate_ptrs.push_back(c.c_str());
  for (const std::string& a : spec.argv) p.argv.push_back(const_cast<char*>(a.c_str()));
  p.argv.push_back(nullptr);
  p.sh_argv = {const_cast<char*>(kShell), nullptr};
  p.sh_argv.insert(p.sh_argv.end(), p.argv.begin() + 1, p.argv.end());
  PrepareEnvironment(p, spec);

  UsingReserve reserve;  // declared before the pipe, so set aside again after it is closed
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return base::ErrnoError("pipe2");
  base::UniqueFd read_end(fds[0]);
  base::UniqueFd write_end(fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) return base::ErrnoError("fork");
  if (pid == 0) RunChild(spec, p, write_end.Get());
  write_end.Reset();

  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(read_end.Get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof failure)) return pid;  // EOF: exec succeeded
  // The child is exiting; collect it here so the reaper never sees a child berth did not start.
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  base::Failure error = base::ErrnoError(StepName(spec, failure.step), failure.err);
  // Only the exec's own errno says "not found" or "not executable" (127, 126); a step before it
  // failing (setuid without the privilege: EPERM) is a set-up failure.
  if (failure.step == kStepExec) return error;
  return base::FailedPreconditionError(error.error().message());
}

int ExitCodeForSpawnError(const base::Error& status) {
  if (base::IsNotFound(status)) return exit_codes::kNotFound;
  if (base::IsPermissionDenied(status)) return exit_codes::kCannotExecute;
  return exit_codes::kSetupFailure;
}

}  // namespace berth::process
