// SPDX-License-Identifier: MIT
#include "berth/security/child_privileges.h"

#include <sys/capability.h>
#include <sys/utsname.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/security/seccomp_profile.h"
#include "security/child_steps.h"

namespace berth::security {

struct ChildPrivileges::ChildData {
  std::vector<gid_t> groups;
  child::UserSwitch user{};
  child::CapPlan caps{};
};

ChildPrivileges::ChildPrivileges() : data_(std::make_unique<ChildData>()) {}
ChildPrivileges::~ChildPrivileges() = default;

namespace {

std::string KernelRelease() {
  utsname u{};
  return ::uname(&u) == 0 ? u.release : "";
}

// berth's environment with HOME replaced (or added).
std::vector<std::string> WithHome(char** envp, const std::string& home) {
  std::vector<std::string> out;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "HOME=")) out.emplace_back(*e);
  }
  out.push_back(base::Cat("HOME=", home));
  return out;
}

const char* FindEnv(char** envp, absl::string_view key) {
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    absl::string_view kv(*e);
    if (kv.size() > key.size() && absl::StartsWith(kv, key) && kv[key.size()] == '=') {
      return *e + key.size() + 1;
    }
  }
  return nullptr;
}

// The child's setgroups(2), setgid(2) and setuid(2) need CAP_SETGID and CAP_SETUID: without
// them the switch would fail after fork, where it can only be an exec failure. Said here, before
// anything starts, as what it is: berth cannot do what --user asks (a set-up failure).
base::Status CheckCanSwitch(absl::string_view spec, const Credentials& c) {
  const CapSet need = CapBit(CAP_SETUID) | CapBit(CAP_SETGID);
  if ((EffectiveSet() & need) == need) return base::OkStatus();
  return base::FailedPreconditionError(
      base::Cat("--user ", spec, ": berth cannot switch to uid ", c.uid, " gid ", c.gid,
                ": it lacks CAP_SETUID/CAP_SETGID (run berth as root, or leave --user out)"));
}

}  // namespace

base::Result<std::unique_ptr<ChildPrivileges>> ChildPrivileges::Prepare(const ChildRequest& request,
                                                                        char** envp) {
  std::unique_ptr<ChildPrivileges> p(new ChildPrivileges());
  if (request.caps) {
    BERTH_ASSIGN_OR_RETURN(CapSet caps, ParseCapList(*request.caps));
    p->caps_ = caps;
  }
  if (!request.user.empty()) BERTH_RETURN_IF_ERROR(p->PrepareUser(request.user, envp));
  p->no_new_privs_ = request.no_new_privs;
  BERTH_RETURN_IF_ERROR(p->PrepareSeccomp(request));
  p->BuildSteps(request.no_new_privs);
  return p;
}

base::Status ChildPrivileges::PrepareUser(const std::string& spec, char** envp) {
  BERTH_ASSIGN_OR_RETURN(const std::string passwd, ReadAccountFile("/etc/passwd"));
  BERTH_ASSIGN_OR_RETURN(const std::string group, ReadAccountFile("/etc/group"));
  BERTH_ASSIGN_OR_RETURN(Credentials c, ResolveUser(spec, passwd, group));
  BERTH_RETURN_IF_ERROR(CheckCanSwitch(spec, c));
  const std::string home = ChildHome(c, FindEnv(envp, "HOME"), passwd);
  const char* current = FindEnv(envp, "HOME");
  if (current == nullptr || home != current) environment_ = WithHome(envp, home);
  creds_ = std::move(c);
  return base::OkStatus();
}

base::Status ChildPrivileges::PrepareSeccomp(const ChildRequest& request) {
  // Each source becomes its own filter; the kernel runs them all and the strictest answer wins,
  // so a deny list on top of a profile needs no merging.
  std::vector<SeccompFilter> filters;
  if (!request.seccomp_profile.empty()) {
    ProfileContext context;
    context.bounding = caps_ ? *caps_ : BoundingSet();
    context.kernel = KernelRelease();
    BERTH_ASSIGN_OR_RETURN(SeccompFilter f, LoadDockerProfile(request.seccomp_profile, context));
    filters.push_back(std::move(f));
  }
  for (const std::string& list : request.seccomp_deny) {
    BERTH_ASSIGN_OR_RETURN(SeccompFilter f, ParseDenyList(list));
    filters.push_back(std::move(f));
  }
  // The filters are loaded before the exec itself: one that refuses execve would leave the child
  // unable to start, or even to say why (its report may need write(2), also refused).
  const std::optional<int> execve = SyscallNumber("execve");
  for (size_t i = 0; execve && i < filters.size(); ++i) {
    if (!MayAllow(filters[i], *execve)) {
      const std::string source =
          i == 0 && !request.seccomp_profile.empty() ? request.seccomp_profile : "--seccomp-deny";
      return base::InvalidArgumentError(
          base::Cat("seccomp: ", source, " never allows execve, so the program could not start"));
    }
  }
  for (const SeccompFilter& f : filters) {
    base::Result<BpfProgram> prog = Compile(f);
    if (!prog.has_value()) {
      return base::InvalidArgumentError(base::Cat("seccomp: ", prog.error().message()));
    }
    filters_.push_back(std::move(*prog));
  }
  for (const BpfProgram& prog : filters_) fprogs_.push_back(prog.Fprog());
  return base::OkStatus();
}

void ChildPrivileges::BuildSteps(bool no_new_privs) {
  auto add_filters = [this] {
    for (const sock_fprog& f : fprogs_) steps_.push_back({"seccomp filter", child::LoadFilter, &f});
  };
  if (!no_new_privs) add_filters();
  data_->caps = {caps_.value_or(0), LastCap()};
  if (caps_) steps_.push_back({"drop bounding set", child::DropBounding, &data_->caps});
  if (creds_) {
    data_->groups = creds_->groups;
    data_->user = {creds_->uid, creds_->gid, data_->groups.data(), data_->groups.size(),
                   caps_.has_value()};
    steps_.push_back({"set user", child::SwitchUser, &data_->user});
  }
  if (caps_) steps_.push_back({"set capabilities", child::SetCapabilities, &data_->caps});
  if (no_new_privs) {
    steps_.push_back({"no_new_privs", child::SetNoNewPrivs, nullptr});
    add_filters();
  }
}

CapSet ChildPrivileges::NeededAtFork() const {
  CapSet need = 0;
  if (caps_) need |= *caps_ | CapBit(CAP_SETPCAP);
  if (creds_) need |= CapBit(CAP_SETUID) | CapBit(CAP_SETGID);
  // A filter installed before the user switch (no --no-new-privs) needs CAP_SYS_ADMIN.
  if (!fprogs_.empty() && !no_new_privs_) need |= CapBit(CAP_SYS_ADMIN);
  return need;
}

CapSet ChildPrivileges::NeededToRespawn() const {
  if (caps_ || creds_) return NeededAtFork();
  CapSet all = 0;
  for (int c = 0; c <= LastCap(); ++c) all |= CapBit(c);
  return all | NeededAtFork();
}

std::string ChildPrivileges::Describe() const {
  std::vector<std::string> parts;
  if (creds_) {
    parts.push_back(base::Cat("user ", creds_->uid, ":", creds_->gid, " groups ",
                              fmt::format("{}", fmt::join(creds_->groups, ","))));
  }
  if (caps_) parts.push_back(base::Cat("caps ", CapListText(*caps_)));
  if (no_new_privs_) parts.push_back("no_new_privs");
  if (!filters_.empty()) parts.push_back(base::Cat("seccomp filters ", filters_.size()));
  return parts.empty() ? "unchanged" : absl::StrJoin(parts, ", ");
}

}  // namespace berth::security
