// SPDX-License-Identifier: MIT
#include "berth/security/seccomp_filter.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
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

base::Status AddRule(scmp_filter_ctx ctx, const SyscallRule& rule) {
  std::vector<scmp_arg_cmp> cmps;
  for (const ArgCondition& c : rule.args) cmps.push_back(ToScmp(c));
  const uint32_t action = ToScmp(rule.action);
  // libseccomp cannot test one argument twice in a rule; runc adds one rule per condition then.
  if (IndexRepeats(rule.args)) {
    for (const scmp_arg_cmp& c : cmps) {
      if (int rc = seccomp_rule_add_array(ctx, action, rule.number, 1, &c); rc < 0) {
        return base::ErrnoError(base::Cat("seccomp_rule_add(", rule.name, ")"), -rc);
      }
    }
    return base::OkStatus();
  }
  if (int rc = seccomp_rule_add_array(ctx, action, rule.number, static_cast<unsigned>(cmps.size()),
                                      cmps.data());
      rc < 0) {
    return base::ErrnoError(base::Cat("seccomp_rule_add(", rule.name, ")"), -rc);
  }
  return base::OkStatus();
}

base::Result<BpfProgram> Export(scmp_filter_ctx ctx) {
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

#if defined(__x86_64__)
constexpr uint32_t kNativeAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kNativeAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr uint32_t kNativeAuditArch = 0;  // unknown here: CompileAllowlist uses libseccomp
#endif

uint32_t ToRet(const SeccompAction& a) {
  switch (a.kind) {
    case SeccompAction::kAllow: return SECCOMP_RET_ALLOW;
    case SeccompAction::kErrno: return SECCOMP_RET_ERRNO | (a.value & SECCOMP_RET_DATA);
    case SeccompAction::kKillThread: return SECCOMP_RET_KILL_THREAD;
    case SeccompAction::kKillProcess: return SECCOMP_RET_KILL_PROCESS;
    case SeccompAction::kTrap: return SECCOMP_RET_TRAP;
    case SeccompAction::kTrace: return SECCOMP_RET_TRACE | (a.value & SECCOMP_RET_DATA);
    case SeccompAction::kLog: return SECCOMP_RET_LOG;
  }
  return SECCOMP_RET_KILL_PROCESS;
}

sock_filter Stmt(uint16_t code, uint32_t k) { return {code, 0, 0, k}; }
sock_filter Jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return {code, jt, jf, k}; }

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

bool MayAllow(const SeccompFilter& filter, int number) {
  auto allows = [](const SeccompAction& a) {
    return a.kind == SeccompAction::kAllow || a.kind == SeccompAction::kLog;
  };
  bool denied = !allows(filter.default_action);
  for (const SyscallRule& rule : filter.rules) {
    if (rule.number != number) continue;
    if (allows(rule.action)) return true;
    if (rule.args.empty()) denied = true;
  }
  return !denied;
}

base::Result<SeccompFilter> ParseDenyList(absl::string_view list) {
  SeccompFilter f;
  f.default_action = {SeccompAction::kAllow, 0};
  int item = 0;
  for (absl::string_view raw : absl::StrSplit(list, ',')) {
    ++item;
    absl::string_view name = absl::StripAsciiWhitespace(raw);
    std::optional<int> nr = SyscallNumber(name);
    if (name.empty() || !nr) {
      return base::InvalidArgumentError(
          base::Cat("--seccomp-deny: unknown system call '", name, "' (item ", item, ")"));
    }
    f.rules.push_back({std::string(name), *nr, {SeccompAction::kErrno, EPERM}, {}});
  }
  return f;
}

base::Result<BpfProgram> Compile(const SeccompFilter& filter) {
  Context ctx(seccomp_init(ToScmp(filter.default_action)));
  if (!ctx) return base::InternalError("seccomp_init failed");
  for (uint32_t arch : filter.arches) {
    int rc = seccomp_arch_add(ctx.get(), arch);
    if (rc < 0 && rc != -EEXIST) return base::ErrnoError("seccomp_arch_add", -rc);
  }
  for (const SyscallRule& rule : filter.rules) {
    // libseccomp refuses a rule that repeats the default action; it would change nothing.
    if (rule.action == filter.default_action) continue;
    BERTH_RETURN_IF_ERROR(AddRule(ctx.get(), rule));
  }
  return Export(ctx.get());
}

base::Result<BpfProgram> CompileAllowlist(const std::vector<int>& numbers,
                                          SeccompAction otherwise) {
  if (kNativeAuditArch == 0) {
    SeccompFilter filter;
    filter.default_action = otherwise;
    for (int nr : numbers) filter.rules.push_back({"#" + std::to_string(nr), nr, {}, {}});
    return Compile(filter);
  }
  if (numbers.size() > (BPF_MAXINSNS - 5) / 2) {
    return base::InvalidArgumentError("seccomp allowlist: too many system calls for one filter");
  }
  BpfProgram out;
  std::vector<sock_filter>& code = out.code;
  code.push_back(Stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  code.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, kNativeAuditArch, 1, 0));
  code.push_back(Stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD));
  code.push_back(Stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  // One compare and its own return per number, so no jump is longer than one instruction. An
  // x32 call (number | 0x40000000 on x86_64) never equals a native number, so it is refused.
  for (int nr : numbers) {
    code.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1));
    code.push_back(Stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  }
  code.push_back(Stmt(BPF_RET | BPF_K, ToRet(otherwise)));
  return out;
}

}  // namespace berth::security
