// SPDX-License-Identifier: MIT
#include "berth/health/resolver.h"

#include <ares.h>
#include <fcntl.h>
#include <sys/epoll.h>

#include <cstring>

#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/log/log.h"

namespace berth::health {

// What one lookup carries through c-ares: the endpoint to fill and whom to tell.
struct Resolver::Request {
  Resolver* resolver;
  Endpoint endpoint;
  Callback done;
};

namespace {

// c-ares opens its sockets without O_CLOEXEC; a service restarted during a lookup must not get one.
int KeepFromChildren(ares_socket_t fd, int, void*) {
  return ::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ? -1 : 0;
}

}  // namespace

base::Result<std::unique_ptr<Resolver>> Resolver::Create(loop::Loop& loop) {
  // A no-op on Linux, but c-ares asks for it before the first channel.
  if (int rc = ares_library_init(ARES_LIB_INIT_ALL); rc != ARES_SUCCESS) {
    return base::InternalError(base::Cat("c-ares: ", ares_strerror(rc)));
  }
  std::unique_ptr<Resolver> r(new Resolver(loop));
  Resolver* raw = r.get();
  BERTH_ASSIGN_OR_RETURN(r->timeout_, loop::Timer::Create(loop, [raw] {
                           raw->Process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
                         }));
  ares_options options{};
  options.sock_state_cb = &Resolver::OnSocketState;
  options.sock_state_cb_data = raw;
  if (int rc = ares_init_options(&r->channel_, &options, ARES_OPT_SOCK_STATE_CB);
      rc != ARES_SUCCESS) {
    return base::InternalError(base::Cat("DNS resolver: ", ares_strerror(rc)));
  }
  ares_set_socket_configure_callback(r->channel_, &KeepFromChildren, nullptr);
  return r;
}

Resolver::~Resolver() {
  dropping_ = true;
  if (channel_ != nullptr) ares_destroy(channel_);  // ends every lookup with ARES_EDESTRUCTION
  for (int fd : fds_) loop_.Remove(fd);
}

void Resolver::Lookup(const Endpoint& endpoint, Callback done) {
  auto* request = new Request{this, endpoint, std::move(done)};
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  ares_getaddrinfo(channel_, request->endpoint.name.c_str(), nullptr, &hints, &Resolver::OnResult,
                   request);
  ArmTimeout();
}

void Resolver::Cancel() {
  dropping_ = true;
  ares_cancel(channel_);  // ends every lookup with ARES_ECANCELLED, here and now
  dropping_ = false;
  ArmTimeout();
}

void Resolver::OnResult(void* arg, int status, int, ares_addrinfo* result) {
  std::unique_ptr<Request> request(static_cast<Request*>(arg));
  const ares_addrinfo_node* node = result != nullptr ? result->nodes : nullptr;
  base::Result<Endpoint> outcome = base::UnavailableError(
      base::Cat("resolve ", request->endpoint.name, ": ",
                status == ARES_SUCCESS ? "no address" : ares_strerror(status)));
  if (status == ARES_SUCCESS && node != nullptr && node->ai_addrlen <= sizeof(sockaddr_storage)) {
    Endpoint e = request->endpoint;
    std::memcpy(&e.addr, node->ai_addr, node->ai_addrlen);
    e.len = node->ai_addrlen;
    // c-ares fills in the port of the service it was given, and it was given none.
    if (e.addr.ss_family == AF_INET)
      reinterpret_cast<sockaddr_in*>(&e.addr)->sin_port = htons(e.port);
    if (e.addr.ss_family == AF_INET6)
      reinterpret_cast<sockaddr_in6*>(&e.addr)->sin6_port = htons(e.port);
    outcome = std::move(e);
  }
  if (result != nullptr) ares_freeaddrinfo(result);
  if (request->resolver->dropping_) return;
  request->done(std::move(outcome));
}

// c-ares opens and closes its sockets itself and says here what it waits for on each.
void Resolver::OnSocketState(void* self, int fd, int readable, int writable) {
  auto* r = static_cast<Resolver*>(self);
  const uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  if (events == 0) {
    r->loop_.Remove(fd);
    r->fds_.erase(fd);
    return;
  }
  base::Status s;
  if (r->fds_.count(fd) != 0) {
    s = r->loop_.Modify(fd, events);
  } else {
    s = r->loop_.Add(fd, events, [r, fd](uint32_t ev) {
      const bool in = (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
      r->Process(in ? fd : ARES_SOCKET_BAD, (ev & EPOLLOUT) != 0 ? fd : ARES_SOCKET_BAD);
    });
    if (s.has_value()) r->fds_.insert(fd);
  }
  // The lookup then ends by c-ares' own timeout, with an error the check reports.
  if (!s.has_value()) log::Warn("DNS resolver: {}", s.error().message());
}

void Resolver::Process(int read_fd, int write_fd) noexcept {
  ares_process_fd(channel_, read_fd, write_fd);
  ArmTimeout();
}

void Resolver::ArmTimeout() {
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) {
    (void)timeout_->Disarm();
    return;
  }
  if (base::Status s = timeout_->Arm(absl::DurationFromTimeval(tv)); !s.has_value()) {
    log::Warn("DNS resolver: {}", s.error().message());
  }
}

}  // namespace berth::health
