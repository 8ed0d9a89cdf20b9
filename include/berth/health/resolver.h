// SPDX-License-Identifier: MIT
// health: looks up a DNS name on berth's loop with c-ares: /etc/hosts, then the name servers of
// /etc/resolv.conf. A static binary has no NSS and getaddrinfo(3) would block the loop, so this
// is how a check reaches a Compose, Kubernetes, ECS or Fly.io service by its name. Holds no
// socket and no timer between lookups: an idle berth still never wakes up.
#pragma once

#include <functional>
#include <memory>
#include <unordered_set>

#include "berth/base/error.h"
#include "berth/health/address.h"
#include "berth/loop/loop.h"
#include "berth/loop/timer.h"

struct ares_channeldata;
struct ares_addrinfo;

namespace berth::health {

class Resolver {
 public:
  // The endpoint with `addr` filled (the first address in RFC 6724 order), or why not.
  using Callback = std::function<void(base::Result<Endpoint>)>;

  // Reads /etc/resolv.conf and the lookup order now, before berth's sandbox forbids little else.
  static base::Result<std::unique_ptr<Resolver>> Create(loop::Loop& loop);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Looks up `endpoint.name`; `done` runs once, from the loop or (for an /etc/hosts entry) at
  // once, unless Cancel() comes first.
  void Lookup(const Endpoint& endpoint, Callback done);
  // Drops every lookup in flight; their callbacks never run.
  void Cancel();

 private:
  struct Request;
  explicit Resolver(loop::Loop& loop) : loop_(loop) {}

  static void OnSocketState(void* self, int fd, int readable, int writable);
  static void OnResult(void* request, int status, int timeouts, ::ares_addrinfo* result);
  void Process(int read_fd, int write_fd) noexcept;
  void ArmTimeout();

  loop::Loop& loop_;
  ares_channeldata* channel_ = nullptr;
  std::unique_ptr<loop::Timer> timeout_;
  std::unordered_set<int> fds_;  // the sockets c-ares has on the loop
  bool dropping_ = false;        // Cancel() or the destructor: callbacks are not called
};

}  // namespace berth::health
