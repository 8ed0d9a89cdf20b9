// SPDX-License-Identifier: MIT
// security (private): native system call names from the kernel headers berth was built with,
// readable from a signal handler (no allocation, no libseccomp).
#pragma once

namespace berth::security {

// The name of native system call `nr`, or nullptr when the build's headers do not know it.
const char* NativeSyscallName(int nr);

}  // namespace berth::security
