// SPDX-License-Identifier: MIT
// config (private): the peers' own words for usage errors and help, so scripts that read what
// dumb-init or catatonit print keep working when berth answers to their names. Pure text.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"
#include "berth/config/options.h"
#include "berth/options/table.h"

namespace berth::config {

// An InvalidArgument status whose message is berth's one-line wording (berth, tini; Main adds the
// name and a pointer to --help) or the peer's complete text, newline included (dumb-init,
// catatonit; printed as is). `option` is as written: "-x" or "--name".
base::Failure UsageError(Personality personality, options::Problem problem,
                         absl::string_view option);

// The same for a command line without a program to run.
base::Failure NoProgramError(Personality personality);

// dumb-init's complaint about a bad -r value (it accepts only numbers 1..31, 0 to drop).
base::Failure DumbInitRewriteError();

// The help screen dumb-init or catatonit prints; empty for berth and tini (generated instead).
std::string PeerHelpText(Personality personality);

}  // namespace berth::config
