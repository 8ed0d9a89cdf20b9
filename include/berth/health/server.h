// SPDX-License-Identifier: MIT
// health: the --healthz HTTP/1.1 server on berth's loop. Answers GET/HEAD /healthz and /readyz
// from State; never blocks, never starts a thread, and allocates every connection's buffers once,
// up front, so a slow or hostile client can neither stall the loop nor grow berth's memory. A
// body is State's shared snapshot, sent from where it is, so it fits however many services.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "berth/base/error.h"
#include "berth/base/unique_fd.h"
#include "berth/health/address.h"
#include "berth/health/state.h"
#include "berth/loop/loop.h"
#include "berth/loop/timer.h"

namespace berth::health {

// The request head limit: a larger head is answered 431 and the connection closed.
inline constexpr size_t kMaxRequestSize = 4096;

struct ServerLimits {
  size_t max_connections = 32;  // one more closes the one idle the longest
  // A request head must arrive whole this long after the connection opened or the previous
  // answer (so it is also the keep-alive idle timeout); then 408 and close.
  absl::Duration header_timeout = absl::Seconds(5);
};

class Server {
 public:
  // Binds and listens on `address`; an error is a set-up error ("bind [::1]:8081: ...").
  static base::Result<std::unique_ptr<Server>> Create(loop::Loop& loop, const Endpoint& address,
                                                      const State& state, ServerLimits limits);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

 private:
  struct Connection {
    base::UniqueFd fd;
    absl::Time deadline;
    bool close_after = false;  // close once `out` is flushed
    bool peer_closed = false;
    bool lingering = false;  // answered and shut down for writing; discarding input until EOF
    size_t in_len = 0;
    size_t out_len = 0;
    size_t out_sent = 0;     // of the head in `out`, then of `body`
    absl::string_view body;  // a constant, or *body_owner
    std::shared_ptr<const std::string> body_owner;
    char in[kMaxRequestSize];
    char out[512];  // the response's head
  };

  Server(loop::Loop& loop, const State& state, ServerLimits limits)
      : loop_(loop), state_(state), limits_(limits), connections_(limits.max_connections) {}

  void OnAccept() noexcept;
  void Open(int fd);
  void OnEvents(Connection& c, uint32_t events) noexcept;
  void Receive(Connection& c);
  void Serve(Connection& c);
  void Answer(Connection& c, int status, std::shared_ptr<const std::string> body, bool head,
              bool keep_alive);
  void Answer(Connection& c, int status, absl::string_view body, bool head, bool keep_alive);
  static bool Unsent(const Connection& c) { return c.out_sent < c.out_len + c.body.size(); }
  bool Flush(Connection& c);
  void Watch(Connection& c);
  void Linger(Connection& c);
  void Discard(Connection& c);
  void Close(Connection& c);
  void OnTimer() noexcept;
  void ArmTimer();

  loop::Loop& loop_;
  const State& state_;
  ServerLimits limits_;
  base::UniqueFd listener_;
  std::unique_ptr<loop::Timer> timer_;  // one timer for every connection's deadline
  std::vector<Connection> connections_;  // fixed: sized once, never grown
  size_t open_ = 0;
  bool accept_paused_ = false;  // out of file descriptors: retried from the timer
  bool accept_failing_ = false;  // from the warning until the backlog drains: one line a shortage
  std::string where_;
};

}  // namespace berth::health
