// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <linux/capability.h>

#include <cerrno>

#include "berth/security/seccomp_profile.h"
#include "berth/security/self_sandbox.h"

namespace berth::security {
namespace {

ProfileContext AllCaps() { return {~CapSet{0}, "6.1.0"}; }

SeccompFilter Must(const std::string& text, const ProfileContext& context = AllCaps()) {
  base::Result<SeccompFilter> f = ParseDockerProfile(text, "p.json", context);
  REQUIRE_MESSAGE(f.has_value(), f.error().message());
  return *f;
}

std::string Error(const std::string& text) {
  base::Result<SeccompFilter> f = ParseDockerProfile(text, "p.json", AllCaps());
  REQUIRE_FALSE(f.has_value());
  CHECK(base::IsInvalidArgument(f.error()));
  return std::string(f.error().message());
}

// The layout of Docker's own default profile, cut down.
constexpr const char* kDockerLayout = R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "archMap": [
    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
  ],
  "syscalls": [
    {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}],
     "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["uname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "comment": "ignored"},
    {"names": ["bpf"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "9.0"}}
  ]
})";

TEST_SUITE("security") {
  TEST_CASE("a profile in Docker's layout") {
    SeccompFilter f = Must(kDockerLayout);
    CHECK(f.default_action == SeccompAction{SeccompAction::kErrno, 1});
    std::vector<std::string> names;
    for (const SyscallRule& r : f.rules) names.push_back(r.name);
    // clone is excluded with CAP_SYS_ADMIN; bpf needs a newer kernel.
    CHECK(names == std::vector<std::string>{"read", "write", "exit_group", "personality", "mount",
                                            "uname"});
    CHECK(f.rules[3].args.size() == 1);
    CHECK(f.rules[3].args[0].op == ArgCondition::kEqual);
    CHECK(f.rules[5].action == SeccompAction{SeccompAction::kErrno, 38});
    CHECK(Compile(f).has_value());
  }

  TEST_CASE("includes and excludes follow the app's bounding set") {
    SeccompFilter f = Must(kDockerLayout, {CapBit(CAP_CHOWN), "6.1.0"});
    std::vector<std::string> names;
    for (const SyscallRule& r : f.rules) names.push_back(r.name);
    CHECK(std::find(names.begin(), names.end(), "clone") != names.end());
    CHECK(std::find(names.begin(), names.end(), "mount") == names.end());
    CHECK(f.rules[4].args[0].op == ArgCondition::kMaskedEqual);
    CHECK(f.rules[4].args[0].value == 2114060288);
  }

  TEST_CASE("the older layout: architectures and name") {
    SeccompFilter f = Must(R"({"defaultAction": "SCMP_ACT_ALLOW",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"name": "ptrace", "action": "SCMP_ACT_ERRNO", "args": null}]})");
    CHECK(f.arches.size() == 2);
    REQUIRE(f.rules.size() == 1);
    CHECK(f.rules[0].action == SeccompAction{SeccompAction::kErrno, EPERM});
  }

  TEST_CASE("syntax errors give line and column") {
    CHECK(Error("{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [,]\n}")
              .rfind("p.json:3:16: ", 0) == 0);
    CHECK(Error("").rfind("p.json:1:1: ", 0) == 0);
  }

  TEST_CASE("content errors give the path") {
    struct Case {
      const char* text;
      const char* want;
    } cases[] = {
        {"[]", "p.json: expected a JSON object"},
        {"{}", "p.json: defaultAction: missing"},
        {R"({"defaultAction": "SCMP_ACT_FLY"})",
         "p.json: defaultAction: unknown or unsupported action 'SCMP_ACT_FLY'"},
        {R"({"defaultAction": 3})", "p.json: defaultAction: expected a string"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]})",
         "p.json: architectures[0]: unknown architecture 'SCMP_ARCH_Z80'"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ERRNO"}, {"names": ["write", "frobnicate"],
            "action": "SCMP_ACT_ERRNO"}]})",
         "p.json: syscalls[1].names[1]: unknown system call 'frobnicate'"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]})",
         "p.json: syscalls[0].action: missing"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ERRNO", "args": [{"index": 7, "op": "SCMP_CMP_EQ"}]}]})",
         "p.json: syscalls[0].args[0].index: a system call has arguments 0 to 5"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "op": "SCMP_CMP_ABOUT"}]}]})",
         "p.json: syscalls[0].args[0].op: unknown operator 'SCMP_CMP_ABOUT'"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ERRNO", "errnoRet": -1}]})",
         "p.json: syscalls[0].errnoRet: expected a number from 0 to 2^64-1"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_FLY"]}}]})",
         "p.json: syscalls[0].includes.caps[0]: unknown capability 'CAP_FLY'"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.text);
      CHECK(Error(c.text) == c.want);
    }
  }

  TEST_CASE("deny lists") {
    base::Result<SeccompFilter> f = ParseDenyList("mount, ptrace");
    REQUIRE(f.has_value());
    CHECK(f->default_action == SeccompAction{SeccompAction::kAllow, 0});
    REQUIRE(f->rules.size() == 2);
    CHECK(f->rules[1].name == "ptrace");
    CHECK(f->rules[1].action == SeccompAction{SeccompAction::kErrno, EPERM});
    CHECK(Compile(*f).has_value());
    base::Result<SeccompFilter> bad = ParseDenyList("mount,mount2");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message() == "--seccomp-deny: unknown system call 'mount2' (item 2)");
  }

  TEST_CASE("berth's own allowlist names only real calls and compiles") {
    SeccompFilter f;
    f.default_action = {SeccompAction::kTrap, 0};
    for (const std::string& name : SelfAllowlist()) {
      CAPTURE(name);
      std::optional<int> nr = SyscallNumber(name);
      REQUIRE(nr.has_value());
      if (*nr >= 0) f.rules.push_back({name, *nr, {SeccompAction::kAllow, 0}, {}});
    }
    CHECK(f.rules.size() > 60);
    CHECK(Compile(f).has_value());
  }

  TEST_CASE("system call names and numbers") {
    REQUIRE(SyscallNumber("getpid").has_value());
    CHECK(SyscallName(*SyscallNumber("getpid")) == "getpid");
    CHECK_FALSE(SyscallNumber("frobnicate").has_value());
  }
}

}  // namespace
}  // namespace berth::security
