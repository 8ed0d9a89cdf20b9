// SPDX-License-Identifier: MIT
// config: --file-env, the official images' secret convention: NAME_FILE=/path becomes
// NAME=<contents of /path>. Reads the named files; changes nothing else.
#pragma once

#include "absl/status/statusor.h"
#include "berth/config/parse.h"

namespace berth::config {

// Returns `env` with every NAME_FILE=PATH replaced by NAME=<contents of PATH> (one trailing
// newline trimmed). A missing or unreadable file is an error naming the variable and the path.
// Setting both NAME and NAME_FILE is an error too, as the official images treat it.
absl::StatusOr<Environment> ExpandFileEnv(const Environment& env);

}  // namespace berth::config
