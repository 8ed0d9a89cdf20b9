// SPDX-License-Identifier: MIT
#include "berth/config/file_env.h"

#include "absl/strings/match.h"
#include "berth/base/file.h"
#include "berth/base/text.h"

namespace berth::config {
namespace {

// The kernel's limit for one "NAME=value" string in execve(2) (MAX_ARG_STRLEN: 32 pages), the
// trailing NUL included. Over it the exec fails with E2BIG, "Argument list too long".
constexpr size_t kMaxArgStrlen = 32 * 4096;

base::Result<std::string> ReadSecret(const std::string& name, const std::string& key,
                                     const std::string& path) {
  base::Result<std::string> text = base::ReadSmallRegularFile(path, kMaxSecret);
  if (!text.has_value()) {
    return base::InvalidArgumentError(
        base::Cat("--file-env ", name, ": ", key, "=", text.error().message()));
  }
  std::string out = *std::move(text);
  if (absl::EndsWith(out, "\n")) out.pop_back();
  if (name.size() + 1 + out.size() + 1 > kMaxArgStrlen) {
    return base::InvalidArgumentError(
        base::Cat("--file-env ", name, ": ", key, "=", path, ": ", out.size(),
                  " bytes, over the kernel's 128 KiB limit for one variable (MAX_ARG_STRLEN)"));
  }
  return out;
}

}  // namespace

base::Result<Environment> ExpandFileEnv(const Environment& env,
                                        const std::vector<std::string>& names) {
  Environment out = env;
  for (const std::string& name : names) {
    const std::string key = base::Cat(name, "_FILE");
    auto file = env.find(key);
    if (file == env.end()) {
      return base::InvalidArgumentError(base::Cat("--file-env ", name, ": ", key, " is not set"));
    }
    if (env.count(name)) {
      return base::InvalidArgumentError(
          base::Cat("--file-env ", name, ": both ", name, " and ", key, " are set"));
    }
    base::Result<std::string> secret = ReadSecret(name, key, std::string(file->second));
    if (!secret.has_value()) return base::ErrorOf(secret);
    // As the official images' file_env: NAME_FILE is gone once NAME holds the secret.
    out.erase(key);
    out[name] = *std::move(secret);
  }
  return out;
}

}  // namespace berth::config
