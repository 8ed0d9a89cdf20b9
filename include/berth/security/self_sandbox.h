// SPDX-License-Identifier: MIT
// security: berth's own sandbox, installed once the app runs: capabilities cut to what the loop
// still needs and a seccomp allowlist of the loop's system calls. A refused call fails with
// EPERM and is logged by a SIGSYS handler, never silently and never fatally (berth is PID 1).
#pragma once

#include <linux/filter.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"
#include "berth/security/capabilities.h"

namespace berth::security {

struct SelfSandboxOptions {
  // Capabilities to keep besides CAP_KILL (signals and teardown across users): what a later
  // spawn's privilege steps need (ChildPrivileges::NeededAtFork), NET_BIND_SERVICE for a port
  // below 1024 bound after start-up.
  CapSet keep = 0;
  // True when berth will fork and exec more processes later (exec health checks). A seccomp
  // filter is inherited across fork and execve and can never be removed, so berth then skips its
  // own filter (it would confine those programs to berth's allowlist) and keeps only the
  // capability drop.
  bool later_spawns = false;
  // How the SIGSYS handler writes its line: berth's log name and format.
  std::string log_name = "berth";
  bool log_json = false;
};

// berth's sandbox in two halves: Prepare does the slow part (compiles the allowlist, composes
// the SIGSYS handler's lines) before the app is spawned; Apply only makes a few system calls
// once it runs, so berth is sandboxed the moment its loop starts.
class SelfSandbox {
 public:
  static base::Result<std::unique_ptr<SelfSandbox>> Prepare(const SelfSandboxOptions& options);

  // Drops capabilities, then sets no_new_privs and loads the allowlist (unless later_spawns).
  // An error says which part failed; berth logs it and runs on unsandboxed.
  base::Status Apply();

 private:
  explicit SelfSandbox(const SelfSandboxOptions& options) : options_(options) {}
  SelfSandboxOptions options_;
  std::vector<sock_filter> program_;
  size_t allowed_ = 0;
};

// The system calls berth's loop may make (names; those unknown on this architecture are
// skipped).
const std::vector<std::string>& SelfAllowlist();

// Calls system call `name` with zero arguments and logs what happened; for tests of the filter.
void TrySyscall(absl::string_view name);

}  // namespace berth::security
