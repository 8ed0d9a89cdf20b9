// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>

#include "berth/health/http_request.h"

namespace berth::health {
namespace {

using Kind = ParseResult::Kind;

struct Good {
  const char* name;
  std::string data;
  Method method;
  absl::string_view path;
  int minor;
  bool keep_alive;
  bool has_body;
};

template <size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

struct Bad {
  const char* name;
  std::string data;
  int status;
};

TEST_SUITE("health") {
  TEST_CASE("good requests") {
    const Good cases[] = {
        {"curl", "GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/7.88\r\nAccept: */*\r\n\r\n",
         Method::kGet, "/healthz", 1, true, false},
        {"head", "HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\n", Method::kHead, "/readyz", 1, true,
         false},
        {"query dropped", "GET /healthz?full=1 HTTP/1.1\r\n\r\n", Method::kGet, "/healthz", 1,
         true, false},
        {"bare LF", "GET /healthz HTTP/1.1\nHost: x\n\n", Method::kGet, "/healthz", 1, true,
         false},
        {"leading blank lines", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", Method::kGet, "/", 1, true,
         false},
        {"1.0 closes", "GET /healthz HTTP/1.0\r\n\r\n", Method::kGet, "/healthz", 0, false, false},
        {"1.0 keep-alive", "GET /healthz HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
         Method::kGet, "/healthz", 0, true, false},
        {"close", "GET /healthz HTTP/1.1\r\nconnection: te, close\r\n\r\n", Method::kGet,
         "/healthz", 1, false, false},
        {"absolute form", "GET http://10.0.0.1:8081/readyz HTTP/1.1\r\n\r\n", Method::kGet,
         "/readyz", 1, true, false},
        {"other method", "DELETE /healthz HTTP/1.1\r\n\r\n", Method::kOther, "/healthz", 1, true,
         false},
        {"body", "POST /healthz HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", Method::kOther,
         "/healthz", 1, true, true},
        {"zero length", "GET /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n", Method::kGet,
         "/healthz", 1, true, false},
        {"chunked", "GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", Method::kGet,
         "/healthz", 1, true, true},
        {"empty value and OWS", "GET / HTTP/1.1\r\nX-A:\r\nX-B: \t v \t\r\n\r\n", Method::kGet,
         "/", 1, true, false},
    };
    for (const Good& c : cases) {
      CAPTURE(c.name);
      const ParseResult r = ParseRequest(c.data, 4096);
      REQUIRE(r.kind == Kind::kComplete);
      CHECK(r.request.method == c.method);
      CHECK(r.request.path == c.path);
      CHECK(r.request.version_minor == c.minor);
      CHECK(r.request.keep_alive == c.keep_alive);
      CHECK(r.request.has_body == c.has_body);
      // The head ends at the last LF; a body after it is not part of the request's size.
      CHECK(r.request.size == c.data.rfind('\n') + 1);
    }
  }

  // From tests/fuzz/http_request (regress-absolute-form-no-path): "http://2" has no path, and the
  // parser answers a static "/" that is not in the buffer, which the header now says.
  TEST_CASE("regression: an absolute-form target without a path is /") {
    const std::string data = "HEAD http://2 HTTP/1.0\r\n\r\n";
    ParseResult r = ParseRequest(data, 8192);
    REQUIRE(r.kind == Kind::kComplete);
    CHECK(r.request.path == "/");
    CHECK(r.request.size == data.size());
  }

  TEST_CASE("pipelined requests parse one at a time") {
    const std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string two = "HEAD /readyz HTTP/1.1\r\n\r\n";
    const std::string all = one + two + "GET /x";
    ParseResult r = ParseRequest(all, 4096);
    REQUIRE(r.kind == Kind::kComplete);
    CHECK(r.request.size == one.size());
    CHECK(r.request.path == "/healthz");
    absl::string_view rest = absl::string_view(all).substr(r.request.size);
    r = ParseRequest(rest, 4096);
    REQUIRE(r.kind == Kind::kComplete);
    CHECK(r.request.method == Method::kHead);
    CHECK(r.request.size == two.size());
    rest = rest.substr(r.request.size);
    CHECK(ParseRequest(rest, 4096).kind == Kind::kNeedMore);
  }

  TEST_CASE("every prefix of a request needs more") {
    const std::string full = "GET /healthz HTTP/1.1\r\nHost: localhost:8081\r\nAccept: */*\r\n\r\n";
    for (size_t n = 0; n < full.size(); ++n) {
      CAPTURE(n);
      CHECK(ParseRequest(absl::string_view(full).substr(0, n), 4096).kind == Kind::kNeedMore);
    }
    CHECK(ParseRequest(full, 4096).kind == Kind::kComplete);
  }

  TEST_CASE("oversized heads are 431") {
    const std::string big = "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(5000, 'a') + "\r\n\r\n";
    ParseResult r = ParseRequest(big, 4096);
    CHECK(r.kind == Kind::kError);
    CHECK(r.error_status == 431);
    // Still incomplete and below the limit: wait.
    CHECK(ParseRequest(absl::string_view(big).substr(0, 4000), 4096).kind == Kind::kNeedMore);
    // A head exactly at the limit passes; one byte more does not.
    std::string exact = "GET / HTTP/1.1\r\nX: ";
    exact += std::string(100 - exact.size() - 4, 'b') + "\r\n\r\n";
    REQUIRE(exact.size() == 100);
    CHECK(ParseRequest(exact, 100).kind == Kind::kComplete);
    CHECK(ParseRequest(exact, 99).error_status == 431);
    CHECK(ParseRequest(std::string(4096, 'x'), 4096).error_status == 431);
  }

  TEST_CASE("garbage and bad methods are 400, other versions 505") {
    const Bad cases[] = {
        {"binary", Bytes("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n"), 400},
        {"tls hello line", "\x16\x03\x01 / HTTP/1.1\r\n\r\n", 400},
        {"one word", "GARBAGE\r\n\r\n", 400},
        {"two words", "GET /\r\n\r\n", 400},
        {"four words", "GET / HTTP/1.1 extra\r\n\r\n", 400},
        {"double space", "GET  / HTTP/1.1\r\n\r\n", 400},
        {"method with slash", "GE/T / HTTP/1.1\r\n\r\n", 400},
        {"method with colon", "GET: / HTTP/1.1\r\n\r\n", 400},
        {"lower-case version", "GET / http/1.1\r\n\r\n", 400},
        {"no slash", "GET healthz HTTP/1.1\r\n\r\n", 400},
        {"control in target", "GET /a\x01 HTTP/1.1\r\n\r\n", 400},
        {"bare CR", "GET / HTTP/1.1\rX: y\r\n\r\n", 400},
        {"header without colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
        {"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        {"folded header", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400},
        {"empty header name", "GET / HTTP/1.1\r\n: x\r\n\r\n", 400},
        {"NUL in value", Bytes("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"), 400},
        {"HTTP/2", "GET / HTTP/2.0\r\n\r\n", 505},
        {"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505},
    };
    for (const Bad& c : cases) {
      CAPTURE(c.name);
      const ParseResult r = ParseRequest(c.data, 4096);
      CHECK(r.kind == Kind::kError);
      CHECK(r.error_status == c.status);
      CHECK_FALSE(r.why.empty());
    }
  }
}

}  // namespace
}  // namespace berth::health
