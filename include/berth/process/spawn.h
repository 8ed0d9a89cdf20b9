// SPDX-License-Identifier: MIT
// process: starts the child. Everything is prepared before fork(); between fork and exec the
// child runs only async-signal-safe calls and reports a failure through a CLOEXEC pipe.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "berth/base/error.h"

namespace berth::process {

// A step the child runs after fork and before exec (privileges, sandbox). It must be
// async-signal-safe and return 0 or an errno value; `name` says which step failed.
struct PreExecStep {
  const char* name;
  int (*run)(const void* context);
  const void* context;
};

// How the child's session and terminal are arranged.
enum class Session {
  kNewProcessGroup,  // setpgid(0, 0), as tini
  kNewSession,       // setsid() and, when stdin is a terminal, make it ours (dumb-init)
  kInherit,          // stay in berth's group and session (dumb-init -c)
};

struct SpawnSpec {
  // PROGRAM and its arguments; PROGRAM without a slash is looked up on PATH.
  std::vector<std::string> argv;
  Session session = Session::kNewProcessGroup;
  // Make the child's process group the terminal's foreground group when stdin is a tty.
  bool take_terminal = true;
  // When set (>= 0), dup2'ed onto the child's stdout / stderr (a service's output relay pipe).
  int stdout_fd = -1;
  int stderr_fd = -1;
  // The child's working directory; empty: berth's own.
  std::string workdir;
  // Socket activation (sd_listen_fds(3)): a LISTEN_PID naming berth becomes the child's own pid
  // in its environment, as catatonit does, so fds passed to the container's PID 1 reach the
  // program. Only for the main child: the fds are meant for one process.
  bool listen_pid_to_child = false;
  // Signal mask and dispositions of SIGTTIN/SIGTTOU to restore in the child.
  sigset_t sigmask{};
  struct sigaction ttin_action{};
  struct sigaction ttou_action{};
  // Every signal from 1 to 31 back to SIG_DFL, also those berth inherited as ignored (nohup's
  // SIGHUP): dumb-init's child gets that, since dumb-init handles them all and exec resets handlers.
  bool default_signal_actions = false;
  std::vector<PreExecStep> pre_exec;
  // The child's environment ("KEY=VALUE" entries); none: berth's own (environ).
  std::optional<std::vector<std::string>> env;
};

// Forks and execs. On success returns the child's pid. When the child could not exec, the child
// has already been waited for and the error names the step and errno ("exec nginx: No such file
// or directory"), its code mapped from the exec's errno (NotFound for ENOENT, PermissionDenied
// for EACCES); a step before the exec that failed is FailedPrecondition whatever its errno.
base::Result<pid_t> Spawn(const SpawnSpec& spec);

// The exit status berth uses when Spawn failed: 127 not found, 126 not executable, 1 otherwise
// (as tini).
int ExitCodeForSpawnError(const base::Error& status);

}  // namespace berth::process
