// SPDX-License-Identifier: MIT
// signals: the translation map applied before a signal is forwarded (--map, --rewrite); pure.
#pragma once

#include <array>
#include <bitset>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"
#include "berth/signals/signal.h"

namespace berth::signals {

// What a signal becomes on its way to the child. kDrop means "not forwarded at all".
class SignalMap {
 public:
  static constexpr int kDrop = 0;

  // Every signal maps to itself.
  SignalMap();
  void Set(int from, int to) {
    to_[from] = to;
    set_.set(from);
  }
  // True when a rule for `from` was given, even one mapping it to itself (dumb-init keeps its
  // default job-control rewrites only for signals the user left alone).
  bool Has(int from) const { return from > 0 && from <= kMaxSignal && set_.test(from); }
  // The signal to send for `sig`, or kDrop.
  int Translate(int sig) const { return sig > 0 && sig <= kMaxSignal ? to_[sig] : sig; }
  bool IsIdentity() const;

 private:
  std::array<int, kMaxSignal + 1> to_;
  std::bitset<kMaxSignal + 1> set_;
};

// One rule "FROM:TO": names or numbers on both sides; TO may be "-" or "0" to drop FROM.
struct MapRule {
  int from;
  int to;
};
base::Result<MapRule> ParseMapRule(absl::string_view text);

}  // namespace berth::signals
