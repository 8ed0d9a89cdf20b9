// SPDX-License-Identifier: MIT
// health: parses one HTTP/1.1 request head from a byte buffer; pure (no I/O, no allocation), so
// it can be fuzzed and table-tested. It never reads a body: health requests have none.
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace berth::health {

enum class Method { kGet, kHead, kOther };

// A complete request head. The views point into the buffer given to ParseRequest, but for the
// path of an absolute-form target without one ("http://host"): a static "/".
struct Request {
  Method method = Method::kOther;
  absl::string_view method_token;
  absl::string_view path;   // the target without its query string, e.g. "/healthz"
  int version_minor = 1;    // HTTP/1.<minor>
  bool keep_alive = true;   // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive
  bool has_body = false;    // Transfer-Encoding, or a Content-Length other than 0: never read
  size_t size = 0;          // bytes of the buffer this request used, blank line included
};

struct ParseResult {
  enum class Kind { kComplete, kNeedMore, kError };
  Kind kind = Kind::kNeedMore;
  Request request;         // kComplete
  int error_status = 400;  // kError: 400 malformed, 431 head too large, 505 version
  absl::string_view why;   // kError: a short reason for the debug log
};

// Parses the request at the start of `data`. kNeedMore when the head is not complete yet and
// still fits in `max_size` bytes; kError (431) once `max_size` bytes hold no complete head.
// Leading empty lines are skipped (RFC 9112 2.2); lines end in CRLF or a bare LF. A body is
// flagged, not read: the server answers it and closes the connection.
ParseResult ParseRequest(absl::string_view data, size_t max_size);

}  // namespace berth::health
