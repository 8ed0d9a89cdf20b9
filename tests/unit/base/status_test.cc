// SPDX-License-Identifier: MIT
#include "berth/base/status.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "berth/base/file.h"
#include "berth/base/unique_fd.h"

namespace berth::base {
namespace {

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::Status Quarter(int x, int* out) {
  BERTH_ASSIGN_OR_RETURN(int h, Half(x));
  BERTH_ASSIGN_OR_RETURN(*out, Half(h));
  return absl::OkStatus();
}

TEST_SUITE("base") {
  TEST_CASE("ErrnoError names the call and maps the code") {
    struct Row {
      int err;
      absl::StatusCode code;
    };
    for (Row r : {Row{ENOENT, absl::StatusCode::kNotFound},
                  Row{EACCES, absl::StatusCode::kPermissionDenied},
                  Row{EINVAL, absl::StatusCode::kInvalidArgument}}) {
      CAPTURE(r.err);
      absl::Status s = ErrnoError("open(/x)", r.err);
      CHECK(s.code() == r.code);
      CHECK(s.message().substr(0, 9) == "open(/x):");
    }
  }

  TEST_CASE("the status macros propagate the first error") {
    int out = 0;
    CHECK(Quarter(8, &out).ok());
    CHECK(out == 2);
    CHECK(Quarter(6, &out).message() == "odd");
    CHECK(Quarter(7, &out).message() == "odd");
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
    absl::StatusOr<std::string> r = ReadSmallRegularFile(path, 4);
    CHECK(r.status().message() == std::string(path) + ": larger than 4 bytes");
    unlink(path);
    CHECK(absl::IsNotFound(ReadSmallRegularFile(path, 5).status()));
    CHECK(ReadSmallRegularFile("/dev/zero", kMiB).status().message() ==
          "/dev/zero: not a regular file (a character device)");
    CHECK(ReadSmallRegularFile("/tmp", kMiB).status().message() == "/tmp: is a directory");
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
