// SPDX-License-Identifier: MIT
// security: what the app runs with (user, groups, capabilities, no_new_privs, seccomp), all
// resolved and compiled before fork into plain data and async-signal-safe steps. It never
// changes berth's own privileges (self_sandbox.h does that).
#pragma once

#include <linux/filter.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "berth/base/error.h"
#include "berth/security/capabilities.h"
#include "berth/security/seccomp_filter.h"
#include "berth/security/user.h"

namespace berth::security {

// The options as given (config's strings; security does not depend on config).
struct ChildRequest {
  std::string user;                       // "USER[:GROUP]"; empty: unchanged
  std::optional<std::string> caps;        // "NET_BIND_SERVICE,CHOWN" or "none"
  bool no_new_privs = false;
  std::vector<std::string> seccomp_deny;  // comma lists
  std::string seccomp_profile;            // path to a Docker-format profile
};

// One step for the child between fork and exec: async-signal-safe, returns 0 or an errno value
// (the same shape as process::PreExecStep, which Main builds from it).
struct ChildStep {
  const char* name;
  int (*run)(const void* context);
  const void* context;
};

class ChildPrivileges {
 public:
  ~ChildPrivileges();

  // Resolves the user, parses the capability list and the seccomp inputs and compiles the
  // filters. `envp` is berth's environment, the base of the child's. Any error is a usage error
  // (InvalidArgument or NotFound) that names the option and, for profiles, the position.
  static base::Result<std::unique_ptr<ChildPrivileges>> Prepare(const ChildRequest& request,
                                                                char** envp);

  // In the order the child must run them: a seccomp filter first when no_new_privs is off (it
  // is installed while still privileged, as runc), bounding set, user, capabilities,
  // no_new_privs, and the filter last when no_new_privs is on. Pointers stay valid as long as
  // this object lives.
  const std::vector<ChildStep>& steps() const { return steps_; }

  // The child's environment when it must differ from berth's (HOME follows --user).
  const std::optional<std::vector<std::string>>& environment() const { return environment_; }

  // Capabilities berth must still hold when it forks a process with these privileges later.
  CapSet NeededAtFork() const;

  // What berth must keep so that starting this process again (a service's restart) gives it
  // what the first start gave: NeededAtFork when the steps set the user or the capabilities;
  // every capability otherwise, since an unchanged process inherits berth's own.
  CapSet NeededToRespawn() const;

  // One line for the log: "user 65534:65534 groups 65534 caps none no_new_privs seccomp 2".
  std::string Describe() const;

 private:
  ChildPrivileges();
  base::Status PrepareUser(const std::string& spec, char** envp);
  base::Status PrepareSeccomp(const ChildRequest& request);
  void BuildSteps(bool no_new_privs);

  std::optional<Credentials> creds_;
  std::optional<CapSet> caps_;
  bool no_new_privs_ = false;
  std::vector<BpfProgram> filters_;
  // Storage the steps point into; never resized once steps_ is built.
  std::vector<sock_fprog> fprogs_;
  struct ChildData;  // the raw structs the user and capability steps read
  std::unique_ptr<ChildData> data_;
  std::vector<ChildStep> steps_;
  std::optional<std::vector<std::string>> environment_;
};

}  // namespace berth::security
