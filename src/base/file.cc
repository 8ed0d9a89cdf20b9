// SPDX-License-Identifier: MIT
#include "berth/base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/base/unique_fd.h"

namespace berth::base {
namespace {

const char* KindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

}  // namespace

std::string FormatSize(uint64_t bytes) {
  struct Unit {
    uint64_t size;
    absl::string_view name;
  };
  constexpr Unit kUnits[] = {{uint64_t{1} << 40, "TiB"},
                             {uint64_t{1} << 30, "GiB"},
                             {uint64_t{1} << 20, "MiB"},
                             {uint64_t{1} << 10, "KiB"}};
  for (const Unit& u : kUnits) {
    if (bytes < u.size) continue;
    if (bytes % u.size == 0) return base::Cat(bytes / u.size, " ", u.name);
    // To one decimal, as a person would write it; the remainder apart, so nothing overflows.
    const uint64_t tenths = bytes / u.size * 10 + (bytes % u.size * 10 + u.size / 2) / u.size;
    return base::Cat(tenths / 10, ".", tenths % 10, " ", u.name);
  }
  return base::Cat(bytes, " bytes");
}

base::Result<std::string> ReadSmallRegularFile(const std::string& path, size_t max_bytes) {
  // O_NOCTTY: a terminal named by mistake must not become berth's controlling terminal.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.Valid()) return ErrnoError(path);
  struct stat st {};
  if (::fstat(fd.Get(), &st) < 0) return ErrnoError(base::Cat("fstat ", path));
  if (S_ISDIR(st.st_mode)) return base::InvalidArgumentError(base::Cat(path, ": is a directory"));
  if (!S_ISREG(st.st_mode)) {
    return base::InvalidArgumentError(
        base::Cat(path, ": not a regular file (", KindOf(st.st_mode), ")"));
  }
  const auto too_large = [&] {
    return base::InvalidArgumentError(base::Cat(path, ": larger than ", FormatSize(max_bytes)));
  };
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) return too_large();
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[16 * kKiB];
  // Up to one byte more than allowed, which tells a file that grew since the fstat.
  while (out.size() <= max_bytes) {
    const size_t want = std::min(sizeof buf, max_bytes + 1 - out.size());
    const ssize_t n = ::read(fd.Get(), buf, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(base::Cat("read ", path));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  if (out.size() > max_bytes) return too_large();
  return out;
}

}  // namespace berth::base
