// SPDX-License-Identifier: MIT
// Docker's seccomp profile format, read with nlohmann/json without exceptions: a parse error
// comes back through a SAX handler (with its byte position), and every value's type is checked
// before it is read, since a wrong get<>() would abort under JSON_NOEXCEPTION.
#define JSON_NOEXCEPTION 1
#include "berth/security/seccomp_profile.h"

#include <seccomp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "berth/base/error.h"
#include "berth/base/file.h"
#include "berth/base/text.h"

namespace berth::security {
namespace {

using json = nlohmann::json;

// Accepts every event and keeps the first syntax error (nlohmann's SAX interface is duck-typed).
struct SyntaxCheck {
  size_t position = 0;
  std::string message;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(size_t pos, const std::string&, const nlohmann::detail::exception& ex) {
    position = pos;
    message = ex.what();
    return false;
  }
};

// "[json.exception.parse_error.101] parse error at line 2, column 5: syntax error ..." -> the
// part after the position, which berth prints in its own "file:line:column:" form.
std::string SyntaxMessage(const std::string& what) {
  size_t column = what.find("column ");
  size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

std::string LineColumn(absl::string_view text, size_t position) {
  position = std::min(position, text.size());
  int line = 1;
  size_t line_start = 0;
  // nlohmann's position counts the offending character; point at it, not past it.
  const size_t at = position > 0 ? position - 1 : 0;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return base::Cat(line, ":", at - line_start + 1);
}

// The names Docker profiles use for the native architecture in "includes"/"excludes".
std::vector<std::string> NativeArchNames() {
  const uint32_t native = seccomp_arch_native();
  if (native == SCMP_ARCH_X86_64) return {"amd64", "x86_64"};
  if (native == SCMP_ARCH_AARCH64) return {"arm64", "aarch64"};
  if (native == SCMP_ARCH_X86) return {"386", "x86"};
  if (native == SCMP_ARCH_ARM) return {"arm"};
  if (native == SCMP_ARCH_PPC64LE) return {"ppc64le"};
  if (native == SCMP_ARCH_S390X) return {"s390x"};
  if (native == SCMP_ARCH_RISCV64) return {"riscv64"};
  return {};
}

// "5.10" and "6.1.0-18-amd64" compared as (major, minor, patch).
bool KernelAtLeast(absl::string_view running, absl::string_view wanted) {
  auto parts = [](absl::string_view v) {
    std::vector<int> out;
    for (absl::string_view p : absl::StrSplit(v.substr(0, v.find_first_not_of("0123456789.")), '.')) {
      int n = 0;
      if (!base::ParseInt(p, &n)) break;
      out.push_back(n);
    }
    out.resize(3, 0);
    return out;
  };
  return parts(running) >= parts(wanted);
}

class Reader {
 public:
  Reader(absl::string_view source, const ProfileContext& context)
      : source_(source), context_(context) {}

  base::Result<SeccompFilter> Read(const json& root);

 private:
  base::Failure Error(absl::string_view path, absl::string_view what) const {
    return base::InvalidArgumentError(base::Cat(source_, ": ", path, ": ", what));
  }
  base::Result<std::string> String(const json& v, const std::string& path) const;
  base::Result<uint64_t> Unsigned(const json& v, const std::string& path) const;
  base::Result<std::vector<std::string>> Strings(const json& v, const std::string& path) const;
  base::Result<SeccompAction> Action(const json& obj, const std::string& path,
                                     absl::string_view key, absl::string_view errno_key) const;
  base::Result<uint32_t> Arch(const std::string& name, const std::string& path) const;
  base::Status Arches(const json& root, SeccompFilter& f) const;
  base::Result<bool> Applies(const json& rule, const std::string& path) const;
  base::Result<bool> Matches(const json& cond, const std::string& path, bool empty_value) const;
  base::Result<std::vector<ArgCondition>> Args(const json& v, const std::string& path) const;
  base::Status Syscall(const json& rule, const std::string& path, SeccompFilter& f) const;

  absl::string_view source_;
  const ProfileContext& context_;
};

base::Result<std::string> Reader::String(const json& v, const std::string& path) const {
  if (!v.is_string()) return Error(path, "expected a string");
  return v.get<std::string>();
}

base::Result<uint64_t> Reader::Unsigned(const json& v, const std::string& path) const {
  if (!v.is_number_unsigned()) return Error(path, "expected a number from 0 to 2^64-1");
  return v.get<uint64_t>();
}

base::Result<std::vector<std::string>> Reader::Strings(const json& v,
                                                       const std::string& path) const {
  if (v.is_null()) return std::vector<std::string>{};
  if (!v.is_array()) return Error(path, "expected an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    BERTH_ASSIGN_OR_RETURN(std::string s, String(v[i], base::Cat(path, "[", i, "]")));
    out.push_back(std::move(s));
  }
  return out;
}

base::Result<SeccompAction> Reader::Action(const json& obj, const std::string& path,
                                           absl::string_view key,
                                           absl::string_view errno_key) const {
  const std::string at = base::Cat(path, path.empty() ? "" : ".", key);
  if (!obj.contains(key)) return Error(at, "missing");
  BERTH_ASSIGN_OR_RETURN(std::string name, String(obj[std::string(key)], at));
  uint64_t ret = EPERM;
  if (obj.contains(errno_key) && !obj[std::string(errno_key)].is_null()) {
    const std::string eat = base::Cat(path, path.empty() ? "" : ".", errno_key);
    BERTH_ASSIGN_OR_RETURN(ret, Unsigned(obj[std::string(errno_key)], eat));
    if (ret > 4095) return Error(eat, "an errno is at most 4095");
  }
  const uint16_t value = static_cast<uint16_t>(ret);
  if (name == "SCMP_ACT_ALLOW") return SeccompAction{SeccompAction::kAllow, 0};
  if (name == "SCMP_ACT_ERRNO") return SeccompAction{SeccompAction::kErrno, value};
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") {
    return SeccompAction{SeccompAction::kKillThread, 0};
  }
  if (name == "SCMP_ACT_KILL_PROCESS") return SeccompAction{SeccompAction::kKillProcess, 0};
  if (name == "SCMP_ACT_TRAP") return SeccompAction{SeccompAction::kTrap, 0};
  if (name == "SCMP_ACT_TRACE") return SeccompAction{SeccompAction::kTrace, value};
  if (name == "SCMP_ACT_LOG") return SeccompAction{SeccompAction::kLog, 0};
  return Error(at, base::Cat("unknown or unsupported action '", name, "'"));
}

base::Result<uint32_t> Reader::Arch(const std::string& name, const std::string& path) const {
  std::string bare = absl::AsciiStrToLower(absl::StripPrefix(name, "SCMP_ARCH_"));
  uint32_t token = seccomp_arch_resolve_name(bare.c_str());
  if (token == 0) return Error(path, base::Cat("unknown architecture '", name, "'"));
  return token;
}

// "architectures" lists every arch to add; the newer "archMap" adds the native entry's
// subArchitectures (Docker reads it the same way).
base::Status Reader::Arches(const json& root, SeccompFilter& f) const {
  if (root.contains("architectures")) {
    BERTH_ASSIGN_OR_RETURN(std::vector<std::string> names,
                           Strings(root["architectures"], "architectures"));
    for (size_t i = 0; i < names.size(); ++i) {
      BERTH_ASSIGN_OR_RETURN(uint32_t t, Arch(names[i], base::Cat("architectures[", i, "]")));
      f.arches.push_back(t);
    }
    return base::OkStatus();
  }
  if (!root.contains("archMap") || root["archMap"].is_null()) return base::OkStatus();
  const json& map = root["archMap"];
  if (!map.is_array()) return Error("archMap", "expected an array");
  for (size_t i = 0; i < map.size(); ++i) {
    const std::string path = base::Cat("archMap[", i, "]");
    if (!map[i].is_object() || !map[i].contains("architecture")) {
      return Error(path, "expected an object with \"architecture\"");
    }
    BERTH_ASSIGN_OR_RETURN(std::string arch, String(map[i]["architecture"], path + ".architecture"));
    BERTH_ASSIGN_OR_RETURN(uint32_t token, Arch(arch, path + ".architecture"));
    if (token != seccomp_arch_native()) continue;
    std::vector<std::string> subs;
    if (map[i].contains("subArchitectures")) {
      BERTH_ASSIGN_OR_RETURN(subs, Strings(map[i]["subArchitectures"], path + ".subArchitectures"));
    }
    for (size_t j = 0; j < subs.size(); ++j) {
      BERTH_ASSIGN_OR_RETURN(uint32_t t,
                             Arch(subs[j], base::Cat(path, ".subArchitectures[", j, "]")));
      f.arches.push_back(t);
    }
  }
  return base::OkStatus();
}

// Docker's includes/excludes: every listed cap in the bounding set, the native arch listed,
// the kernel at least minKernel. `empty_value` is what a condition with nothing in it means.
base::Result<bool> Reader::Matches(const json& cond, const std::string& path,
                                   bool empty_value) const {
  if (cond.is_null()) return empty_value;
  if (!cond.is_object()) return Error(path, "expected an object");
  bool any = false;
  bool all = true;
  if (cond.contains("caps")) {
    BERTH_ASSIGN_OR_RETURN(std::vector<std::string> caps, Strings(cond["caps"], path + ".caps"));
    for (size_t i = 0; i < caps.size(); ++i) {
      base::Result<CapSet> bit = ParseCapList(caps[i]);
      if (!bit.has_value() || *bit == 0) {
        return Error(base::Cat(path, ".caps[", i, "]"),
                     base::Cat("unknown capability '", caps[i], "'"));
      }
      any = true;
      all = all && (context_.bounding & *bit) == *bit;
    }
  }
  if (cond.contains("arches")) {
    BERTH_ASSIGN_OR_RETURN(std::vector<std::string> arches,
                           Strings(cond["arches"], path + ".arches"));
    if (!arches.empty()) {
      const std::vector<std::string> native = NativeArchNames();
      any = true;
      all = all && std::any_of(arches.begin(), arches.end(), [&](const std::string& a) {
              return std::find(native.begin(), native.end(), a) != native.end();
            });
    }
  }
  if (cond.contains("minKernel") && !cond["minKernel"].is_null()) {
    BERTH_ASSIGN_OR_RETURN(std::string k, String(cond["minKernel"], path + ".minKernel"));
    any = true;
    all = all && (context_.kernel.empty() || KernelAtLeast(context_.kernel, k));
  }
  return any ? all : empty_value;
}

base::Result<bool> Reader::Applies(const json& rule, const std::string& path) const {
  bool included = true;
  bool excluded = false;
  if (rule.contains("includes")) {
    BERTH_ASSIGN_OR_RETURN(included, Matches(rule["includes"], path + ".includes", true));
  }
  if (rule.contains("excludes")) {
    BERTH_ASSIGN_OR_RETURN(excluded, Matches(rule["excludes"], path + ".excludes", false));
  }
  return included && !excluded;
}

base::Result<std::vector<ArgCondition>> Reader::Args(const json& v, const std::string& path) const {
  static constexpr std::pair<absl::string_view, ArgCondition::Op> kOps[] = {
      {"SCMP_CMP_NE", ArgCondition::kNotEqual},     {"SCMP_CMP_LT", ArgCondition::kLess},
      {"SCMP_CMP_LE", ArgCondition::kLessEqual},    {"SCMP_CMP_EQ", ArgCondition::kEqual},
      {"SCMP_CMP_GE", ArgCondition::kGreaterEqual}, {"SCMP_CMP_GT", ArgCondition::kGreater},
      {"SCMP_CMP_MASKED_EQ", ArgCondition::kMaskedEqual},
  };
  std::vector<ArgCondition> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return Error(path, "expected an array");
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string at = base::Cat(path, "[", i, "]");
    if (!v[i].is_object()) return Error(at, "expected an object");
    if (!v[i].contains("index") || !v[i].contains("op")) return Error(at, "needs index and op");
    ArgCondition c{};
    BERTH_ASSIGN_OR_RETURN(uint64_t index, Unsigned(v[i]["index"], at + ".index"));
    if (index > 5) return Error(at + ".index", "a system call has arguments 0 to 5");
    c.index = static_cast<unsigned>(index);
    if (v[i].contains("value")) {
      BERTH_ASSIGN_OR_RETURN(c.value, Unsigned(v[i]["value"], at + ".value"));
    }
    if (v[i].contains("valueTwo")) {
      BERTH_ASSIGN_OR_RETURN(c.value_two, Unsigned(v[i]["valueTwo"], at + ".valueTwo"));
    }
    BERTH_ASSIGN_OR_RETURN(std::string op, String(v[i]["op"], at + ".op"));
    auto it = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& p) { return p.first == op; });
    if (it == std::end(kOps)) return Error(at + ".op", base::Cat("unknown operator '", op, "'"));
    c.op = it->second;
    out.push_back(c);
  }
  return out;
}

base::Status Reader::Syscall(const json& rule, const std::string& path, SeccompFilter& f) const {
  if (!rule.is_object()) return Error(path, "expected an object");
  std::vector<std::string> names;
  std::string names_key = "names";
  if (rule.contains("names")) {
    BERTH_ASSIGN_OR_RETURN(names, Strings(rule["names"], path + ".names"));
  } else if (rule.contains("name")) {
    names_key = "name";
    BERTH_ASSIGN_OR_RETURN(std::string n, String(rule["name"], path + ".name"));
    names.push_back(std::move(n));
  } else {
    return Error(path, "needs \"names\"");
  }
  BERTH_ASSIGN_OR_RETURN(SeccompAction action, Action(rule, path, "action", "errnoRet"));
  std::vector<ArgCondition> args;
  if (rule.contains("args")) {
    BERTH_ASSIGN_OR_RETURN(args, Args(rule["args"], path + ".args"));
  }
  BERTH_ASSIGN_OR_RETURN(bool applies, Applies(rule, path));
  for (size_t i = 0; i < names.size(); ++i) {
    std::optional<int> nr = SyscallNumber(names[i]);
    if (!nr) {
      const std::string at =
          names_key == "name" ? path + ".name" : base::Cat(path, ".names[", i, "]");
      return Error(at, base::Cat("unknown system call '", names[i], "'"));
    }
    // Checked even when excluded, so a typo never hides behind an includes clause.
    if (applies) f.rules.push_back({names[i], *nr, action, args});
  }
  return base::OkStatus();
}

base::Result<SeccompFilter> Reader::Read(const json& root) {
  if (!root.is_object())
    return base::InvalidArgumentError(base::Cat(source_, ": expected a JSON object"));
  SeccompFilter f;
  BERTH_ASSIGN_OR_RETURN(f.default_action, Action(root, "", "defaultAction", "defaultErrnoRet"));
  BERTH_RETURN_IF_ERROR(Arches(root, f));
  if (!root.contains("syscalls") || root["syscalls"].is_null()) return f;
  const json& calls = root["syscalls"];
  if (!calls.is_array()) return Error("syscalls", "expected an array");
  for (size_t i = 0; i < calls.size(); ++i) {
    BERTH_RETURN_IF_ERROR(Syscall(calls[i], base::Cat("syscalls[", i, "]"), f));
  }
  return f;
}

}  // namespace

base::Result<SeccompFilter> ParseDockerProfile(absl::string_view text, absl::string_view source,
                                               const ProfileContext& context) {
  SyntaxCheck check;
  if (!json::sax_parse(text.begin(), text.end(), &check)) {
    return base::InvalidArgumentError(base::Cat(source, ":", LineColumn(text, check.position), ": ",
                                                SyntaxMessage(check.message)));
  }
  const json root = json::parse(text.begin(), text.end(), nullptr, false);
  return Reader(source, context).Read(root);
}

base::Result<SeccompFilter> LoadDockerProfile(const std::string& path,
                                              const ProfileContext& context) {
  base::Result<std::string> text = base::ReadSmallRegularFile(path, kMaxProfile);
  if (!text.has_value()) {
    return base::MakeError(text.error().code(), base::Cat("--seccomp: ", text.error().message()));
  }
  return ParseDockerProfile(*text, path, context);
}

}  // namespace berth::security
