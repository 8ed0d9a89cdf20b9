// SPDX-License-Identifier: MIT
// health: the addresses berth listens on and probes, parsed from text; pure. No DNS: a static
// binary has no NSS, so a host is an IP literal or "localhost".
#pragma once

#include <sys/socket.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace berth::health {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;  // HOST:PORT as given, for logs and the Host header
};

// The --healthz forms: ":8081" (every IPv4 address), "127.0.0.1:8081", "[::1]:8081" and
// "[::]:8081" (IPv6, and IPv4 too unless the system sets bindv6only).
absl::StatusOr<Endpoint> ParseListenAddress(absl::string_view text);

// HOST:PORT with HOST an IPv4 address, a bracketed IPv6 address or "localhost" (127.0.0.1).
absl::StatusOr<Endpoint> ParseHostPort(absl::string_view text);

// What a check or `berth probe` connects to.
struct Target {
  enum class Scheme { kHttp, kTcp };
  Scheme scheme = Scheme::kHttp;
  Endpoint endpoint;
  std::string path = "/";  // kHttp: path and query sent in the request line
};

// "http://HOST[:PORT][/PATH]" (port 80 by default) or "tcp://HOST:PORT". https:// is refused:
// berth speaks no TLS.
absl::StatusOr<Target> ParseTarget(absl::string_view url);

}  // namespace berth::health
