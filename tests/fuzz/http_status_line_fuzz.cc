// SPDX-License-Identifier: MIT
// Fuzzes health::ParseStatusLine, which reads what a probed server answers: a code is three
// digits, and "need more" never comes with a code.
#include "berth/health/http_response.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  berth::health::StatusLine s = berth::health::ParseStatusLine(berth::fuzz::AsText(data, size));
  if (s.code) BERTH_FUZZ_CHECK(*s.code >= 0 && *s.code <= 999 && !s.need_more);
  return 0;
}
