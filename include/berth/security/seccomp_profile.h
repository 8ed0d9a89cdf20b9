// SPDX-License-Identifier: MIT
// security: reads a seccomp profile in Docker's JSON format into a SeccompFilter; no loading.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"
#include "berth/security/capabilities.h"
#include "berth/security/seccomp_filter.h"

namespace berth::security {

// What Docker's "includes"/"excludes" are evaluated against.
struct ProfileContext {
  CapSet bounding = 0;        // the app's bounding set ("caps": all must be in it)
  std::string kernel = "";    // uname -r, for "minKernel"; empty: every minKernel holds
};

// Parses a profile: defaultAction, defaultErrnoRet, architectures or archMap, and syscalls with
// names (or the older name), action, errnoRet, args, includes and excludes. Unknown keys are
// ignored, as Docker does. Errors are InvalidArgument starting with the position:
// "SOURCE:LINE:COLUMN: ..." for bad JSON, "SOURCE: syscalls[3].names[1]: ..." for bad content.
base::Result<SeccompFilter> ParseDockerProfile(absl::string_view text, absl::string_view source,
                                               const ProfileContext& context);

// The largest profile berth reads (Docker's default profile is about 20 KiB).
inline constexpr size_t kMaxProfile = 1024 * 1024;

// The same, reading the file at `path` (its name is the source in messages) with
// base::ReadSmallRegularFile: a directory, a device, a FIFO or a file over kMaxProfile is an
// error "--seccomp: PATH: ...".
base::Result<SeccompFilter> LoadDockerProfile(const std::string& path,
                                              const ProfileContext& context);

}  // namespace berth::security
