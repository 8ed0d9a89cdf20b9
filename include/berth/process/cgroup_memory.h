// SPDX-License-Identifier: MIT
// process: reads the memory cgroup's OOM-kill counter and limit, as an engine mounts them in a
// container; reads only, decides nothing.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace berth::process {

// The kernel's count of OOM kills in the cgroup mounted at `root`: the `oom_kill` line of
// cgroup v2's ROOT/memory.events, else of v1's ROOT/memory/memory.oom_control. nullopt when
// neither is a readable regular file with that line (no memory controller, an old kernel).
std::optional<uint64_t> ReadOomKills(const std::string& root = "/sys/fs/cgroup");

// The cgroup's memory limit in bytes (v2 memory.max, v1 memory/memory.limit_in_bytes); nullopt
// when there is none ("max", or v1's page-rounded LLONG_MAX) or it cannot be read.
std::optional<uint64_t> ReadMemoryLimit(const std::string& root = "/sys/fs/cgroup");

// The value of the line "KEY N" in a flat-keyed cgroup file's text; nullopt without it.
std::optional<uint64_t> FlatKeyedValue(absl::string_view text, absl::string_view key);

// Tells whether a death by SIGKILL was the OOM killer's: it remembers the counter and claims
// each increase for the next such death. Without a counter it never claims one.
class OomWatch {
 public:
  // Reads the counter now, so the kills before berth started are not counted.
  explicit OomWatch(std::string root = "/sys/fs/cgroup");

  // True when `wait_status` is a death by SIGKILL and the counter rose since the last claim.
  bool Claim(int wait_status);

  // The line that says so: "killed by the kernel's OOM killer: the container's memory limit
  // (48 MiB) was reached" (without the figure when the limit cannot be read).
  std::string Describe() const;

 private:
  std::string root_;
  std::optional<uint64_t> seen_;
};

}  // namespace berth::process
