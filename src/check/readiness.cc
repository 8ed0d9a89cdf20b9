// SPDX-License-Identifier: MIT
#include "berth/check/readiness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "berth/base/unique_fd.h"

namespace berth::check {
namespace {

absl::Status Bad(absl::string_view what, absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": '", text, "'"));
}

bool FillAddress(absl::string_view host, int port, Endpoint* e) {
  std::string h(host == "localhost" ? "127.0.0.1" : host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&e->addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&e->addr);
  if (::inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    e->addr_len = sizeof *v4;
    return true;
  }
  if (::inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    e->addr_len = sizeof *v6;
    return true;
  }
  return false;
}

// Waits up to `timeout` for `events` on `fd`.
bool WaitFor(int fd, short events, absl::Duration timeout) {
  pollfd p{fd, events, 0};
  int n;
  do {
    n = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  } while (n < 0 && errno == EINTR);
  return n == 1;
}

base::UniqueFd Connect(const Endpoint& e, absl::Duration timeout) {
  base::UniqueFd fd(::socket(e.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.Valid()) return {};
  if (::connect(fd.Get(), reinterpret_cast<const sockaddr*>(&e.addr), e.addr_len) == 0) return fd;
  if (errno != EINPROGRESS || !WaitFor(fd.Get(), POLLOUT, timeout)) return {};
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd.Get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) return {};
  return fd;
}

}  // namespace

absl::StatusOr<Endpoint> ParseHostPort(absl::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) return Bad("want HOST:PORT", text);
  absl::string_view host = text.substr(0, colon);
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  Endpoint e;
  if (!absl::SimpleAtoi(text.substr(colon + 1), &e.port) || e.port <= 0 || e.port > 65535) {
    return Bad("not a valid port", text);
  }
  if (!FillAddress(host, e.port, &e)) {
    return Bad("want an IP address or localhost (a static berth does no name lookup)", text);
  }
  e.host = std::string(text.substr(0, colon));
  return e;
}

absl::StatusOr<Endpoint> ParseHttpUrl(absl::string_view url) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://")) return Bad("want an http:// URL", url);
  const size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  const std::string path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  const bool has_port =
      authority.rfind(':') != absl::string_view::npos && !absl::EndsWith(authority, "]");
  absl::StatusOr<Endpoint> e =
      ParseHostPort(has_port ? std::string(authority) : absl::StrCat(authority, ":80"));
  if (!e.ok()) return e.status();
  e->path = path;
  return e;
}

bool TcpReady(const Endpoint& e, absl::Duration timeout) { return Connect(e, timeout).Valid(); }

bool HttpReady(const Endpoint& e, absl::Duration timeout) {
  base::UniqueFd fd = Connect(e, timeout);
  if (!fd.Valid()) return false;
  const std::string request = absl::StrCat("GET ", e.path, " HTTP/1.0\r\nHost: ", e.host,
                                           "\r\nUser-Agent: berth-check\r\n\r\n");
  if (!WaitFor(fd.Get(), POLLOUT, timeout) ||
      ::send(fd.Get(), request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
    return false;
  }
  // "HTTP/1.x NNN": the status is all a readiness check needs, but the rest is read too (up to
  // a bound), so the server is not cut off mid-response and does not log a broken pipe.
  std::string response;
  char buf[4096];
  while (response.size() < 64 * 1024 && WaitFor(fd.Get(), POLLIN, timeout)) {
    ssize_t n = ::recv(fd.Get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
  }
  if (response.size() < 12 || !absl::StartsWith(response, "HTTP/")) return false;
  return response[9] == '2' || response[9] == '3';
}

}  // namespace berth::check
