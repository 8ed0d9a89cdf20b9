// SPDX-License-Identifier: MIT
// signals: signal names <-> numbers and signal sets; pure, no system calls but sigset_t building.
#pragma once

#include <signal.h>

#include <bitset>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

namespace berth::signals {

// The highest signal number Linux delivers (SIGRTMAX on every Linux ABI berth targets).
inline constexpr int kMaxSignal = 64;

// Parses "TERM", "SIGTERM", "sigterm", "15", "SIG33", "RTMIN+2" or "SIGRTMAX-1". Returns nullopt for
// anything that is not a signal from 1 to kMaxSignal.
std::optional<int> ParseSignal(absl::string_view text);

// "SIGTERM", "SIGRTMIN+2", or "SIG<n>" for a number without a name.
std::string SignalName(int sig);

// True for signals an init passes on to its child: everything but SIGKILL, SIGSTOP, SIGCHLD,
// the synchronous ones (FPE, ILL, SEGV, BUS, ABRT, TRAP, SYS), SIGTTIN and SIGTTOU (as tini), and
// the two real-time signals glibc keeps for itself.
bool IsForwardable(int sig);

// A set of signal numbers 1..kMaxSignal.
class SignalSet {
 public:
  SignalSet() = default;
  SignalSet(std::initializer_list<int> sigs) {
    for (int s : sigs) Add(s);
  }
  void Add(int sig) { bits_.set(sig); }
  void Remove(int sig) { bits_.reset(sig); }
  bool Contains(int sig) const { return sig > 0 && sig <= kMaxSignal && bits_.test(sig); }
  bool Empty() const { return bits_.none(); }
  // The set as a sigset_t for sigprocmask(2) and signalfd(2).
  sigset_t ToSigset() const;
  // Every signal IsForwardable() accepts, plus SIGCHLD: what berth's signalfd reads.
  static SignalSet Handled();

 private:
  std::bitset<kMaxSignal + 1> bits_;
};

}  // namespace berth::signals
