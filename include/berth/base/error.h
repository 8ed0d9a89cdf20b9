// SPDX-License-Identifier: MIT
// base: berth's error values. A function that can fail returns Result<T> (std::expected<T, Error>)
// or Status (Result<void>); no logging, no exits, no exceptions. Error is berth's own small type:
// a code that decides the exit code and a message that is the one line the user reads. It
// replaces base::Status, whose destructor alone links abseil's Cord, Mutex and time-zone code and
// every locale facet into the static binary (docs/binary-size.md).
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace berth::base {

enum class ErrorCode : std::uint8_t {
  kInvalidArgument,     // the user's input is wrong: a usage error
  kNotFound,            // a file or program that is not there (ENOENT)
  kPermissionDenied,    // EACCES, EPERM
  kFailedPrecondition,  // right input, but berth cannot do it here: a set-up failure
  kUnavailable,         // a peer (DNS, a port) that did not answer
  kDeadlineExceeded,    // a wait that timed out
  kInternal,            // any other failed call
};

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  absl::string_view message() const { return message_; }

 private:
  ErrorCode code_;
  std::string message_;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = Result<void>;
// A failed result of any type: what the factories below return.
using Failure = std::unexpected<Error>;

// The factories return a Failure, which converts to any Result<T>.
inline Status OkStatus() { return {}; }
Failure MakeError(ErrorCode code, absl::string_view message);
template <ErrorCode kCode>
Failure ErrorWithCode(absl::string_view message) {
  return MakeError(kCode, message);
}
inline constexpr auto InvalidArgumentError = ErrorWithCode<ErrorCode::kInvalidArgument>;
inline constexpr auto NotFoundError = ErrorWithCode<ErrorCode::kNotFound>;
inline constexpr auto FailedPreconditionError = ErrorWithCode<ErrorCode::kFailedPrecondition>;
inline constexpr auto UnavailableError = ErrorWithCode<ErrorCode::kUnavailable>;
inline constexpr auto DeadlineExceededError = ErrorWithCode<ErrorCode::kDeadlineExceeded>;
inline constexpr auto InternalError = ErrorWithCode<ErrorCode::kInternal>;

// A failed system call: "CALL: strerror(errno)", with a code derived from errno.
Failure ErrnoError(absl::string_view call, int err);
// Same, reading errno itself.
Failure ErrnoError(absl::string_view call);

// The error of a failed result, to return it from a function with another value type.
template <class T>
Failure ErrorOf(const Result<T>& failed) {
  return std::unexpected(failed.error());
}

inline bool IsNotFound(const Error& e) { return e.code() == ErrorCode::kNotFound; }
inline bool IsInvalidArgument(const Error& e) { return e.code() == ErrorCode::kInvalidArgument; }
inline bool IsPermissionDenied(const Error& e) { return e.code() == ErrorCode::kPermissionDenied; }
inline bool IsFailedPrecondition(const Error& e) {
  return e.code() == ErrorCode::kFailedPrecondition;
}
inline bool IsDeadlineExceeded(const Error& e) { return e.code() == ErrorCode::kDeadlineExceeded; }

}  // namespace berth::base

// Returns from the current function when EXPR yields a failed Result.
#define BERTH_RETURN_IF_ERROR(expr)                              \
  do {                                                           \
    if (auto berth_result_ = (expr); !berth_result_.has_value()) \
      return std::unexpected(std::move(berth_result_).error());  \
  } while (0)

#define BERTH_CONCAT_INNER_(a, b) a##b
#define BERTH_CONCAT_(a, b) BERTH_CONCAT_INNER_(a, b)
#define BERTH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                    \
  auto tmp = (expr);                                                    \
  if (!tmp.has_value()) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)

// Evaluates EXPR (a Result<T>); on error returns its error, else assigns the value.
#define BERTH_ASSIGN_OR_RETURN(lhs, expr) \
  BERTH_ASSIGN_OR_RETURN_IMPL_(BERTH_CONCAT_(berth_result_, __LINE__), lhs, expr)
