// SPDX-License-Identifier: MIT
// health: writes the server's HTTP/1.1 responses into a caller's fixed buffer, and reads the
// status line of a response for the HTTP checks; pure.
#pragma once

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace berth::health {

struct Response {
  int status = 200;
  absl::string_view body;   // sent as application/json
  bool head_only = false;   // HEAD: headers (with the body's Content-Length) but no body
  bool keep_alive = true;   // false adds "Connection: close"
  bool allow = false;       // adds "Allow: GET, HEAD" (for 405)
};

// "OK", "Service Unavailable"...; "" for a code berth never sends.
absl::string_view ReasonPhrase(int status);

// Writes `response` into out[0, capacity). Returns the bytes written, or 0 when it does not fit.
size_t FormatResponse(const Response& response, char* out, size_t capacity);

// What the first bytes of a response say: the status code, not yet known (nullopt with
// `need_more`), or malformed (nullopt without).
struct StatusLine {
  std::optional<int> code;
  bool need_more = false;
};

// Reads "HTTP/1.x NNN ..." at the start of `data`. More than 1 KiB without a line end is
// malformed.
StatusLine ParseStatusLine(absl::string_view data);

}  // namespace berth::health
