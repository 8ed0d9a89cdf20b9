// SPDX-License-Identifier: MIT
// supervisor: the events a compatibility dialect reports in its own words (dumb-init's -v), as
// the supervisor meets them. berth's own log says the same things its own way; a Trace only
// describes, never decides.
#pragma once

#include <sys/types.h>

namespace berth::supervisor {

class Trace {
 public:
  virtual ~Trace() = default;
  virtual void Spawned(pid_t pid) = 0;
  virtual void Received(int sig) = 0;
  virtual void IgnoredHandoff(int sig) = 0;       // TIOCNOTTY's SIGHUP or SIGCONT
  virtual void Translated(int from, int to) = 0;  // only for a signal with a rule
  virtual void Forwarded(int sig) = 0;
  virtual void NotForwarded(int sig) = 0;  // a rule maps it to nothing
  virtual void Suspending() = 0;           // after forwarding a terminal stop
  virtual void Reaped(pid_t pid, int wait_status) = 0;
  virtual void Goodbye(int exit_code) = 0;  // the child is gone; berth exits
};

}  // namespace berth::supervisor
