// SPDX-License-Identifier: MIT
// check: one run of the app: launch, wait until ready, send the stop signals, watch until PID 1
// exits (or kill everything at the budget), and record it all in a Timeline. Judges nothing.
#pragma once

#include "berth/base/error.h"
#include "berth/check/options.h"
#include "berth/check/timeline.h"

namespace berth::check {

// Runs PROGRAM under berth (`bare` false) or as PID 1 itself (`bare` true). The caller has
// blocked SIGCHLD; `child_mask` is the mask the child starts with. An error is a set-up error
// (no pipe, no namespace for a bare run); anything the app does is in the timeline.
base::Result<Timeline> RunTrial(const CheckOptions& options, bool bare, const sigset_t& child_mask);

}  // namespace berth::check
