// SPDX-License-Identifier: MIT
#include "berth/signals/signal.h"

#include <strings.h>

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "berth/base/text.h"

namespace berth::signals {
namespace {

struct NamedSignal {
  absl::string_view name;
  int number;
};

// Linux's numbering (signal(7)); aliases after the canonical names so SignalName() finds those.
constexpr NamedSignal kNames[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"BUS", SIGBUS},       {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},     {"STKFLT", SIGSTKFLT},
    {"CHLD", SIGCHLD},     {"CONT", SIGCONT},     {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},     {"URG", SIGURG},       {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},     {"WINCH", SIGWINCH},
    {"IO", SIGIO},         {"PWR", SIGPWR},       {"SYS", SIGSYS},       {"IOT", SIGABRT},
    {"POLL", SIGIO},       {"CLD", SIGCHLD},
};

// The kernel's SIGRTMIN is 32; glibc reserves 32 and 33 and calls 34 SIGRTMIN.
constexpr int kRtMin = 34;

std::optional<int> InRange(int sig) {
  if (sig < 1 || sig > kMaxSignal) return std::nullopt;
  return sig;
}

std::optional<int> ParseRealtime(absl::string_view name) {
  int base;
  int sign;
  if (absl::ConsumePrefix(&name, "RTMIN")) {
    base = kRtMin;
    sign = 1;
  } else if (absl::ConsumePrefix(&name, "RTMAX")) {
    base = kMaxSignal;
    sign = -1;
  } else {
    return std::nullopt;
  }
  if (name.empty()) return base;
  if (name.front() != (sign > 0 ? '+' : '-')) return std::nullopt;
  name.remove_prefix(1);
  int offset;
  if (!base::ParseInt(name, &offset) || offset < 0) return std::nullopt;
  int sig = base + sign * offset;
  if (sig < kRtMin || sig > kMaxSignal) return std::nullopt;
  return sig;
}

}  // namespace

std::optional<int> ParseSignal(absl::string_view text) {
  std::string upper = absl::AsciiStrToUpper(text);
  absl::string_view name = upper;
  absl::ConsumePrefix(&name, "SIG");
  // "SIG33" too: it is what SignalName() prints for the two unnamed signals (found by fuzzing).
  if (!name.empty() && absl::ascii_isdigit(name.front())) {
    int number;
    if (!base::ParseInt(name, &number)) return std::nullopt;
    return InRange(number);
  }
  for (const NamedSignal& n : kNames) {
    if (n.name == name) return n.number;
  }
  return ParseRealtime(name);
}

std::string SignalName(int sig) {
  for (const NamedSignal& n : kNames) {
    if (n.number == sig) return base::Cat("SIG", n.name);
  }
  if (sig >= kRtMin && sig <= kMaxSignal) {
    if (sig == kRtMin) return "SIGRTMIN";
    return base::Cat("SIGRTMIN+", sig - kRtMin);
  }
  return base::Cat("SIG", sig);
}

bool IsForwardable(int sig) {
  switch (sig) {
    case SIGKILL: case SIGSTOP: case SIGCHLD:
    case SIGFPE: case SIGILL: case SIGSEGV: case SIGBUS: case SIGABRT: case SIGTRAP: case SIGSYS:
    case SIGTTIN: case SIGTTOU:
      return false;
    default:
      return sig >= 1 && sig <= kMaxSignal && (sig < 32 || sig >= kRtMin);
  }
}

sigset_t SignalSet::ToSigset() const {
  sigset_t set;
  sigemptyset(&set);
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    if (bits_.test(sig)) sigaddset(&set, sig);
  }
  return set;
}

SignalSet SignalSet::Handled() {
  SignalSet set;
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    if (IsForwardable(sig)) set.Add(sig);
  }
  set.Add(SIGCHLD);
  return set;
}

}  // namespace berth::signals
