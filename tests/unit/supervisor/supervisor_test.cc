// SPDX-License-Identifier: MIT
// Each rule of docs/shutdown.md, driven through Supervisor::OnSignal on a fake clock and fake
// processes (fake_host.h): no fork, no sleep.
#include "berth/supervisor/supervisor.h"

#include <doctest/doctest.h>
#include <sys/signalfd.h>

#include "fake_host.h"

namespace berth::supervisor {
namespace {

using testing::FakeHost;

constexpr pid_t kChild = 100;  // FakeHost's first spawn

int Exited(int code) { return code << 8; }
int Killed(int sig) { return sig; }

// One berth run: options to set before Start(), then signals and exits.
struct Run {
  config::Options options;
  FakeHost host;
  process::Reaper reaper{[this](int* status) { return host.Wait(status); }};
  loop::Loop loop = *loop::Loop::Create();
  std::unique_ptr<Supervisor> sup;

  void Start() {
    process::SpawnSpec child;
    child.argv = {"app"};
    auto created = Supervisor::Create(options, loop, reaper, child, &host);
    REQUIRE(created.has_value());
    sup = std::move(*created);
    REQUIRE(sup->Start().has_value());
  }
  void Signal(int sig) {
    signalfd_siginfo info{};
    info.ssi_signo = static_cast<uint32_t>(sig);
    info.ssi_code = SI_USER;
    sup->OnSignal(info);
  }
  // `pid` ends; berth learns it from the SIGCHLD.
  void Exit(pid_t pid, int wait_status) {
    host.Exit(pid, wait_status);
    Signal(SIGCHLD);
  }
};

TEST_SUITE("supervisor") {
  TEST_CASE("a stop signal goes to the child, and the child's status is berth's") {
    Run r;
    r.Start();
    r.Signal(SIGTERM);
    CHECK(r.host.Got(kChild, SIGTERM));
    CHECK(r.sup->phase() == Phase::kStopping);
    r.Exit(kChild, Exited(0));
    CHECK(r.sup->phase() == Phase::kDone);
    CHECK(r.sup->ExitCode() == 0);
  }

  TEST_CASE("TERM, INT and QUIT start the stop; other signals are forwarded as they are") {
    for (int sig : {SIGTERM, SIGINT, SIGQUIT}) {
      CAPTURE(sig);
      Run r;
      r.Start();
      r.Signal(SIGUSR1);
      CHECK(r.host.Got(kChild, SIGUSR1));
      CHECK(r.sup->phase() == Phase::kRunning);
      r.Signal(sig);
      CHECK(r.host.Got(kChild, sig));
      CHECK(r.sup->phase() == Phase::kStopping);
    }
  }

  TEST_CASE("--stop-signal replaces the set: TERM is then an ordinary signal") {
    Run r;
    r.options.stop_signals = {SIGUSR1};
    r.Start();
    r.Signal(SIGTERM);
    CHECK(r.host.Got(kChild, SIGTERM));
    CHECK(r.sup->phase() == Phase::kRunning);
    r.Signal(SIGUSR1);
    CHECK(r.sup->phase() == Phase::kStopping);
  }

  TEST_CASE("--map applies to the forwarded stop signal; a process group gets it as one") {
    Run r;
    r.options.map.Set(SIGTERM, SIGQUIT);
    r.options.target = config::SignalTarget::kProcessGroup;
    r.Start();
    r.Signal(SIGTERM);
    CHECK(r.host.Got(-kChild, SIGQUIT));
    CHECK_FALSE(r.host.Got(-kChild, SIGTERM));
  }

  TEST_CASE("the drain: the stop signal goes to the child only when it is over") {
    Run r;
    r.options.drain = absl::Seconds(2);
    r.Start();
    r.Signal(SIGTERM);
    CHECK(r.sup->phase() == Phase::kDraining);
    r.host.Advance(absl::Seconds(2) - absl::Milliseconds(1));
    CHECK_FALSE(r.host.Got(kChild, SIGTERM));
    r.host.Advance(absl::Milliseconds(1));
    CHECK(r.host.Got(kChild, SIGTERM));
    CHECK(r.sup->phase() == Phase::kStopping);
  }

  TEST_CASE("a second stop signal ends the drain at once; later ones are forwarded as usual") {
    Run r;
    r.options.drain = absl::Seconds(10);
    r.Start();
    r.Signal(SIGTERM);
    r.Signal(SIGINT);
    CHECK(r.host.Count(kChild, SIGTERM) == 1);  // the first stop signal is the one sent
    CHECK_FALSE(r.host.Got(kChild, SIGINT));
    CHECK(r.sup->phase() == Phase::kStopping);
    r.Signal(SIGINT);
    CHECK(r.host.Got(kChild, SIGINT));
    r.host.Advance(absl::Seconds(10));  // the cancelled drain sends nothing more
    CHECK(r.host.Count(kChild, SIGTERM) == 1);
  }

  TEST_CASE("a stopped child gets SIGCONT after the stop signal, so it can act on it") {
    Run r;
    r.Start();
    r.host.procs[kChild].stopped = true;
    r.Signal(SIGTERM);
    REQUIRE(r.host.sent.size() == 2);
    CHECK(r.host.sent[0] == FakeHost::Sent{kChild, SIGTERM});
    CHECK(r.host.sent[1] == FakeHost::Sent{kChild, SIGCONT});
  }

  TEST_CASE("the deadline: the grace counts from the first stop signal, the drain included") {
    Run r;
    r.options.drain = absl::Seconds(1);
    r.options.grace = absl::Seconds(3);
    r.Start();
    r.host.procs[200] = {"docker-exec-shell"};
    r.Signal(SIGTERM);
    r.host.Advance(absl::Seconds(3) - absl::Milliseconds(1));
    CHECK(r.host.Got(kChild, SIGTERM));
    CHECK_FALSE(r.host.Got(kChild, SIGKILL));
    r.host.Advance(absl::Milliseconds(1));
    CHECK(r.sup->phase() == Phase::kKilling);
    CHECK(r.host.Got(kChild, SIGKILL));
    CHECK(r.host.Got(200, SIGKILL));  // everything berth answers for, not only the child
    CHECK(r.host.Got(-1, SIGKILL));   // as PID 1, what /proc did not show too
    r.Exit(kChild, Killed(SIGKILL));
    CHECK(r.sup->phase() == Phase::kKilling);  // berth exits when the last process is gone
    r.Exit(200, Killed(SIGKILL));
    CHECK(r.sup->phase() == Phase::kDone);
    CHECK(r.sup->ExitCode() == 137);
  }

  TEST_CASE("outside PID 1 the sweep is the /proc scan only") {
    Run r;
    r.options.grace = absl::Seconds(1);
    r.host.init = false;
    r.Start();
    r.Signal(SIGTERM);
    r.host.Advance(absl::Seconds(1));
    CHECK(r.host.Got(kChild, SIGKILL));
    CHECK_FALSE(r.host.Got(-1, SIGKILL));
  }

  TEST_CASE("a process born after the sweep is swept at the next reap") {
    Run r;
    r.options.grace = absl::Seconds(1);
    r.Start();
    r.Signal(SIGTERM);
    r.host.Advance(absl::Seconds(1));
    r.host.procs[300] = {"late"};
    r.Exit(kChild, Killed(SIGKILL));
    CHECK(r.host.Got(300, SIGKILL));
  }

  TEST_CASE("no grace: no deadline, berth waits for the child as long as it takes") {
    Run r;
    r.Start();
    r.Signal(SIGTERM);
    r.host.Advance(absl::Hours(24));
    CHECK_FALSE(r.host.Got(kChild, SIGKILL));
    r.Exit(kChild, Exited(0));
    CHECK(r.sup->ExitCode() == 0);
  }

  TEST_CASE("leftovers get SIGTERM, the stopped ones SIGCONT after it; then the child's status") {
    Run r;
    r.Start();
    r.host.procs[200] = {"daemon"};
    r.host.procs[201] = {"stopped-daemon", true};
    r.Exit(kChild, Exited(3));
    CHECK(r.sup->phase() == Phase::kTearingDown);
    CHECK(r.host.Got(200, SIGTERM));
    CHECK_FALSE(r.host.Got(200, SIGCONT));
    CHECK(r.host.Got(201, SIGTERM));
    CHECK(r.host.Got(201, SIGCONT));
    r.Exit(200, Killed(SIGTERM));
    r.Exit(201, Killed(SIGTERM));
    CHECK(r.sup->phase() == Phase::kDone);
    CHECK(r.sup->ExitCode() == 3);
    CHECK_FALSE(r.host.Got(200, SIGKILL));
  }

  TEST_CASE("leftovers that ignore SIGTERM are killed at the deadline") {
    Run r;
    absl::Duration exit_after = absl::ZeroDuration();
    absl::Duration kill_after = absl::ZeroDuration();  // from the child's exit
    SUBCASE("no stop signal, no grace: 5 s") { kill_after = absl::Seconds(5); }
    SUBCASE("no stop signal: the grace from the child's exit") {
      r.options.grace = absl::Seconds(10);
      kill_after = absl::Seconds(10);
    }
    SUBCASE("after a stop signal: the grace from the stop signal") {
      r.options.grace = absl::Seconds(10);
      exit_after = absl::Seconds(4);
      kill_after = absl::Seconds(6);
    }
    r.Start();
    r.host.procs[200] = {"stubborn"};
    if (exit_after > absl::ZeroDuration()) r.Signal(SIGTERM);
    r.host.Advance(exit_after);
    r.Exit(kChild, Exited(3));
    CHECK(r.host.Got(200, SIGTERM));
    r.host.Advance(kill_after - absl::Milliseconds(1));
    CHECK_FALSE(r.host.Got(200, SIGKILL));
    r.host.Advance(absl::Milliseconds(1));
    CHECK(r.host.Got(200, SIGKILL));
    r.Exit(200, Killed(SIGKILL));
    CHECK(r.sup->ExitCode() == 3);  // the child's status, not the leftover's
  }

  TEST_CASE("--no-teardown: berth exits at once and leaves the leftovers alone") {
    Run r;
    r.options.teardown = false;
    r.Start();
    r.host.procs[200] = {"daemon"};
    r.Exit(kChild, Exited(0));
    CHECK(r.sup->phase() == Phase::kDone);
    CHECK_FALSE(r.host.Got(200, SIGTERM));
  }

  TEST_CASE("exit codes: the child's code, 128 + its signal, 0 for an -e code") {
    struct Case {
      int wait_status;
      int remapped;  // -e
      int expected;
    };
    for (const Case& c :
         {Case{Exited(0), -1, 0}, Case{Exited(3), -1, 3}, Case{Killed(SIGTERM), -1, 143},
          Case{Killed(SIGKILL), -1, 137}, Case{Exited(3), 3, 0}, Case{Killed(SIGTERM), 143, 0}}) {
      CAPTURE(c.wait_status);
      Run r;
      if (c.remapped >= 0) r.options.exit_to_zero.set(static_cast<size_t>(c.remapped));
      r.Start();
      r.Exit(kChild, c.wait_status);
      CHECK(r.sup->ExitCode() == c.expected);
    }
  }

  TEST_CASE(
      "--on-unhealthy exit: the stop as a stop signal would, and its code above the child's") {
    Run r;
    r.Start();
    r.sup->RequestStop(SIGTERM, 69);
    CHECK(r.host.Got(kChild, SIGTERM));
    r.Exit(kChild, Exited(0));
    CHECK(r.sup->ExitCode() == 69);
  }

  TEST_CASE("kill's result is checked: a leftover berth cannot signal gets no SIGCONT") {
    Run r;
    r.Start();
    r.host.procs[200] = {"other-user", true};
    r.host.kill_errors[200] = EPERM;
    r.Exit(kChild, Exited(0));
    CHECK(r.host.Got(200, SIGTERM));
    CHECK_FALSE(r.host.Got(200, SIGCONT));
  }
}

TEST_SUITE("supervisor") {
  TEST_CASE("Teardown: counts only the processes its SIGKILL reached") {
    config::Options options;
    FakeHost host;
    host.procs[200] = {"a"};
    host.procs[201] = {"b"};
    host.kill_errors[201] = EPERM;
    auto t = Teardown::Create(
        options, host, [] {}, nullptr);
    REQUIRE(t.has_value());
    (*t)->KillEverything();
    CHECK((*t)->killed().size() == 1);
    CHECK((*t)->killing());
  }

  TEST_CASE(
      "Teardown: the drain ends when it runs out or at a second stop signal, and says how long it "
      "was") {
    config::Options options;
    options.drain = absl::Seconds(10);
    FakeHost host;
    int drained = 0;
    auto made = Teardown::Create(
        options, host, [&drained] { ++drained; }, nullptr);
    REQUIRE(made.has_value());
    Teardown& t = **made;
    t.OnStopSignal(SIGTERM);
    CHECK(t.draining());
    SUBCASE("it runs out") {
      host.Advance(absl::Seconds(10));
      CHECK(t.drained() == absl::Seconds(10));
    }
    SUBCASE("a second stop signal") {
      host.Advance(absl::Seconds(3));
      t.OnStopSignal(SIGINT);
      CHECK(t.drained() == absl::Seconds(3));
      host.Advance(absl::Seconds(10));
    }
    CHECK_FALSE(t.draining());
    CHECK(drained == 1);
  }

  TEST_CASE("Teardown: the stop begins once; leftovers are terminated once") {
    config::Options options;
    options.grace = absl::Seconds(10);
    FakeHost host;
    auto made = Teardown::Create(
        options, host, [] {}, nullptr);
    REQUIRE(made.has_value());
    Teardown& t = **made;
    t.Begin();
    host.Advance(absl::Seconds(4));
    t.Begin();
    REQUIRE(t.plan().has_value());
    CHECK(t.plan()->began() == testing::kT0);
    host.procs[200] = {"a"};
    t.TerminateLeftovers("gone");
    t.TerminateLeftovers("gone");
    CHECK(host.Count(200, SIGTERM) == 1);
    host.Advance(absl::Seconds(6));
    CHECK(host.Got(200, SIGKILL));
  }
}

}  // namespace
}  // namespace berth::supervisor
