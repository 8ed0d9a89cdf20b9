// SPDX-License-Identifier: MIT
#include "config/option_table.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/config/duration.h"
#include "config/dialect.h"

namespace berth::config {
namespace {

using base::Status;

base::Failure Invalid(absl::string_view what, absl::string_view arg) {
  return base::InvalidArgumentError(base::Cat(what, ": '", arg, "'"));
}

// The setters that only store their argument (or a constant) in one field.
template <auto Field>
Status SetText(Options& o, absl::string_view arg) {
  o.*Field = std::string(arg);
  return base::OkStatus();
}

template <auto Field>
Status SetDuration(Options& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(o.*Field, ParseDuration(arg));
  return base::OkStatus();
}

template <auto Field, auto Value>
Status Assign(Options& o, absl::string_view) {
  o.*Field = Value;
  return base::OkStatus();
}

template <auto Field>
Status Append(Options& o, absl::string_view arg) {
  (o.*Field).emplace_back(arg);
  return base::OkStatus();
}

Status SetVerbose(Options& o, absl::string_view) {
  // dumb-init and catatonit have one level of debugging output; dumb-init's has its own words.
  if (o.personality == Personality::kDumbInit) {
    o.dumb_init_debug = true;
  } else {
    o.verbosity = o.personality == Personality::kCatatonit ? 3 : o.verbosity + 1;
  }
  return base::OkStatus();
}

Status SetGroup(Options& o, absl::string_view) {
  o.target = SignalTarget::kProcessGroup;
  return base::OkStatus();
}

Status SetSingleChild(Options& o, absl::string_view) {
  o.target = SignalTarget::kChild;
  // dumb-init's single-child mode is also its no-setsid mode: the child stays in its group.
  if (o.personality == Personality::kDumbInit) o.session = ChildSession::kInherit;
  return base::OkStatus();
}

Status SetParentDeathSignal(Options& o, absl::string_view arg) {
  std::optional<int> sig = signals::ParseSignal(arg);
  if (!sig) return Invalid("not a valid signal for -p", arg);
  o.parent_death_signal = *sig;
  return base::OkStatus();
}

Status AddExitToZero(Options& o, absl::string_view arg) {
  int code;
  if (!base::ParseInt(arg, &code) || code < 0 || code > 255) {
    return Invalid("not a valid exit code for -e (0 to 255)", arg);
  }
  o.exit_to_zero.set(code);
  return base::OkStatus();
}

Status AddMapRules(Options& o, absl::string_view list) {
  if (absl::StripAsciiWhitespace(list).empty()) return Invalid("no rule: want FROM:TO", list);
  for (absl::string_view rule : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    BERTH_ASSIGN_OR_RETURN(signals::MapRule r,
                           signals::ParseMapRule(absl::StripAsciiWhitespace(rule)));
    o.map.Set(r.from, r.to);
  }
  return base::OkStatus();
}

// --file-env DB_PASSWORD,API_KEY: the variables to fill, never a pattern (a bare --file-env
// used to take every *_FILE, SSL_CERT_FILE included).
Status AddFileEnvNames(Options& o, absl::string_view list) {
  for (absl::string_view raw : absl::StrSplit(list, ',')) {
    const absl::string_view name = absl::StripAsciiWhitespace(raw);
    const bool valid = !name.empty() && !absl::ascii_isdigit(name.front()) &&
                       std::all_of(name.begin(), name.end(),
                                   [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
    if (!valid) {
      return Invalid("not a variable name (want e.g. --file-env DB_PASSWORD,API_KEY)", name);
    }
    o.file_env.emplace_back(name);
  }
  return base::OkStatus();
}

// dumb-init's -r: numbers only, FROM 1..31, TO 0..31 (0 drops), nothing else on the line.
Status AddDumbInitRewrite(Options& o, absl::string_view arg) {
  std::vector<absl::string_view> parts = absl::StrSplit(arg, ':');
  int from;
  int to;
  if (parts.size() != 2 || !base::ParseInt(parts[0], &from) || !base::ParseInt(parts[1], &to) ||
      from < 1 || from > 31 || to < 0 || to > 31) {
    return DumbInitRewriteError();
  }
  o.map.Set(from, to);
  return base::OkStatus();
}

base::Result<int> ParseStopSignal(absl::string_view arg) {
  std::optional<int> sig = signals::ParseSignal(arg);
  if (!sig || !signals::IsForwardable(*sig)) return Invalid("not a valid stop signal", arg);
  return *sig;
}

// The first --stop-signal replaces the set (the default or BERTH_STOP_SIGNAL's); later ones add
// to it, so flags win over the environment as everywhere else.
Status AddStopSignal(Options& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(int sig, ParseStopSignal(arg));
  if (!o.stop_signals_set_by_flag) o.stop_signals = {};
  o.stop_signals_set_by_flag = true;
  o.stop_signals.Add(sig);
  return base::OkStatus();
}

// BERTH_STOP_SIGNAL=QUIT,TERM: the whole set, replacing the default.
Status SetStopSignals(Options& o, absl::string_view list) {
  signals::SignalSet set;
  bool any = false;
  for (absl::string_view name : absl::StrSplit(list, ',')) {
    BERTH_ASSIGN_OR_RETURN(int sig, ParseStopSignal(absl::StripAsciiWhitespace(name)));
    set.Add(sig);
    any = true;
  }
  if (!any) return Invalid("not a valid stop signal", list);
  o.stop_signals = set;
  return base::OkStatus();
}

Status SetGrace(Options& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(absl::Duration grace, ParseDuration(arg));
  o.grace = grace;
  return base::OkStatus();
}

Status SetLogFormat(Options& o, absl::string_view arg) {
  if (arg == "text") {
    o.log_format = log::Format::kText;
  } else if (arg == "json") {
    o.log_format = log::Format::kJson;
  } else {
    return Invalid("--log-format takes text or json", arg);
  }
  return base::OkStatus();
}

Status SetHealthRetries(Options& o, absl::string_view arg) {
  if (!base::ParseInt(arg, &o.health_retries) || o.health_retries < 1) {
    return Invalid("--health-retries takes a number from 1", arg);
  }
  return base::OkStatus();
}

Status SetOnUnhealthy(Options& o, absl::string_view arg) {
  if (arg != "ignore" && arg != "exit") return Invalid("--on-unhealthy takes ignore or exit", arg);
  o.exit_on_unhealthy = arg == "exit";
  return base::OkStatus();
}

Status SetUser(Options& o, absl::string_view arg) {
  if (arg.empty()) return Invalid("--user needs USER[:GROUP]", arg);
  o.user = std::string(arg);
  return base::OkStatus();
}

Status SetSeccompProfile(Options& o, absl::string_view arg) {
  if (arg.empty()) return Invalid("--seccomp needs a file", arg);
  o.seccomp_profile = std::string(arg);
  return base::OkStatus();
}

Status EnvVerbosity(Options& o, absl::string_view value) {
  int v;
  if (!base::ParseInt(value, &v) || v < 0) return Invalid("bad verbosity", value);
  o.verbosity = v;
  return base::OkStatus();
}

// dumb-init looks for exactly "0"; any other value leaves setsid mode on.
Status EnvSetsid(Options& o, absl::string_view value) {
  if (value == "0") return SetSingleChild(o, value);
  return base::OkStatus();
}

Status EnvDumbInitDebug(Options& o, absl::string_view value) {
  if (value == "1") o.dumb_init_debug = true;
  return base::OkStatus();
}

// catatonit turns debugging on when CATATONIT_DEBUG is set at all.
Status EnvCatatonitDebug(Options& o, absl::string_view) {
  o.verbosity = 3;
  return base::OkStatus();
}

constexpr absl::string_view kRunning = "Running";
constexpr absl::string_view kSignals = "Signals";
constexpr absl::string_view kShutdown = "Shutdown";
constexpr absl::string_view kOutput = "Output";
constexpr absl::string_view kHealth = "Health";
constexpr absl::string_view kPrivileges = "Privileges";

constexpr unsigned kBerthTini = kForBerth | kForTini;
constexpr unsigned kBerthDumb = kForBerth | kForDumbInit;
constexpr unsigned kBerthCata = kForBerth | kForCatatonit;
constexpr unsigned kGroupWho = kForBerth | kForTini | kForCatatonit;

constexpr OptionSpec kOptions[] = {
    {'h', "help", "", kForAll, kOutput, "show this help and exit", Action::kHelp, nullptr},
    {'V', "version", "", kForAll, kOutput, "show the version and exit", Action::kVersion, nullptr},
    {'l', "license", "", kBerthTini, kOutput, "show the license and exit", Action::kLicense,
     nullptr},
    {'L', "", "", kBerthCata, kOutput, "show the license and exit (catatonit's -L)",
     Action::kLicense, nullptr},
    {'v', "verbose", "", kForAll, kOutput, "log more; repeat for more (up to -vvv)", Action::kNone,
     SetVerbose},
    {'\0', "log-format", "FORMAT", kForBerth, kOutput, "log lines as text (default) or json",
     Action::kNone, SetLogFormat},
    {'s', "subreaper", "", kBerthTini, kRunning,
     "register as child subreaper (berth does so by itself when not PID 1)", Action::kNone,
     Assign<&Options::subreaper, true>},
    {'p', "pdeath-signal", "SIGNAL", kBerthTini, kRunning,
     "send SIGNAL to berth when its parent dies, e.g. -p SIGKILL", Action::kNone,
     SetParentDeathSignal},
    {'w', "warn-on-reap", "", kBerthTini, kRunning, "warn for each reaped zombie not the child",
     Action::kNone, Assign<&Options::warn_on_reap, true>},
    {'e', "remap-exit", "CODE", kBerthTini, kRunning,
     "exit 0 when the child exits CODE (repeatable)", Action::kNone, AddExitToZero},
    {'P', "pause", "", kBerthCata, kRunning,
     "run no program: reap as PID 1 until TERM or INT (pause container)", Action::kNone,
     Assign<&Options::pause, true>},
    {'\0', "config", "FILE", kForBerth, kRunning,
     "run the services of a TOML file (docs/services.md); PROGRAM becomes service main",
     Action::kNone, SetText<&Options::config_file>},
    {'\0', "log-prefix", "", kForBerth, kRunning,
     "prefix each service's output lines with its name (default with 2+ services)", Action::kNone,
     Assign<&Options::log_prefix, true>},
    {'\0', "no-log-prefix", "", kForBerth, kRunning, "never prefix service output", Action::kNone,
     Assign<&Options::log_prefix, false>},
    {'\0', "file-env", "NAMES", kForBerth, kRunning,
     "for each NAME (comma list, repeatable), NAME=<contents of the file NAME_FILE names>",
     Action::kNone, AddFileEnvNames},
    {'\0', "wait-for", "URL", kForBerth, kRunning,
     "before starting, wait until tcp://HOST:PORT or http://... answers (repeatable)",
     Action::kNone, Append<&Options::wait_for>},
    {'\0', "wait-timeout", "DURATION", kForBerth, kRunning,
     "give up on --wait-for after DURATION and exit 1 (default 30s)", Action::kNone,
     SetDuration<&Options::wait_timeout>},
    {'g', "group", "", kGroupWho, kSignals, "send signals to the child's whole process group",
     Action::kNone, SetGroup},
    {'c', "single-child", "", kBerthDumb, kSignals, "send signals to the child alone (default)",
     Action::kNone, SetSingleChild},
    {'\0', "map", "FROM:TO", kForBerth, kSignals,
     "forward FROM as TO, e.g. TERM:QUIT; TO '-' drops FROM (repeatable)", Action::kNone,
     AddMapRules},
    {'r', "rewrite", "FROM:TO", kForBerth, kSignals, "as --map (dumb-init's name; TO 0 drops too)",
     Action::kNone, AddMapRules},
    {'r', "rewrite", "s:r", kForDumbInit, kSignals, "rewrite signal s to r before proxying",
     Action::kNone, AddDumbInitRewrite},
    {'\0', "stop-signal", "SIGNAL", kForBerth, kShutdown,
     "a signal that starts the shutdown (default TERM, INT and QUIT; repeatable)", Action::kNone,
     AddStopSignal},
    {'\0', "drain", "DURATION", kForBerth, kShutdown,
     "report not-ready for DURATION before forwarding the stop signal", Action::kNone,
     SetDuration<&Options::drain>},
    {'\0', "grace", "DURATION", kForBerth, kShutdown,
     "SIGKILL everything left DURATION after the stop signal (default: never)", Action::kNone,
     SetGrace},
    {'\0', "no-teardown", "", kForBerth, kShutdown,
     "exit as soon as the child does, leaving its leftovers (tini's way)", Action::kNone,
     Assign<&Options::teardown, false>},
    {'\0', "healthz", "ADDR", kForBerth, kHealth,
     "serve /healthz and /readyz on ADDR, e.g. :8081, 127.0.0.1:8081, [::]:8081", Action::kNone,
     SetText<&Options::healthz>},
    {'\0', "health-cmd", "CMD", kForBerth, kHealth,
     "check: run CMD (with /bin/sh -c when there is one); exit 0 is healthy", Action::kNone,
     SetText<&Options::health_cmd>},
    {'\0', "health-http", "URL", kForBerth, kHealth,
     "check: GET http://HOST:PORT/PATH; healthy on --health-status", Action::kNone,
     SetText<&Options::health_http>},
    {'\0', "health-tcp", "HOST:PORT", kForBerth, kHealth, "check: healthy when it connects",
     Action::kNone, SetText<&Options::health_tcp>},
    {'\0', "health-status", "LIST", kForBerth, kHealth,
     "healthy HTTP codes and ranges (default 200-399), e.g. 200-299,401", Action::kNone,
     SetText<&Options::health_status>},
    {'\0', "health-interval", "DURATION", kForBerth, kHealth, "time between checks (default 10s)",
     Action::kNone, SetDuration<&Options::health_interval>},
    {'\0', "health-timeout", "DURATION", kForBerth, kHealth,
     "a check that takes longer fails (default 5s)", Action::kNone,
     SetDuration<&Options::health_timeout>},
    {'\0', "health-retries", "N", kForBerth, kHealth,
     "failures in a row that make the child unhealthy (default 3)", Action::kNone,
     SetHealthRetries},
    {'\0', "health-start-period", "DURATION", kForBerth, kHealth,
     "failures before DURATION don't count (default 0)", Action::kNone,
     SetDuration<&Options::health_start_period>},
    {'\0', "on-unhealthy", "ACTION", kForBerth, kHealth,
     "ignore (default), or exit: stop the child as a stop signal would, exit 69", Action::kNone,
     SetOnUnhealthy},
    {'\0', "user", "USER[:GROUP]", kForBerth, kPrivileges,
     "run PROGRAM as USER (name or uid) and GROUP, as gosu; HOME follows", Action::kNone, SetUser},
    {'\0', "caps", "LIST", kForBerth, kPrivileges,
     "PROGRAM keeps only these capabilities, e.g. NET_BIND_SERVICE,CHOWN or none", Action::kNone,
     SetText<&Options::caps>},
    {'\0', "no-new-privs", "", kForBerth, kPrivileges,
     "PROGRAM can never gain privileges (setuid bits, file capabilities)", Action::kNone,
     Assign<&Options::no_new_privs, true>},
    {'\0', "seccomp-deny", "SYSCALLS", kForBerth, kPrivileges,
     "PROGRAM gets EPERM from these system calls (comma list; repeatable)", Action::kNone,
     Append<&Options::seccomp_deny>},
    {'\0', "seccomp", "PROFILE.json", kForBerth, kPrivileges,
     "apply a seccomp profile in Docker's JSON format to PROGRAM", Action::kNone,
     SetSeccompProfile},
    {'\0', "no-self-sandbox", "", kForBerth, kPrivileges,
     "berth keeps its capabilities and runs without its own seccomp allowlist", Action::kNone,
     Assign<&Options::self_sandbox, false>},
    {'\0', "debug-try-syscall", "NAME", kForBerth, kPrivileges,
     "(testing) once sandboxed, berth calls NAME with zero arguments and logs the result",
     Action::kNone, SetText<&Options::debug_try_syscall>},
};

constexpr EnvSpec kEnv[] = {
    {"TINI_SUBREAPER", kBerthTini, "register as child subreaper",
     Assign<&Options::subreaper, true>},
    {"TINI_KILL_PROCESS_GROUP", kBerthTini, "send signals to the child's process group", SetGroup},
    // Under the name tini, Parse applies it after the flags, with atoi(3)'s leniency, as tini.
    {"TINI_VERBOSITY", kBerthTini, "verbosity level (default 1)", EnvVerbosity},
    {"DUMB_INIT_SETSID", kForDumbInit, "as dumb-init: 0 keeps the child in berth's session (-c)",
     EnvSetsid},
    {"DUMB_INIT_DEBUG", kForDumbInit, "as dumb-init: 1 prints debugging lines", EnvDumbInitDebug},
    {"CATATONIT_DEBUG", kForCatatonit, "as catatonit: set, prints debugging lines",
     EnvCatatonitDebug},
    {"BERTH_MAP", kForBerth, "signal map rules, comma separated, as --map", AddMapRules},
    {"BERTH_DRAIN", kForBerth, "as --drain", SetDuration<&Options::drain>},
    {"BERTH_GRACE", kForBerth, "as --grace", SetGrace},
    {"BERTH_STOP_SIGNAL", kForBerth, "the stop signals, comma separated, as --stop-signal",
     SetStopSignals},
    {"BERTH_HEALTHZ", kForBerth, "as --healthz", SetText<&Options::healthz>},
    {"BERTH_USER", kForBerth, "as --user", SetUser},
    {"BERTH_CONFIG", kForBerth, "as --config", SetText<&Options::config_file>},
    {"BERTH_FILE_ENV", kForBerth, "as --file-env", AddFileEnvNames},
};

}  // namespace

unsigned WhoBit(Personality personality) {
  switch (personality) {
    case Personality::kTini:
      return kForTini;
    case Personality::kDumbInit:
      return kForDumbInit;
    case Personality::kCatatonit:
      return kForCatatonit;
    case Personality::kBerth:
      break;
  }
  return kForBerth;
}

std::span<const OptionSpec> OptionTable() { return kOptions; }
std::span<const EnvSpec> EnvTable() { return kEnv; }

}  // namespace berth::config
