// SPDX-License-Identifier: MIT
#include "berth/config/parse.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/config/version.h"
#include "berth/options/table.h"
#include "config/dialect.h"
#include "config/option_table.h"

namespace berth::config {
namespace {

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

base::Status ApplyEnv(Options& o, const Environment& env) {
  for (const EnvSpec& spec : EnvTable()) {
    if (!(spec.who & WhoBit(o.personality))) continue;
    if (o.personality == Personality::kTini && spec.name == kTiniVerbosity) continue;
    auto it = env.find(spec.name);
    if (it == env.end()) continue;
    base::Status status = spec.apply(o, it->second);
    if (!status.has_value()) {
      return base::InvalidArgumentError(base::Cat(spec.name, ": ", status.error().message()));
    }
  }
  return base::OkStatus();
}

base::Status Validate(Options& o) {
  // catatonit -P runs nothing whatever follows; berth says so instead.
  if (o.pause && o.personality == Personality::kCatatonit) o.command.clear();
  if (o.pause && !o.command.empty()) {
    return base::InvalidArgumentError("--pause runs no program, but one was given");
  }
  if (o.pause) o.chdir_root = true;  // catatonit 0.2.1: a pause container pins no directory
  // With --config the services come from the file; a PROGRAM is then optional.
  if (!o.pause && o.command.empty() && o.config_file.empty()) {
    return NoProgramError(o.personality);
  }
  if (!o.pause && !o.command.empty() && o.command.front().empty()) {
    return base::InvalidArgumentError("the program name is empty");
  }
  if (o.grace && *o.grace == absl::ZeroDuration()) {
    return base::InvalidArgumentError(
        "--grace 0 leaves the app no time to stop: give it more than 0, or leave --grace out to "
        "wait as long as the child takes");
  }
  if (o.grace && o.drain >= *o.grace) {
    return base::InvalidArgumentError(base::Cat("--drain (", absl::FormatDuration(o.drain),
                                                ") must be shorter than --grace (",
                                                absl::FormatDuration(*o.grace), ")"));
  }
  return base::OkStatus();
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

}  // namespace

base::Result<Invocation> Parse(Personality personality, const std::vector<absl::string_view>& args,
                               const Environment& env) {
  Invocation inv;
  Options& o = inv.options;
  o.personality = personality;
  ApplyDefaults(o);
  BERTH_RETURN_IF_ERROR(ApplyEnv(o, env));
  BERTH_ASSIGN_OR_RETURN(
      options::Parsed parsed,
      options::Apply(OptionTable(), args, o, options::Operands::kAfterOptions, WhoBit(personality),
                     [personality](options::Problem problem, absl::string_view option) {
                       return UsageError(personality, problem, option);
                     }));
  if (parsed.stop != nullptr) {
    const Action action = static_cast<const OptionSpec*>(parsed.stop)->action;
    return Print(ActionText(action, personality), PrintsToStderr(action, personality));
  }
  for (absl::string_view arg : parsed.operands) o.command.emplace_back(arg);
  if (personality == Personality::kTini) ApplyTiniVerbosity(o, env);
  BERTH_RETURN_IF_ERROR(Validate(o));
  if (personality == Personality::kDumbInit) ApplyDumbInitRewrites(o);
  return inv;
}

log::Format RequestedLogFormat(Personality personality,
                               const std::vector<absl::string_view>& args) {
  // Read past every error, so a log collector that expects JSON gets `--bogus`'s error as JSON.
  Options o;
  o.personality = personality;
  const options::Table table(OptionTable(), WhoBit(personality));
  options::Reader reader(table, args);
  for (;;) {
    base::Result<options::Found> f = reader.Next();
    if (f.has_value() && f->entry == nullptr) return o.log_format;
    const auto* row = f.has_value() ? static_cast<const OptionSpec*>(f->entry->row) : nullptr;
    if (row != nullptr && row->apply != nullptr) (void)row->apply(o, f->value);
  }
}

Personality PersonalityFromArgv0(absl::string_view argv0) {
  size_t slash = argv0.rfind('/');
  absl::string_view base = slash == absl::string_view::npos ? argv0 : argv0.substr(slash + 1);
  if (base == "tini" || base == "tini-static" || base == "docker-init") return Personality::kTini;
  if (base == "dumb-init") return Personality::kDumbInit;
  // Podman mounts its init_path (catatonit by default) at /run/podman-init.
  if (base == "catatonit" || base == "podman-init") return Personality::kCatatonit;
  return Personality::kBerth;
}

std::string UsageErrorText(Personality personality, const base::Error& error) {
  if (personality == Personality::kDumbInit || personality == Personality::kCatatonit) {
    return std::string(error.message());
  }
  const absl::string_view name = PersonalityName(personality);
  return base::Cat(name, ": ", error.message(), " (see ", name, " --help)\n");
}

int UsageExitCode(Personality personality) {
  return personality == Personality::kBerth ? exit_codes::kUsage : exit_codes::kPeerUsage;
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
