// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/signals/signal.h"

namespace berth::signals {
namespace {

TEST_SUITE("signals") {
  TEST_CASE("ParseSignal accepts names, SIG names, any case, numbers and real-time forms") {
    struct Row {
      const char* text;
      std::optional<int> want;
    };
    const Row rows[] = {
        {"TERM", SIGTERM},   {"SIGTERM", SIGTERM}, {"sigterm", SIGTERM}, {"15", 15},
        {"QUIT", SIGQUIT},   {"hup", SIGHUP},      {"IOT", SIGABRT},     {"RTMIN", 34},
        {"RTMIN+2", 36},     {"SIGRTMAX", 64},     {"RTMAX-1", 63},      {"64", 64},
        {"0", std::nullopt}, {"65", std::nullopt}, {"", std::nullopt},   {"TERMS", std::nullopt},
        {"RTMIN+31", std::nullopt}, {"RTMAX+1", std::nullopt}, {"-1", std::nullopt},
        {"15x", std::nullopt}, {"SIG33", 33}, {"sig32", 32}, {"SIG+15", std::nullopt},
        {"SIG65", std::nullopt},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      CHECK(ParseSignal(r.text) == r.want);
    }
  }

  TEST_CASE("SignalName gives canonical names") {
    CHECK(SignalName(SIGTERM) == "SIGTERM");
    CHECK(SignalName(SIGABRT) == "SIGABRT");
    CHECK(SignalName(SIGCHLD) == "SIGCHLD");
    CHECK(SignalName(34) == "SIGRTMIN");
    CHECK(SignalName(40) == "SIGRTMIN+6");
    CHECK(SignalName(32) == "SIG32");
  }

  TEST_CASE("names round-trip for every signal") {
    for (int sig = 1; sig <= kMaxSignal; ++sig) {
      CAPTURE(sig);
      CHECK(ParseSignal(SignalName(sig)) == sig);
    }
  }

  // Found by tests/fuzz/signal_name (input "33"): SignalName(33) is "SIG33", which did not parse.
  TEST_CASE("regression: the unnamed signals' printed names parse back") {
    CHECK(ParseSignal(SignalName(32)) == 32);
    CHECK(ParseSignal(SignalName(33)) == 33);
  }

  TEST_CASE("IsForwardable follows tini's list") {
    for (int sig : {SIGKILL, SIGSTOP, SIGCHLD, SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP,
                    SIGSYS, SIGTTIN, SIGTTOU, 32, 33, 0, 65}) {
      CAPTURE(sig);
      CHECK_FALSE(IsForwardable(sig));
    }
    for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGPIPE, SIGALRM, SIGCONT,
                    SIGTSTP, SIGWINCH, SIGURG, 34, 64}) {
      CAPTURE(sig);
      CHECK(IsForwardable(sig));
    }
  }

  TEST_CASE("SignalSet holds what was added and converts to sigset_t") {
    SignalSet set{SIGTERM, SIGINT};
    CHECK(set.Contains(SIGTERM));
    CHECK_FALSE(set.Contains(SIGQUIT));
    set.Remove(SIGTERM);
    CHECK_FALSE(set.Contains(SIGTERM));
    sigset_t s = set.ToSigset();
    CHECK(sigismember(&s, SIGINT) == 1);
    CHECK(sigismember(&s, SIGTERM) == 0);
    SignalSet handled = SignalSet::Handled();
    CHECK(handled.Contains(SIGCHLD));
    CHECK_FALSE(handled.Contains(SIGKILL));
    CHECK_FALSE(handled.Contains(SIGTTIN));
  }
}

}  // namespace
}  // namespace berth::signals
