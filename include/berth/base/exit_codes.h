// SPDX-License-Identifier: MIT
// base: the one table of the exit codes berth itself ends with (README and the man page list
// it; tests/integration/test_exit_codes.py runs one case per row). Otherwise berth exits with
// its child's status. No other file of berth's spells an exit code as a number.
#pragma once

#include "berth/base/error.h"

namespace berth::exit_codes {

// Set-up failed after the options were accepted: epoll, signalfd, fork, a port in use, a
// --user berth lacks the privilege to become; or the container could not come up: a --wait-for
// target or a service not ready within its timeout.
inline constexpr int kSetupFailure = 1;
// A usage error: a bad option or value, a file berth reads (--config, --seccomp, --file-env)
// refused; nothing has started. Under the peers' names (tini, dumb-init, catatonit) it is
// kPeerUsage, as theirs.
inline constexpr int kUsage = 2;
inline constexpr int kPeerUsage = 1;
// --on-unhealthy exit stopped the child or the services (sysexits' EX_UNAVAILABLE), whatever
// their own status.
inline constexpr int kUnhealthy = 69;
// PROGRAM was found but could not be executed; PROGRAM was not found (as a shell, and tini).
inline constexpr int kCannotExecute = 126;
inline constexpr int kNotFound = 127;
// PROGRAM could not be started under the names dumb-init and catatonit: their own codes, with
// their own line (tini's are berth's, kNotFound and kCannotExecute).
inline constexpr int kDumbInitExecFailure = 2;
inline constexpr int kCatatonitExecFailure = 1;
// Signal N killed the child, or stop signal N ended --wait-for: 128 + N, as a shell and tini.
inline constexpr int kSignalBase = 128;
inline constexpr int ForSignal(int sig) { return kSignalBase + sig; }

// An error found before anything started: the user's input (InvalidArgument, NotFound, ...) is
// a usage error; FailedPrecondition, what berth cannot do here although the input is right (a
// --user without CAP_SETUID), is a set-up failure.
inline int ForStartupError(const base::Error& s) {
  return base::IsFailedPrecondition(s) ? kSetupFailure : kUsage;
}

// `berth check` and `berth probe`: pass (healthy), fail (unhealthy); a usage error is kUsage.
inline constexpr int kPass = 0;
inline constexpr int kFail = 1;

}  // namespace berth::exit_codes
