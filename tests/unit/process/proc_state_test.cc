// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "berth/process/proc_state.h"

namespace berth::process {
namespace {

TEST_SUITE("process") {
  TEST_CASE("BlocksSignal reads SigBlk, real-time signals too") {
    sigset_t saved, block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGRTMAX);
    REQUIRE(sigprocmask(SIG_BLOCK, nullptr, &saved) == 0);
    REQUIRE_FALSE(sigismember(&saved, SIGUSR2));
    CHECK_FALSE(BlocksSignal(getpid(), SIGUSR2));
    REQUIRE(sigprocmask(SIG_BLOCK, &block, nullptr) == 0);
    CHECK(BlocksSignal(getpid(), SIGUSR2));
    CHECK(BlocksSignal(getpid(), SIGRTMAX));
    CHECK_FALSE(BlocksSignal(getpid(), SIGUSR1));
    REQUIRE(sigprocmask(SIG_SETMASK, &saved, nullptr) == 0);
    CHECK_FALSE(BlocksSignal(getpid(), SIGUSR2));
    CHECK_FALSE(BlocksSignal(getpid(), 0));
    CHECK_FALSE(BlocksSignal(getpid(), 65));
  }

  TEST_CASE("BlocksSignal of a process that is gone is false") {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(0);
    REQUIRE(waitpid(pid, nullptr, 0) == pid);
    CHECK_FALSE(BlocksSignal(pid, SIGTERM));
  }
}

}  // namespace
}  // namespace berth::process
