// SPDX-License-Identifier: MIT
#include "berth/base/error.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "berth/base/file.h"
#include "berth/base/unique_fd.h"

namespace berth::base {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  BERTH_ASSIGN_OR_RETURN(int h, Half(x));
  BERTH_ASSIGN_OR_RETURN(*out, Half(h));
  return OkStatus();
}

TEST_SUITE("base") {
  TEST_CASE("ErrnoError names the call and maps the code") {
    struct Row {
      int err;
      ErrorCode code;
    };
    for (Row r : {Row{ENOENT, ErrorCode::kNotFound}, Row{EACCES, ErrorCode::kPermissionDenied},
                  Row{EPERM, ErrorCode::kPermissionDenied},
                  Row{EINVAL, ErrorCode::kInvalidArgument}, Row{EIO, ErrorCode::kInternal}}) {
      CAPTURE(r.err);
      Status s = ErrnoError("open(/x)", r.err);
      REQUIRE_FALSE(s.has_value());
      CHECK(s.error().code() == r.code);
      CHECK(s.error().message().substr(0, 9) == "open(/x):");
    }
  }

  TEST_CASE("a Failure converts to a Result of any type and keeps code and message") {
    Result<std::string> r = FailedPreconditionError("no PID namespace");
    REQUIRE_FALSE(r.has_value());
    CHECK(IsFailedPrecondition(r.error()));
    CHECK(r.error().message() == "no PID namespace");
    Status s = ErrorOf(r);
    CHECK(s.error().message() == "no PID namespace");
    CHECK(OkStatus().has_value());
  }

  TEST_CASE("the status macros propagate the first error") {
    int out = 0;
    CHECK(Quarter(8, &out).has_value());
    CHECK(out == 2);
    CHECK(Quarter(6, &out).error().message() == "odd");
    CHECK(Quarter(7, &out).error().message() == "odd");
  }

  TEST_CASE("UniqueFd closes on destruction and moves ownership") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    ::close(fds[1]);
    {
      UniqueFd a(fds[0]);
      UniqueFd b = std::move(a);
      CHECK_FALSE(a.Valid());
      CHECK(b.Get() == fds[0]);
    }
    CHECK(::fcntl(fds[0], F_GETFD) == -1);
  }

  // Not a file of its own: a new test file would need a row in tests/meson.build; the file
  // reader is base's too.
  TEST_CASE("ReadSmallRegularFile reads only a regular file, and only up to its bound") {
    char path[] = "/tmp/berth-read-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, "12345", 5) == 5);
    close(fd);
    CHECK(ReadSmallRegularFile(path, 5).value() == "12345");
    base::Result<std::string> r = ReadSmallRegularFile(path, 4);
    CHECK(r.error().message() == std::string(path) + ": larger than 4 bytes");
    unlink(path);
    CHECK(base::IsNotFound(ReadSmallRegularFile(path, 5).error()));
    CHECK(ReadSmallRegularFile("/dev/zero", kMiB).error().message() ==
          "/dev/zero: not a regular file (a character device)");
    CHECK(ReadSmallRegularFile("/tmp", kMiB).error().message() == "/tmp: is a directory");
    CHECK(FormatSize(128 * kKiB) == "128 KiB");
    CHECK(FormatSize(kMiB) == "1 MiB");
  }

  TEST_CASE("FormatSize says a size as a person set it") {
    CHECK(FormatSize(uint64_t{48} << 20) == "48 MiB");
    CHECK(FormatSize(uint64_t{3} << 29) == "1.5 GiB");
    CHECK(FormatSize(uint64_t{2} << 30) == "2 GiB");
    CHECK(FormatSize(1000) == "1000 bytes");
    CHECK(FormatSize(4096) == "4 KiB");
    CHECK(FormatSize((uint64_t{1} << 62) - 4096) == "4194304.0 TiB");  // no overflow
  }
}

}  // namespace
}  // namespace berth::base
