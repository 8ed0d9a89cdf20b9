// SPDX-License-Identifier: MIT
// Fuzzes ParseDockerProfile, Docker's seccomp profile JSON (--seccomp FILE). An accepted profile
// names only known system calls, and compiles.
#include "berth/security/seccomp_filter.h"
#include "berth/security/seccomp_profile.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  berth::security::ProfileContext context;
  context.kernel = "6.1.0";
  berth::base::Result<berth::security::SeccompFilter> f =
      berth::security::ParseDockerProfile(berth::fuzz::AsText(data, size), "fuzz", context);
  if (!f.has_value()) {
    BERTH_FUZZ_CHECK(!f.error().message().empty());
    return 0;
  }
  for (const berth::security::SyscallRule& rule : f->rules) {
    BERTH_FUZZ_CHECK(berth::security::SyscallNumber(rule.name).has_value());
    for (const berth::security::ArgCondition& arg : rule.args) BERTH_FUZZ_CHECK(arg.index < 6);
  }
  (void)berth::security::Compile(*f);  // may refuse (conflicting rules), must not crash
  return 0;
}
