// SPDX-License-Identifier: MIT
// absl::Status's out-of-line functions, without payloads. Debian builds abseil without
// -ffunction-sections, so linking its status.cc.o drags in Cord, cordz, Mutex, the time-zone
// code and, through <iostream>, every libstdc++ locale facet: about 0.9 MB of a static berth.
// Defined here, the archive member is never pulled. berth never sets a payload; a caller of
// SetPayload/GetPayload would pull status.cc.o and fail the link with duplicate symbols, loudly.
// docs/binary-size.md explains the trade.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

// The layout of StatusRep and the rep_ encoding below are abseil 20220623's.
static_assert(ABSL_LTS_RELEASE_VERSION == 20220623,
              "absl_status_lite.cc mirrors abseil 20220623: re-check it against the new status.cc");

namespace absl {
ABSL_NAMESPACE_BEGIN

std::string StatusCodeToString(StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",           "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",     "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",    "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",          "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  auto i = static_cast<unsigned>(code);
  return i < sizeof kNames / sizeof kNames[0] ? kNames[i] : "";
}

namespace status_internal {
StatusCode MapToLocalCode(int value) {
  return value >= 0 && value <= 16 ? static_cast<StatusCode>(value) : StatusCode::kUnknown;
}
}  // namespace status_internal

Status::Status(StatusCode code, string_view msg) : rep_(CodeToInlinedRep(code)) {
  if (code != StatusCode::kOk && !msg.empty()) {
    rep_ = PointerToRep(new status_internal::StatusRep(code, msg, nullptr));
  }
}

void Status::UnrefNonInlined(uintptr_t rep) {
  status_internal::StatusRep* r = RepToPointer(rep);
  if (r->ref.load(std::memory_order_acquire) == 1 ||
      r->ref.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) {
    // payloads is never set here. Destroying the members by hand, rather than `delete r`, keeps
    // the Cord destructor (and so cord.cc.o) out of the link.
    static_cast<void>(r->payloads.release());
    r->message.~basic_string();
    ::operator delete(static_cast<void*>(r));
  }
}

const std::string* Status::EmptyString() {
  static const std::string* empty = new std::string;
  return empty;
}

const std::string* Status::MovedFromString() {
  static const std::string* moved = new std::string(kMovedFromString);
  return moved;
}

StatusCode Status::code() const { return status_internal::MapToLocalCode(raw_code()); }

int Status::raw_code() const {
  return static_cast<int>(IsInlined(rep_) ? InlinedRepToCode(rep_) : RepToPointer(rep_)->code);
}

bool Status::EqualsSlow(const Status& a, const Status& b) {
  return IsInlined(a.rep_) == IsInlined(b.rep_) && a.raw_code() == b.raw_code() &&
         a.message() == b.message();
}

std::string Status::ToStringSlow(StatusToStringMode) const {
  return StrCat(StatusCodeToString(code()), ": ", message());
}

#define BERTH_STATUS_CODE_(Name, kCode)                                           \
  Status Name##Error(string_view message) { return Status(StatusCode::kCode, message); } \
  bool Is##Name(const Status& status) { return status.code() == StatusCode::kCode; }
BERTH_STATUS_CODE_(Aborted, kAborted)
BERTH_STATUS_CODE_(AlreadyExists, kAlreadyExists)
BERTH_STATUS_CODE_(Cancelled, kCancelled)
BERTH_STATUS_CODE_(DataLoss, kDataLoss)
BERTH_STATUS_CODE_(DeadlineExceeded, kDeadlineExceeded)
BERTH_STATUS_CODE_(FailedPrecondition, kFailedPrecondition)
BERTH_STATUS_CODE_(Internal, kInternal)
BERTH_STATUS_CODE_(InvalidArgument, kInvalidArgument)
BERTH_STATUS_CODE_(NotFound, kNotFound)
BERTH_STATUS_CODE_(OutOfRange, kOutOfRange)
BERTH_STATUS_CODE_(PermissionDenied, kPermissionDenied)
BERTH_STATUS_CODE_(ResourceExhausted, kResourceExhausted)
BERTH_STATUS_CODE_(Unauthenticated, kUnauthenticated)
BERTH_STATUS_CODE_(Unavailable, kUnavailable)
BERTH_STATUS_CODE_(Unimplemented, kUnimplemented)
BERTH_STATUS_CODE_(Unknown, kUnknown)
#undef BERTH_STATUS_CODE_

// abseil's own table (status.cc, ErrnoToStatusCode); tests/unit/base/status_test.cc pins it.
StatusCode ErrnoToStatusCode(int error_number) {
  switch (error_number) {
    case 0:
      return StatusCode::kOk;
    case EINVAL: case ENAMETOOLONG: case E2BIG: case EDESTADDRREQ: case EDOM: case EFAULT:
    case EILSEQ: case ENOPROTOOPT: case ENOSTR: case ENOTSOCK: case ENOTTY: case EPROTOTYPE:
    case ESPIPE:
      return StatusCode::kInvalidArgument;
    case ETIMEDOUT: case ETIME:
      return StatusCode::kDeadlineExceeded;
    case ENODEV: case ENOENT: case ENOMEDIUM: case ENXIO: case ESRCH:
      return StatusCode::kNotFound;
    case EEXIST: case EADDRNOTAVAIL: case EALREADY: case ENOTUNIQ:
      return StatusCode::kAlreadyExists;
    case EPERM: case EACCES: case ENOKEY: case EROFS:
      return StatusCode::kPermissionDenied;
    case ENOTEMPTY: case EISDIR: case ENOTDIR: case EADDRINUSE: case EBADF: case EBADFD:
    case EBUSY: case ECHILD: case EISCONN: case EISNAM: case ENOTBLK: case ENOTCONN: case EPIPE:
    case ESHUTDOWN: case ETXTBSY: case EUNATCH:
      return StatusCode::kFailedPrecondition;
    case ENOSPC: case EDQUOT: case EMFILE: case EMLINK: case ENFILE: case ENOBUFS: case ENODATA:
    case ENOMEM: case ENOSR: case EUSERS:
      return StatusCode::kResourceExhausted;
    case ECHRNG: case EFBIG: case EOVERFLOW: case ERANGE:
      return StatusCode::kOutOfRange;
    case ENOPKG: case ENOSYS: case ENOTSUP: case EAFNOSUPPORT: case EPFNOSUPPORT:
    case EPROTONOSUPPORT: case ESOCKTNOSUPPORT: case EXDEV:
      return StatusCode::kUnimplemented;
    case EAGAIN: case ECOMM: case ECONNREFUSED: case ECONNABORTED: case ECONNRESET: case EINTR:
    case EHOSTDOWN: case EHOSTUNREACH: case ENETDOWN: case ENETRESET: case ENETUNREACH:
    case ENOLCK: case ENOLINK: case ENONET:
      return StatusCode::kUnavailable;
    case EDEADLK: case ESTALE:
      return StatusCode::kAborted;
    case ECANCELED:
      return StatusCode::kCancelled;
    default:
      return StatusCode::kUnknown;
  }
}

Status ErrnoToStatus(int error_number, string_view message) {
  char buf[128];
  return Status(ErrnoToStatusCode(error_number),
                StrCat(message, ": ", strerror_r(error_number, buf, sizeof buf)));
}

namespace internal_statusor {

void Helper::HandleInvalidStatusCtorArg(Status* status) {
  static constexpr char kMessage[] = "An OK status is not a valid constructor argument to StatusOr<T>";
  std::fprintf(stderr, "%s\n", kMessage);
  *status = InternalError(kMessage);
}

void Helper::Crash(const Status& status) {
  std::fprintf(stderr, "Attempting to fetch value instead of handling error %s\n",
               status.ToString().c_str());
  std::abort();
}

// berth throws nothing and catches nothing: an uncaught BadStatusOrAccess would end in abort too.
void ThrowBadStatusOrAccess(Status status) { Helper::Crash(status); }

}  // namespace internal_statusor

ABSL_NAMESPACE_END
}  // namespace absl
