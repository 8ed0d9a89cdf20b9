// SPDX-License-Identifier: MIT
#include "berth/security/seccomp_filter.h"

#include <doctest/doctest.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "security/syscall_names.h"

namespace berth::security {
namespace {

TEST_SUITE("security") {
  TEST_CASE("MayAllow: whether a filter can ever let a call through") {
    const int execve = *SyscallNumber("execve");
    const SeccompAction allow{SeccompAction::kAllow, 0};
    const SeccompAction eperm{SeccompAction::kErrno, EPERM};
    CHECK(MayAllow(SeccompFilter{allow, {}, {}}, execve));
    CHECK_FALSE(MayAllow(SeccompFilter{eperm, {}, {}}, execve));
    CHECK(MayAllow(SeccompFilter{eperm, {}, {{"execve", execve, allow, {}}}}, execve));
    CHECK_FALSE(MayAllow(SeccompFilter{allow, {}, {{"execve", execve, eperm, {}}}}, execve));
    // A deny with a condition on the arguments may still let some calls through.
    const ArgCondition first_is_zero{ArgCondition::kEqual, 0, 0, 0};
    CHECK(MayAllow(SeccompFilter{allow, {}, {{"execve", execve, eperm, {first_is_zero}}}}, execve));
    CHECK(MayAllow(*ParseDenyList("mount,ptrace"), execve));
    CHECK_FALSE(MayAllow(*ParseDenyList("mount,execve"), execve));
  }

  TEST_CASE("the compiled-in syscall names agree with libseccomp's") {
    int both = 0;
    for (int nr = 0; nr < 1024; ++nr) {
      const char* ours = NativeSyscallName(nr);
      const std::string theirs = SyscallName(nr);
      if (ours == nullptr || theirs.empty()) continue;
      CAPTURE(nr);
      CHECK(std::string(ours) == theirs);
      ++both;
    }
    CHECK(both > 250);
    REQUIRE(NativeSyscallName(*SyscallNumber("getcwd")) != nullptr);
    CHECK(std::string(NativeSyscallName(*SyscallNumber("getcwd"))) == "getcwd");
    CHECK(NativeSyscallName(-1) == nullptr);
    CHECK(NativeSyscallName(1 << 20) == nullptr);
  }

  // The child's exit, straight to the kernel: a sanitizer's _exit hook would run LeakSanitizer,
  // whose ptrace the filter refuses, and turn the exit code into its own.
  [[noreturn]] void ExitNow(int code) {
    ::syscall(SYS_exit_group, code);
    __builtin_unreachable();
  }

  // Loads the program in a forked child and reports, through the exit code, what getpid and
  // getcwd did: 0 when getpid passed and getcwd failed with EPERM.
  int RunFiltered(const BpfProgram& prog) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      sock_fprog fprog = prog.Fprog();
      if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) ExitNow(10);
      if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0) ExitNow(11);
      if (::syscall(SYS_getpid) <= 0) ExitNow(12);
      char buf[256];
      errno = 0;
      if (::syscall(SYS_getcwd, buf, sizeof buf) >= 0 || errno != EPERM) ExitNow(13);
      ExitNow(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
  }

  TEST_CASE("CompileAllowlist allows the listed calls and refuses the rest, like Compile") {
    std::vector<int> numbers;
    for (const char* name : {"getpid", "exit", "exit_group"})
      numbers.push_back(*SyscallNumber(name));
    const SeccompAction eperm{SeccompAction::kErrno, EPERM};
    base::Result<BpfProgram> direct = CompileAllowlist(numbers, eperm);
    REQUIRE(direct.has_value());
    CHECK(RunFiltered(*direct) == 0);

    SeccompFilter f;
    f.default_action = eperm;
    for (int nr : numbers) f.rules.push_back({"", nr, {SeccompAction::kAllow, 0}, {}});
    base::Result<BpfProgram> general = Compile(f);
    REQUIRE(general.has_value());
    CHECK(RunFiltered(*general) == 0);
  }
}

}  // namespace
}  // namespace berth::security
