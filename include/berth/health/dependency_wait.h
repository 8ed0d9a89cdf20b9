// SPDX-License-Identifier: MIT
// health: waiting for dependencies before anything starts (--wait-for, the dockerize use case):
// each target checked in turn on berth's loop with a Checker. It starts nothing itself.
#pragma once

#include <signal.h>

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "berth/base/error.h"
#include "berth/health/address.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"

namespace berth::health {

// A target to wait for, with the URL it was read from (for the log and the error).
struct Dependency {
  std::string url;
  Target target;
};

// Each URL parsed with ParseTarget; an error names the URL ("tcp://x: ...").
base::Result<std::vector<Dependency>> ParseDependencies(const std::vector<std::string>& urls);

// Runs `loop` until every dependency, in order, answers (returns 0), or a signal of
// `stop_signals` arrives (returns its number: a `docker stop` must not wait out the timeout), or
// fails with DeadlineExceeded naming the first one that did not answer within `timeout`, with
// its last attempt's detail. Each attempt gets a second; a failed one is retried a quarter second
// later. `stop_signals` must be blocked; other signals stay pending for the child.
base::Result<int> WaitForDependencies(loop::Loop& loop, process::Reaper& reaper,
                                      std::vector<Dependency> dependencies, absl::Duration timeout,
                                      const sigset_t& stop_signals);

}  // namespace berth::health
