// SPDX-License-Identifier: MIT
// Fuzzes signals::ParseMapRule (--map, --rewrite, BERTH_MAP) and feeds what it accepts to a
// SignalMap, whose array index must stay in range.
#include "berth/signals/map.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  berth::base::Result<berth::signals::MapRule> rule =
      berth::signals::ParseMapRule(berth::fuzz::AsText(data, size));
  if (!rule.has_value()) return 0;
  BERTH_FUZZ_CHECK(rule->from >= 1 && rule->from <= berth::signals::kMaxSignal);
  BERTH_FUZZ_CHECK(rule->to >= 0 && rule->to <= berth::signals::kMaxSignal);
  berth::signals::SignalMap map;
  map.Set(rule->from, rule->to);
  BERTH_FUZZ_CHECK(map.Translate(rule->from) == rule->to);
  return 0;
}
