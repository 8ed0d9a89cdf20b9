// SPDX-License-Identifier: MIT
// signals: the translation map applied before a signal is forwarded (--map, --rewrite); pure.
#pragma once

#include <array>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "berth/signals/signal.h"

namespace berth::signals {

// What a signal becomes on its way to the child. kDrop means "not forwarded at all".
class SignalMap {
 public:
  static constexpr int kDrop = 0;

  // Every signal maps to itself.
  SignalMap();
  void Set(int from, int to) { to_[from] = to; }
  // The signal to send for `sig`, or kDrop.
  int Translate(int sig) const { return sig > 0 && sig <= kMaxSignal ? to_[sig] : sig; }
  bool IsIdentity() const;

 private:
  std::array<int, kMaxSignal + 1> to_;
};

// One rule "FROM:TO": names or numbers on both sides; TO may be "-" or "0" to drop FROM.
struct MapRule {
  int from;
  int to;
};
absl::StatusOr<MapRule> ParseMapRule(absl::string_view text);

}  // namespace berth::signals
