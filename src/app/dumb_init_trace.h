// SPDX-License-Identifier: MIT
// app (private): dumb-init's -v output, word for word ("[dumb-init] Child spawned with PID
// 42."), in place of berth's log under that name, so what reads it (people, scripts, dumb-init's
// own test suite) keeps working.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "berth/process/spawn.h"
#include "berth/supervisor/trace.h"

namespace berth::app {

class DumbInitTrace final : public supervisor::Trace {
 public:
  // Says what dumb-init says while reading DUMB_INIT_DEBUG=1 and DUMB_INIT_SETSID=0.
  DumbInitTrace(bool debug_from_env, bool setsid_off);

  // Giving up the terminal (TIOCNOTTY): `err` is its errno, or 0 with `was_leader`.
  void TerminalReleased(int err, bool was_leader);

  // The child's own lines after setsid ("setsid complete."), as a step it runs before exec; the
  // trace owns what the step reads.
  process::PreExecStep SessionStep() const;

  void Spawned(pid_t pid) override;
  void Received(int sig) override;
  void IgnoredHandoff(int sig) override;
  void Translated(int from, int to) override;
  void Forwarded(int sig) override;
  void NotForwarded(int sig) override;
  void Suspending() override;
  void Reaped(pid_t pid, int wait_status) override;
  void Goodbye(int exit_code) override;

  // What the child's step reads: whole lines, composed before fork.
  struct SessionLines {
    std::vector<std::string> attach_failed;  // by errno
    std::string setsid_complete;
  };

 private:
  SessionLines session_lines_;
};

}  // namespace berth::app
