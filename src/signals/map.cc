// SPDX-License-Identifier: MIT
#include "berth/signals/map.h"

#include "berth/base/text.h"

namespace berth::signals {

SignalMap::SignalMap() {
  for (int sig = 0; sig <= kMaxSignal; ++sig) to_[sig] = sig;
}

bool SignalMap::IsIdentity() const {
  for (int sig = 0; sig <= kMaxSignal; ++sig) {
    if (to_[sig] != sig) return false;
  }
  return true;
}

base::Result<MapRule> ParseMapRule(absl::string_view text) {
  size_t colon = text.find(':');
  if (colon == absl::string_view::npos) {
    return base::InvalidArgumentError(base::Cat("bad signal map '", text, "': want FROM:TO"));
  }
  absl::string_view from_text = text.substr(0, colon);
  absl::string_view to_text = text.substr(colon + 1);
  std::optional<int> from = ParseSignal(from_text);
  if (!from) {
    return base::InvalidArgumentError(
        base::Cat("bad signal map '", text, "': unknown signal '", from_text, "'"));
  }
  // A rule for a signal berth never forwards could never apply: say so rather than accept it.
  if (!IsForwardable(*from)) {
    return base::InvalidArgumentError(base::Cat(
        "bad signal map '", text, "': ", SignalName(*from),
        " is never forwarded (nor are KILL, STOP, CHLD, FPE, ILL, SEGV, BUS, ABRT, TRAP, SYS, "
        "TTIN, TTOU), so the rule could never apply"));
  }
  if (to_text == "-" || to_text == "0") return MapRule{*from, SignalMap::kDrop};
  std::optional<int> to = ParseSignal(to_text);
  if (!to) {
    return base::InvalidArgumentError(
        base::Cat("bad signal map '", text, "': unknown signal '", to_text, "'"));
  }
  return MapRule{*from, *to};
}

}  // namespace berth::signals
