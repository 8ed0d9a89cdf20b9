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
  TEST_CASE("each NAME named becomes its file's contents, one newline trimmed; nothing else") {
    const std::string pw = WriteTemp("s3cret\n");
    const std::string two = WriteTemp("a\n\n");
    base::Result<Environment> env =
        ExpandFileEnv({{"DB_PASSWORD_FILE", pw},
                       {"TWO_FILE", two},
                       {"PATH", "/bin"},
                       {"SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"}},
                      {"DB_PASSWORD", "TWO"});
    REQUIRE(env.has_value());
    CHECK(env->at("DB_PASSWORD") == "s3cret");
    CHECK(env->at("TWO") == "a\n");
    CHECK(env->at("PATH") == "/bin");
    CHECK(env->count("DB_PASSWORD_FILE") == 0);
    // Not named: left alone, whatever its name ends with.
    CHECK(env->at("SSL_CERT_FILE") == "/etc/ssl/certs/ca-certificates.crt");
    CHECK(env->count("SSL_CERT") == 0);
    unlink(pw.c_str());
    unlink(two.c_str());
  }

  TEST_CASE("a missing file or variable, or a doubly set one, is an error before anything starts") {
    base::Result<Environment> env =
        ExpandFileEnv({{"TOKEN_FILE", "/nonexistent/token"}}, {"TOKEN"});
    REQUIRE_FALSE(env.has_value());
    CHECK(env.error().message() ==
          "--file-env TOKEN: TOKEN_FILE=/nonexistent/token: No such file or directory");
    env = ExpandFileEnv({{"PATH", "/bin"}}, {"TOKEN"});
    REQUIRE_FALSE(env.has_value());
    CHECK(env.error().message() == "--file-env TOKEN: TOKEN_FILE is not set");
    const std::string f = WriteTemp("x");
    env = ExpandFileEnv({{"TOKEN_FILE", f}, {"TOKEN", "y"}}, {"TOKEN"});
    REQUIRE_FALSE(env.has_value());
    CHECK(env.error().message() == "--file-env TOKEN: both TOKEN and TOKEN_FILE are set");
    unlink(f.c_str());
  }

  TEST_CASE("a secret over the kernel's 128 KiB per-variable limit is refused") {
    const std::string big = WriteTemp(std::string(kMaxSecret - 4, 'x'));  // + "TOKEN=" + NUL
    base::Result<Environment> env = ExpandFileEnv({{"TOKEN_FILE", big}}, {"TOKEN"});
    REQUIRE_FALSE(env.has_value());
    CHECK(env.error().message().find("over the kernel's 128 KiB limit") != absl::string_view::npos);
    const std::string fits = WriteTemp(std::string(kMaxSecret - 7, 'x'));
    CHECK(ExpandFileEnv({{"TOKEN_FILE", fits}}, {"TOKEN"}).has_value());
    unlink(big.c_str());
    unlink(fits.c_str());
  }
}

}  // namespace
}  // namespace berth::config
