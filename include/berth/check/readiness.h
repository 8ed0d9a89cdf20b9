// SPDX-License-Identifier: MIT
// check: one attempt of a TCP or HTTP readiness probe, with a timeout; no retries, no loop (the
// trial retries on a timer). Addresses are IP literals or "localhost": a static binary has no
// name service.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace berth::check {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string host;  // as written, for the Host header
  int port = 0;
  std::string path = "/";
};

// "127.0.0.1:8000", "[::1]:8000", "localhost:8000".
absl::StatusOr<Endpoint> ParseHostPort(absl::string_view text);
// "http://127.0.0.1:8000/healthz" (port 80 when absent).
absl::StatusOr<Endpoint> ParseHttpUrl(absl::string_view url);

// True when a TCP connection to `e` succeeds within `timeout`.
bool TcpReady(const Endpoint& e, absl::Duration timeout);
// True when GET e.path answers with a 2xx or 3xx status line within `timeout`.
bool HttpReady(const Endpoint& e, absl::Duration timeout);

}  // namespace berth::check
