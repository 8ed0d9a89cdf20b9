// SPDX-License-Identifier: MIT
#include "berth/check/launch.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/base/unique_fd.h"

extern char** environ;

namespace berth::check {
namespace {

// The steps the child may fail at, reported through a CLOEXEC pipe as {step, errno}.
enum Step : int {
  kSetgroups,
  kUidMap,
  kGidMap,
  kPrivateMounts,
  kMountProc,
  kPdeathsig,
  kFds,
  kExec
};
constexpr const char* kStepNames[] = {"write /proc/self/setgroups",
                                      "write /proc/self/uid_map",
                                      "write /proc/self/gid_map",
                                      "make mounts private",
                                      "mount /proc",
                                      "prctl(PR_SET_PDEATHSIG)",
                                      "set up stdio",
                                      "exec"};

struct Failure {
  int step;
  int err;
};

// Everything the child touches, prepared before clone: between clone and exec it only makes
// system calls on these.
struct Prepared {
  std::vector<std::string> candidates;
  std::vector<char*> argv;
  std::string uid_map;
  std::string gid_map;
  int null_fd = -1;
  int out_fd = -1;
  int err_fd = -1;
  int report_fd = -1;
  bool new_namespace = false;
  bool user_namespace = false;
  sigset_t mask{};
};

std::vector<std::string> Candidates(const std::string& program) {
  if (program.find('/') != std::string::npos) return {program};
  const char* path = std::getenv("PATH");
  std::vector<std::string> out;
  for (absl::string_view dir : absl::StrSplit(path ? path : "/usr/local/bin:/usr/bin:/bin", ':')) {
    out.push_back(base::Cat(dir.empty() ? "." : dir, "/", program));
  }
  return out;
}

[[noreturn]] void Fail(const Prepared& p, int step, int err) {
  Failure f{step, err};
  [[maybe_unused]] ssize_t n = ::write(p.report_fd, &f, sizeof f);
  _exit(exit_codes::kNotFound);
}

bool WriteFile(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// user_namespaces(7): a process may map its own outer uid in a namespace it just made, once
// setgroups is denied.
void EnterUserNamespace(const Prepared& p) {
  if (!WriteFile("/proc/self/setgroups", "deny")) Fail(p, kSetgroups, errno);
  if (!WriteFile("/proc/self/uid_map", p.uid_map)) Fail(p, kUidMap, errno);
  if (!WriteFile("/proc/self/gid_map", p.gid_map)) Fail(p, kGidMap, errno);
}

[[noreturn]] void Child(const Prepared& p) {
  if (p.user_namespace) EnterUserNamespace(p);
  if (p.new_namespace) {
    // A /proc of the new namespace, as `unshare --mount-proc`: berth finds its descendants there,
    // and the host's /proc would show it every process on the machine.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
      Fail(p, kPrivateMounts, errno);
    }
    if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) {
      Fail(p, kMountProc, errno);
    }
  }
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) Fail(p, kPdeathsig, errno);
  if (::dup2(p.null_fd, STDIN_FILENO) < 0 || ::dup2(p.out_fd, STDOUT_FILENO) < 0 ||
      ::dup2(p.err_fd, STDERR_FILENO) < 0) {
    Fail(p, kFds, errno);
  }
  ::sigprocmask(SIG_SETMASK, &p.mask, nullptr);
  int err = ENOENT;
  for (const std::string& c : p.candidates) {
    ::execve(c.c_str(), p.argv.data(), environ);
    if (errno != ENOENT) err = errno;
  }
  Fail(p, kExec, err);
}

// fork(2) with namespace flags: clone(2) without a new stack returns twice, like fork. The child
// becomes PID 1 of the new PID namespace.
pid_t CloneProcess(unsigned long flags) {
  return static_cast<pid_t>(
      ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

// Starts the child with `flags`; returns its pid once it has exec'd.
base::Result<pid_t> Start(Prepared& p, unsigned long flags) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) < 0) return base::ErrnoError("pipe2");
  base::UniqueFd read_end(report[0]);
  base::UniqueFd write_end(report[1]);
  p.report_fd = write_end.Get();
  const pid_t pid = flags == 0 ? ::fork() : CloneProcess(flags);
  if (pid < 0) return base::ErrnoError(flags == 0 ? "fork" : "clone");
  if (pid == 0) Child(p);
  write_end.Reset();
  Failure f{};
  ssize_t n;
  do {
    n = ::read(read_end.Get(), &f, sizeof f);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return pid;  // EOF: the exec closed the pipe
  ::waitpid(pid, nullptr, 0);
  std::string what = kStepNames[f.step];
  if (f.step == kExec) what = base::Cat("exec ", p.argv.front());
  return base::ErrnoError(what, f.err);
}

}  // namespace

base::Result<Launched> Launch(const LaunchRequest& r) {
  Prepared p;
  p.candidates = Candidates(r.program);
  for (const std::string& a : r.argv) p.argv.push_back(const_cast<char*>(a.c_str()));
  p.argv.push_back(nullptr);
  p.uid_map = base::Cat("0 ", ::geteuid(), " 1\n");
  p.gid_map = base::Cat("0 ", ::getegid(), " 1\n");
  base::UniqueFd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_fd.Valid()) return base::ErrnoError("open /dev/null");
  p.null_fd = null_fd.Get();
  p.out_fd = r.stdout_fd;
  p.err_fd = r.stderr_fd;
  p.mask = r.child_mask;

  Launched l;
  std::string why_not = "not tried (--no-namespace)";
  if (r.try_namespace) {
    constexpr unsigned long kBase = CLONE_NEWPID | CLONE_NEWNS;
    // Root makes the namespaces directly; anyone else, or root without CAP_SYS_ADMIN, through
    // a user namespace (where it is root).
    for (bool user : {false, true}) {
      if (!user && ::geteuid() != 0) continue;
      p.new_namespace = true;
      p.user_namespace = user;
      base::Result<pid_t> pid = Start(p, kBase | (user ? CLONE_NEWUSER : 0));
      if (pid.has_value()) {
        l.pid = *pid;
        l.mode = r.bare ? Mode::kBare : Mode::kPidNamespace;
        l.user_namespace = user;
        return l;
      }
      // A failed exec is the program's fault, not the namespace's: no point in falling back.
      if (absl::StartsWith(pid.error().message(), "exec ")) return base::ErrorOf(pid);
      why_not = std::string(pid.error().message());
    }
  }
  if (r.bare) return base::FailedPreconditionError(base::Cat("no PID namespace: ", why_not));
  p.new_namespace = false;
  p.user_namespace = false;
  BERTH_ASSIGN_OR_RETURN(l.pid, Start(p, 0));
  l.mode = Mode::kSubreaper;
  l.note = why_not;
  return l;
}

}  // namespace berth::check
