// SPDX-License-Identifier: MIT
#include "berth/config/file_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "berth/base/unique_fd.h"

namespace berth::config {
namespace {

// Secrets are small; a bound keeps a mistaken path (a device, a log) from eating memory.
constexpr size_t kMaxSecret = 1 << 20;

absl::StatusOr<std::string> ReadSecret(const std::string& name, const std::string& path) {
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--file-env: ", name, "=", path, ": ", std::strerror(errno)));
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.Get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--file-env: ", name, "=", path, ": ", std::strerror(errno)));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxSecret) {
      return absl::InvalidArgumentError(
          absl::StrCat("--file-env: ", name, "=", path, ": larger than 1 MiB"));
    }
  }
  if (absl::EndsWith(out, "\n")) out.pop_back();
  return out;
}

}  // namespace

absl::StatusOr<Environment> ExpandFileEnv(const Environment& env) {
  Environment out;
  for (const auto& [key, value] : env) {
    if (!absl::EndsWith(key, "_FILE") || key.size() == 5) {
      out.emplace(key, value);
      continue;
    }
    std::string name = key.substr(0, key.size() - 5);
    if (env.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--file-env: both ", name, " and ", key, " are set"));
    }
    absl::StatusOr<std::string> secret = ReadSecret(key, value);
    if (!secret.ok()) return secret.status();
    out[name] = *std::move(secret);
  }
  return out;
}

}  // namespace berth::config
