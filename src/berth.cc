// SPDX-License-Identifier: MIT
#include "berth/berth.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "berth/base/status.h"
#include "berth/config/parse.h"
#include "berth/health/probe_command.h"
#include "berth/log/log.h"
#include "berth/loop/loop.h"
#include "berth/loop/signal_source.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"
#include "berth/security/child_privileges.h"
#include "berth/security/seccomp_filter.h"
#include "berth/security/self_sandbox.h"
#include "berth/supervisor/supervisor.h"
#include "health_wiring.h"

namespace berth {
namespace {

using config::Options;
using config::Personality;

constexpr int kSetupFailure = 1;
constexpr int kUsageError = 2;

// tini's words, kept so scripts grepping for them still match.
constexpr absl::string_view kReaperWarning =
    "Tini is not running as PID 1 and isn't registered as a child subreaper.\n"
    "Zombie processes will not be re-parented to Tini, so zombie reaping won't work.\n"
    "To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to "
    "register Tini as a child subreaper, or run Tini as PID 1.";

config::Environment ReadEnvironment(char** envp) {
  config::Environment env;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    absl::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != absl::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

// Blocks every signal the loop reads and ignores SIGTTIN/SIGTTOU (tini: berth may lose the
// terminal's foreground and must not stop on its own writes). Records what the child restores.
absl::Status TakeSignals(process::SpawnSpec& child) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (::sigaction(SIGTTIN, &ignore, &child.ttin_action) < 0) return base::ErrnoError("sigaction(SIGTTIN)");
  if (::sigaction(SIGTTOU, &ignore, &child.ttou_action) < 0) return base::ErrnoError("sigaction(SIGTTOU)");
  sigset_t handled = signals::SignalSet::Handled().ToSigset();
  if (::sigprocmask(SIG_BLOCK, &handled, &child.sigmask) < 0) return base::ErrnoError("sigprocmask");
  return absl::OkStatus();
}

// Zombies only come back to berth as PID 1 or as a subreaper. berth registers by itself; tini
// only when asked, and warns otherwise.
absl::Status ArrangeReaping(const Options& o) {
  if (::getpid() == 1) return absl::OkStatus();
  const bool want = o.subreaper || o.personality == Personality::kBerth;
  if (want) {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return base::ErrnoError("prctl(PR_SET_CHILD_SUBREAPER)");
    log::Info("not PID 1: registered as child subreaper");
    return absl::OkStatus();
  }
  int bit = 0;
  if (::prctl(PR_GET_CHILD_SUBREAPER, &bit) == 0 && bit == 1) return absl::OkStatus();
  if (o.personality == Personality::kTini) log::Warn("{}", kReaperWarning);
  return absl::OkStatus();
}

absl::Status Setup(const Options& o, process::SpawnSpec& child) {
  BERTH_RETURN_IF_ERROR(TakeSignals(child));
  if (o.parent_death_signal != 0 && ::prctl(PR_SET_PDEATHSIG, o.parent_death_signal) < 0) {
    return base::ErrnoError("prctl(PR_SET_PDEATHSIG)");
  }
  BERTH_RETURN_IF_ERROR(ArrangeReaping(o));
  if (o.personality == Personality::kBerth && ::getpid() == 1 && !o.grace) {
    log::Notice("no --grace: after a stop signal berth waits for the child as long as it takes");
  }
  return absl::OkStatus();
}

process::SpawnSpec ChildSpec(const Options& o) {
  process::SpawnSpec spec;
  spec.argv = o.command;
  spec.session = o.setsid ? process::Session::kNewSession : process::Session::kNewProcessGroup;
  return spec;
}

// Resolves --user, --caps, --no-new-privs and the seccomp options into steps the child runs
// after fork. Every error here is the user's (an unknown name, a bad profile): nothing has
// started yet.
absl::StatusOr<std::unique_ptr<security::ChildPrivileges>> PreparePrivileges(
    const Options& o, char** envp, process::SpawnSpec& child) {
  if (!o.debug_try_syscall.empty() && !security::SyscallNumber(o.debug_try_syscall)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--debug-try-syscall: unknown system call '", o.debug_try_syscall, "'"));
  }
  security::ChildRequest request{o.user, o.caps, o.no_new_privs, o.seccomp_deny,
                                 o.seccomp_profile};
  BERTH_ASSIGN_OR_RETURN(auto privileges, security::ChildPrivileges::Prepare(request, envp));
  for (const security::ChildStep& step : privileges->steps()) {
    child.pre_exec.push_back({step.name, step.run, step.context});
  }
  child.env = privileges->environment();
  log::Info("the child runs with: {}", privileges->Describe());
  return privileges;
}

// berth's own sandbox, prepared before the app is spawned and applied once it runs, so the app
// never inherits it. Only berth's own name sandboxes itself: the compatibility names behave
// exactly as the peers. A failure is logged, never fatal: the child may already be running.
// A command health check forks and execs for as long as berth runs, with the app's privilege
// steps: berth then keeps what those steps need at fork time and loads no filter of its own
// (the check would inherit it; see docs/privileges.md).
std::unique_ptr<security::SelfSandbox> PrepareSelfSandbox(
    const Options& o, const health::Settings& health_settings,
    const security::ChildPrivileges& privileges) {
  if (!o.self_sandbox || o.personality != Personality::kBerth) return nullptr;
  security::SelfSandboxOptions self;
  self.later_spawns = health_settings.check.kind == health::CheckKind::kCommand;
  if (self.later_spawns) self.keep = privileges.NeededAtFork();
  self.log_name = std::string(config::PersonalityName(o.personality));
  self.log_json = o.log_format == log::Format::kJson;
  absl::StatusOr<std::unique_ptr<security::SelfSandbox>> sandbox =
      security::SelfSandbox::Prepare(self);
  if (!sandbox.ok()) {
    log::Warn("self-sandbox off: {}", sandbox.status().message());
    return nullptr;
  }
  return std::move(*sandbox);
}

void ApplySelfSandbox(const Options& o, security::SelfSandbox* sandbox) {
  if (sandbox != nullptr) {
    if (absl::Status s = sandbox->Apply(); !s.ok()) {
      log::Warn("self-sandbox not complete: {}", s.message());
    }
  }
  if (!o.debug_try_syscall.empty()) security::TrySyscall(o.debug_try_syscall);
}

// The loop phase: from here on berth never bails out; only the child's end ends it.
int Run(const Options& o, process::SpawnSpec child, const health::Settings& health_settings,
        const security::ChildPrivileges& privileges) {
  absl::StatusOr<loop::Loop> loop = loop::Loop::Create();
  if (!loop.ok()) {
    log::Error("{}", loop.status().message());
    return kSetupFailure;
  }
  process::Reaper reaper;
  const process::SpawnSpec child_template = child;
  auto supervisor = supervisor::Supervisor::Create(o, *loop, reaper, std::move(child));
  if (!supervisor.ok()) {
    log::Error("{}", supervisor.status().message());
    return kSetupFailure;
  }
  supervisor::Supervisor* sup = supervisor->get();
  // Before the child starts, so a port already in use is a set-up error, not a lost child.
  bool stopped_unhealthy = false;
  std::unique_ptr<health::Service> health;
  if (health_settings.Active()) {
    auto h = WireHealth(health_settings, o, *loop, reaper, *sup, child_template, &stopped_unhealthy);
    if (!h.ok()) {
      log::Error("{}", h.status().message());
      return kSetupFailure;
    }
    health = std::move(*h);
  }
  std::unique_ptr<security::SelfSandbox> sandbox =
      PrepareSelfSandbox(o, health_settings, privileges);
  auto signal_source = loop::SignalSource::Create(
      *loop, signals::SignalSet::Handled().ToSigset(),
      [sup](const signalfd_siginfo& info) { sup->OnSignal(info); });
  if (!signal_source.ok()) {
    log::Error("{}", signal_source.status().message());
    return kSetupFailure;
  }
  if (absl::Status s = sup->Start(); !s.ok()) {
    log::Error("{}", s.message());
    return process::ExitCodeForSpawnError(s);
  }
  ApplySelfSandbox(o, sandbox.get());
  if (health) health->Start();
  if (absl::Status s = loop->Run(); !s.ok()) {
    // Only epoll itself failing gets here; the child must still not be lost.
    log::Error("{}", s.message());
    return kSetupFailure;
  }
  return stopped_unhealthy ? kUnhealthyExitCode : sup->ExitCode();
}

int Usage(absl::string_view name, const absl::Status& status, Personality personality) {
  std::fprintf(stderr, "%.*s: %.*s (see %.*s --help)\n", static_cast<int>(name.size()),
               name.data(), static_cast<int>(status.message().size()), status.message().data(),
               static_cast<int>(name.size()), name.data());
  return config::UsageExitCode(personality);
}

}  // namespace

int Main(int argc, char** argv, char** envp) {
  const Personality personality =
      config::PersonalityFromArgv0(argc > 0 ? argv[0] : "berth");
  if (personality == Personality::kBerth && argc > 1 && absl::string_view(argv[1]) == "probe") {
    return health::ProbeMain(argc - 1, argv + 1);
  }
  const absl::string_view name = config::PersonalityName(personality);
  std::vector<absl::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  absl::StatusOr<config::Invocation> inv = config::Parse(personality, args, ReadEnvironment(envp));
  if (!inv.ok()) return Usage(name, inv.status(), personality);
  if (inv->kind == config::Invocation::Kind::kPrint) {
    std::fwrite(inv->text.data(), 1, inv->text.size(), stdout);
    return 0;
  }
  const Options& o = inv->options;
  absl::StatusOr<health::Settings> health_settings = HealthSettings(o);
  if (!health_settings.ok()) return Usage(name, health_settings.status(), personality);
  log::Init(name, o.verbosity, o.log_format);
  process::SpawnSpec child = ChildSpec(o);
  // Owns what the child's pre-exec steps point into, so it lives until berth ends.
  absl::StatusOr<std::unique_ptr<security::ChildPrivileges>> privileges =
      PreparePrivileges(o, envp, child);
  if (!privileges.ok()) {
    log::Error("{}", privileges.status().message());
    return kUsageError;
  }
  if (absl::Status s = Setup(o, child); !s.ok()) {
    log::Error("{}", s.message());
    return kSetupFailure;
  }
  return Run(o, std::move(child), *health_settings, **privileges);
}

}  // namespace berth
