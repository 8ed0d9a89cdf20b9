// SPDX-License-Identifier: MIT
// config: parses the durations berth accepts everywhere; pure.
#pragma once

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "berth/base/error.h"

namespace berth::config {

// Accepts "500ms", "10s", "1m30s", "1.5s", "2h" or plain seconds "10". Rejects negative,
// infinite and empty values.
base::Result<absl::Duration> ParseDuration(absl::string_view text);

}  // namespace berth::config
