// SPDX-License-Identifier: MIT
// absl::Status's stream operators, kept apart from absl_status_lite.cc so that berth, which
// streams nothing, never links <ostream>; the unit tests (doctest prints values) do.
#include <ostream>

#include "absl/status/status.h"

namespace absl {
ABSL_NAMESPACE_BEGIN

std::ostream& operator<<(std::ostream& os, StatusCode code) {
  return os << StatusCodeToString(code);
}

std::ostream& operator<<(std::ostream& os, const Status& x) {
  return os << x.ToString(StatusToStringMode::kWithEverything);
}

ABSL_NAMESPACE_END
}  // namespace absl
