// SPDX-License-Identifier: MIT
// --help, generated from the option table so it can never miss an option.
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/config/parse.h"
#include "berth/options/table.h"
#include "config/option_table.h"

namespace berth::config {
namespace {

constexpr absl::string_view kGroups[] = {"Running", "Signals", "Shutdown", "Health",
                                           "Privileges", "Output"};

}  // namespace

std::string HelpText(Personality personality) {
  const unsigned who = WhoBit(personality);
  const absl::string_view name = PersonalityName(personality);
  std::string out = base::Cat("Usage: ", name, " [OPTIONS] [--] PROGRAM [ARGS...]\n\n",
                              "Runs PROGRAM as the only child of an init: forwards signals, ",
                              "reaps zombies, exits with PROGRAM's status.\n");
  if (personality == Personality::kBerth) {
    base::Append(&out, "\nCommands:\n",
                 options::HelpLine("probe TARGET",
                                   "check TARGET once, for HEALTHCHECK (berth probe --help)"),
                 options::HelpLine("check PROGRAM",
                                   "show how PROGRAM stops under berth (berth check --help)"));
  }
  base::Append(&out, options::Table(OptionTable(), who).Help(kGroups));
  std::string env;
  for (const EnvSpec& e : EnvTable()) {
    // berth's help also lists the variables its other names read (their help says which name).
    if ((e.who & who) || personality == Personality::kBerth) {
      base::Append(&env, options::HelpLine(e.name, e.help));
    }
  }
  if (!env.empty()) base::Append(&out, "\nEnvironment:\n", env);
  base::Append(&out, "\nExit status: PROGRAM's, or ", exit_codes::kSignalBase,
               "+N when a signal N killed it; ", exit_codes::kCannotExecute,
               " when PROGRAM is not executable, ", exit_codes::kNotFound,
               " when it is not found; ", UsageExitCode(personality), " for a usage error");
  if (personality == Personality::kBerth) {
    base::Append(&out, "; ", exit_codes::kSetupFailure, " when set-up fails; ",
                 exit_codes::kUnhealthy, " after --on-unhealthy exit");
  }
  base::Append(&out, ".\n");
  return out;
}

}  // namespace berth::config
