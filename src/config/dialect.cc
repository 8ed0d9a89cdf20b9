// SPDX-License-Identifier: MIT
#include "config/dialect.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "berth/config/version.h"

namespace berth::config {
namespace {

constexpr absl::string_view kCatatonitUsage =
    "usage: catatonit [-ghLPV] [--] <progname> [<arguments>...]\n";

std::string BerthWording(UsageProblem problem, absl::string_view option) {
  switch (problem) {
    case UsageProblem::kUnknownOption: return absl::StrCat("unknown option '", option, "'");
    case UsageProblem::kMissingValue: return absl::StrCat("option '", option, "' needs a value");
    case UsageProblem::kValueNotAllowed: return absl::StrCat("option '", option, "' takes no value");
    case UsageProblem::kNoProgram: break;
  }
  return "no program given";
}

// The lines glibc's getopt_long(3) prints, which is what both peers show for a bad option.
std::string GetoptWording(absl::string_view name, UsageProblem problem, absl::string_view option) {
  const bool is_long = option.size() > 2 && option[1] == '-';
  absl::string_view letter = option.substr(1, 1);
  switch (problem) {
    case UsageProblem::kUnknownOption:
      return is_long ? absl::StrCat(name, ": unrecognized option '", option, "'\n")
                     : absl::StrCat(name, ": invalid option -- '", letter, "'\n");
    case UsageProblem::kMissingValue:
      return is_long ? absl::StrCat(name, ": option '", option, "' requires an argument\n")
                     : absl::StrCat(name, ": option requires an argument -- '", letter, "'\n");
    case UsageProblem::kValueNotAllowed:
      return absl::StrCat(name, ": option '", option, "' doesn't allow an argument\n");
    case UsageProblem::kNoProgram: break;
  }
  return "";
}

std::string DumbInitWording(UsageProblem problem, absl::string_view option) {
  if (problem == UsageProblem::kNoProgram) {
    return "Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n";
  }
  return GetoptWording("dumb-init", problem, option);
}

std::string CatatonitWording(UsageProblem problem, absl::string_view option) {
  if (problem == UsageProblem::kNoProgram) {
    // catatonit's error lines carry its pid: "ERROR (catatonit:42): ...".
    return absl::StrCat("ERROR (catatonit:", ::getpid(), "): missing program name\n",
                        kCatatonitUsage);
  }
  return absl::StrCat(GetoptWording("catatonit", problem, option), kCatatonitUsage);
}

}  // namespace

absl::Status UsageError(Personality personality, UsageProblem problem, absl::string_view option) {
  switch (personality) {
    case Personality::kDumbInit:
      return absl::InvalidArgumentError(DumbInitWording(problem, option));
    case Personality::kCatatonit:
      return absl::InvalidArgumentError(CatatonitWording(problem, option));
    case Personality::kBerth:
    case Personality::kTini:
      break;
  }
  return absl::InvalidArgumentError(BerthWording(problem, option));
}

absl::Status DumbInitRewriteError() {
  return absl::InvalidArgumentError(
      "Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and 31.\n"
      "This option can be specified multiple times.\n"
      "Use --help for full usage.\n");
}

std::string PeerHelpText(Personality personality) {
  if (personality == Personality::kDumbInit) {
    return absl::StrCat(
        VersionText(personality),
        "Usage: dumb-init [option] command [[arg] ...]\n"
        "\n"
        "dumb-init is a simple process supervisor that forwards signals to children.\n"
        "It is designed to run as PID1 in minimal container environments.\n"
        "\n"
        "Optional arguments:\n"
        "   -c, --single-child   Run in single-child mode.\n"
        "                        In this mode, signals are only proxied to the\n"
        "                        direct child and not any of its descendants.\n"
        "   -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.\n"
        "                        To ignore (not proxy) a signal, rewrite it to 0.\n"
        "                        This option can be specified multiple times.\n"
        "   -v, --verbose        Print debugging information to stderr.\n"
        "   -h, --help           Print this help message and exit.\n"
        "   -V, --version        Print the current version and exit.\n"
        "\n"
        "Full help is available online at https://github.com/Yelp/dumb-init\n");
  }
  if (personality == Personality::kCatatonit) {
    return absl::StrCat(
        kCatatonitUsage,
        "\n"
        "options:\n"
        "  -g              Forward signals to pid1's process group.\n"
        "  -h              Print this help page.\n"
        "  -L              Print license information.\n"
        "  -P              Run in pause mode (no program is run and quit on SIGINT).\n"
        "  -V, --version   Print version information.\n"
        "\n"
        "This is berth ", Version(), " answering to the name catatonit; run it as berth for its "
        "own options.\n");
  }
  return "";
}

}  // namespace berth::config
