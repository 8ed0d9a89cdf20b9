// SPDX-License-Identifier: MIT
#include "berth/config/parse.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "berth/base/status.h"
#include "berth/config/version.h"
#include "config/dialect.h"
#include "config/option_table.h"

namespace berth::config {
namespace {

// One option occurrence found on the command line, before it is applied.
struct Found {
  const OptionSpec* spec;
  absl::string_view value;
};

const OptionSpec* FindShort(char c, unsigned who) {
  for (const OptionSpec& s : OptionTable()) {
    if (s.short_name == c && (s.who & who)) return &s;
  }
  return nullptr;
}

const OptionSpec* FindLong(absl::string_view name, unsigned who) {
  for (const OptionSpec& s : OptionTable()) {
    if (!s.long_name.empty() && s.long_name == name && (s.who & who)) return &s;
  }
  return nullptr;
}

// Reads "--name" or "--name=value" at args[*i]; may consume args[*i + 1] as the value.
absl::StatusOr<Found> ReadLong(const std::vector<absl::string_view>& args, size_t* i,
                               Personality personality) {
  absl::string_view body = args[*i].substr(2);
  size_t eq = body.find('=');
  absl::string_view name = body.substr(0, eq);
  const std::string option = absl::StrCat("--", name);
  const OptionSpec* spec = FindLong(name, WhoBit(personality));
  if (spec == nullptr) return UsageError(personality, UsageProblem::kUnknownOption, option);
  if (spec->arg_name.empty()) {
    if (eq != absl::string_view::npos) {
      return UsageError(personality, UsageProblem::kValueNotAllowed, option);
    }
    return Found{spec, ""};
  }
  if (eq != absl::string_view::npos) return Found{spec, body.substr(eq + 1)};
  if (*i + 1 >= args.size()) return UsageError(personality, UsageProblem::kMissingValue, option);
  return Found{spec, args[++*i]};
}

// Reads a cluster of short options ("-vvg", "-e3", "-e 3") at args[*i].
absl::StatusOr<std::vector<Found>> ReadShort(const std::vector<absl::string_view>& args, size_t* i,
                                             Personality personality) {
  std::vector<Found> found;
  absl::string_view cluster = args[*i];
  for (size_t j = 1; j < cluster.size(); ++j) {
    const std::string option = absl::StrCat("-", cluster.substr(j, 1));
    const OptionSpec* spec = FindShort(cluster[j], WhoBit(personality));
    if (spec == nullptr) return UsageError(personality, UsageProblem::kUnknownOption, option);
    if (spec->arg_name.empty()) {
      found.push_back({spec, ""});
      continue;
    }
    if (j + 1 < cluster.size()) {
      found.push_back({spec, cluster.substr(j + 1)});
    } else if (*i + 1 < args.size()) {
      found.push_back({spec, args[++*i]});
    } else {
      return UsageError(personality, UsageProblem::kMissingValue, option);
    }
    break;
  }
  return found;
}

void ApplyDefaults(Options& o) {
  switch (o.personality) {
    case Personality::kDumbInit:
      // dumb-init: the child leads a session, signals go to its group, berth suspends with it,
      // the group gets SIGTERM when the child exits, and the init leaves its directory.
      o.verbosity = 0;
      o.target = SignalTarget::kProcessGroup;
      o.session = ChildSession::kNewSession;
      o.tty_stop = TtyStop::kForwardAndSuspend;
      o.term_group_on_exit = true;
      o.chdir_root = true;
      break;
    case Personality::kCatatonit:
      // catatonit: quiet, ignores terminal stops, drops its copies of inherited fds.
      o.verbosity = 0;
      o.tty_stop = TtyStop::kIgnore;
      o.close_inherited_fds = true;
      o.chdir_root = true;
      break;
    case Personality::kBerth:
      o.close_inherited_fds = true;
      break;
    case Personality::kTini:
      break;
  }
  // The peers pass QUIT on like any other signal (catatonit -P ends on TERM and INT only); only
  // berth takes it, an image's usual STOPSIGNAL, as a stop.
  if (o.personality != Personality::kBerth) o.stop_signals = {SIGTERM, SIGINT};
  // The peers exit with their child; only berth tears down the leftovers by default.
  o.teardown = o.personality == Personality::kBerth;
}

// dumb-init in setsid mode turns the terminal stops into SIGSTOP for the child's group, unless
// -r says otherwise for that signal; it suspends itself either way.
void ApplyDumbInitRewrites(Options& o) {
  if (o.session != ChildSession::kNewSession) return;
  for (int sig : {SIGTSTP, SIGTTOU, SIGTTIN}) {
    if (!o.map.Has(sig)) o.map.Set(sig, SIGSTOP);
  }
}

// tini reads TINI_VERBOSITY after its flags (it wins over -v) with atoi(3): "abc" is 0.
constexpr absl::string_view kTiniVerbosity = "TINI_VERBOSITY";

void ApplyTiniVerbosity(Options& o, const Environment& env) {
  auto it = env.find(kTiniVerbosity);
  if (it == env.end()) return;
  o.verbosity = std::max(0, std::atoi(std::string(it->second).c_str()));
}

absl::Status ApplyEnv(Options& o, const Environment& env) {
  for (const EnvSpec& spec : EnvTable()) {
    if (!(spec.who & WhoBit(o.personality))) continue;
    if (o.personality == Personality::kTini && spec.name == kTiniVerbosity) continue;
    auto it = env.find(spec.name);
    if (it == env.end()) continue;
    absl::Status status = spec.apply(o, it->second);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(Options& o) {
  // catatonit -P runs nothing whatever follows; berth says so instead.
  if (o.pause && o.personality == Personality::kCatatonit) o.command.clear();
  if (o.pause && !o.command.empty()) {
    return absl::InvalidArgumentError("--pause runs no program, but one was given");
  }
  if (o.pause) o.chdir_root = true;  // catatonit 0.2.1: a pause container pins no directory
  // With --config the services come from the file; a PROGRAM is then optional.
  if (!o.pause && o.command.empty() && o.config_file.empty()) {
    return UsageError(o.personality, UsageProblem::kNoProgram, "");
  }
  if (!o.pause && !o.command.empty() && o.command.front().empty()) {
    return absl::InvalidArgumentError("the program name is empty");
  }
  if (o.grace && o.drain >= *o.grace) {
    return absl::InvalidArgumentError(
        absl::StrCat("--drain (", absl::FormatDuration(o.drain), ") must be shorter than --grace (",
                     absl::FormatDuration(*o.grace), ")"));
  }
  return absl::OkStatus();
}

Invocation Print(std::string text, bool to_stderr) {
  Invocation inv;
  inv.kind = Invocation::Kind::kPrint;
  inv.text = std::move(text);
  inv.to_stderr = to_stderr;
  return inv;
}

// dumb-init writes its help and version to stderr, catatonit its help; the rest use stdout.
bool PrintsToStderr(Action action, Personality personality) {
  if (personality == Personality::kDumbInit) return true;
  return personality == Personality::kCatatonit && action == Action::kHelp;
}

std::string ActionText(Action action, Personality personality) {
  switch (action) {
    case Action::kHelp:
      if (std::string peer = PeerHelpText(personality); !peer.empty()) return peer;
      return HelpText(personality);
    case Action::kVersion: return VersionText(personality);
    case Action::kLicense: return std::string(LicenseText());
    case Action::kNone: break;
  }
  return "";
}

// Reads the options at args[*i]; a non-empty text means "print it and stop".
absl::StatusOr<std::vector<Found>> ReadOne(const std::vector<absl::string_view>& args, size_t* i,
                                           Personality personality) {
  if (absl::StartsWith(args[*i], "--")) {
    BERTH_ASSIGN_OR_RETURN(Found f, ReadLong(args, i, personality));
    return std::vector<Found>{f};
  }
  return ReadShort(args, i, personality);
}

}  // namespace

absl::StatusOr<Invocation> Parse(Personality personality, const std::vector<absl::string_view>& args,
                                 const Environment& env) {
  Invocation inv;
  Options& o = inv.options;
  o.personality = personality;
  ApplyDefaults(o);
  BERTH_RETURN_IF_ERROR(ApplyEnv(o, env));
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i] == "--") {
      ++i;
      break;
    }
    if (args[i].size() < 2 || args[i][0] != '-') break;
    BERTH_ASSIGN_OR_RETURN(std::vector<Found> found, ReadOne(args, &i, personality));
    for (const Found& f : found) {
      if (f.spec->action != Action::kNone) {
        return Print(ActionText(f.spec->action, personality),
                     PrintsToStderr(f.spec->action, personality));
      }
      BERTH_RETURN_IF_ERROR(f.spec->apply(o, f.value));
    }
  }
  for (; i < args.size(); ++i) o.command.emplace_back(args[i]);
  if (personality == Personality::kTini) ApplyTiniVerbosity(o, env);
  BERTH_RETURN_IF_ERROR(Validate(o));
  if (personality == Personality::kDumbInit) ApplyDumbInitRewrites(o);
  return inv;
}

Personality PersonalityFromArgv0(absl::string_view argv0) {
  size_t slash = argv0.rfind('/');
  absl::string_view base = slash == absl::string_view::npos ? argv0 : argv0.substr(slash + 1);
  if (base == "tini" || base == "tini-static" || base == "docker-init") return Personality::kTini;
  if (base == "dumb-init") return Personality::kDumbInit;
  if (base == "catatonit") return Personality::kCatatonit;
  return Personality::kBerth;
}

std::string UsageErrorText(Personality personality, const absl::Status& error) {
  if (personality == Personality::kDumbInit || personality == Personality::kCatatonit) {
    return std::string(error.message());
  }
  const absl::string_view name = PersonalityName(personality);
  return absl::StrCat(name, ": ", error.message(), " (see ", name, " --help)\n");
}

int UsageExitCode(Personality personality) {
  return personality == Personality::kBerth ? 2 : 1;
}

absl::string_view PersonalityName(Personality personality) {
  switch (personality) {
    case Personality::kTini: return "tini";
    case Personality::kDumbInit: return "dumb-init";
    case Personality::kCatatonit: return "catatonit";
    case Personality::kBerth: break;
  }
  return "berth";
}

}  // namespace berth::config
