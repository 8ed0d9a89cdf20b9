// SPDX-License-Identifier: MIT
// `berth check`'s own option table, read by the option engine (options/table.h): one row per
// option, --help generated from it.
#include <regex.h>
#include <signal.h>

#include "absl/strings/match.h"
#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/check/options.h"
#include "berth/config/duration.h"
#include "berth/health/address.h"
#include "berth/options/table.h"
#include "berth/signals/signal.h"

namespace berth::check {
namespace {

using base::Status;

Status Invalid(absl::string_view what, absl::string_view arg) {
  return base::InvalidArgumentError(base::Cat(what, ": '", arg, "'"));
}

Status SetReady(CheckOptions& o, ReadyKind kind, absl::string_view target) {
  if (o.ready.set_by_user) {
    return base::InvalidArgumentError(
        "give one of --ready-http, --ready-tcp, --ready-log, "
        "--ready-after");
  }
  o.ready.kind = kind;
  o.ready.target = std::string(target);
  o.ready.set_by_user = true;
  return base::OkStatus();
}

Status SetReadyHttp(CheckOptions& o, absl::string_view arg) {
  base::Result<health::Target> t = health::ParseTarget(arg);
  if (t.has_value() && t->scheme != health::Target::Scheme::kHttp) {
    t = base::InvalidArgumentError(base::Cat("want an http:// URL: '", arg, "'"));
  }
  if (!t.has_value()) {
    return base::InvalidArgumentError(base::Cat("--ready-http: ", t.error().message()));
  }
  return SetReady(o, ReadyKind::kHttp, arg);
}

Status SetReadyTcp(CheckOptions& o, absl::string_view arg) {
  if (base::Result<health::Endpoint> e = health::ParseHostPort(arg); !e.has_value()) {
    return base::InvalidArgumentError(base::Cat("--ready-tcp: ", e.error().message()));
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
  return base::OkStatus();
}

Status SetReadyTimeout(CheckOptions& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(o.ready_timeout, config::ParseDuration(arg));
  return base::OkStatus();
}

Status AddSignal(CheckOptions& o, absl::string_view arg) {
  std::optional<int> sig = signals::ParseSignal(arg);
  if (!sig) return Invalid("not a valid signal for --signal", arg);
  o.signals.push_back(*sig);
  return base::OkStatus();
}

Status SetSignalGap(CheckOptions& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(o.signal_gap, config::ParseDuration(arg));
  return base::OkStatus();
}

Status SetBudget(CheckOptions& o, absl::string_view arg) {
  BERTH_ASSIGN_OR_RETURN(o.budget, config::ParseDuration(arg));
  if (o.budget <= absl::ZeroDuration()) return Invalid("--budget must be more than zero", arg);
  return base::OkStatus();
}

Status AddExpectCode(CheckOptions& o, absl::string_view arg) {
  int code;
  if (!base::ParseInt(arg, &code) || code < 0 || code > 255) {
    return Invalid("not a valid exit code for --expect-code (0 to 255)", arg);
  }
  o.expect_codes.push_back(code);
  return base::OkStatus();
}

Status AddBerthArg(CheckOptions& o, absl::string_view arg) {
  if (!absl::StartsWith(arg, "-") || arg == "--") {
    return Invalid("--berth-arg takes one berth option, e.g. --berth-arg=--map=TERM:QUIT", arg);
  }
  o.berth_args.emplace_back(arg);
  return base::OkStatus();
}

Status SetCompareBare(CheckOptions& o, absl::string_view) {
  o.compare_bare = true;
  return base::OkStatus();
}

Status SetJson(CheckOptions& o, absl::string_view) {
  o.json = true;
  return base::OkStatus();
}

Status SetQuietApp(CheckOptions& o, absl::string_view) {
  o.quiet_app = true;
  return base::OkStatus();
}

Status SetNoNamespace(CheckOptions& o, absl::string_view) {
  o.no_namespace = true;
  return base::OkStatus();
}

constexpr absl::string_view kReady = "Readiness (one of)";
constexpr absl::string_view kStop = "Stopping";
constexpr absl::string_view kVerdict = "Verdict";
constexpr absl::string_view kRun = "Running";
constexpr absl::string_view kOutput = "Output";
constexpr absl::string_view kGroups[] = {kReady, kStop, kVerdict, kRun, kOutput};

using Row = options::Option<CheckOptions>;
using options::kAll;

constexpr Row kOptions[] = {
    {{'\0', "ready-http", "URL", kAll, kReady,
      "ready when GET URL answers 2xx or 3xx (http://HOST[:PORT]/PATH)"},
     SetReadyHttp},
    {{'\0', "ready-tcp", "HOST:PORT", kAll, kReady, "ready when HOST:PORT accepts a connection"},
     SetReadyTcp},
    {{'\0', "ready-log", "REGEX", kAll, kReady,
      "ready when a line of the app's output matches REGEX (ERE)"},
     SetReadyLog},
    {{'\0', "ready-after", "DURATION", kAll, kReady, "ready DURATION after the start (default 1s)"},
     SetReadyAfter},
    {{'\0', "ready-timeout", "DURATION", kAll, kReady,
      "fail when not ready within DURATION (default 30s)"},
     SetReadyTimeout},
    {{'\0', "signal", "SIGNAL", kAll, kStop,
      "the stop signal (default TERM); repeat for a sequence"},
     AddSignal},
    {{'\0', "signal-gap", "DURATION", kAll, kStop, "between signals of a sequence (default 2s)"},
     SetSignalGap},
    {{'\0', "budget", "DURATION", kAll, kVerdict,
      "fail when the stop takes longer; everything left is SIGKILLed then (default 10s)"},
     SetBudget},
    {{'\0', "expect-code", "CODE", kAll, kVerdict,
      "an exit code that passes (default 0 and 143; repeatable)"},
     AddExpectCode},
    {{'\0', "compare-bare", "", kAll, kRun,
      "also run PROGRAM as PID 1 without berth and show the difference"},
     SetCompareBare},
    {{'\0', "berth-arg", "OPTION", kAll, kRun,
      "pass OPTION to berth, e.g. --berth-arg=--map=TERM:QUIT"},
     AddBerthArg},
    {{'\0', "no-namespace", "", kAll, kRun,
      "run berth as a subreaper even when a PID namespace is possible"},
     SetNoNamespace},
    {{'\0', "json", "", kAll, kOutput, "print the report as JSON"}, SetJson},
    {{'\0', "quiet-app", "", kAll, kOutput,
      "hide the app's output (shown on stderr, prefixed, by default)"},
     SetQuietApp},
    {{'h', "help", "", kAll, kOutput, "show this help and exit"}, nullptr},
};

}  // namespace

base::Result<CheckInvocation> ParseCheckArgs(const std::vector<absl::string_view>& args) {
  CheckInvocation inv;
  CheckOptions& o = inv.options;
  BERTH_ASSIGN_OR_RETURN(options::Parsed parsed, options::Apply(kOptions, args, o));
  if (parsed.stop != nullptr) {
    inv.print = true;
    inv.text = CheckHelpText();
    return inv;
  }
  for (absl::string_view arg : parsed.operands) o.command.emplace_back(arg);
  if (o.command.empty() || o.command.front().empty()) {
    return base::InvalidArgumentError("no program given");
  }
  if (o.signals.empty()) o.signals.push_back(SIGTERM);
  if (o.expect_codes.empty()) o.expect_codes = {0, exit_codes::ForSignal(SIGTERM)};
  return inv;
}

std::string CheckHelpText() {
  return base::Cat(
      "Usage: berth check [OPTIONS] [--] PROGRAM [ARGS...]\n\n"
      "Runs PROGRAM under berth as PID 1 of a new PID namespace (or as a subreaper when no\n"
      "namespace can be made), waits until it is ready, sends the stop signal and reports how\n"
      "the shutdown went: time to exit, exit code, leftovers, zombies, a pass or fail verdict.\n",
      options::Table(kOptions).Help(kGroups), "\nExit status: 0 pass, 1 fail, 2 usage error.\n");
}

std::string DescribeReady(const ReadySpec& ready) {
  switch (ready.kind) {
    case ReadyKind::kHttp:
      return base::Cat("http ", ready.target);
    case ReadyKind::kTcp:
      return base::Cat("tcp ", ready.target);
    case ReadyKind::kLog:
      return base::Cat("log /", ready.target, "/");
    case ReadyKind::kAfter:
      break;
  }
  return base::Cat("after ", absl::FormatDuration(ready.after),
                   ready.set_by_user ? "" : " (default)");
}

}  // namespace berth::check
