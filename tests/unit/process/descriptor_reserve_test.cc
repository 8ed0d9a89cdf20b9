// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "berth/process/descendants.h"
#include "berth/process/descriptor_reserve.h"

namespace berth::process {
namespace {

int OpenNull() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

TEST_SUITE("process") {
  TEST_CASE("the reserve is free for /proc reads once every other descriptor is taken") {
    rlimit saved;
    REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    ReserveDescriptors();
    // Take every descriptor left under a limit just above what is open now.
    std::vector<int> hogs;
    rlimit low = saved;
    low.rlim_cur = 64;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    for (int fd; (fd = OpenNull()) >= 0;) hogs.push_back(fd);
    CHECK(errno == EMFILE);

    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      pause();
      _exit(0);
    }
    // The descendant scan needs a directory and a file open at once.
    std::vector<ProcessInfo> found = Descendants(getpid());
    CHECK(found.size() == 1);
    if (!found.empty()) CHECK(found[0].pid == child);
    {
      UsingReserve outer;
      UsingReserve inner;  // nests: only the outermost gives the descriptors back
      const int a = OpenNull();
      const int b = OpenNull();
      CHECK(a >= 0);
      CHECK(b >= 0);
      CHECK(OpenNull() < 0);
      ::close(a);
      ::close(b);
    }
    CHECK(OpenNull() < 0);  // set aside again

    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    for (int fd : hogs) ::close(fd);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
  }
}

}  // namespace
}  // namespace berth::process
