// SPDX-License-Identifier: MIT
// config: turns argv and the environment into Options through one table of options; it prints
// nothing and never exits (Main does both).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"
#include "berth/config/options.h"

namespace berth::config {

using Environment = std::map<std::string, std::string, std::less<>>;

// What one run of berth is asked to do: run a program, or print a text and exit.
struct Invocation {
  enum class Kind { kRun, kPrint };
  Kind kind = Kind::kRun;
  std::string text;         // kPrint: written as is
  bool to_stderr = false;   // kPrint: on stderr (dumb-init's help and version, catatonit's help)
  Options options;   // kRun
};

// The personality the basename of argv[0] selects: tini, tini-static and docker-init are tini;
// dumb-init; catatonit; anything else is berth.
Personality PersonalityFromArgv0(absl::string_view argv0);

// Parses `args` (argv without argv[0]) and `env`. Options stop at the first non-option or "--".
// Errors are InvalidArgument with a one-line message; UsageExitCode() gives their exit code.
base::Result<Invocation> Parse(Personality personality, const std::vector<absl::string_view>& args,
                               const Environment& env);

// The --log-format that `args` ask for, read past any error in them: Main logs a usage error in
// that format.
log::Format RequestedLogFormat(Personality personality, const std::vector<absl::string_view>& args);

// What Main prints for a usage error from Parse: "berth: MESSAGE (see berth --help)" for berth
// and tini, the peer's own complete text for dumb-init and catatonit.
std::string UsageErrorText(Personality personality, const base::Error& error);

// The exit code for a usage error: 2 for berth, 1 for tini, dumb-init and catatonit (as they do).
int UsageExitCode(Personality personality);

// The name berth logs under and prints in usage lines for a personality.
absl::string_view PersonalityName(Personality personality);

// The full --help text for a personality.
std::string HelpText(Personality personality);

}  // namespace berth::config
