// SPDX-License-Identifier: MIT
// process: the file descriptors berth was started with beyond stdio, so it can give up its own
// copies once the child holds them (catatonit 0.1.6). Never touches fds berth opened itself.
#pragma once

#include <vector>

namespace berth::process {

// The open fds >= 3 right now, from /proc/self/fd; empty when /proc is not mounted. Call it
// before berth opens anything of its own.
std::vector<int> ListInheritedFds();

// Closes each of `fds`, ignoring errors (an fd the child also holds stays open there).
void CloseFds(const std::vector<int>& fds);

}  // namespace berth::process
