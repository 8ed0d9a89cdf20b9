// SPDX-License-Identifier: MIT
#include "berth/supervisor/output_relay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/log/log.h"
#include "berth/log/output.h"

namespace berth::supervisor {

base::Result<std::unique_ptr<OutputRelay>> OutputRelay::Create(loop::Loop& loop,
                                                               std::string prefix) {
  std::unique_ptr<OutputRelay> relay(new OutputRelay(loop, std::move(prefix)));
  BERTH_RETURN_IF_ERROR(relay->Open(relay->out_, STDOUT_FILENO));
  BERTH_RETURN_IF_ERROR(relay->Open(relay->err_, STDERR_FILENO));
  return relay;
}

OutputRelay::~OutputRelay() {
  loop_.Remove(out_.read.Get());
  loop_.Remove(err_.read.Get());
}

base::Status OutputRelay::Open(Stream& s, int target) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return base::ErrnoError("pipe2");
  s.read.Reset(fds[0]);
  s.write.Reset(fds[1]);
  s.target = target;
  // Only the read end is non-blocking: the service must block on a full pipe, not lose output.
  if (::fcntl(s.read.Get(), F_SETFL, O_NONBLOCK) < 0) return base::ErrnoError("fcntl(O_NONBLOCK)");
  Stream* raw = &s;
  return loop_.Add(s.read.Get(), EPOLLIN, [this, raw](uint32_t) { Drain(*raw); });
}

void OutputRelay::Flush() noexcept {
  for (Stream* s : {&out_, &err_}) {
    // Bounded, so a grandchild that keeps writing can't hold berth here.
    for (int i = 0; i < 64 && Drain(*s) > 0; ++i) {
    }
    // The run's last words without a '\n' ("printf 'done'; exit 3") are a line too; kept, they
    // would be lost at berth's exit or glued to the next run's first line.
    s->splitter.Flush([&](absl::string_view line) { Emit(*s, line); });
  }
}

ssize_t OutputRelay::Drain(Stream& s) noexcept {
  char buf[16 * 1024];
  // Bounded: one read per wake-up, so a chatty service can't starve the rest of the loop.
  ssize_t n = ::read(s.read.Get(), buf, sizeof buf);
  if (n <= 0) {
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      log::Error("read(service output): {}", std::strerror(errno));
    }
    return n;
  }
  s.splitter.Feed(absl::string_view(buf, static_cast<size_t>(n)),
                  [&](absl::string_view line) { Emit(s, line); });
  return n;
}

void OutputRelay::Emit(Stream& s, absl::string_view line) {
  WriteLine(s.target, line);
  if (observer_) observer_(line);
}

// Never blocks: a stalled reader of berth's stdout costs lines (counted, then said), not the
// loop that also runs the deadline.
void OutputRelay::WriteLine(int target, absl::string_view line) {
  log::WriteOutput(target, base::Cat(prefix_, line, "\n"));
}

}  // namespace berth::supervisor
