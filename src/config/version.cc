// SPDX-License-Identifier: MIT
#include "berth/config/version.h"

#include "berth/base/text.h"
#include "berth_commit.h"

namespace berth::config {

absl::string_view Version() { return BERTH_VERSION; }
absl::string_view Commit() { return BERTH_COMMIT; }

// Under a peer's name berth gives the version of that peer whose behaviour it reproduces (what
// scripts, `docker info` and the peers' own test suites compare against); the build is still
// named by the commit where the format has room for one.
constexpr absl::string_view kTiniVersion = "0.19.0";
constexpr absl::string_view kCatatonitVersion = "0.1.7";
constexpr absl::string_view kDumbInitVersion = "1.2.5";

std::string VersionText(Personality personality) {
  switch (personality) {
    case Personality::kTini:
      return base::Cat("tini version ", kTiniVersion, " - git.", Commit(), "\n");
    case Personality::kCatatonit:
      // catatonit prints tini's format too, so `docker info` accepts it as an init.
      return base::Cat("tini version ", kCatatonitVersion, "_catatonit\n");
    case Personality::kDumbInit:
      return base::Cat("dumb-init v", kDumbInitVersion, "\n");
    case Personality::kBerth:
      break;
  }
  return base::Cat("berth ", Version(), " (git ", Commit(), ")\n");
}

absl::string_view LicenseText() {
  return R"(MIT License

Copyright (c) 2026 The berth authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
)";
}

}  // namespace berth::config
