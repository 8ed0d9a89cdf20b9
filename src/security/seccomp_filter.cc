// SPDX-License-Identifier: MIT
#include "berth/security/seccomp_filter.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "berth/base/status.h"
#include "berth/base/unique_fd.h"

namespace berth::security {
namespace {

struct ContextDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

uint32_t ToScmp(const SeccompAction& a) {
  switch (a.kind) {
    case SeccompAction::kAllow: return SCMP_ACT_ALLOW;
    case SeccompAction::kErrno: return SCMP_ACT_ERRNO(a.value);
    case SeccompAction::kKillThread: return SCMP_ACT_KILL_THREAD;
    case SeccompAction::kKillProcess: return SCMP_ACT_KILL_PROCESS;
    case SeccompAction::kTrap: return SCMP_ACT_TRAP;
    case SeccompAction::kTrace: return SCMP_ACT_TRACE(a.value);
    case SeccompAction::kLog: return SCMP_ACT_LOG;
  }
  return SCMP_ACT_KILL_PROCESS;
}

scmp_arg_cmp ToScmp(const ArgCondition& c) {
  constexpr scmp_compare kOps[] = {SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,       SCMP_CMP_EQ,
                                   SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ};
  return {c.index, kOps[c.op], c.value, c.value_two};
}

bool IndexRepeats(const std::vector<ArgCondition>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    for (size_t j = i + 1; j < args.size(); ++j) {
      if (args[i].index == args[j].index) return true;
    }
  }
  return false;
}

absl::Status AddRule(scmp_filter_ctx ctx, const SyscallRule& rule) {
  std::vector<scmp_arg_cmp> cmps;
  for (const ArgCondition& c : rule.args) cmps.push_back(ToScmp(c));
  const uint32_t action = ToScmp(rule.action);
  // libseccomp cannot test one argument twice in a rule; runc adds one rule per condition then.
  if (IndexRepeats(rule.args)) {
    for (const scmp_arg_cmp& c : cmps) {
      if (int rc = seccomp_rule_add_array(ctx, action, rule.number, 1, &c); rc < 0) {
        return base::ErrnoError(absl::StrCat("seccomp_rule_add(", rule.name, ")"), -rc);
      }
    }
    return absl::OkStatus();
  }
  if (int rc = seccomp_rule_add_array(ctx, action, rule.number, static_cast<unsigned>(cmps.size()),
                                      cmps.data());
      rc < 0) {
    return base::ErrnoError(absl::StrCat("seccomp_rule_add(", rule.name, ")"), -rc);
  }
  return absl::OkStatus();
}

absl::StatusOr<BpfProgram> Export(scmp_filter_ctx ctx) {
  // libseccomp 2.5 exports only to an fd; a memfd keeps it off any filesystem.
  base::UniqueFd fd(::memfd_create("berth-seccomp", MFD_CLOEXEC));
  if (!fd.Valid()) return base::ErrnoError("memfd_create");
  if (int rc = seccomp_export_bpf(ctx, fd.Get()); rc < 0) {
    return base::ErrnoError("seccomp_export_bpf", -rc);
  }
  const off_t size = ::lseek(fd.Get(), 0, SEEK_END);
  if (size < 0 || ::lseek(fd.Get(), 0, SEEK_SET) < 0) return base::ErrnoError("lseek(memfd)");
  BpfProgram out;
  out.code.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  char* p = reinterpret_cast<char*>(out.code.data());
  size_t left = out.code.size() * sizeof(sock_filter);
  while (left > 0) {
    ssize_t n = ::read(fd.Get(), p, left);
    if (n <= 0) return base::ErrnoError("read(memfd)", n < 0 ? errno : EIO);
    p += n;
    left -= static_cast<size_t>(n);
  }
  return out;
}

}  // namespace

std::optional<int> SyscallNumber(absl::string_view name) {
  int nr = seccomp_syscall_resolve_name(std::string(name).c_str());
  if (nr == __NR_SCMP_ERROR) return std::nullopt;
  return nr;
}

std::string SyscallName(int number) {
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number);
  if (name == nullptr) return "";
  std::string out(name);
  std::free(name);
  return out;
}

absl::StatusOr<SeccompFilter> ParseDenyList(absl::string_view list) {
  SeccompFilter f;
  f.default_action = {SeccompAction::kAllow, 0};
  int item = 0;
  for (absl::string_view raw : absl::StrSplit(list, ',')) {
    ++item;
    absl::string_view name = absl::StripAsciiWhitespace(raw);
    std::optional<int> nr = SyscallNumber(name);
    if (name.empty() || !nr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--seccomp-deny: unknown system call '", name, "' (item ", item, ")"));
    }
    f.rules.push_back({std::string(name), *nr, {SeccompAction::kErrno, EPERM}, {}});
  }
  return f;
}

absl::StatusOr<BpfProgram> Compile(const SeccompFilter& filter) {
  Context ctx(seccomp_init(ToScmp(filter.default_action)));
  if (!ctx) return absl::InternalError("seccomp_init failed");
  for (uint32_t arch : filter.arches) {
    int rc = seccomp_arch_add(ctx.get(), arch);
    if (rc < 0 && rc != -EEXIST) return base::ErrnoError("seccomp_arch_add", -rc);
  }
  for (const SyscallRule& rule : filter.rules) {
    // libseccomp refuses a rule that repeats the default action; it would change nothing.
    if (rule.action == filter.default_action) continue;
    if (absl::Status s = AddRule(ctx.get(), rule); !s.ok()) return s;
  }
  return Export(ctx.get());
}

}  // namespace berth::security
