// SPDX-License-Identifier: MIT
// --help, generated from the option table so it can never miss an option.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "berth/config/parse.h"
#include "config/option_table.h"

namespace berth::config {
namespace {

constexpr absl::string_view kGroups[] = {"Running", "Signals", "Shutdown", "Health",
                                           "Privileges", "Output"};

std::string Synopsis(const OptionSpec& s) {
  std::string out = s.short_name ? absl::StrCat("-", std::string(1, s.short_name)) : "    ";
  if (s.short_name && !s.long_name.empty()) absl::StrAppend(&out, ", ");
  if (!s.long_name.empty()) absl::StrAppend(&out, "--", s.long_name);
  if (!s.arg_name.empty()) absl::StrAppend(&out, " ", s.arg_name);
  return out;
}

}  // namespace

std::string HelpText(Personality personality) {
  const unsigned who = WhoBit(personality);
  const absl::string_view name = PersonalityName(personality);
  std::string out = absl::StrCat("Usage: ", name, " [OPTIONS] [--] PROGRAM [ARGS...]\n\n",
                                 "Runs PROGRAM as the only child of an init: forwards signals, ",
                                 "reaps zombies, exits with PROGRAM's status.\n");
  if (personality == Personality::kBerth) {
    absl::StrAppend(&out, "\nCommands:\n",
                    "  probe TARGET              check TARGET once, for HEALTHCHECK (berth probe --help)\n",
                    "  check PROGRAM             show how PROGRAM stops under berth (berth check --help)\n");
  }
  for (absl::string_view group : kGroups) {
    std::string section;
    for (const OptionSpec& s : OptionTable()) {
      if (s.group != group || !(s.who & who)) continue;
      std::string syn = Synopsis(s);
      syn.resize(std::max<size_t>(syn.size() + 2, 28), ' ');
      absl::StrAppend(&section, "  ", syn, s.help, "\n");
    }
    if (!section.empty()) absl::StrAppend(&out, "\n", group, ":\n", section);
  }
  std::string env;
  for (const EnvSpec& e : EnvTable()) {
    // berth's help also lists the variables its other names read (their help says which name).
    if (!(e.who & who) && personality != Personality::kBerth) continue;
    std::string n(e.name);
    n.resize(std::max<size_t>(n.size() + 2, 28), ' ');
    absl::StrAppend(&env, "  ", n, e.help, "\n");
  }
  if (!env.empty()) absl::StrAppend(&out, "\nEnvironment:\n", env);
  absl::StrAppend(&out,
                  "\nExit status: PROGRAM's, or 128+N when a signal N killed it; 126 when "
                  "PROGRAM is not executable, 127 when it is not found; ",
                  UsageExitCode(personality), " for a usage error",
                  personality == Personality::kBerth
                      ? "; 1 when set-up fails; 69 after --on-unhealthy exit.\n"
                      : ".\n");
  return out;
}

}  // namespace berth::config
