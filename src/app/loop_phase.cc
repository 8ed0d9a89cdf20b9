// SPDX-License-Identifier: MIT
#include "app/loop_phase.h"

#include <string>

#include "berth/base/exit_codes.h"
#include "berth/config/parse.h"
#include "berth/log/log.h"
#include "berth/process/inherited_fds.h"
#include "berth/security/self_sandbox.h"

namespace berth::app {
namespace {

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
  base::Result<std::unique_ptr<security::SelfSandbox>> sandbox =
      security::SelfSandbox::Prepare(self);
  if (!sandbox.has_value()) {
    log::Warn("self-sandbox off: {}", sandbox.error().message());
    return nullptr;
  }
  return std::move(*sandbox);
}

// Applies it once the app runs (a failure is logged), then runs --debug-try-syscall.
void ApplySelfSandbox(const config::Options& o, security::SelfSandbox* sandbox) {
  if (sandbox != nullptr) {
    if (base::Status s = sandbox->Apply(); !s.has_value()) {
      log::Warn("self-sandbox not complete: {}", s.error().message());
    }
  }
  if (!o.debug_try_syscall.empty()) security::TrySyscall(o.debug_try_syscall);
}

}  // namespace

int SetupFailed(const base::Error& s) {
  log::Error("{}", s.message());
  return exit_codes::kSetupFailure;
}

int RunLoopPhase(const config::Options& o, loop::Loop& loop, const LoopPhase& phase,
                 const std::vector<int>& inherited_fds) {
  std::unique_ptr<health::Service> health;
  if (phase.health) {
    base::Result<std::unique_ptr<health::Service>> h = phase.health();
    if (!h.has_value()) return SetupFailed(h.error());
    health = std::move(*h);
  }
  std::unique_ptr<security::SelfSandbox> sandbox =
      PrepareSelfSandbox(o, phase.later_spawns, phase.keep);
  auto signal_source = loop::SignalSource::Create(loop, phase.signals, phase.on_signal);
  if (!signal_source.has_value()) return SetupFailed(signal_source.error());
  if (base::Status s = phase.start(); !s.has_value()) return phase.start_failed(s.error());
  // The child has its own copies of the fds it was given.
  if (o.close_inherited_fds) process::CloseFds(inherited_fds);
  ApplySelfSandbox(o, sandbox.get());
  if (health) health->Start();
  // Only epoll itself failing gets here; the child must still not be lost.
  if (base::Status s = loop.Run(); !s.has_value()) return SetupFailed(s.error());
  return phase.exit_code();
}

}  // namespace berth::app
