// SPDX-License-Identifier: MIT
#include "berth/base/error.h"

#include <cerrno>
#include <cstring>

#include "berth/base/text.h"

namespace berth::base {

namespace {

ErrorCode CodeOfErrno(int err) {
  switch (err) {
    case ENOENT:
      return ErrorCode::kNotFound;
    case EACCES:
    case EPERM:
      return ErrorCode::kPermissionDenied;
    case EINVAL:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

Failure MakeError(ErrorCode code, absl::string_view message) {
  return std::unexpected(Error(code, std::string(message)));
}

Failure ErrnoError(absl::string_view call, int err) {
  return MakeError(CodeOfErrno(err), base::Cat(call, ": ", std::strerror(err)));
}

Failure ErrnoError(absl::string_view call) { return ErrnoError(call, errno); }

}  // namespace berth::base
