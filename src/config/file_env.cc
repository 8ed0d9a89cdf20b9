// SPDX-License-Identifier: MIT
#include "berth/config/file_env.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "berth/base/file.h"

namespace berth::config {
namespace {

// The kernel's limit for one "NAME=value" string in execve(2) (MAX_ARG_STRLEN: 32 pages), the
// trailing NUL included. Over it the exec fails with E2BIG, "Argument list too long".
constexpr size_t kMaxArgStrlen = 32 * 4096;

absl::StatusOr<std::string> ReadSecret(const std::string& name, const std::string& key,
                                       const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadSmallRegularFile(path, kMaxSecret);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--file-env ", name, ": ", key, "=", text.status().message()));
  }
  std::string out = *std::move(text);
  if (absl::EndsWith(out, "\n")) out.pop_back();
  if (name.size() + 1 + out.size() + 1 > kMaxArgStrlen) {
    return absl::InvalidArgumentError(
        absl::StrCat("--file-env ", name, ": ", key, "=", path, ": ", out.size(),
                     " bytes, over the kernel's 128 KiB limit for one variable (MAX_ARG_STRLEN)"));
  }
  return out;
}

}  // namespace

absl::StatusOr<Environment> ExpandFileEnv(const Environment& env,
                                          const std::vector<std::string>& names) {
  Environment out = env;
  for (const std::string& name : names) {
    const std::string key = absl::StrCat(name, "_FILE");
    auto file = env.find(key);
    if (file == env.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--file-env ", name, ": ", key, " is not set"));
    }
    if (env.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--file-env ", name, ": both ", name, " and ", key, " are set"));
    }
    absl::StatusOr<std::string> secret = ReadSecret(name, key, std::string(file->second));
    if (!secret.ok()) return secret.status();
    // As the official images' file_env: NAME_FILE is gone once NAME holds the secret.
    out.erase(key);
    out[name] = *std::move(secret);
  }
  return out;
}

}  // namespace berth::config
