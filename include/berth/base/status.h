// SPDX-License-Identifier: MIT
// base: helpers to build and propagate absl::Status values; no logging, no exits.
#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace berth::base {

// A Status for a failed system call: "CALL: strerror(errno)", with a code derived from errno.
absl::Status ErrnoError(absl::string_view call, int err);

// Same, reading errno itself.
absl::Status ErrnoError(absl::string_view call);

}  // namespace berth::base

// Returns from the current function when EXPR yields a non-OK absl::Status.
#define BERTH_RETURN_IF_ERROR(expr)                  \
  do {                                               \
    if (absl::Status berth_status_ = (expr); !berth_status_.ok()) \
      return berth_status_;                          \
  } while (0)

#define BERTH_CONCAT_INNER_(a, b) a##b
#define BERTH_CONCAT_(a, b) BERTH_CONCAT_INNER_(a, b)
#define BERTH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(*tmp)

// Evaluates EXPR (an absl::StatusOr<T>); on error returns its status, else assigns the value.
#define BERTH_ASSIGN_OR_RETURN(lhs, expr) \
  BERTH_ASSIGN_OR_RETURN_IMPL_(BERTH_CONCAT_(berth_statusor_, __LINE__), lhs, expr)
