// SPDX-License-Identifier: MIT
// config: --file-env, the official images' secret convention, for the variables named only:
// NAME_FILE=/path becomes NAME=<contents of /path>. Reads the named files; changes nothing else.
#pragma once

#include <string>
#include <vector>

#include "berth/base/error.h"
#include "berth/config/parse.h"

namespace berth::config {

// The largest secret file berth reads: the kernel's limit for one variable (MAX_ARG_STRLEN).
inline constexpr size_t kMaxSecret = 128 * 1024;

// Returns `env` with, for each NAME in `names`, NAME_FILE=PATH replaced by NAME=<contents of
// PATH> (one trailing newline trimmed); every other variable (SSL_CERT_FILE too) as it was.
// Errors name the variable: NAME_FILE not set, NAME set as well (as the official images treat
// it), a PATH base::ReadSmallRegularFile refuses (a FIFO, a device, a directory, over
// kMaxSecret), or NAME=<contents> over the kernel's 128 KiB per-variable limit.
base::Result<Environment> ExpandFileEnv(const Environment& env,
                                        const std::vector<std::string>& names);

}  // namespace berth::config
