// SPDX-License-Identifier: MIT
#include "berth/health/probe_command.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "berth/base/status.h"
#include "berth/health/checker.h"
#include "berth/health/exchange.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"

namespace berth::health {
namespace {

constexpr absl::string_view kUsage =
    "Usage: berth probe [--timeout DURATION] [--status LIST] [-H 'Name: value']... TARGET\n"
    "\n"
    "Checks TARGET once, for Docker's HEALTHCHECK in images without curl or a shell:\n"
    "  HEALTHCHECK CMD [\"/berth\", \"probe\", \"http://127.0.0.1:8000/healthz\"]\n"
    "\n"
    "TARGET is http://HOST[:PORT]/PATH (healthy on a status in LIST) or tcp://HOST:PORT\n"
    "(healthy when it connects). HOST is an IP address or a name (/etc/hosts, then DNS);\n"
    "no https.\n"
    "\n"
    "Options:\n"
    "  --timeout DURATION   give up after DURATION (default 5s)\n"
    "  --status LIST        healthy status codes and ranges (default 200-399), e.g. 200-299,401\n"
    "  -H 'Name: value'     add a request header (repeatable)\n"
    "  -h, --help           show this help and exit\n"
    "\n"
    "Exit status: 0 healthy, 1 unhealthy (one line on stderr says why), 2 usage error.\n";

struct ProbeArgs {
  std::string url;
  Target target;
  absl::Duration timeout = absl::Seconds(5);
  StatusList healthy = StatusList::Default();
  std::vector<std::string> headers;
  bool help = false;
};

// "5s", "500ms", "1m", or plain seconds "5".
std::optional<absl::Duration> ParseTimeout(absl::string_view text) {
  absl::Duration d;
  int64_t seconds = 0;
  if (absl::SimpleAtoi(text, &seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &d)) {
    return std::nullopt;
  }
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) return std::nullopt;
  return d;
}

absl::Status Bad(absl::string_view what) { return absl::InvalidArgumentError(what); }

// Applies one option with its value; `name` is "--timeout", "--status" or "-H".
absl::Status ApplyOption(absl::string_view name, absl::string_view value, ProbeArgs& a) {
  if (name == "--timeout") {
    std::optional<absl::Duration> d = ParseTimeout(value);
    if (!d) return Bad(absl::StrCat("bad --timeout '", value, "': want e.g. 500ms, 5s or 5"));
    a.timeout = *d;
  } else if (name == "--status") {
    absl::StatusOr<StatusList> list = StatusList::Parse(value);
    if (!list.ok()) return list.status();
    a.healthy = *list;
  } else {
    const size_t colon = value.find(':');
    if (colon == 0 || colon == absl::string_view::npos ||
        value.find_first_of("\r\n") != absl::string_view::npos) {
      return Bad(absl::StrCat("bad header '", value, "': want 'Name: value'"));
    }
    a.headers.emplace_back(value);
  }
  return absl::OkStatus();
}

absl::StatusOr<ProbeArgs> ParseArgs(int argc, char** argv) {
  ProbeArgs a;
  std::optional<absl::string_view> target;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      a.help = true;
      return a;
    }
    absl::string_view name = arg;
    std::optional<absl::string_view> value;
    if (size_t eq = arg.find('='); absl::StartsWith(arg, "--") && eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (absl::StartsWith(arg, "-H") && arg.size() > 2) {
      name = "-H";
      value = arg.substr(2);
    }
    if (name == "--timeout" || name == "--status" || name == "-H") {
      if (!value && i + 1 >= argc) return Bad(absl::StrCat("option '", name, "' needs a value"));
      BERTH_RETURN_IF_ERROR(ApplyOption(name, value ? *value : argv[++i], a));
    } else if (absl::StartsWith(arg, "-")) {
      return Bad(absl::StrCat("unknown option '", arg, "'"));
    } else if (target) {
      return Bad(absl::StrCat("one TARGET only, got '", *target, "' and '", arg, "'"));
    } else {
      target = arg;
    }
  }
  if (!target) return Bad("no TARGET given");
  absl::StatusOr<Target> t = ParseTarget(*target);
  if (!t.ok()) return t.status();
  a.target = std::move(*t);
  a.url = std::string(*target);
  return a;
}

// One check on a loop of its own: the same code as berth's checks, DNS lookup included.
Outcome Probe(const ProbeArgs& a) {
  absl::StatusOr<loop::Loop> loop = loop::Loop::Create();
  if (!loop.ok()) return {false, std::string(loop.status().message())};
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
  if (!checker.ok()) return {false, std::string(checker.status().message())};
  (*checker)->Start();
  if (absl::Status s = loop->Run(); !s.ok()) return {false, std::string(s.message())};
  return outcome;
}

}  // namespace

int ProbeMain(int argc, char** argv) {
  absl::StatusOr<ProbeArgs> args = ParseArgs(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "berth probe: %.*s (see berth probe --help)\n",
                 static_cast<int>(args.status().message().size()), args.status().message().data());
    return kProbeUsage;
  }
  if (args->help) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return kProbeHealthy;
  }
  const Outcome outcome = Probe(*args);
  if (outcome.healthy) return kProbeHealthy;
  std::fprintf(stderr, "berth probe: %s: unhealthy: %s\n", args->url.c_str(),
               outcome.detail.c_str());
  return kProbeUnhealthy;
}

}  // namespace berth::health
