// SPDX-License-Identifier: MIT
#include "berth/health/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "berth/base/text.h"

namespace berth::health {
namespace {

base::Failure Bad(absl::string_view what, absl::string_view text) {
  return base::InvalidArgumentError(base::Cat("bad ", what, " '", text, "'"));
}

bool ParsePort(absl::string_view text, uint16_t* port) {
  uint32_t p = 0;
  if (text.empty() || text.size() > 5 || !base::ParseInt(text, &p) || p == 0 || p > 65535) {
    return false;
  }
  *port = static_cast<uint16_t>(p);
  return true;
}

// Fills `e` from HOST (without brackets) and PORT; an empty host means every address.
bool Fill(absl::string_view host, bool bracketed, uint16_t port, Endpoint& e) {
  const std::string h(host == "localhost" ? "127.0.0.1" : host);
  if (h.empty()) {
    auto* six = reinterpret_cast<sockaddr_in6*>(&e.addr);
    six->sin6_family = AF_INET6;
    six->sin6_port = htons(port);
    six->sin6_addr = in6addr_any;
    e.len = sizeof(sockaddr_in6);
    e.every_address = true;
    return true;
  }
  if (bracketed) {
    auto* six = reinterpret_cast<sockaddr_in6*>(&e.addr);
    six->sin6_family = AF_INET6;
    six->sin6_port = htons(port);
    e.len = sizeof(sockaddr_in6);
    return inet_pton(AF_INET6, h.c_str(), &six->sin6_addr) == 1;
  }
  auto* four = reinterpret_cast<sockaddr_in*>(&e.addr);
  four->sin_family = AF_INET;
  four->sin_port = htons(port);
  e.len = sizeof(sockaddr_in);
  return inet_pton(AF_INET, h.c_str(), &four->sin_addr) == 1;
}

// RFC 1123 labels, plus '_' (Docker and Compose allow it in service names); the last label not
// all digits, so a mistyped IPv4 address ("10.0.0.300") is an error, not a lookup.
bool IsHostName(absl::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  bool all_digits = true;
  size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      all_digits = true;
      continue;
    }
    const bool alnum = absl::ascii_isalnum(static_cast<unsigned char>(c));
    if (!alnum && c != '-' && c != '_') return false;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) all_digits = false;
    if (++label > 63) return false;
  }
  return label != 0 && !all_digits;
}

base::Result<Endpoint> Parse(absl::string_view text, bool allow_empty_host, bool allow_name,
                             absl::string_view what) {
  absl::string_view host;
  absl::string_view port_text;
  bool bracketed = false;
  if (absl::StartsWith(text, "[")) {
    const size_t close = text.find("]:");
    if (close == absl::string_view::npos) return Bad(what, text);
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    bracketed = true;
  } else {
    const size_t colon = text.rfind(':');
    if (colon == absl::string_view::npos) return Bad(what, text);
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  Endpoint e;
  uint16_t port = 0;
  if (!ParsePort(port_text, &port)) return Bad(base::Cat(what, " (port 1-65535)"), text);
  e.text = std::string(text);
  e.port = port;
  if (host.empty() && (!allow_empty_host || bracketed))
    return Bad(base::Cat(what, " (no host)"), text);
  if (Fill(host, bracketed, port, e)) return e;
  if (allow_name && !bracketed && IsHostName(host)) {
    e.addr = {};
    e.len = 0;
    e.name = std::string(host);
    return e;
  }
  return Bad(base::Cat(what, allow_name ? " (host: an IP address or a DNS name)"
                                        : " (host: an IP address or localhost)"),
             text);
}

}  // namespace

base::Result<Endpoint> ParseListenAddress(absl::string_view text) {
  return Parse(text, /*allow_empty_host=*/true, /*allow_name=*/false, "listen address");
}

base::Result<Endpoint> ParseHostPort(absl::string_view text) {
  return Parse(text, /*allow_empty_host=*/false, /*allow_name=*/true, "HOST:PORT");
}

base::Result<Target> ParseTarget(absl::string_view url) {
  Target t;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "tcp://")) {
    t.scheme = Target::Scheme::kTcp;
    auto e = ParseHostPort(rest);
    if (!e.has_value()) return Bad("target (want tcp://HOST:PORT)", url);
    t.endpoint = std::move(*e);
    return t;
  }
  if (absl::StartsWith(url, "https://")) {
    return base::InvalidArgumentError(base::Cat("https is not supported: '", url, "'"));
  }
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return Bad("target (want http://HOST:PORT/PATH or tcp://HOST:PORT)", url);
  }
  const size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  if (slash != absl::string_view::npos) t.path = std::string(rest.substr(slash));
  for (char c : t.path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return Bad("URL path", url);
  }
  // No port: 80, as every HTTP client.
  const bool has_port = absl::StartsWith(authority, "[")
                            ? authority.find("]:") != absl::string_view::npos
                            : authority.find(':') != absl::string_view::npos;
  const std::string with_port = has_port ? std::string(authority) : base::Cat(authority, ":80");
  auto e = ParseHostPort(with_port);
  if (!e.has_value()) return Bad("target (want http://HOST:PORT/PATH)", url);
  t.endpoint = std::move(*e);
  t.endpoint.text = std::string(authority);
  return t;
}

}  // namespace berth::health
