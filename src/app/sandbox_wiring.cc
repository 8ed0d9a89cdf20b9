// SPDX-License-Identifier: MIT
#include "app/sandbox_wiring.h"

#include <string>

#include "berth/config/parse.h"
#include "berth/log/log.h"

namespace berth::app {

// Prepared before the app is spawned and applied once it runs, so the app never inherits it.
// Only berth's own name sandboxes itself: the compatibility names behave exactly as the peers.
// A failure is logged, never fatal: the child may already be running. A process forked later
// would inherit a filter, so with later spawns berth keeps only the capability drop (see
// docs/privileges.md).
std::unique_ptr<security::SelfSandbox> PrepareSelfSandbox(const config::Options& o,
                                                          bool later_spawns,
                                                          security::CapSet keep) {
  if (!o.self_sandbox || o.personality != config::Personality::kBerth) return nullptr;
  security::SelfSandboxOptions self;
  self.later_spawns = later_spawns;
  if (later_spawns) self.keep = keep;
  self.log_name = std::string(config::PersonalityName(o.personality));
  self.log_json = o.log_format == log::Format::kJson;
  absl::StatusOr<std::unique_ptr<security::SelfSandbox>> sandbox =
      security::SelfSandbox::Prepare(self);
  if (!sandbox.ok()) {
    log::Warn("self-sandbox off: {}", sandbox.status().message());
    return nullptr;
  }
  return std::move(*sandbox);
}

void ApplySelfSandbox(const config::Options& o, security::SelfSandbox* sandbox) {
  if (sandbox != nullptr) {
    if (absl::Status s = sandbox->Apply(); !s.ok()) {
      log::Warn("self-sandbox not complete: {}", s.message());
    }
  }
  if (!o.debug_try_syscall.empty()) security::TrySyscall(o.debug_try_syscall);
}

}  // namespace berth::app
