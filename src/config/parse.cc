// SPDX-License-Identifier: MIT
#include "berth/config/parse.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "berth/base/status.h"
#include "berth/config/version.h"
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

absl::Status Unknown(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("unknown option '", what, "'"));
}

absl::Status MissingValue(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("option '", what, "' needs a value"));
}

// Reads "--name" or "--name=value" at args[*i]; may consume args[*i + 1] as the value.
absl::StatusOr<Found> ReadLong(const std::vector<absl::string_view>& args, size_t* i,
                               unsigned who) {
  absl::string_view body = args[*i].substr(2);
  size_t eq = body.find('=');
  absl::string_view name = body.substr(0, eq);
  const OptionSpec* spec = FindLong(name, who);
  if (spec == nullptr) return Unknown(absl::StrCat("--", name));
  if (spec->arg_name.empty()) {
    if (eq != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("option '--", name, "' takes no value"));
    }
    return Found{spec, ""};
  }
  if (eq != absl::string_view::npos) return Found{spec, body.substr(eq + 1)};
  if (*i + 1 >= args.size()) return MissingValue(absl::StrCat("--", name));
  return Found{spec, args[++*i]};
}

// Reads a cluster of short options ("-vvg", "-e3", "-e 3") at args[*i].
absl::StatusOr<std::vector<Found>> ReadShort(const std::vector<absl::string_view>& args, size_t* i,
                                             unsigned who) {
  std::vector<Found> found;
  absl::string_view cluster = args[*i];
  for (size_t j = 1; j < cluster.size(); ++j) {
    const OptionSpec* spec = FindShort(cluster[j], who);
    if (spec == nullptr) return Unknown(absl::StrCat("-", cluster.substr(j, 1)));
    if (spec->arg_name.empty()) {
      found.push_back({spec, ""});
      continue;
    }
    if (j + 1 < cluster.size()) {
      found.push_back({spec, cluster.substr(j + 1)});
    } else if (*i + 1 < args.size()) {
      found.push_back({spec, args[++*i]});
    } else {
      return MissingValue(absl::StrCat("-", cluster.substr(j, 1)));
    }
    break;
  }
  return found;
}

void ApplyDefaults(Options& o) {
  if (o.personality == Personality::kDumbInit) {
    o.target = SignalTarget::kProcessGroup;
    o.setsid = true;
  }
  // The peers exit with their child; only berth tears down the leftovers by default.
  o.teardown = o.personality == Personality::kBerth;
}

absl::Status ApplyEnv(Options& o, const Environment& env) {
  for (const EnvSpec& spec : EnvTable()) {
    if (!(spec.who & WhoBit(o.personality))) continue;
    auto it = env.find(spec.name);
    if (it == env.end()) continue;
    absl::Status status = spec.apply(o, it->second);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(const Options& o) {
  if (o.pause && !o.command.empty()) {
    return absl::InvalidArgumentError("--pause runs no program, but one was given");
  }
  if (!o.pause && o.command.empty()) return absl::InvalidArgumentError("no program given");
  if (!o.pause && o.command.front().empty()) {
    return absl::InvalidArgumentError("the program name is empty");
  }
  if (o.grace && o.drain >= *o.grace) {
    return absl::InvalidArgumentError(
        absl::StrCat("--drain (", absl::FormatDuration(o.drain), ") must be shorter than --grace (",
                     absl::FormatDuration(*o.grace), ")"));
  }
  return absl::OkStatus();
}

Invocation Print(std::string text) {
  Invocation inv;
  inv.kind = Invocation::Kind::kPrint;
  inv.text = std::move(text);
  return inv;
}

std::string ActionText(Action action, Personality personality) {
  switch (action) {
    case Action::kHelp: return HelpText(personality);
    case Action::kVersion: return VersionText(personality);
    case Action::kLicense: return std::string(LicenseText());
    case Action::kNone: break;
  }
  return "";
}

// Reads the options at args[*i]; a non-empty text means "print it and stop".
absl::StatusOr<std::vector<Found>> ReadOne(const std::vector<absl::string_view>& args, size_t* i,
                                           unsigned who) {
  if (absl::StartsWith(args[*i], "--")) {
    BERTH_ASSIGN_OR_RETURN(Found f, ReadLong(args, i, who));
    return std::vector<Found>{f};
  }
  return ReadShort(args, i, who);
}

}  // namespace

absl::StatusOr<Invocation> Parse(Personality personality, const std::vector<absl::string_view>& args,
                                 const Environment& env) {
  Invocation inv;
  Options& o = inv.options;
  o.personality = personality;
  ApplyDefaults(o);
  BERTH_RETURN_IF_ERROR(ApplyEnv(o, env));
  const unsigned who = WhoBit(personality);
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i] == "--") {
      ++i;
      break;
    }
    if (args[i].size() < 2 || args[i][0] != '-') break;
    BERTH_ASSIGN_OR_RETURN(std::vector<Found> found, ReadOne(args, &i, who));
    for (const Found& f : found) {
      if (f.spec->action != Action::kNone) return Print(ActionText(f.spec->action, personality));
      BERTH_RETURN_IF_ERROR(f.spec->apply(o, f.value));
    }
  }
  for (; i < args.size(); ++i) o.command.emplace_back(args[i]);
  BERTH_RETURN_IF_ERROR(Validate(o));
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
