// SPDX-License-Identifier: MIT
#include "berth/health/probe_command.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/health/checker.h"
#include "berth/health/exchange.h"
#include "berth/loop/loop.h"
#include "berth/options/table.h"
#include "berth/process/reaper.h"

namespace berth::health {
namespace {

struct ProbeArgs {
  std::string url;
  Target target;
  absl::Duration timeout = absl::Seconds(5);
  StatusList healthy = StatusList::Default();
  std::vector<std::string> headers;
};

// "5s", "500ms", "1m", or plain seconds "5".
std::optional<absl::Duration> ParseTimeout(absl::string_view text) {
  absl::Duration d;
  int64_t seconds = 0;
  if (base::ParseInt(text, &seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &d)) {
    return std::nullopt;
  }
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) return std::nullopt;
  return d;
}

base::Failure Bad(absl::string_view what) { return base::InvalidArgumentError(what); }

base::Status SetTimeout(ProbeArgs& a, absl::string_view value) {
  std::optional<absl::Duration> d = ParseTimeout(value);
  if (!d) return Bad(base::Cat("bad --timeout '", value, "': want e.g. 500ms, 5s or 5"));
  a.timeout = *d;
  return base::OkStatus();
}

base::Status SetStatus(ProbeArgs& a, absl::string_view value) {
  BERTH_ASSIGN_OR_RETURN(a.healthy, StatusList::Parse(value));
  return base::OkStatus();
}

base::Status AddHeader(ProbeArgs& a, absl::string_view value) {
  const size_t colon = value.find(':');
  if (colon == 0 || colon == absl::string_view::npos ||
      value.find_first_of("\r\n") != absl::string_view::npos) {
    return Bad(base::Cat("bad header '", value, "': want 'Name: value'"));
  }
  a.headers.emplace_back(value);
  return base::OkStatus();
}

constexpr absl::string_view kOptionsGroup = "Options";
using options::kAll;

constexpr options::Option<ProbeArgs> kOptions[] = {
    {{'\0', "timeout", "DURATION", kAll, kOptionsGroup, "give up after DURATION (default 5s)"},
     SetTimeout},
    {{'\0', "status", "LIST", kAll, kOptionsGroup,
      "healthy status codes and ranges (default 200-399), e.g. 200-299,401"},
     SetStatus},
    {{'H', "", "'Name: value'", kAll, kOptionsGroup, "add a request header (repeatable)"},
     AddHeader},
    {{'h', "help", "", kAll, kOptionsGroup, "show this help and exit"}, nullptr},
};

std::string HelpText() {
  return base::Cat(
      "Usage: berth probe [OPTIONS] TARGET\n"
      "\n"
      "Checks TARGET once, for Docker's HEALTHCHECK in images without curl or a shell:\n"
      "  HEALTHCHECK CMD [\"/berth\", \"probe\", \"http://127.0.0.1:8000/healthz\"]\n"
      "\n"
      "TARGET is http://HOST[:PORT]/PATH (healthy on a status in LIST) or tcp://HOST:PORT\n"
      "(healthy when it connects). HOST is an IP address or a name (/etc/hosts, then DNS);\n"
      "no https.\n",
      options::Table(kOptions).Help({&kOptionsGroup, 1}),
      "\nExit status: 0 healthy, 1 unhealthy (one line on stderr says why), 2 usage error.\n");
}

// Reads the arguments after "probe"; nullopt for --help.
base::Result<std::optional<ProbeArgs>> ParseArgs(int argc, char** argv) {
  ProbeArgs a;
  const std::vector<absl::string_view> args(argv + 1, argv + argc);
  BERTH_ASSIGN_OR_RETURN(options::Parsed parsed,
                         options::Apply(kOptions, args, a, options::Operands::kAnywhere));
  if (parsed.stop != nullptr) return std::nullopt;
  const std::vector<absl::string_view>& targets = parsed.operands;
  if (targets.empty()) return Bad("no TARGET given");
  if (targets.size() > 1) {
    return Bad(base::Cat("one TARGET only, got '", targets[0], "' and '", targets[1], "'"));
  }
  BERTH_ASSIGN_OR_RETURN(a.target, ParseTarget(targets[0]));
  a.url = std::string(targets[0]);
  return a;
}

// One check on a loop of its own: the same code as berth's checks, DNS lookup included.
Outcome Probe(const ProbeArgs& a) {
  base::Result<loop::Loop> loop = loop::Loop::Create();
  if (!loop.has_value()) return {false, std::string(loop.error().message())};
  process::Reaper reaper;  // never used: a probe runs no command
  CheckSpec spec;
  spec.kind = a.target.scheme == Target::Scheme::kTcp ? CheckKind::kTcp : CheckKind::kHttp;
  spec.target = a.target;
  spec.healthy = a.healthy;
  spec.headers = a.headers;
  spec.timeout = a.timeout;
  Outcome outcome;
  auto checker = Checker::Create(*loop, reaper, std::move(spec), process::SpawnSpec(),
                                 [&](bool ok, absl::string_view detail) {
                                   outcome = {ok, std::string(detail)};
                                   loop->Stop();
                                 });
  if (!checker.has_value()) return {false, std::string(checker.error().message())};
  (*checker)->Start();
  if (base::Status s = loop->Run(); !s.has_value())
    return {false, std::string(s.error().message())};
  return outcome;
}

}  // namespace

int ProbeMain(int argc, char** argv) {
  base::Result<std::optional<ProbeArgs>> args = ParseArgs(argc, argv);
  if (!args.has_value()) {
    std::fprintf(stderr, "berth probe: %.*s (see berth probe --help)\n",
                 static_cast<int>(args.error().message().size()), args.error().message().data());
    return exit_codes::kUsage;
  }
  if (!*args) {
    const std::string help = HelpText();
    std::fwrite(help.data(), 1, help.size(), stdout);
    return exit_codes::kPass;
  }
  const Outcome outcome = Probe(**args);
  if (outcome.healthy) return exit_codes::kPass;
  std::fprintf(stderr, "berth probe: %s: unhealthy: %s\n", (*args)->url.c_str(),
               outcome.detail.c_str());
  return exit_codes::kFail;
}

}  // namespace berth::health
