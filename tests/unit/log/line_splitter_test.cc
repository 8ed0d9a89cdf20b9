// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "berth/log/line_splitter.h"

namespace berth::log {
namespace {

std::vector<std::string> Split(std::vector<std::string> chunks, size_t max_line = 16) {
  LineSplitter s(max_line);
  std::vector<std::string> lines;
  auto emit = [&](absl::string_view l) { lines.emplace_back(l); };
  for (const std::string& c : chunks) s.Feed(c, emit);
  s.Flush(emit);
  return lines;
}

TEST_SUITE("log") {
  TEST_CASE("lines come out whole however the bytes arrive") {
    using V = std::vector<std::string>;
    CHECK(Split({"a\nb\n"}) == V{"a", "b"});
    CHECK(Split({"he", "llo\nwor", "ld\n"}) == V{"hello", "world"});
    CHECK(Split({"\n\n"}) == V{"", ""});
    CHECK(Split({"tail"}) == V{"tail"});
    CHECK(Split({"x\n", "", "y"}) == V{"x", "y"});
  }

  TEST_CASE("an overlong line is cut into bounded pieces") {
    using V = std::vector<std::string>;
    CHECK(Split({"0123456789abcdefXYZ\n"}, 16) == V{"0123456789abcdef", "XYZ"});
    CHECK(Split({"01234567", "89abcdefXY\n"}, 16) == V{"0123456789abcdef", "XY"});
    CHECK(Split({"0123456789abcdef\n"}, 16) == V{"0123456789abcdef"});
    CHECK(Split({"0123456789abcdef", "gh\n"}, 16) == V{"0123456789abcdef", "gh"});
  }
}

}  // namespace
}  // namespace berth::log
