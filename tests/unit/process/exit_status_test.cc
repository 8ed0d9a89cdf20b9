// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <sys/wait.h>

#include "berth/process/exit_status.h"

namespace berth::process {
namespace {

// Wait statuses as the kernel encodes them (wait(2)).
constexpr int Exited(int code) { return (code & 0xff) << 8; }
constexpr int Signaled(int sig) { return sig & 0x7f; }

TEST_SUITE("process") {
  TEST_CASE("exit codes as a shell reports them") {
    for (int code = 0; code < 256; ++code) {
      CAPTURE(code);
      CHECK(ExitCodeFromWaitStatus(Exited(code)) == code);
    }
    CHECK(ExitCodeFromWaitStatus(Signaled(SIGTERM)) == 143);
    CHECK(ExitCodeFromWaitStatus(Signaled(SIGKILL)) == 137);
    CHECK(ExitCodeFromWaitStatus(Signaled(SIGSEGV)) == 139);
  }

  TEST_CASE("wait statuses in words") {
    CHECK(DescribeWaitStatus(Exited(3)) == "exited with code 3");
    CHECK(DescribeWaitStatus(Signaled(SIGKILL)) == "killed by SIGKILL");
  }
}

}  // namespace
}  // namespace berth::process
