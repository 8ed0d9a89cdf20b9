// SPDX-License-Identifier: MIT
#include "berth/base/status.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace berth::base {

absl::Status ErrnoError(absl::string_view call, int err) {
  return absl::Status(absl::ErrnoToStatusCode(err), absl::StrCat(call, ": ", std::strerror(err)));
}

absl::Status ErrnoError(absl::string_view call) { return ErrnoError(call, errno); }

}  // namespace berth::base
