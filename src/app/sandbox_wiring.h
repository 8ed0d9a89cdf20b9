// SPDX-License-Identifier: MIT
// app (private): berth's own sandbox around the loop, for the single child and for services;
// it decides nothing about the app's privileges (security::ChildPrivileges does).
#pragma once

#include <memory>

#include "berth/config/options.h"
#include "berth/security/capabilities.h"
#include "berth/security/self_sandbox.h"

namespace berth::app {

// Prepares berth's sandbox, or returns null when it is off (--no-self-sandbox, a compatibility
// name, or a failure, which is logged). `later_spawns`: berth forks and execs again once the
// loop runs (command checks, service restarts), so it keeps `keep` and loads no filter.
std::unique_ptr<security::SelfSandbox> PrepareSelfSandbox(const config::Options& o,
                                                          bool later_spawns,
                                                          security::CapSet keep);

// Applies it once the app runs (a failure is logged), then runs --debug-try-syscall.
void ApplySelfSandbox(const config::Options& o, security::SelfSandbox* sandbox);

}  // namespace berth::app
