// SPDX-License-Identifier: MIT
// Fuzzes config::ParseDuration (--drain, --grace, BERTH_DRAIN, BERTH_GRACE): whatever it
// accepts must be finite and not negative, and must survive a format/parse round trip.
#include "berth/config/duration.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  berth::base::Result<absl::Duration> d =
      berth::config::ParseDuration(berth::fuzz::AsText(data, size));
  if (!d.has_value()) return 0;
  BERTH_FUZZ_CHECK(*d >= absl::ZeroDuration());
  BERTH_FUZZ_CHECK(*d != absl::InfiniteDuration());
  berth::base::Result<absl::Duration> again =
      berth::config::ParseDuration(absl::FormatDuration(*d));
  BERTH_FUZZ_CHECK(again.has_value() && *again == *d);
  return 0;
}
