// SPDX-License-Identifier: MIT
#include "berth/health/address.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>

#include <string>

#include "berth/health/checker.h"

namespace berth::health {
namespace {

std::string Ip(const Endpoint& e) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (e.addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&e.addr)->sin_addr, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&e.addr)->sin6_addr, buf,
              sizeof buf);
  }
  return buf;
}

int Port(const Endpoint& e) {
  return ntohs(e.addr.ss_family == AF_INET
                   ? reinterpret_cast<const sockaddr_in*>(&e.addr)->sin_port
                   : reinterpret_cast<const sockaddr_in6*>(&e.addr)->sin6_port);
}

TEST_SUITE("health") {
  TEST_CASE("listen addresses") {
    struct Case {
      const char* text;
      int family;
      const char* ip;
      int port;
      bool every_address = false;
    };
    const Case cases[] = {
        {":8081", AF_INET6, "::", 8081, true},
        {"127.0.0.1:8081", AF_INET, "127.0.0.1", 8081},
        {"[::1]:8081", AF_INET6, "::1", 8081},
        {"[::]:1", AF_INET6, "::", 1},
        {"localhost:65535", AF_INET, "127.0.0.1", 65535},
    };
    for (const Case& c : cases) {
      CAPTURE(c.text);
      base::Result<Endpoint> e = ParseListenAddress(c.text);
      REQUIRE(e.has_value());
      CHECK(e->addr.ss_family == c.family);
      CHECK(Ip(*e) == c.ip);
      CHECK(Port(*e) == c.port);
      CHECK(e->text == c.text);
      CHECK(e->every_address == c.every_address);
    }
    for (const char* bad : {"", "8081", ":", ":0", ":65536", ":80a", "[::1]8081", "[::1]:", "[]:80",
                            "1.2.3:80", "example.com:80", "[127.0.0.1]:80", "::1:80"}) {
      CAPTURE(bad);
      CHECK_FALSE(ParseListenAddress(bad).has_value());
    }
    CHECK_FALSE(ParseHostPort(":8081").has_value());  // a check needs a host
  }

  TEST_CASE("targets") {
    base::Result<Target> t = ParseTarget("http://127.0.0.1:8000/healthz?x=1");
    REQUIRE(t.has_value());
    CHECK(t->scheme == Target::Scheme::kHttp);
    CHECK(t->path == "/healthz?x=1");
    CHECK(t->endpoint.text == "127.0.0.1:8000");
    CHECK(Port(t->endpoint) == 8000);

    t = ParseTarget("http://localhost");
    REQUIRE(t.has_value());
    CHECK(t->path == "/");
    CHECK(Port(t->endpoint) == 80);
    CHECK(t->endpoint.text == "localhost");

    t = ParseTarget("http://[::1]:9000/");
    REQUIRE(t.has_value());
    CHECK(Ip(t->endpoint) == "::1");

    t = ParseTarget("tcp://127.0.0.1:5432");
    REQUIRE(t.has_value());
    CHECK(t->scheme == Target::Scheme::kTcp);
    CHECK(Port(t->endpoint) == 5432);

    base::Result<Target> https = ParseTarget("https://127.0.0.1/");
    REQUIRE_FALSE(https.has_value());
    CHECK(std::string(https.error().message()).find("https is not supported") == 0);
    for (const char* bad : {"", "127.0.0.1:80", "ftp://1.2.3.4/", "tcp://127.0.0.1", "tcp://:80",
                            "http://db..x:5432/", "http://1.2.3.4:0/", "http://1.2.3.4/a b"}) {
      CAPTURE(bad);
      CHECK_FALSE(ParseTarget(bad).has_value());
    }
  }

  TEST_CASE("a host that is a name is kept for the lookup, with its port") {
    base::Result<Target> t = ParseTarget("http://db:5432/ping");
    REQUIRE(t.has_value());
    CHECK(t->endpoint.NeedsLookup());
    CHECK(t->endpoint.name == "db");
    CHECK(t->endpoint.port == 5432);
    CHECK(t->endpoint.len == 0);
    CHECK(t->endpoint.text == "db:5432");
    CHECK(t->path == "/ping");

    for (const char* ok : {"tcp://my_app-1.svc.cluster.local:80", "tcp://app.internal:1",
                           "tcp://x1:9", "tcp://9x:9"}) {
      CAPTURE(ok);
      base::Result<Target> named = ParseTarget(ok);
      REQUIRE(named.has_value());
      CHECK(named->endpoint.NeedsLookup());
    }
    CHECK_FALSE(ParseTarget("tcp://127.0.0.1:80")->endpoint.NeedsLookup());
    CHECK_FALSE(ParseTarget("tcp://localhost:80")->endpoint.NeedsLookup());
    const std::string long_label(64, 'a');
    for (const std::string& bad :
         {std::string("tcp://a..b:80"), std::string("tcp://.a:80"), std::string("tcp://a b:80"),
          std::string("tcp://a/b:80"), std::string("tcp://10.0.0.300:80"),
          std::string("tcp://1.2.3:80"), "tcp://" + long_label + ":80",
          std::string("tcp://[db]:80")}) {
      CAPTURE(bad);
      CHECK_FALSE(ParseTarget(bad).has_value());
    }
    // berth listens on addresses, never on names.
    CHECK_FALSE(ParseListenAddress("db:8081").has_value());
  }

  TEST_CASE("--health-cmd runs through sh when there is one, else split") {
    CHECK(CommandArgv("curl -f localhost || exit 1", true) ==
          std::vector<std::string>{"/bin/sh", "-c", "curl -f localhost || exit 1"});
    CHECK(CommandArgv("  /app/check  --quick\t-v ", false) ==
          std::vector<std::string>{"/app/check", "--quick", "-v"});
  }
}

}  // namespace
}  // namespace berth::health
