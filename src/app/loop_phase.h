// SPDX-License-Identifier: MIT
// app (private): the loop phase, the same for one program (supervisor::Supervisor) and for
// --config's services (supervisor::ServiceGroup): the health endpoint, berth's signals, its own
// sandbox, the start, then the loop until the supervisor is done. It decides nothing about the
// child: the supervisor does, through the functions given.
#pragma once

#include <signal.h>

#include <functional>
#include <memory>
#include <vector>

#include "berth/base/error.h"
#include "berth/config/options.h"
#include "berth/health/service.h"
#include "berth/loop/loop.h"
#include "berth/loop/signal_source.h"
#include "berth/security/capabilities.h"

namespace berth::app {

// What differs between one program and the services.
struct LoopPhase {
  // Creates the health service, binding the endpoint before anything starts (a port in use is a
  // set-up failure, not a lost child); empty without health options.
  std::function<base::Result<std::unique_ptr<health::Service>>()> health;
  sigset_t signals;                       // what berth's signalfd reads (blocked already)
  loop::SignalSource::Handler on_signal;  // the supervisor's
  std::function<base::Status()> start;    // starts the child or the services
  std::function<int(const base::Error&)> start_failed;  // berth's exit code when that fails
  std::function<int()> exit_code;                       // read once the loop has ended
  // berth forks and execs again once the loop runs (command checks, service restarts): its own
  // sandbox then keeps `keep` and loads no filter (see docs/privileges.md).
  bool later_spawns = false;
  security::CapSet keep = 0;
};

// Logs `s` and returns exit_codes::kSetupFailure.
int SetupFailed(const base::Error& s);

// Runs the loop phase on `loop` and returns berth's exit code. From the start on berth never
// bails out; only epoll itself failing ends it early. Once the child runs, berth's copies of
// `inherited_fds` are closed (--close-inherited-fds) and berth's sandbox applied.
int RunLoopPhase(const config::Options& o, loop::Loop& loop, const LoopPhase& phase,
                 const std::vector<int>& inherited_fds);

}  // namespace berth::app
