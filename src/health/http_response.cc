// SPDX-License-Identifier: MIT
#include "berth/health/http_response.h"

#include <fmt/format.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace berth::health {

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

size_t FormatResponse(const Response& r, char* out, size_t capacity) {
  const absl::string_view reason = ReasonPhrase(r.status);
  const absl::string_view body = r.head_only ? absl::string_view() : r.body;
  // format_to_n writes into the caller's buffer: no allocation per response.
  auto result = fmt::format_to_n(
      out, capacity,
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Cache-Control: no-store\r\n{}{}\r\n{}",
      r.status, fmt::string_view(reason.data(), reason.size()), r.body.size(),
      r.allow ? "Allow: GET, HEAD\r\n" : "",
      r.keep_alive ? "" : "Connection: close\r\n", fmt::string_view(body.data(), body.size()));
  return result.size <= capacity ? result.size : 0;
}

StatusLine ParseStatusLine(absl::string_view data) {
  constexpr size_t kMaxLine = 1024;
  StatusLine s;
  const size_t lf = data.find('\n');
  if (lf == absl::string_view::npos) {
    s.need_more = data.size() < kMaxLine;
    return s;
  }
  absl::string_view line = data.substr(0, lf);
  // "HTTP/1.1 200 OK": version, one space, three digits, then a space or the end.
  if (!absl::StartsWith(line, "HTTP/1.") || line.size() < 12 || line[8] != ' ') return s;
  for (size_t i = 9; i < 12; ++i) {
    if (!absl::ascii_isdigit(line[i])) return s;
  }
  if (line.size() > 12 && line[12] != ' ' && line[12] != '\r') return s;
  s.code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  return s;
}

}  // namespace berth::health
