// SPDX-License-Identifier: MIT
#include "berth/config/duration.h"

#include "absl/strings/ascii.h"
#include "berth/base/text.h"

namespace berth::config {

base::Result<absl::Duration> ParseDuration(absl::string_view text) {
  auto bad = [&] {
    return base::InvalidArgumentError(
        base::Cat("bad duration '", text, "': want e.g. 500ms, 10s, 1m30s or 10"));
  };
  if (text.empty() || !absl::ascii_isdigit(text.front())) return bad();
  absl::Duration d;
  int64_t seconds;
  if (base::ParseInt(text, &seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &d)) {
    return bad();
  }
  if (d < absl::ZeroDuration() || d == absl::InfiniteDuration()) return bad();
  return d;
}

}  // namespace berth::config
