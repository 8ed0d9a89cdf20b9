// SPDX-License-Identifier: MIT
// Fuzzes config::ParseDuration (--drain, --grace, BERTH_DRAIN, BERTH_GRACE): whatever it
// accepts must be finite and not negative, and must survive a format/parse round trip.
#include "berth/config/duration.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<absl::Duration> d = berth::config::ParseDuration(berth::fuzz::AsText(data, size));
  if (!d.ok()) return 0;
  BERTH_FUZZ_CHECK(*d >= absl::ZeroDuration());
  BERTH_FUZZ_CHECK(*d != absl::InfiniteDuration());
  absl::StatusOr<absl::Duration> again = berth::config::ParseDuration(absl::FormatDuration(*d));
  BERTH_FUZZ_CHECK(again.ok() && *again == *d);
  return 0;
}
