// SPDX-License-Identifier: MIT
// security: seccomp filters as plain data, compiled to BPF with libseccomp before fork (the only
// includer of libseccomp). Loading happens in the child with one prctl(2); nothing here forks.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"

namespace berth::security {

// What the filter does with a call; `value` is the errno for kErrno and the message for kTrace.
struct SeccompAction {
  enum Kind { kAllow, kErrno, kKillThread, kKillProcess, kTrap, kTrace, kLog } kind = kAllow;
  uint16_t value = 0;
  bool operator==(const SeccompAction&) const = default;
};

// One comparison on a system call argument (Docker's "args" entries).
struct ArgCondition {
  enum Op { kNotEqual, kLess, kLessEqual, kEqual, kGreaterEqual, kGreater, kMaskedEqual } op;
  unsigned index = 0;
  uint64_t value = 0;      // for kMaskedEqual: the mask
  uint64_t value_two = 0;  // for kMaskedEqual: what the masked argument must equal
};

struct SyscallRule {
  std::string name;
  int number = 0;  // libseccomp's number for the native architecture
  SeccompAction action;
  std::vector<ArgCondition> args;  // all must hold, unless an index repeats (then any, as runc)
};

struct SeccompFilter {
  SeccompAction default_action;
  std::vector<uint32_t> arches;  // SCMP_ARCH_* tokens besides the native one
  std::vector<SyscallRule> rules;
};

// A compiled filter, ready for prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &Fprog()).
struct BpfProgram {
  std::vector<sock_filter> code;
  sock_fprog Fprog() const {
    return {static_cast<unsigned short>(code.size()), const_cast<sock_filter*>(code.data())};
  }
};

// The native number of a system call name, or nullopt when libseccomp knows no such name.
std::optional<int> SyscallNumber(absl::string_view name);

// The name of a native system call number; empty when unknown.
std::string SyscallName(int number);

// False when `filter` can never allow the call `number`, whatever its arguments: no allowing
// rule for it, and a default or an unconditional rule that denies it.
bool MayAllow(const SeccompFilter& filter, int number);

// "mount,ptrace" -> a filter that allows everything else and fails those with EPERM.
// An unknown name is InvalidArgument naming it and its place ("item 2").
base::Result<SeccompFilter> ParseDenyList(absl::string_view list);

// Builds the BPF program with libseccomp and exports it into memory (a memfd).
base::Result<BpfProgram> Compile(const SeccompFilter& filter);

// An allowlist without argument conditions, written directly as BPF: a call from another
// architecture kills the thread (libseccomp's default), a listed native number is allowed and
// anything else gets `otherwise`. What Compile would build from the same rules, without
// libseccomp's general compiler (about 0.7 M instructions at every start). Falls back to
// Compile on architectures whose audit token berth does not know.
base::Result<BpfProgram> CompileAllowlist(const std::vector<int>& numbers, SeccompAction otherwise);

}  // namespace berth::security
