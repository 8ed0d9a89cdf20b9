// SPDX-License-Identifier: MIT
// base: the one way berth reads a file it was given (--config, --seccomp, --file-env's secrets,
// /etc/passwd and /etc/group): only a regular file, never more than a bound, never blocking.
// /proc files are special files and are read by process/ on their own terms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "berth/base/error.h"

namespace berth::base {

inline constexpr size_t kKiB = 1024;
inline constexpr size_t kMiB = 1024 * kKiB;

// The whole of `path`, a regular file of at most `max_bytes`. Opened with O_NONBLOCK, so a FIFO
// or a device is refused without waiting for a writer; read with the bound, so /dev/zero or a
// file growing meanwhile cannot exhaust memory. Errors are one phrase naming the path:
// "PATH: No such file or directory" (NotFound for ENOENT), "PATH: is a directory", "PATH: not a
// regular file (a FIFO)", "PATH: larger than 1 MiB" (InvalidArgument or the errno's code).
base::Result<std::string> ReadSmallRegularFile(const std::string& path, size_t max_bytes);

// "1 MiB", "128 KiB", "1.5 GiB", "1000 bytes": a size as a person writes it (a bound in an
// error message, a cgroup's memory limit).
std::string FormatSize(uint64_t bytes);

}  // namespace berth::base
