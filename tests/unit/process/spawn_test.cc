// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "berth/process/spawn.h"

namespace berth::process {
namespace {

SpawnSpec Spec(std::vector<std::string> argv) {
  SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.take_terminal = false;
  sigprocmask(SIG_SETMASK, nullptr, &spec.sigmask);
  sigaction(SIGTTIN, nullptr, &spec.ttin_action);
  sigaction(SIGTTOU, nullptr, &spec.ttou_action);
  return spec;
}

int WaitFor(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return status;
}

int FailWith(const void* context) { return *static_cast<const int*>(context); }

TEST_SUITE("process") {
  TEST_CASE("Spawn finds the program on PATH and runs it in its own process group") {
    base::Result<pid_t> pid = Spawn(Spec({"sh", "-c", "[ $(ps -o pgid= $$) -eq $$ ] && exit 7"}));
    REQUIRE(pid.has_value());
    int status = WaitFor(*pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 7);
  }

  TEST_CASE("a missing program is NotFound (exit 127), a non-executable one PermissionDenied") {
    base::Result<pid_t> pid = Spawn(Spec({"/nonexistent/prog"}));
    CHECK(base::IsNotFound(pid.error()));
    CHECK(pid.error().message() == "exec /nonexistent/prog: No such file or directory");
    CHECK(ExitCodeForSpawnError(pid.error()) == 127);
    pid = Spawn(Spec({"no-such-program-anywhere-on-path"}));
    CHECK(base::IsNotFound(pid.error()));
    char path[] = "/tmp/berth-spawn-test-XXXXXX";
    int fd = mkstemp(path);  // mode 0600: not executable, even for root
    REQUIRE(fd >= 0);
    close(fd);
    pid = Spawn(Spec({path}));
    unlink(path);
    CHECK(base::IsPermissionDenied(pid.error()));
    CHECK(ExitCodeForSpawnError(pid.error()) == 126);
  }

  TEST_CASE("a failing pre-exec step is reported by name and errno") {
    static const int kErr = EPERM;
    SpawnSpec spec = Spec({"true"});
    spec.pre_exec.push_back({"setuid", FailWith, &kErr});
    base::Result<pid_t> pid = Spawn(spec);
    CHECK_FALSE(pid.has_value());
    CHECK(pid.error().message() == "setuid: Operation not permitted");
  }
}

}  // namespace
}  // namespace berth::process
