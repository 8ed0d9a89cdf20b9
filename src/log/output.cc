// SPDX-License-Identifier: MIT
#include "berth/log/output.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "berth/base/unique_fd.h"
#include "berth/log/log.h"

namespace berth::log {
namespace {

constexpr size_t kMaxQueued = size_t{256} * 1024;
constexpr absl::Duration kExitFlush = absl::Milliseconds(500);
// A copy per call: small enough that a pipe with little room costs little copying for nothing.
constexpr size_t kMaxSplice = size_t{16} * 1024;

// How a stream is written without blocking. O_NONBLOCK on fd 1 or 2 is not among them: the file
// description is shared with the child (and with whatever else Docker attached), which would then
// get EAGAIN where it expects to wait, and most programs treat that as a failed write.
enum class Kind {
  // A pipe (Docker's default): vmsplice(2) with SPLICE_F_NONBLOCK, which never waits for room
  // whatever the description's flags. It hands the pipe the pages themselves, so they are a
  // fresh mapping, unmapped at once: nothing of berth's can change them before they are read.
  // Reopening /proc/self/fd/N would give a private description too, but a pipe belongs to
  // whoever made it (runc, the shim) and a non-root berth gets EACCES; a pipe of berth's own
  // to splice(2) from would cost two descriptors for ever.
  kPipe,
  kSocket,    // send(2) with MSG_DONTWAIT (journald's stdout, a socketpair)
  kTerminal,  // a private description of the same terminal, reopened with O_NONBLOCK
  kPlain,     // a file, /dev/null, or a terminal that could not be reopened: write(2)
};

struct Sink {
  int fd = -1;  // berth's fd 1 or 2: what the loop watches
  Kind kind = Kind::kPlain;
  const char* name = "stdout";
  base::UniqueFd own;  // kTerminal: the private description
  std::string queue;
  uint64_t dropped = 0;
  bool watched = false;
};

struct Output {
  bool prepared = false;
  Sink sinks[2];
  Sink* of[3] = {nullptr, nullptr, nullptr};  // by fd; 1 and 2 share a sink when one pipe
  std::function<void(int, bool)> watch;
};

Output& State() {
  static Output out;
  return out;
}

void SetUp(Sink& s, int fd, const struct stat& st) {
  s.fd = fd;
  if (S_ISFIFO(st.st_mode)) {
    s.kind = Kind::kPipe;
  } else if (S_ISSOCK(st.st_mode)) {
    s.kind = Kind::kSocket;
  } else if (S_ISCHR(st.st_mode) && ::isatty(fd)) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    int own = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (own >= 0) {
      s.own.Reset(own);
      s.kind = Kind::kTerminal;
    }
  }
}

// Up to kMaxSplice bytes of `data` into the pipe `fd` without waiting: the bytes moved, or -1
// with errno.
ssize_t SpliceCopy(int fd, absl::string_view data) {
  const size_t len = std::min<size_t>(data.size(), kMaxSplice);
  void* pages = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) return -1;
  std::memcpy(pages, data.data(), len);
  iovec iov{pages, len};
  const ssize_t n = ::vmsplice(fd, &iov, 1, SPLICE_F_NONBLOCK);
  const int err = errno;
  ::munmap(pages, len);  // the pipe keeps its own references to what it took
  errno = err;
  return n;
}

// One step: moves some queued bytes towards the reader. Returns the bytes moved, or -1 with
// errno (EAGAIN: the reader has no room).
ssize_t Step(Sink& s) {
  switch (s.kind) {
    case Kind::kPipe: {
      const ssize_t n = SpliceCopy(s.fd, s.queue);
      if (n < 0 && errno != EAGAIN && errno != EINTR && errno != EPIPE) {
        s.kind = Kind::kPlain;  // vmsplice refused (a seccomp filter, no memory): write(2)
        errno = EINTR;
      }
      return n;
    }
    case Kind::kSocket:
      return ::send(s.fd, s.queue.data(), s.queue.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    case Kind::kTerminal:
      return ::write(s.own.Get(), s.queue.data(), s.queue.size());
    case Kind::kPlain:
      return ::write(s.fd, s.queue.data(), s.queue.size());
  }
  return -1;
}

// Writes what is queued until done or the reader has no room. True when nothing is left.
bool Push(Sink& s) {
  while (!s.queue.empty()) {
    const ssize_t n = Step(s);
    if (n > 0) s.queue.erase(0, static_cast<size_t>(n));
    if (n >= 0 || errno == EINTR) continue;
    if (errno == EAGAIN) return false;
    s.queue.clear();  // the reader is gone (EPIPE) or the stream broken: nobody will read this
  }
  return true;
}

void Watch(Sink& s, bool on) {
  Output& out = State();
  if (s.watched == on || !out.watch) return;
  s.watched = on;
  out.watch(s.fd, on);
}

// After a push: ask the loop for a wake-up while output waits; once it is all out, say what
// had to be dropped meanwhile.
void Settle(Sink& s, bool empty) {
  Watch(s, !empty);
  if (!empty || s.dropped == 0) return;
  const uint64_t dropped = s.dropped;
  s.dropped = 0;
  Warn("dropped {} bytes of log output: {} was not being read", dropped, s.name);
}

Sink* SinkOf(int fd) {
  PrepareOutput();
  return fd == 1 || fd == 2 ? State().of[fd] : nullptr;
}

// At exit: the queue gets a bounded time to go out, so a slow reader still gets the last lines
// (the summary), and a stalled one costs berth half a second, not its exit.
void FinishOutput() {
  Output& out = State();
  out.watch = nullptr;
  const absl::Time until = absl::Now() + kExitFlush;
  for (Sink& s : out.sinks) {
    while (s.fd >= 0 && !Push(s)) {
      const int64_t left = absl::ToInt64Milliseconds(until - absl::Now());
      if (left <= 0) break;
      pollfd p{s.fd, POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR) break;
    }
  }
}

}  // namespace

void PrepareOutput() {
  Output& out = State();
  if (out.prepared) return;
  out.prepared = true;
  struct stat st[2];
  const bool ok1 = ::fstat(1, &st[0]) == 0;
  const bool ok2 = ::fstat(2, &st[1]) == 0;
  if (ok1) {
    SetUp(out.sinks[0], 1, st[0]);
    out.of[1] = &out.sinks[0];
  }
  // One pipe or socket behind both (2>&1, docker run -t): one queue, so their order is kept.
  const bool shared = ok1 && ok2 && st[0].st_dev == st[1].st_dev && st[0].st_ino == st[1].st_ino &&
                      !S_ISREG(st[0].st_mode);
  if (shared) {
    out.sinks[0].name = "stdout/stderr";
    out.of[2] = &out.sinks[0];
  } else if (ok2) {
    out.sinks[1].name = "stderr";
    SetUp(out.sinks[1], 2, st[1]);
    out.of[2] = &out.sinks[1];
  }
  std::atexit(FinishOutput);
}

void WriteOutput(int fd, absl::string_view data) {
  Sink* s = SinkOf(fd);
  if (s == nullptr) {  // not open at start: nowhere to write
    return;
  }
  if (s->queue.size() + data.size() > kMaxQueued) {
    s->dropped += data.size();
  } else {
    s->queue.append(data.data(), data.size());
  }
  // While the loop watches for room, only its wake-up writes: a full pipe is not asked again
  // for every line.
  if (!s->watched) Settle(*s, Push(*s));
}

void SetOutputWatcher(std::function<void(int fd, bool on)> watch) {
  Output& out = State();
  out.watch = std::move(watch);
  for (Sink& s : out.sinks) {
    s.watched = false;
    if (out.watch && !s.queue.empty()) Watch(s, true);
  }
}

void OnOutputWritable(int fd) {
  Sink* s = SinkOf(fd);
  if (s != nullptr) Settle(*s, Push(*s));
}

}  // namespace berth::log
