// SPDX-License-Identifier: MIT
#include "berth/process/cgroup_memory.h"

#include <signal.h>
#include <sys/wait.h>

#include <utility>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "berth/base/file.h"
#include "berth/base/text.h"
#include "berth/process/descriptor_reserve.h"

namespace berth::process {
namespace {

// memory.events and memory.oom_control are a few lines; a longer file is not the one we mean.
constexpr size_t kMaxFile = 4096;

// v1 reports "no limit" as LLONG_MAX rounded down to a page; anything this large is none.
constexpr uint64_t kUnlimited = uint64_t{1} << 62;

// Read at the child's death, when clients may hold every other descriptor: from the reserve.
std::optional<std::string> ReadBounded(const std::string& path) {
  UsingReserve reserve;
  base::Result<std::string> text = base::ReadSmallRegularFile(path, kMaxFile);
  if (!text.has_value()) return std::nullopt;
  return *std::move(text);
}

std::optional<uint64_t> KeyIn(const std::string& path, absl::string_view key) {
  std::optional<std::string> text = ReadBounded(path);
  return text ? FlatKeyedValue(*text, key) : std::nullopt;
}

// v2 says "max" for none, which SimpleAtoi refuses: no limit either way.
std::optional<uint64_t> ParseLimit(const std::string& text) {
  uint64_t bytes = 0;
  if (!base::ParseInt(absl::StripAsciiWhitespace(text), &bytes) || bytes >= kUnlimited) {
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
        base::ParseInt(value, &n)) {
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
  return base::Cat("killed by the kernel's OOM killer: the container's memory limit (",
                   base::FormatSize(*limit), ") was reached");
}

}  // namespace berth::process
