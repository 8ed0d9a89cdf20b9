// SPDX-License-Identifier: MIT
#include "berth/health/server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/time/clock.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/health/http_request.h"
#include "berth/health/http_response.h"
#include "berth/log/log.h"

namespace berth::health {
namespace {

constexpr absl::string_view kNotFound = "{\"status\":\"not found\"}\n";
constexpr absl::string_view kNotAllowed = "{\"status\":\"method not allowed\"}\n";
constexpr absl::string_view kBadRequest = "{\"status\":\"bad request\"}\n";
constexpr absl::string_view kTimeout = "{\"status\":\"request timeout\"}\n";
constexpr absl::Duration kAcceptRetry = absl::Milliseconds(100);
constexpr absl::Duration kLinger = absl::Seconds(1);
constexpr uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;

Endpoint Ipv4Any(const Endpoint& address) {
  Endpoint four = address;
  four.addr = {};
  auto* in = reinterpret_cast<sockaddr_in*>(&four.addr);
  in->sin_family = AF_INET;
  in->sin_port = htons(address.port);
  in->sin_addr.s_addr = htonl(INADDR_ANY);
  four.len = sizeof(sockaddr_in);
  return four;
}

base::Result<base::UniqueFd> Listen(const Endpoint& address) {
  constexpr int kType = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
  Endpoint at = address;
  base::UniqueFd fd(::socket(at.addr.ss_family, kType, 0));
  if (!fd.Valid() && errno == EAFNOSUPPORT && at.every_address) {
    at = Ipv4Any(address);  // a kernel booted with ipv6.disable=1
    fd.Reset(::socket(AF_INET, kType, 0));
  }
  if (!fd.Valid()) return base::ErrnoError(base::Cat("socket for ", address.text));
  // A restarted berth rebinds at once instead of waiting out TIME_WAIT.
  const int one = 1;
  ::setsockopt(fd.Get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (at.every_address && at.addr.ss_family == AF_INET6) {
    const int zero = 0;  // IPv4 too, whatever net.ipv6.bindv6only says
    ::setsockopt(fd.Get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  }
  if (::bind(fd.Get(), reinterpret_cast<const sockaddr*>(&at.addr), at.len) < 0) {
    return base::ErrnoError(base::Cat("bind ", address.text));
  }
  if (::listen(fd.Get(), 64) < 0) return base::ErrnoError(base::Cat("listen ", address.text));
  return fd;
}

}  // namespace

base::Result<std::unique_ptr<Server>> Server::Create(loop::Loop& loop, const Endpoint& address,
                                                     const State& state, ServerLimits limits) {
  std::unique_ptr<Server> s(new Server(loop, state, limits));
  s->where_ = address.text;
  BERTH_ASSIGN_OR_RETURN(s->listener_, Listen(address));
  const int fd = s->listener_.Get();
  Server* raw = s.get();
  BERTH_ASSIGN_OR_RETURN(s->timer_, loop::Timer::Create(loop, [raw] { raw->OnTimer(); }));
  BERTH_RETURN_IF_ERROR(loop.Add(fd, EPOLLIN, [raw](uint32_t) { raw->OnAccept(); }));
  log::Info("health endpoint on {} (/healthz, /readyz)", address.text);
  return s;
}

Server::~Server() {
  loop_.Remove(listener_.Get());
  for (Connection& c : connections_) {
    if (c.fd.Valid()) loop_.Remove(c.fd.Get());
  }
}

void Server::OnAccept() noexcept {
  for (;;) {
    const int fd = ::accept4(listener_.Get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Open(fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN) {
      // The backlog is drained: the shortage is over.
      if (accept_failing_) log::Notice("health endpoint on {} accepts connections again", where_);
      accept_failing_ = false;
      return;
    }
    // Out of descriptors or memory: the listener would stay ready and spin the loop, so stop
    // watching it and retry from the timer.
    if (!accept_failing_) {
      accept_failing_ = true;
      log::Warn("accept4 on {}: {}; retrying every {} until a descriptor is free", where_,
                std::strerror(errno), absl::FormatDuration(kAcceptRetry));
    }
    (void)loop_.Modify(listener_.Get(), 0);
    accept_paused_ = true;
    ArmTimer();
    return;
  }
}

void Server::Open(int fd) {
  Connection* c = nullptr;
  if (open_ == connections_.size()) {
    // Full: drop the connection idle the longest, so clients that hold connections open
    // without asking anything cannot lock a prober out.
    c = &connections_.front();
    for (Connection& slot : connections_) {
      if (slot.deadline < c->deadline) c = &slot;
    }
    log::Debug("health endpoint: {} connections open, closing the oldest", open_);
    Close(*c);
  }
  for (Connection& slot : connections_) {
    if (!slot.fd.Valid()) {
      c = &slot;
      break;
    }
  }
  c->fd.Reset(fd);
  c->deadline = absl::Now() + limits_.header_timeout;
  c->close_after = c->peer_closed = c->lingering = false;
  c->in_len = c->out_len = c->out_sent = 0;
  c->body = {};
  c->body_owner.reset();
  if (base::Status s = loop_.Add(fd, kReadEvents, [this, c](uint32_t ev) { OnEvents(*c, ev); });
      !s.has_value()) {
    log::Warn("health endpoint: {}", s.error().message());
    c->fd.Reset();
    return;
  }
  ++open_;
  if (!timer_->Armed()) ArmTimer();
}

void Server::OnEvents(Connection& c, uint32_t events) noexcept {
  if (c.lingering) return Discard(c);
  if (Unsent(c)) {
    if (!Flush(c)) return;
  } else if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    Receive(c);
    if (!c.fd.Valid()) return;
  }
  Serve(c);
}

void Server::Receive(Connection& c) {
  while (c.in_len < sizeof c.in) {
    const ssize_t n = ::recv(c.fd.Get(), c.in + c.in_len, sizeof c.in - c.in_len, 0);
    if (n > 0) {
      c.in_len += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) {
      c.peer_closed = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno != EAGAIN) {
      Close(c);  // ECONNRESET and friends: nobody to answer
    }
    return;
  }
}

// Answers every complete request in `in`, one at a time; stops while an answer is unsent.
void Server::Serve(Connection& c) {
  while (c.fd.Valid() && !Unsent(c)) {
    if (c.close_after) return Linger(c);
    const ParseResult r = ParseRequest(absl::string_view(c.in, c.in_len), kMaxRequestSize);
    if (r.kind == ParseResult::Kind::kNeedMore) {
      if (c.peer_closed) return Close(c);
      return Watch(c);
    }
    if (r.kind == ParseResult::Kind::kError) {
      log::Debug("health endpoint: {} ({})", ReasonPhrase(r.error_status), r.why);
      Answer(c, r.error_status, kBadRequest, false, false);
      c.in_len = 0;
      continue;
    }
    const Request& q = r.request;
    const bool head = q.method == Method::kHead;
    // A body is never read, so the connection cannot be reused after one.
    const bool keep = q.keep_alive && !q.has_body;
    if (q.method == Method::kOther) {
      Answer(c, 405, kNotAllowed, false, keep);
    } else if (q.has_body) {
      Answer(c, 400, kBadRequest, head, false);
    } else if (q.path == "/healthz") {
      Answer(c, state_.Live() ? 200 : 503, state_.live_shared(), head, keep);
    } else if (q.path == "/readyz") {
      Answer(c, state_.Ready() ? 200 : 503, state_.ready_shared(), head, keep);
    } else {
      Answer(c, 404, kNotFound, head, keep);
    }
    std::memmove(c.in, c.in + q.size, c.in_len - q.size);
    c.in_len -= q.size;
    c.deadline = absl::Now() + limits_.header_timeout;
  }
}

void Server::Answer(Connection& c, int status, std::shared_ptr<const std::string> body, bool head,
                    bool keep_alive) {
  const absl::string_view view = *body;
  Answer(c, status, view, head, keep_alive);
  if (!c.body.empty()) c.body_owner = std::move(body);  // kept until the last byte is sent
}

// The head goes from `out`; the body is sent from where it is, never copied.
void Server::Answer(Connection& c, int status, absl::string_view body, bool head,
                    bool keep_alive) {
  Response r{status, body, /*head_only=*/true, keep_alive, status == 405};
  c.out_len = FormatResponse(r, c.out, sizeof c.out);
  c.out_sent = 0;
  c.body = head || c.out_len == 0 ? absl::string_view() : body;
  c.body_owner.reset();
  c.close_after = !keep_alive || c.out_len == 0;
  Flush(c);
}

// Returns true once everything is sent; false while the socket is full or after a close.
bool Server::Flush(Connection& c) {
  while (Unsent(c)) {
    iovec iov[2];
    size_t parts = 0;
    if (c.out_sent < c.out_len) iov[parts++] = {c.out + c.out_sent, c.out_len - c.out_sent};
    const size_t body_sent = c.out_sent > c.out_len ? c.out_sent - c.out_len : 0;
    if (body_sent < c.body.size()) {
      iov[parts++] = {const_cast<char*>(c.body.data() + body_sent), c.body.size() - body_sent};
    }
    msghdr m{};
    m.msg_iov = iov;
    m.msg_iovlen = parts;
    const ssize_t n = ::sendmsg(c.fd.Get(), &m, MSG_NOSIGNAL);
    if (n >= 0) {
      c.out_sent += static_cast<size_t>(n);
      if (!Unsent(c)) {
        c.out_len = c.out_sent = 0;
        c.body = {};
        c.body_owner.reset();
      }
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      (void)loop_.Modify(c.fd.Get(), EPOLLOUT);
      return false;
    }
    Close(c);
    return false;
  }
  return true;
}

// Back to waiting for requests (after EPOLLOUT was needed for a slow reader).
void Server::Watch(Connection& c) {
  if (c.in_len == sizeof c.in) return Close(c);  // cannot happen: a full buffer parses
  (void)loop_.Modify(c.fd.Get(), kReadEvents);
}

// Closing with unread input makes the kernel send RST, and a client may lose the answer it has
// not read yet (RFC 9112 9.6). So: shut down the sending side, then read and drop what the
// client still sends, for a second at most.
void Server::Linger(Connection& c) {
  if (c.peer_closed || ::shutdown(c.fd.Get(), SHUT_WR) < 0) return Close(c);
  c.lingering = true;
  c.deadline = std::min(c.deadline, absl::Now() + kLinger);
  (void)loop_.Modify(c.fd.Get(), kReadEvents);
  ArmTimer();
  Discard(c);
}

void Server::Discard(Connection& c) {
  for (;;) {
    const ssize_t n = ::recv(c.fd.Get(), c.in, sizeof c.in, 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    return Close(c);
  }
}

void Server::Close(Connection& c) {
  loop_.Remove(c.fd.Get());
  c.fd.Reset();
  --open_;
}

void Server::OnTimer() noexcept {
  const absl::Time now = absl::Now();
  for (Connection& c : connections_) {
    if (!c.fd.Valid() || c.deadline > now) continue;
    // Best effort, never waited for: the client was too slow to deserve more.
    if (!Unsent(c) && !c.lingering) {
      Response r{408, kTimeout, false, false, false};
      const size_t n = FormatResponse(r, c.out, sizeof c.out);
      (void)::send(c.fd.Get(), c.out, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    if (!c.lingering) {
      log::Debug("health endpoint: closed a connection after the {} header timeout",
                 absl::FormatDuration(limits_.header_timeout));
    }
    Close(c);
  }
  if (accept_paused_) {
    accept_paused_ = false;
    (void)loop_.Modify(listener_.Get(), EPOLLIN);
  }
  ArmTimer();
}

// Arms the one timer for the earliest deadline; deadlines only move later, so the timer is
// re-armed only when it fires or was idle.
void Server::ArmTimer() {
  absl::Time next = absl::InfiniteFuture();
  for (const Connection& c : connections_) {
    if (c.fd.Valid() && c.deadline < next) next = c.deadline;
  }
  if (accept_paused_) next = std::min(next, absl::Now() + kAcceptRetry);
  base::Status s =
      next == absl::InfiniteFuture() ? timer_->Disarm() : timer_->Arm(next - absl::Now());
  if (!s.has_value()) log::Error("health endpoint: {}", s.error().message());
}

}  // namespace berth::health
