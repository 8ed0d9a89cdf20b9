// SPDX-License-Identifier: MIT
// health: the addresses berth listens on and probes, parsed from text; pure. A host berth
// connects to may be a DNS name (a Compose or Kubernetes service name): it is looked up later,
// on the loop, by the Resolver. A host berth listens on is an IP literal.
#pragma once

#include <sys/socket.h>

#include <string>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"

namespace berth::health {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;  // HOST:PORT as given, for logs and the Host header
  // A DNS name, looked up again before each connection (a restarted container comes back at
  // another address); `addr` is empty until then.
  std::string name;
  uint16_t port = 0;
  // ":8081": IPv6's any address, taking IPv4 too; IPv4's where the kernel has no IPv6.
  bool every_address = false;

  bool NeedsLookup() const { return !name.empty(); }
};

// The --healthz forms: ":8081" (every address, IPv6 and IPv4), "127.0.0.1:8081", "[::1]:8081"
// and "[::]:8081" (IPv6, and IPv4 too unless the system sets bindv6only).
base::Result<Endpoint> ParseListenAddress(absl::string_view text);

// HOST:PORT with HOST an IPv4 address, a bracketed IPv6 address, "localhost" (127.0.0.1) or a
// DNS name (letters, digits, '-', '_', dots; not all digits).
base::Result<Endpoint> ParseHostPort(absl::string_view text);

// What a check or `berth probe` connects to.
struct Target {
  enum class Scheme { kHttp, kTcp };
  Scheme scheme = Scheme::kHttp;
  Endpoint endpoint;
  std::string path = "/";  // kHttp: path and query sent in the request line
};

// "http://HOST[:PORT][/PATH]" (port 80 by default) or "tcp://HOST:PORT", HOST as for
// ParseHostPort. https:// is refused: berth speaks no TLS.
base::Result<Target> ParseTarget(absl::string_view url);

}  // namespace berth::health
