// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "berth/health/status_list.h"

namespace berth::health {
namespace {

TEST_SUITE("health") {
  TEST_CASE("the default list is Kubernetes' 200-399") {
    const StatusList d = StatusList::Default();
    CHECK_FALSE(d.Contains(199));
    CHECK(d.Contains(200));
    CHECK(d.Contains(302));
    CHECK(d.Contains(399));
    CHECK_FALSE(d.Contains(400));
    CHECK_FALSE(d.Contains(500));
    CHECK_FALSE(d.Contains(-1));
    CHECK_FALSE(d.Contains(100000));
  }

  TEST_CASE("status lists: codes and ranges") {
    struct Case {
      const char* text;
      std::vector<int> in;
      std::vector<int> out;
    };
    const Case cases[] = {
        {"200", {200}, {199, 201, 204}},
        {"200-299,401", {200, 250, 299, 401}, {300, 400, 402, 500}},
        {" 204 , 500-503 ", {204, 500, 503}, {200, 504}},
        {"100-599", {100, 599}, {99, 600}},
        {"301-301", {301}, {300, 302}},
    };
    for (const Case& c : cases) {
      CAPTURE(c.text);
      base::Result<StatusList> list = StatusList::Parse(c.text);
      REQUIRE(list.has_value());
      for (int code : c.in) CHECK(list->Contains(code));
      for (int code : c.out) CHECK_FALSE(list->Contains(code));
    }
  }

  TEST_CASE("bad status lists name the bad item") {
    for (const char* text : {"", "abc", "20", "2000", "99", "600", "299-200", "200-", "-200",
                             "200,,300", "200-300-400", "200;300", "2OO"}) {
      CAPTURE(text);
      base::Result<StatusList> list = StatusList::Parse(text);
      REQUIRE_FALSE(list.has_value());
      CHECK(base::IsInvalidArgument(list.error()));
      CHECK(std::string(list.error().message()).find("bad status list item") == 0);
    }
  }
}

}  // namespace
}  // namespace berth::health
