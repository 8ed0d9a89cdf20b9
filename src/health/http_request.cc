// SPDX-License-Identifier: MIT
#include "berth/health/http_request.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_split.h"

namespace berth::health {
namespace {

using Kind = ParseResult::Kind;

// RFC 9110 5.6.2: token characters.
bool IsTchar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTchar(c)) return false;
  }
  return true;
}

// Field values: visible ASCII, obs-text, SP and HTAB (RFC 9110 5.5); no other control byte.
bool IsFieldValue(absl::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

ParseResult Error(int status, absl::string_view why) {
  ParseResult r;
  r.kind = Kind::kError;
  r.error_status = status;
  r.why = why;
  return r;
}

// Cuts the next line at `*pos`; nullopt when no LF has arrived yet. The CR of a CRLF is dropped;
// a CR anywhere else stays in the line and is rejected by the callers' character checks.
std::optional<absl::string_view> NextLine(absl::string_view data, size_t* pos) {
  const size_t lf = data.find('\n', *pos);
  if (lf == absl::string_view::npos) return std::nullopt;
  absl::string_view line = data.substr(*pos, lf - *pos);
  if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
  *pos = lf + 1;
  return line;
}

// origin-form "/p?q", absolute-form "http://host/p" (RFC 9112 3.2.2), or asterisk-form "*".
std::optional<absl::string_view> PathOf(absl::string_view target) {
  for (char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return std::nullopt;
  }
  if (absl::ConsumePrefix(&target, "http://")) {
    const size_t slash = target.find('/');
    target = slash == absl::string_view::npos ? "/" : target.substr(slash);
  }
  if (target == "*") return target;
  if (target.empty() || target.front() != '/') return std::nullopt;
  return target.substr(0, target.find('?'));
}

// Fills method, path and version from "METHOD SP TARGET SP HTTP/1.x".
std::optional<ParseResult> ParseRequestLine(absl::string_view line, Request& req) {
  // Split by hand: a vector of parts would allocate per request.
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == absl::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == absl::string_view::npos || line.find(' ', sp2 + 1) != absl::string_view::npos) {
    return Error(400, "request line is not METHOD TARGET VERSION");
  }
  const absl::string_view method = line.substr(0, sp1);
  if (!IsToken(method)) return Error(400, "bad method");
  std::optional<absl::string_view> path = PathOf(line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (!path) return Error(400, "bad request target");
  const absl::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    req.version_minor = 1;
  } else if (version == "HTTP/1.0") {
    req.version_minor = 0;
  } else if (version.size() == 8 && absl::StartsWith(version, "HTTP/") &&
             absl::ascii_isdigit(version[5]) && version[6] == '.' &&
             absl::ascii_isdigit(version[7])) {
    return Error(505, "unsupported HTTP version");
  } else {
    return Error(400, "bad HTTP version");
  }
  req.method_token = method;
  req.method = method == "GET" ? Method::kGet : method == "HEAD" ? Method::kHead : Method::kOther;
  req.path = *path;
  req.keep_alive = req.version_minor == 1;
  return std::nullopt;
}

void ApplyConnection(absl::string_view value, Request& req) {
  for (absl::string_view option : absl::StrSplit(value, ',')) {
    option = absl::StripAsciiWhitespace(option);
    if (absl::EqualsIgnoreCase(option, "close")) req.keep_alive = false;
    if (absl::EqualsIgnoreCase(option, "keep-alive") && req.version_minor == 0) {
      req.keep_alive = true;
    }
  }
}

std::optional<ParseResult> ParseHeader(absl::string_view line, Request& req) {
  if (line.front() == ' ' || line.front() == '\t') return Error(400, "obsolete line folding");
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return Error(400, "header line without a colon");
  absl::string_view name = line.substr(0, colon);
  if (!IsToken(name)) return Error(400, "bad header name");
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  if (!IsFieldValue(value)) return Error(400, "control character in a header value");
  if (absl::EqualsIgnoreCase(name, "Connection")) ApplyConnection(value, req);
  if (absl::EqualsIgnoreCase(name, "Transfer-Encoding")) req.has_body = true;
  if (absl::EqualsIgnoreCase(name, "Content-Length") &&
      (value.empty() || value.find_first_not_of('0') != absl::string_view::npos)) {
    req.has_body = true;
  }
  return std::nullopt;
}

}  // namespace

ParseResult ParseRequest(absl::string_view data, size_t max_size) {
  // Only the head must fit; anything after it belongs to the next (pipelined) request.
  const absl::string_view window = data.substr(0, max_size);
  auto incomplete = [&] {
    return data.size() >= max_size ? Error(431, "request head too large") : ParseResult{};
  };
  size_t pos = 0;
  std::optional<absl::string_view> line;
  while ((line = NextLine(window, &pos)) && line->empty()) {
  }
  if (!line) return incomplete();
  Request req;
  if (auto err = ParseRequestLine(*line, req)) return *err;
  for (;;) {
    line = NextLine(window, &pos);
    if (!line) return incomplete();
    if (line->empty()) break;
    if (auto err = ParseHeader(*line, req)) return *err;
  }
  req.size = pos;
  ParseResult r;
  r.kind = Kind::kComplete;
  r.request = req;
  return r;
}

}  // namespace berth::health
