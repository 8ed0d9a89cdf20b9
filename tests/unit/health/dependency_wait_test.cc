// SPDX-License-Identifier: MIT
#include "berth/health/dependency_wait.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "berth/base/unique_fd.h"

namespace berth::health {
namespace {

// A TCP port on 127.0.0.1: listening (a connect succeeds, the kernel completes the handshake), or
// bound without listening (a connect is refused, and nobody else can take the port meanwhile).
struct Port {
  base::UniqueFd fd;
  std::string url;
};

Port OpenPort(bool listening) {
  Port p{base::UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), ""};
  REQUIRE(p.fd.Get() >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(p.fd.Get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(p.fd.Get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  if (listening) REQUIRE(::listen(p.fd.Get(), 16) == 0);
  p.url = absl::StrCat("tcp://127.0.0.1:", ntohs(addr.sin_port));
  return p;
}

// The wait on a fresh loop; `stop` is the stop signal set (blocked by the caller).
base::Result<int> Wait(const std::vector<std::string>& urls, absl::Duration timeout,
                       const sigset_t& stop) {
  base::Result<loop::Loop> loop = loop::Loop::Create();
  REQUIRE(loop.has_value());
  process::Reaper reaper;
  base::Result<std::vector<Dependency>> deps = ParseDependencies(urls);
  REQUIRE(deps.has_value());
  return WaitForDependencies(*loop, reaper, std::move(*deps), timeout, stop);
}

base::Result<int> Wait(const std::vector<std::string>& urls, absl::Duration timeout) {
  sigset_t none;
  sigemptyset(&none);
  return Wait(urls, timeout, none);
}

TEST_SUITE("health") {
  TEST_CASE("ParseDependencies keeps each URL with its target; an error names the URL") {
    base::Result<std::vector<Dependency>> deps =
        ParseDependencies({"tcp://127.0.0.1:5432", "http://localhost:8080/ready"});
    REQUIRE(deps.has_value());
    REQUIRE(deps->size() == 2);
    CHECK((*deps)[0].url == "tcp://127.0.0.1:5432");
    CHECK((*deps)[0].target.scheme == Target::Scheme::kTcp);
    CHECK((*deps)[1].target.scheme == Target::Scheme::kHttp);
    CHECK((*deps)[1].target.path == "/ready");

    base::Result<std::vector<Dependency>> bad =
        ParseDependencies({"tcp://127.0.0.1:5432", "https://db:443"});
    REQUIRE_FALSE(bad.has_value());
    CHECK(base::IsInvalidArgument(bad.error()));
    CHECK(absl::StartsWith(bad.error().message(), "https://db:443: "));
  }

  TEST_CASE("nothing to wait for: done at once") {
    base::Result<int> r = Wait({}, absl::Seconds(10));
    REQUIRE(r.has_value());
    CHECK(*r == 0);
  }

  TEST_CASE("every dependency answers: 0") {
    Port a = OpenPort(true);
    Port b = OpenPort(true);
    base::Result<int> r = Wait({a.url, b.url}, absl::Seconds(30));
    REQUIRE(r.has_value());
    CHECK(*r == 0);
  }

  TEST_CASE("the timeout names the first dependency that did not answer, and its last attempt") {
    Port up = OpenPort(true);
    Port down = OpenPort(false);
    SUBCASE("after one that answered") {
      base::Result<int> r = Wait({up.url, down.url}, absl::Milliseconds(600));
      REQUIRE_FALSE(r.has_value());
      CHECK(base::IsDeadlineExceeded(r.error()));
      CHECK(
          r.error().message() ==
          absl::StrCat(down.url,
                       " did not answer within 600ms (last attempt: connect: Connection refused)"));
    }
    SUBCASE("before one that would have answered: checked in order, one at a time") {
      base::Result<int> r = Wait({down.url, up.url}, absl::Milliseconds(600));
      REQUIRE_FALSE(r.has_value());
      CHECK(absl::StartsWith(r.error().message(), absl::StrCat(down.url, " did not answer")));
    }
  }

  TEST_CASE("a stop signal ends the wait with its number, long before the timeout") {
    Port down = OpenPort(false);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGUSR2);
    sigset_t old;
    REQUIRE(::sigprocmask(SIG_BLOCK, &stop, &old) == 0);
    REQUIRE(::raise(SIGUSR2) == 0);  // pending until the wait's signalfd reads it
    base::Result<int> r = Wait({down.url}, absl::Hours(1), stop);
    REQUIRE(::sigprocmask(SIG_SETMASK, &old, nullptr) == 0);
    REQUIRE(r.has_value());
    CHECK(*r == SIGUSR2);
  }
}

}  // namespace
}  // namespace berth::health
