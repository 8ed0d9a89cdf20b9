// SPDX-License-Identifier: MIT
#include "config/dialect.h"

#include <unistd.h>

#include "berth/base/text.h"
#include "berth/config/version.h"

namespace berth::config {
namespace {

constexpr absl::string_view kCatatonitUsage =
    "usage: catatonit [-ghLPV] [--] <progname> [<arguments>...]\n";

// The lines glibc's getopt_long(3) prints, which is what both peers show for a bad option.
std::string GetoptWording(absl::string_view name, options::Problem problem,
                          absl::string_view option) {
  const bool is_long = option.size() > 2 && option[1] == '-';
  absl::string_view letter = option.substr(1, 1);
  switch (problem) {
    case options::Problem::kUnknownOption:
      return is_long ? base::Cat(name, ": unrecognized option '", option, "'\n")
                     : base::Cat(name, ": invalid option -- '", letter, "'\n");
    case options::Problem::kMissingValue:
      return is_long ? base::Cat(name, ": option '", option, "' requires an argument\n")
                     : base::Cat(name, ": option requires an argument -- '", letter, "'\n");
    case options::Problem::kValueNotAllowed:
      break;
  }
  return base::Cat(name, ": option '", option, "' doesn't allow an argument\n");
}

}  // namespace

base::Failure UsageError(Personality personality, options::Problem problem,
                         absl::string_view option) {
  switch (personality) {
    case Personality::kDumbInit:
      return base::InvalidArgumentError(GetoptWording("dumb-init", problem, option));
    case Personality::kCatatonit:
      return base::InvalidArgumentError(
          base::Cat(GetoptWording("catatonit", problem, option), kCatatonitUsage));
    case Personality::kBerth:
    case Personality::kTini:
      break;
  }
  return options::BerthWording(problem, option);
}

base::Failure NoProgramError(Personality personality) {
  switch (personality) {
    case Personality::kDumbInit:
      return base::InvalidArgumentError(
          "Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n");
    case Personality::kCatatonit:
      // catatonit's error lines carry its pid: "ERROR (catatonit:42): ...".
      return base::InvalidArgumentError(
          base::Cat("ERROR (catatonit:", ::getpid(), "): missing program name\n", kCatatonitUsage));
    case Personality::kBerth:
    case Personality::kTini:
      break;
  }
  return base::InvalidArgumentError("no program given");
}

base::Failure DumbInitRewriteError() {
  return base::InvalidArgumentError(
      "Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and 31.\n"
      "This option can be specified multiple times.\n"
      "Use --help for full usage.\n");
}

std::string PeerHelpText(Personality personality) {
  if (personality == Personality::kDumbInit) {
    return base::Cat(
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
    return base::Cat(kCatatonitUsage,
                     "\n"
                     "options:\n"
                     "  -g              Forward signals to pid1's process group.\n"
                     "  -h              Print this help page.\n"
                     "  -L              Print license information.\n"
                     "  -P              Run in pause mode (no program is run and quit on SIGINT).\n"
                     "  -V, --version   Print version information.\n"
                     "\n"
                     "This is berth ",
                     Version(),
                     " answering to the name catatonit; run it as berth for its "
                     "own options.\n");
  }
  return "";
}

}  // namespace berth::config
