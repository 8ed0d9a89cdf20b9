// SPDX-License-Identifier: MIT
// app (private): --wait-for, the dockerize use case. Before anything starts, each URL is
// checked in turn on berth's loop with the health module's own HTTP/TCP check.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "berth/config/options.h"
#include "berth/health/address.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"

namespace berth::app {

// The --wait-for URLs, parsed. An error is a usage error naming the URL (Main checks them with
// the other options, before anything starts).
absl::StatusOr<std::vector<health::Target>> WaitForTargets(const config::Options& o);

// Runs `loop` until every --wait-for URL answers (0), or a stop signal arrives (its number: a
// `docker stop` must not wait out --wait-timeout), or fails naming the first URL that did not
// answer within --wait-timeout. The stop signals must be blocked; other signals stay pending
// for the child. Returns 0 at once without --wait-for.
absl::StatusOr<int> WaitForDependencies(const config::Options& o, loop::Loop& loop,
                                        process::Reaper& reaper);

}  // namespace berth::app
