// SPDX-License-Identifier: MIT
// check: starts PID 1 of a trial (berth, or the bare program) in a new PID and mount namespace
// with its own /proc, inside a user namespace when not root, or else as a plain child.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "berth/base/error.h"
#include "berth/check/timeline.h"

namespace berth::check {

struct LaunchRequest {
  // The program to exec and its argv; a path without a slash is looked up on PATH.
  std::string program;
  std::vector<std::string> argv;
  bool bare = false;          // the program must be PID 1 itself: no fallback without a namespace
  bool try_namespace = true;  // false: a plain child (berth then registers as a subreaper)
  int stdout_fd = -1;         // become the child's stdout and stderr; stdin is /dev/null
  int stderr_fd = -1;
  sigset_t child_mask{};  // the signal mask the child starts with
};

struct Launched {
  pid_t pid = 0;
  Mode mode = Mode::kPidNamespace;
  bool user_namespace = false;
  std::string note;  // why there is no namespace, after a fallback
};

// Starts the child; returns once it has exec'd. The child gets SIGKILL when berth check dies
// (PR_SET_PDEATHSIG), which ends its whole namespace. An error names the failed step.
base::Result<Launched> Launch(const LaunchRequest& request);

}  // namespace berth::check
