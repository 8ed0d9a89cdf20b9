// SPDX-License-Identifier: MIT
#include "berth/process/cgroup_memory.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "berth/base/unique_fd.h"
#include "berth/process/descriptor_reserve.h"

namespace berth::process {
namespace {

// memory.events and memory.oom_control are a few lines; a longer file is not the one we mean.
constexpr size_t kMaxFile = 4096;

// v1 reports "no limit" as LLONG_MAX rounded down to a page; anything this large is none.
constexpr uint64_t kUnlimited = uint64_t{1} << 62;

// The whole file when it is a regular file of at most kMaxFile bytes (cgroupfs files say size
// 4096 or 0 in stat, so the bound is on what read returns). O_NONBLOCK: a FIFO put in its place
// must not stall the loop before fstat refuses it.
std::optional<std::string> ReadBounded(const std::string& path) {
  UsingReserve reserve;
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  struct stat st {};
  if (!fd.Valid() || ::fstat(fd.Get(), &st) < 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string out(kMaxFile + 1, '\0');
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(fd.Get(), out.data() + got, out.size() - got);
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > kMaxFile) return std::nullopt;
  out.resize(got);
  return out;
}

std::optional<uint64_t> KeyIn(const std::string& path, absl::string_view key) {
  std::optional<std::string> text = ReadBounded(path);
  return text ? FlatKeyedValue(*text, key) : std::nullopt;
}

// v2 says "max" for none, which SimpleAtoi refuses: no limit either way.
std::optional<uint64_t> ParseLimit(const std::string& text) {
  uint64_t bytes = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &bytes) || bytes >= kUnlimited) {
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

std::optional<uint64_t> FlatKeyedValue(absl::string_view text, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view value = line;
    uint64_t n = 0;
    if (absl::ConsumePrefix(&value, key) && absl::ConsumePrefix(&value, " ") &&
        absl::SimpleAtoi(value, &n)) {
      return n;
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> ReadOomKills(const std::string& root) {
  if (std::optional<uint64_t> v2 = KeyIn(root + "/memory.events", "oom_kill")) return v2;
  return KeyIn(root + "/memory/memory.oom_control", "oom_kill");
}

std::optional<uint64_t> ReadMemoryLimit(const std::string& root) {
  std::optional<std::string> text = ReadBounded(root + "/memory.max");
  if (!text) text = ReadBounded(root + "/memory/memory.limit_in_bytes");
  return text ? ParseLimit(*text) : std::nullopt;
}

std::string FormatBytes(uint64_t bytes) {
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
    if (bytes % u.size == 0) return absl::StrCat(bytes / u.size, " ", u.name);
    // To one decimal, as a person would write it; the remainder apart, so nothing overflows.
    const uint64_t tenths = bytes / u.size * 10 + (bytes % u.size * 10 + u.size / 2) / u.size;
    return absl::StrCat(tenths / 10, ".", tenths % 10, " ", u.name);
  }
  return absl::StrCat(bytes, " bytes");
}

OomWatch::OomWatch(std::string root) : root_(std::move(root)), seen_(ReadOomKills(root_)) {}

bool OomWatch::Claim(int wait_status) {
  if (!seen_ || !WIFSIGNALED(wait_status) || WTERMSIG(wait_status) != SIGKILL) return false;
  std::optional<uint64_t> now = ReadOomKills(root_);
  if (!now || *now <= *seen_) return false;
  ++*seen_;  // one kill claimed: a second death by the OOM killer claims the next
  return true;
}

std::string OomWatch::Describe() const {
  std::optional<uint64_t> limit = ReadMemoryLimit(root_);
  if (!limit) return "killed by the kernel's OOM killer: the container's memory limit was reached";
  return absl::StrCat("killed by the kernel's OOM killer: the container's memory limit (",
                      FormatBytes(*limit), ") was reached");
}

}  // namespace berth::process
