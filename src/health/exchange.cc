// SPDX-License-Identifier: MIT
#include "berth/health/exchange.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/base/text.h"
#include "berth/health/http_response.h"

namespace berth::health {

std::string BuildRequest(const Target& target, const std::vector<std::string>& headers) {
  std::string r =
      base::Cat("GET ", target.path, " HTTP/1.1\r\nHost: ", target.endpoint.text,
                "\r\nUser-Agent: berth-probe\r\nAccept: */*\r\n", "Connection: close\r\n");
  for (const std::string& h : headers) base::Append(&r, h, "\r\n");
  base::Append(&r, "\r\n");
  return r;
}

Exchange Exchange::Begin(const Target& target, StatusList healthy, std::string request) {
  const Endpoint& e = target.endpoint;
  const int fd = ::socket(e.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  Exchange x(base::UniqueFd(fd), healthy, std::move(request));
  if (fd < 0) {
    x.Finish(false, base::Cat("socket: ", std::strerror(errno)));
    return x;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&e.addr), e.len) == 0) {
    x.Connected();
  } else if (errno != EINPROGRESS) {
    x.Finish(false, base::Cat("connect: ", std::strerror(errno)));
  }
  return x;
}

uint32_t Exchange::Interest() const {
  switch (state_) {
    case State::kConnecting:
    case State::kSending: return POLLOUT;
    case State::kReading: return POLLIN;
    case State::kDone: break;
  }
  return 0;
}

void Exchange::Finish(bool healthy, std::string detail) {
  state_ = State::kDone;
  outcome_ = {healthy, std::move(detail)};
  fd_.Reset();
}

void Exchange::OnReady() noexcept {
  switch (state_) {
    case State::kConnecting: {
      // connect(2): on EINPROGRESS, writability then SO_ERROR tell how it went.
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(fd_.Get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
      if (err != 0) return Finish(false, base::Cat("connect: ", std::strerror(err)));
      return Connected();
    }
    case State::kSending: return Send();
    case State::kReading: return Read();
    case State::kDone: return;
  }
}

void Exchange::Connected() {
  if (request_.empty()) return Finish(true, "connected");
  state_ = State::kSending;
  Send();
}

void Exchange::Send() {
  while (sent_ < request_.size()) {
    const ssize_t n = ::send(fd_.Get(), request_.data() + sent_, request_.size() - sent_,
                             MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      return Finish(false, base::Cat("send: ", std::strerror(errno)));
    }
    sent_ += static_cast<size_t>(n);
  }
  state_ = State::kReading;
}

void Exchange::Read() {
  for (;;) {
    const ssize_t n = ::recv(fd_.Get(), reply_ + received_, sizeof reply_ - received_, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      return Finish(false, base::Cat("recv: ", std::strerror(errno)));
    }
    received_ += static_cast<size_t>(n);
    const StatusLine line = ParseStatusLine(absl::string_view(reply_, received_));
    if (line.code) {
      return Finish(healthy_.Contains(*line.code), base::Cat("status ", *line.code));
    }
    if (!line.need_more || received_ == sizeof reply_) return Finish(false, "not an HTTP response");
    if (n == 0) return Finish(false, "connection closed before a status line");
  }
}

}  // namespace berth::health
