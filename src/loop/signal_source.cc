// SPDX-License-Identifier: MIT
#include "berth/loop/signal_source.h"

#include <unistd.h>

#include <cerrno>

#include "berth/base/error.h"
#include "berth/log/log.h"

namespace berth::loop {

base::Result<std::unique_ptr<SignalSource>> SignalSource::Create(Loop& loop, const sigset_t& set,
                                                                 Handler handler) {
  int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return base::ErrnoError("signalfd");
  std::unique_ptr<SignalSource> source(new SignalSource(loop, base::UniqueFd(fd), std::move(handler)));
  SignalSource* raw = source.get();
  BERTH_RETURN_IF_ERROR(loop.Add(fd, EPOLLIN, [raw](uint32_t) { raw->OnReady(); }));
  return source;
}

SignalSource::~SignalSource() { loop_.Remove(fd_.Get()); }

void SignalSource::OnReady() noexcept {
  // Drain in batches: a storm of signals costs one read per batch, not per signal.
  signalfd_siginfo infos[32];
  for (;;) {
    ssize_t n = ::read(fd_.Get(), infos, sizeof infos);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) log::Error("read(signalfd): {}", std::strerror(errno));
      return;
    }
    size_t count = static_cast<size_t>(n) / sizeof infos[0];
    for (size_t i = 0; i < count; ++i) handler_(infos[i]);
    if (count < 32) return;
  }
}

}  // namespace berth::loop
