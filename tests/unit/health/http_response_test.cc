// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>

#include "berth/health/http_response.h"

namespace berth::health {
namespace {

std::string Format(const Response& r, size_t capacity = 1024) {
  std::string out(capacity, '\0');
  out.resize(FormatResponse(r, out.data(), out.size()));
  return out;
}

TEST_SUITE("health") {
  TEST_CASE("responses") {
    CHECK(Format({200, "{\"status\":\"ok\"}\n", false, true, false}) ==
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n"
          "Cache-Control: no-store\r\n\r\n{\"status\":\"ok\"}\n");
    // HEAD: the length of the body GET would have sent, and no body.
    CHECK(Format({503, "{}", true, false, false}) ==
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
          "Content-Length: 2\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
    const std::string not_allowed = Format({405, "{}", false, true, true});
    CHECK(not_allowed.find("HTTP/1.1 405 Method Not Allowed\r\n") == 0);
    CHECK(not_allowed.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);
  }

  TEST_CASE("a response that does not fit writes nothing") {
    CHECK(Format({200, std::string(100, 'x'), false, true, false}, 64).empty());
    CHECK_FALSE(Format({200, std::string(100, 'x'), true, true, false}, 200).empty());
  }

  TEST_CASE("status lines") {
    struct Case {
      std::string data;
      int code;  // 0: none
      bool need_more;
    };
    const Case cases[] = {
        {"HTTP/1.1 200 OK\r\n", 200, false},
        {"HTTP/1.0 503 Service Unavailable\r\nX: y\r\n", 503, false},
        {"HTTP/1.1 204\r\n", 204, false},
        {"HTTP/1.1 404\n", 404, false},
        {"HTTP/1.1 200 O", 0, true},
        {"", 0, true},
        {"HTTP/1.1 2000 OK\r\n", 0, false},
        {"HTTP/1.1 20 OK\r\n", 0, false},
        {"HTTP/2 200\r\n", 0, false},
        {"SSH-2.0-OpenSSH_9.2\r\n", 0, false},
        {std::string(2000, 'x'), 0, false},
    };
    for (const Case& c : cases) {
      CAPTURE(c.data);
      const StatusLine s = ParseStatusLine(c.data);
      CHECK(s.code.value_or(0) == c.code);
      CHECK(s.need_more == c.need_more);
    }
  }
}

}  // namespace
}  // namespace berth::health
