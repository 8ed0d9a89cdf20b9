// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>

#include "berth/config/file_env.h"

namespace berth::config {
namespace {

std::string WriteTemp(const std::string& contents) {
  char path[] = "/tmp/berth-file-env-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()));
  close(fd);
  return path;
}

TEST_SUITE("config") {
  TEST_CASE("NAME_FILE becomes NAME with the file's contents, one newline trimmed") {
    const std::string pw = WriteTemp("s3cret\n");
    const std::string two = WriteTemp("a\n\n");
    absl::StatusOr<Environment> env =
        ExpandFileEnv({{"DB_PASSWORD_FILE", pw}, {"TWO_FILE", two}, {"PATH", "/bin"}, {"_FILE", "x"}});
    REQUIRE(env.ok());
    CHECK(env->at("DB_PASSWORD") == "s3cret");
    CHECK(env->at("TWO") == "a\n");
    CHECK(env->at("PATH") == "/bin");
    CHECK(env->count("DB_PASSWORD_FILE") == 0);
    CHECK(env->at("_FILE") == "x");
    unlink(pw.c_str());
    unlink(two.c_str());
  }

  TEST_CASE("a missing file or a doubly set variable is an error before anything starts") {
    absl::StatusOr<Environment> env = ExpandFileEnv({{"TOKEN_FILE", "/nonexistent/token"}});
    REQUIRE_FALSE(env.ok());
    CHECK(env.status().message() ==
          "--file-env: TOKEN_FILE=/nonexistent/token: No such file or directory");
    const std::string f = WriteTemp("x");
    env = ExpandFileEnv({{"TOKEN_FILE", f}, {"TOKEN", "y"}});
    REQUIRE_FALSE(env.ok());
    CHECK(env.status().message() == "--file-env: both TOKEN and TOKEN_FILE are set");
    unlink(f.c_str());
  }
}

}  // namespace
}  // namespace berth::config
