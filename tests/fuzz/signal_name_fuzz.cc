// SPDX-License-Identifier: MIT
// Fuzzes signals::ParseSignal (-p, --stop-signal, both sides of --map): an accepted name is a
// signal from 1 to kMaxSignal, and the name berth prints for it parses back to the same number.
#include "berth/signals/signal.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<int> sig = berth::signals::ParseSignal(berth::fuzz::AsText(data, size));
  if (!sig) return 0;
  BERTH_FUZZ_CHECK(*sig >= 1 && *sig <= berth::signals::kMaxSignal);
  std::optional<int> again = berth::signals::ParseSignal(berth::signals::SignalName(*sig));
  BERTH_FUZZ_CHECK(again == sig);
  (void)berth::signals::IsForwardable(*sig);
  return 0;
}
