// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include "berth/loop/loop.h"
#include "berth/loop/signal_source.h"
#include "berth/loop/timer.h"

namespace berth::loop {
namespace {

TEST_SUITE("loop") {
  TEST_CASE("a timer fires once and the loop stops when told") {
    base::Result<Loop> loop = Loop::Create();
    REQUIRE(loop.has_value());
    int fired = 0;
    auto timer = Timer::Create(*loop, [&] {
      ++fired;
      loop->Stop();
    });
    REQUIRE(timer.has_value());
    REQUIRE((*timer)->Arm(absl::Milliseconds(1)).has_value());
    CHECK((*timer)->Armed());
    REQUIRE(loop->Run().has_value());
    CHECK(fired == 1);
    CHECK_FALSE((*timer)->Armed());
  }

  TEST_CASE("a disarmed timer never fires") {
    base::Result<Loop> loop = Loop::Create();
    REQUIRE(loop.has_value());
    bool early = false;
    auto never = Timer::Create(*loop, [&] { early = true; });
    auto later = Timer::Create(*loop, [&] { loop->Stop(); });
    REQUIRE(never.has_value());
    REQUIRE(later.has_value());
    REQUIRE((*never)->Arm(absl::Milliseconds(1)).has_value());
    REQUIRE((*never)->Disarm().has_value());
    REQUIRE((*later)->Arm(absl::Milliseconds(20)).has_value());
    REQUIRE(loop->Run().has_value());
    CHECK_FALSE(early);
  }

  TEST_CASE("fd handlers see readiness and may remove themselves") {
    base::Result<Loop> loop = Loop::Create();
    REQUIRE(loop.has_value());
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int calls = 0;
    REQUIRE(loop->Add(fds[0], EPOLLIN,
                      [&](uint32_t events) {
                        ++calls;
                        CHECK((events & EPOLLIN) != 0);
                        loop->Remove(fds[0]);
                        loop->Stop();
                      })
                .has_value());
    REQUIRE(write(fds[1], "x", 1) == 1);
    REQUIRE(loop->Run().has_value());
    CHECK(calls == 1);
    close(fds[0]);
    close(fds[1]);
  }

  TEST_CASE("a blocked signal arrives through the signal source") {
    base::Result<Loop> loop = Loop::Create();
    REQUIRE(loop.has_value());
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    REQUIRE(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    int got = 0;
    auto source = SignalSource::Create(*loop, set,
                                       [&](const signalfd_siginfo& info) {
                                         got = static_cast<int>(info.ssi_signo);
                                         loop->Stop();
                                       });
    REQUIRE(source.has_value());
    REQUIRE(kill(getpid(), SIGUSR2) == 0);
    REQUIRE(loop->Run().has_value());
    CHECK(got == SIGUSR2);
    sigprocmask(SIG_SETMASK, &old, nullptr);
  }
}

}  // namespace
}  // namespace berth::loop
