// SPDX-License-Identifier: MIT
// config: the version strings each personality prints; the version comes from meson alone.
#pragma once

#include <string>
#include "absl/strings/string_view.h"

#include "berth/config/options.h"

namespace berth::config {

// berth's version ("0.1.0") and the commit it was built from ("a1b2c3d", or "unknown").
absl::string_view Version();
absl::string_view Commit();

// The --version line: "berth 0.1.0 (git a1b2c3d)"; under a peer's name, the peer's format and
// the version of it berth matches: "tini version 0.19.0 - git.a1b2c3d" (which `docker info`
// parses), catatonit's "tini version 0.1.7_catatonit", dumb-init's "dumb-init v1.2.5".
std::string VersionText(Personality personality);

// The license text printed by tini's -l and catatonit's -L.
absl::string_view LicenseText();

}  // namespace berth::config
