// SPDX-License-Identifier: MIT
// `berth check`'s own option table, in the style of config/option_table.cc: one row per option,
// --help generated from it.
#include <regex.h>
#include <signal.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "berth/base/status.h"
#include "berth/check/options.h"
#include "berth/config/duration.h"
#include "berth/health/address.h"
#include "berth/signals/signal.h"

namespace berth::check {
namespace {

using absl::Status;

struct CheckOptionSpec {
  absl::string_view long_name;
  absl::string_view arg_name;  // empty: a flag
  absl::string_view group;
  absl::string_view help;
  Status (*apply)(CheckOptions&, absl::string_view arg);
};

Status Invalid(absl::string_view what, absl::string_view arg) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": '", arg, "'"));
}

Status SetReady(CheckOptions& o, ReadyKind kind, absl::string_view target) {
  if (o.ready.set_by_user) {
    return absl::InvalidArgumentError(
        "give one of --ready-http, --ready-tcp, --ready-log, "
        "--ready-after");
  }
  o.ready.kind = kind;
  o.ready.target = std::string(target);
  o.ready.set_by_user = true;
  return absl::OkStatus();
}

Status SetReadyHttp(CheckOptions& o, absl::string_view arg) {
  absl::StatusOr<health::Target> t = health::ParseTarget(arg);
  if (t.ok() && t->scheme != health::Target::Scheme::kHttp) {
    t = absl::InvalidArgumentError(absl::StrCat("want an http:// URL: '", arg, "'"));
  }
  if (!t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--ready-http: ", t.status().message()));
  }
  return SetReady(o, ReadyKind::kHttp, arg);
}

Status SetReadyTcp(CheckOptions& o, absl::string_view arg) {
  if (absl::StatusOr<health::Endpoint> e = health::ParseHostPort(arg); !e.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--ready-tcp: ", e.status().message()));
  }
  return SetReady(o, ReadyKind::kTcp, arg);
}

Status SetReadyLog(CheckOptions& o, absl::string_view arg) {
  regex_t rx;
  if (arg.empty() || ::regcomp(&rx, std::string(arg).c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
    return Invalid("--ready-log takes an extended regular expression", arg);
  }
  ::regfree(&rx);
  return SetReady(o, ReadyKind::kLog, arg);
}

Status SetReadyAfter(CheckOptions& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(absl::Duration d, config::ParseDuration(arg));
  BERTH_RETURN_IF_ERROR(SetReady(o, ReadyKind::kAfter, ""));
  o.ready.after = d;
  return absl::OkStatus();
}

Status SetReadyTimeout(CheckOptions& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(o.ready_timeout, config::ParseDuration(arg));
  return absl::OkStatus();
}

Status AddSignal(CheckOptions& o, absl::string_view arg) {
  std::optional<int> sig = signals::ParseSignal(arg);
  if (!sig) return Invalid("not a valid signal for --signal", arg);
  o.signals.push_back(*sig);
  return absl::OkStatus();
}

Status SetSignalGap(CheckOptions& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(o.signal_gap, config::ParseDuration(arg));
  return absl::OkStatus();
}

Status SetBudget(CheckOptions& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(o.budget, config::ParseDuration(arg));
  if (o.budget <= absl::ZeroDuration()) return Invalid("--budget must be more than zero", arg);
  return absl::OkStatus();
}

Status AddExpectCode(CheckOptions& o, absl::string_view arg) {
  int code;
  if (!absl::SimpleAtoi(arg, &code) || code < 0 || code > 255) {
    return Invalid("not a valid exit code for --expect-code (0 to 255)", arg);
  }
  o.expect_codes.push_back(code);
  return absl::OkStatus();
}

Status AddBerthArg(CheckOptions& o, absl::string_view arg) {
  if (!absl::StartsWith(arg, "-") || arg == "--") {
    return Invalid("--berth-arg takes one berth option, e.g. --berth-arg=--map=TERM:QUIT", arg);
  }
  o.berth_args.emplace_back(arg);
  return absl::OkStatus();
}

Status SetCompareBare(CheckOptions& o, absl::string_view) {
  o.compare_bare = true;
  return absl::OkStatus();
}

Status SetJson(CheckOptions& o, absl::string_view) {
  o.json = true;
  return absl::OkStatus();
}

Status SetQuietApp(CheckOptions& o, absl::string_view) {
  o.quiet_app = true;
  return absl::OkStatus();
}

Status SetNoNamespace(CheckOptions& o, absl::string_view) {
  o.no_namespace = true;
  return absl::OkStatus();
}

Status Nothing(CheckOptions&, absl::string_view) { return absl::OkStatus(); }

constexpr absl::string_view kReady = "Readiness (one of)";
constexpr absl::string_view kStop = "Stopping";
constexpr absl::string_view kVerdict = "Verdict";
constexpr absl::string_view kRun = "Running";
constexpr absl::string_view kOutput = "Output";
constexpr absl::string_view kGroups[] = {kReady, kStop, kVerdict, kRun, kOutput};

constexpr CheckOptionSpec kOptions[] = {
    {"ready-http", "URL", kReady, "ready when GET URL answers 2xx or 3xx (http://HOST[:PORT]/PATH)",
     SetReadyHttp},
    {"ready-tcp", "HOST:PORT", kReady, "ready when HOST:PORT accepts a connection", SetReadyTcp},
    {"ready-log", "REGEX", kReady, "ready when a line of the app's output matches REGEX (ERE)",
     SetReadyLog},
    {"ready-after", "DURATION", kReady, "ready DURATION after the start (default 1s)",
     SetReadyAfter},
    {"ready-timeout", "DURATION", kReady, "fail when not ready within DURATION (default 30s)",
     SetReadyTimeout},
    {"signal", "SIGNAL", kStop, "the stop signal (default TERM); repeat for a sequence", AddSignal},
    {"signal-gap", "DURATION", kStop, "between signals of a sequence (default 2s)", SetSignalGap},
    {"budget", "DURATION", kVerdict,
     "fail when the stop takes longer; everything left is SIGKILLed then (default 10s)", SetBudget},
    {"expect-code", "CODE", kVerdict, "an exit code that passes (default 0 and 143; repeatable)",
     AddExpectCode},
    {"compare-bare", "", kRun, "also run PROGRAM as PID 1 without berth and show the difference",
     SetCompareBare},
    {"berth-arg", "OPTION", kRun, "pass OPTION to berth, e.g. --berth-arg=--map=TERM:QUIT",
     AddBerthArg},
    {"no-namespace", "", kRun, "run berth as a subreaper even when a PID namespace is possible",
     SetNoNamespace},
    {"json", "", kOutput, "print the report as JSON", SetJson},
    {"quiet-app", "", kOutput, "hide the app's output (shown on stderr, prefixed, by default)",
     SetQuietApp},
    {"help", "", kOutput, "show this help and exit", Nothing},
};

const CheckOptionSpec* Find(absl::string_view name) {
  for (const CheckOptionSpec& s : kOptions) {
    if (s.long_name == name) return &s;
  }
  return nullptr;
}

// Applies "--name", "--name=value" or "--name value" at args[*i].
Status ApplyOne(const std::vector<absl::string_view>& args, size_t* i, CheckOptions& o) {
  absl::string_view body = args[*i].substr(2);
  const size_t eq = body.find('=');
  const absl::string_view name = body.substr(0, eq);
  const CheckOptionSpec* spec = Find(name);
  if (spec == nullptr)
    return absl::InvalidArgumentError(absl::StrCat("unknown option '--", name, "'"));
  if (spec->arg_name.empty()) {
    if (eq != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("option '--", name, "' takes no value"));
    }
    return spec->apply(o, "");
  }
  if (eq != absl::string_view::npos) return spec->apply(o, body.substr(eq + 1));
  if (*i + 1 >= args.size()) {
    return absl::InvalidArgumentError(absl::StrCat("option '--", name, "' needs a value"));
  }
  return spec->apply(o, args[++*i]);
}

}  // namespace

absl::StatusOr<CheckInvocation> ParseCheckArgs(const std::vector<absl::string_view>& args) {
  CheckInvocation inv;
  CheckOptions& o = inv.options;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i] == "--") {
      ++i;
      break;
    }
    if (args[i] == "--help" || args[i] == "-h") {
      inv.print = true;
      inv.text = CheckHelpText();
      return inv;
    }
    if (!absl::StartsWith(args[i], "--")) {
      if (absl::StartsWith(args[i], "-") && args[i].size() > 1) {
        return absl::InvalidArgumentError(absl::StrCat("unknown option '", args[i], "'"));
      }
      break;
    }
    BERTH_RETURN_IF_ERROR(ApplyOne(args, &i, o));
  }
  for (; i < args.size(); ++i) o.command.emplace_back(args[i]);
  if (o.command.empty() || o.command.front().empty()) {
    return absl::InvalidArgumentError("no program given");
  }
  if (o.signals.empty()) o.signals.push_back(SIGTERM);
  if (o.expect_codes.empty()) o.expect_codes = {0, 128 + SIGTERM};
  return inv;
}

std::string CheckHelpText() {
  std::string out =
      "Usage: berth check [OPTIONS] [--] PROGRAM [ARGS...]\n\n"
      "Runs PROGRAM under berth as PID 1 of a new PID namespace (or as a subreaper when no\n"
      "namespace can be made), waits until it is ready, sends the stop signal and reports how\n"
      "the shutdown went: time to exit, exit code, leftovers, zombies, a pass or fail verdict.\n";
  for (absl::string_view group : kGroups) {
    absl::StrAppend(&out, "\n", group, ":\n");
    for (const CheckOptionSpec& s : kOptions) {
      if (s.group != group) continue;
      std::string syn = absl::StrCat("--", s.long_name, s.arg_name.empty() ? "" : " ", s.arg_name);
      syn.resize(std::max<size_t>(syn.size() + 2, 26), ' ');
      absl::StrAppend(&out, "  ", syn, s.help, "\n");
    }
  }
  absl::StrAppend(&out, "\nExit status: 0 pass, 1 fail, 2 usage error.\n");
  return out;
}

std::string DescribeReady(const ReadySpec& ready) {
  switch (ready.kind) {
    case ReadyKind::kHttp:
      return absl::StrCat("http ", ready.target);
    case ReadyKind::kTcp:
      return absl::StrCat("tcp ", ready.target);
    case ReadyKind::kLog:
      return absl::StrCat("log /", ready.target, "/");
    case ReadyKind::kAfter:
      break;
  }
  return absl::StrCat("after ", absl::FormatDuration(ready.after),
                      ready.set_by_user ? "" : " (default)");
}

}  // namespace berth::check
