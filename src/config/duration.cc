// SPDX-License-Identifier: MIT
#include "berth/config/duration.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace berth::config {

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("bad duration '", text, "': want e.g. 500ms, 10s, 1m30s or 10"));
  };
  if (text.empty() || !absl::ascii_isdigit(text.front())) return bad();
  absl::Duration d;
  int64_t seconds;
  if (absl::SimpleAtoi(text, &seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &d)) {
    return bad();
  }
  if (d < absl::ZeroDuration() || d == absl::InfiniteDuration()) return bad();
  return d;
}

}  // namespace berth::config
