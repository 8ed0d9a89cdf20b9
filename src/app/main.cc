// SPDX-License-Identifier: MIT
#include "berth/app/main.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/dumb_init_trace.h"
#include "app/health_wiring.h"
#include "app/loop_phase.h"
#include "app/services_wiring.h"
#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/check/check.h"
#include "berth/config/file_env.h"
#include "berth/config/parse.h"
#include "berth/health/probe_command.h"
#include "berth/log/log.h"
#include "berth/log/output.h"
#include "berth/loop/loop.h"
#include "berth/process/descriptor_reserve.h"
#include "berth/process/inherited_fds.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"
#include "berth/security/child_privileges.h"
#include "berth/security/seccomp_filter.h"
#include "berth/security/self_sandbox.h"
#include "berth/supervisor/supervisor.h"

namespace berth::app {
namespace {

using config::Options;
using config::Personality;

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

// The signals berth's signalfd reads. dumb-init takes every signal up to 31: SIGTTIN and SIGTTOU
// to pass on and suspend with, and the synchronous ones when someone kill(2)s them (a real fault
// in berth is still fatal: the kernel unblocks a forced SIGSEGV).
signals::SignalSet HandledSignals(const Options& o) {
  signals::SignalSet set = signals::SignalSet::Handled();
  if (o.personality == Personality::kDumbInit) {
    for (int sig : {SIGTTIN, SIGTTOU, SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS}) {
      set.Add(sig);
    }
  }
  return set;
}

// Blocks every signal the loop reads and ignores SIGTTIN/SIGTTOU (tini: berth may lose the
// terminal's foreground and must not stop on its own writes; blocked, they still reach the
// signalfd). Records what the child restores.
base::Status TakeSignals(const Options& o, process::SpawnSpec& child) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (::sigaction(SIGTTIN, &ignore, &child.ttin_action) < 0) return base::ErrnoError("sigaction(SIGTTIN)");
  if (::sigaction(SIGTTOU, &ignore, &child.ttou_action) < 0) return base::ErrnoError("sigaction(SIGTTOU)");
  sigset_t handled = HandledSignals(o).ToSigset();
  if (::sigprocmask(SIG_BLOCK, &handled, &child.sigmask) < 0) return base::ErrnoError("sigprocmask");
  return base::OkStatus();
}

// Zombies only come back to berth as PID 1 or as a subreaper. berth registers by itself; tini
// only when asked, and warns otherwise.
base::Status ArrangeReaping(const Options& o) {
  if (::getpid() == 1) return base::OkStatus();
  const bool want = o.subreaper || o.personality == Personality::kBerth ||
                    o.personality == Personality::kCatatonit;
  if (want) {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return base::ErrnoError("prctl(PR_SET_CHILD_SUBREAPER)");
    log::Info("not PID 1: registered as child subreaper");
    return base::OkStatus();
  }
  int bit = 0;
  if (::prctl(PR_GET_CHILD_SUBREAPER, &bit) == 0 && bit == 1) return base::OkStatus();
  if (o.personality == Personality::kTini) log::Warn("{}", kReaperWarning);
  return base::OkStatus();
}

// dumb-init: berth gives up stdin's terminal so the child's new session can take it. When berth
// led the session, the kernel then sends it a SIGHUP and a SIGCONT that must not be forwarded;
// returns true in that case.
bool ReleaseTerminal(const Options& o, DumbInitTrace* trace) {
  if (o.session != config::ChildSession::kNewSession) return false;
  if (::ioctl(STDIN_FILENO, TIOCNOTTY) < 0) {
    const int err = errno;
    log::Debug("ioctl(stdin, TIOCNOTTY): {}", std::strerror(err));
    if (trace) trace->TerminalReleased(err, false);
    return false;
  }
  const bool leader = ::getsid(0) == ::getpid();
  if (trace) trace->TerminalReleased(0, leader);
  return leader;
}

// dumb-init, catatonit and pause mode keep no directory busy (a pause container started in a
// directory would pin its mount: catatonit 0.2.1). Done before the spawn, so no child races it.
void LeaveDirectory(const Options& o) {
  if (o.chdir_root && ::chdir("/") < 0) log::Debug("chdir(/): {}", std::strerror(errno));
}

base::Status Setup(const Options& o, process::SpawnSpec& child) {
  BERTH_RETURN_IF_ERROR(TakeSignals(o, child));
  LeaveDirectory(o);
  if (o.parent_death_signal != 0 && ::prctl(PR_SET_PDEATHSIG, o.parent_death_signal) < 0) {
    return base::ErrnoError("prctl(PR_SET_PDEATHSIG)");
  }
  BERTH_RETURN_IF_ERROR(ArrangeReaping(o));
  if (o.personality == Personality::kBerth && ::getpid() == 1 && !o.grace) {
    log::Info("no --grace: after a stop signal berth waits for the child as long as it takes");
  }
  return base::OkStatus();
}

process::SpawnSpec ChildSpec(const Options& o) {
  process::SpawnSpec spec;
  spec.argv = o.command;
  spec.listen_pid_to_child = true;
  // berth itself leaves for / (LeaveDirectory); the child still starts where berth was started.
  if (o.chdir_root) {
    if (char* cwd = ::getcwd(nullptr, 0)) {
      spec.workdir = cwd;
      std::free(cwd);
    }
  }
  spec.default_signal_actions = o.personality == Personality::kDumbInit;
  switch (o.session) {
    case config::ChildSession::kNewSession: spec.session = process::Session::kNewSession; break;
    case config::ChildSession::kInherit: spec.session = process::Session::kInherit; break;
    case config::ChildSession::kNewProcessGroup: break;
  }
  return spec;
}

// What a failed exec prints and ends with: dumb-init says "[dumb-init] PROGRAM: ERROR", catatonit
// logs, each with its own code; berth and tini exit 127 (not found) or 126.
int ReportSpawnError(const Options& o, const base::Error& s) {
  const absl::string_view why = s.message().substr(s.message().rfind(": ") + 2);
  switch (o.personality) {
    case Personality::kDumbInit:
      std::fprintf(stderr, "[dumb-init] %s: %.*s\n", o.command.front().c_str(),
                   static_cast<int>(why.size()), why.data());
      return exit_codes::kDumbInitExecFailure;
    case Personality::kCatatonit:
      std::fprintf(stderr, "ERROR (catatonit:%d): failed to exec pid1: %.*s\n", ::getpid(),
                   static_cast<int>(why.size()), why.data());
      return exit_codes::kCatatonitExecFailure;
    case Personality::kBerth:
    case Personality::kTini:
      break;
  }
  log::Error("{}", s.message());
  return process::ExitCodeForSpawnError(s);
}

// While berth's stdout or stderr has output queued for a stalled reader, the loop wakes berth
// when it can take more (log/output.h); until the loop is gone.
class OutputWatch {
 public:
  explicit OutputWatch(loop::Loop& loop) {
    log::SetOutputWatcher([&loop](int fd, bool on) {
      if (!on) return loop.Remove(fd);
      // No log line on failure: it would come back here. The next write retries anyway.
      (void)loop.Add(fd, EPOLLOUT, [fd](uint32_t) { log::OnOutputWritable(fd); });
    });
  }
  ~OutputWatch() { log::SetOutputWatcher({}); }
  OutputWatch(const OutputWatch&) = delete;
  OutputWatch& operator=(const OutputWatch&) = delete;
};

// Resolves --user, --caps, --no-new-privs and the seccomp options into steps the child runs
// after fork. Every error here is the user's (an unknown name, a bad profile): nothing has
// started yet.
base::Result<std::unique_ptr<security::ChildPrivileges>> PreparePrivileges(
    const Options& o, char** envp, process::SpawnSpec& child) {
  if (!o.debug_try_syscall.empty() && !security::SyscallNumber(o.debug_try_syscall)) {
    return base::InvalidArgumentError(
        base::Cat("--debug-try-syscall: unknown system call '", o.debug_try_syscall, "'"));
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

// --file-env NAMES: each NAME_FILE=/path named becomes NAME=<contents>. The result replaces
// berth's environment as the base of every child's (--user derives HOME from it), so `storage`
// must outlive them.
base::Result<char**> ExpandFileEnv(const Options& o, char** envp, std::vector<std::string>& storage,
                                   std::vector<char*>& pointers) {
  BERTH_ASSIGN_OR_RETURN(config::Environment expanded,
                         config::ExpandFileEnv(ReadEnvironment(envp), o.file_env));
  for (const auto& [k, v] : expanded) storage.push_back(base::Cat(k, "=", v));
  for (std::string& kv : storage) pointers.push_back(kv.data());
  pointers.push_back(nullptr);
  return pointers.data();
}

// The files berth reads before anything starts: --config's services, --file-env's secrets (which
// then replace `*envp`). An error is the user's: a usage error.
base::Status ReadInputs(const Options& o, std::vector<config::ServiceSpec>& services, char*** envp,
                        std::vector<std::string>& file_env, std::vector<char*>& file_envp) {
  if (!o.config_file.empty()) {
    BERTH_ASSIGN_OR_RETURN(services, LoadServices(o));
  }
  if (!o.file_env.empty()) {
    BERTH_ASSIGN_OR_RETURN(*envp, ExpandFileEnv(o, *envp, file_env, file_envp));
  }
  return base::OkStatus();
}

// One program: its supervisor through the loop phase (loop_phase.h); returns berth's exit code.
int Run(const Options& o, loop::Loop& loop, process::Reaper& reaper, process::SpawnSpec child,
        const health::Settings& health_settings, bool ignore_hangup,
        const std::vector<int>& inherited_fds, const security::ChildPrivileges& privileges,
        DumbInitTrace* trace) {
  process::SpawnSpec child_template = child;
  child_template.listen_pid_to_child = false;  // socket-activation fds are the main child's
  auto supervisor = supervisor::Supervisor::Create(o, loop, reaper, std::move(child));
  if (!supervisor.has_value()) return SetupFailed(supervisor.error());
  supervisor::Supervisor* sup = supervisor->get();
  sup->SetTrace(trace);
  if (ignore_hangup) {
    sup->IgnoreNext(SIGHUP);
    sup->IgnoreNext(SIGCONT);
  }
  // A command check forks and execs with the app's privilege steps for as long as berth runs,
  // and must get what the app got: berth keeps what a respawn of the app would need.
  const bool later_spawns = health_settings.check.kind == health::CheckKind::kCommand;
  LoopPhase phase{
      .signals = HandledSignals(o).ToSigset(),
      .on_signal = [sup](const signalfd_siginfo& info) { sup->OnSignal(info); },
      .start = [sup] { return sup->Start(); },
      .start_failed = [&o](const base::Error& s) { return ReportSpawnError(o, s); },
      .exit_code = [sup] { return sup->ExitCode(); },
      .later_spawns = later_spawns,
      .keep = later_spawns ? privileges.NeededToRespawn() : privileges.NeededAtFork(),
  };
  if (health_settings.Active()) {
    phase.health = [&] {
      return WireHealth(health_settings, o, loop, reaper, *sup, child_template);
    };
  }
  return RunLoopPhase(o, loop, phase, inherited_fds);
}

// A log collector expecting JSON (--log-format json) must get the usage error as JSON too.
int Usage(const base::Error& status, Personality personality,
          const std::vector<absl::string_view>& args) {
  if (personality == Personality::kBerth &&
      config::RequestedLogFormat(personality, args) == log::Format::kJson) {
    log::Init("berth", 0, log::Format::kJson);
    log::Error("{} (see berth --help)", status.message());
    return config::UsageExitCode(personality);
  }
  const std::string text = config::UsageErrorText(personality, status);
  std::fwrite(text.data(), 1, text.size(), stderr);
  return config::UsageExitCode(personality);
}

int RunCheck(int argc, char** argv) { return check::Main(argc - 1, argv + 1); }

// berth's subcommands (only under the name berth): each gets argv from its own name on.
// `berth -- probe` still runs a program called probe.
struct Subcommand {
  absl::string_view name;
  int (*main)(int argc, char** argv);
};
constexpr Subcommand kSubcommands[] = {{"probe", health::ProbeMain}, {"check", RunCheck}};

}  // namespace

int Main(int argc, char** argv, char** envp) {
  const std::vector<int> inherited_fds = process::ListInheritedFds();
  const Personality personality =
      config::PersonalityFromArgv0(argc > 0 ? argv[0] : "berth");
  if (personality == Personality::kBerth && argc > 1) {
    for (const Subcommand& sub : kSubcommands) {
      if (sub.name == argv[1]) return sub.main(argc - 1, argv + 1);
    }
  }
  const absl::string_view name = config::PersonalityName(personality);
  std::vector<absl::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const config::Environment env = ReadEnvironment(envp);
  base::Result<config::Invocation> inv = config::Parse(personality, args, env);
  if (!inv.has_value()) return Usage(inv.error(), personality, args);
  if (inv->kind == config::Invocation::Kind::kPrint) {
    std::fwrite(inv->text.data(), 1, inv->text.size(), inv->to_stderr ? stderr : stdout);
    return 0;
  }
  const Options& o = inv->options;
  base::Result<health::Settings> health_settings = HealthSettings(o);
  if (!health_settings.has_value()) return Usage(health_settings.error(), personality, args);
  if (auto targets = WaitForTargets(o); !targets.has_value()) {
    return Usage(targets.error(), personality, args);
  }
  log::Init(name, o.verbosity, o.log_format);
  std::unique_ptr<DumbInitTrace> trace;
  if (o.dumb_init_debug) {
    auto is = [&env](absl::string_view k, absl::string_view v) {
      auto it = env.find(k);
      return it != env.end() && it->second == v;
    };
    trace = std::make_unique<DumbInitTrace>(is("DUMB_INIT_DEBUG", "1"), is("DUMB_INIT_SETSID", "0"));
  }
  std::vector<config::ServiceSpec> services;
  std::vector<std::string> file_env;
  std::vector<char*> file_envp;
  if (base::Status s = ReadInputs(o, services, &envp, file_env, file_envp); !s.has_value()) {
    log::Error("{}", s.error().message());
    return exit_codes::kUsage;
  }
  process::SpawnSpec child = ChildSpec(o);
  if (trace && o.session == config::ChildSession::kNewSession) {
    child.pre_exec.push_back(trace->SessionStep());
  }
  // Owns what the child's pre-exec steps point into, so it lives until berth ends.
  base::Result<std::unique_ptr<security::ChildPrivileges>> privileges =
      PreparePrivileges(o, envp, child);
  if (!privileges.has_value()) {
    log::Error("{}", privileges.error().message());
    return exit_codes::ForStartupError(privileges.error());
  }
  if (!o.file_env.empty() && !child.env) child.env = file_env;
  if (base::Status s = Setup(o, child); !s.has_value()) return SetupFailed(s.error());
  process::ReserveDescriptors();
  // The one loop: --wait-for runs on it first, then the child or the services.
  base::Result<loop::Loop> loop = loop::Loop::Create();
  if (!loop.has_value()) return SetupFailed(loop.error());
  const OutputWatch output_watch(*loop);
  process::Reaper reaper;
  base::Result<int> stopped_by = WaitForDependencies(o, *loop, reaper);
  if (!stopped_by.has_value()) return SetupFailed(stopped_by.error());
  if (*stopped_by != 0) {
    log::Notice("{} while waiting for --wait-for: nothing started", signals::SignalName(*stopped_by));
    return exit_codes::ForSignal(*stopped_by);
  }
  if (!o.config_file.empty()) {
    return RunServices(o, std::move(services), *loop, reaper, child, envp, *health_settings,
                       inherited_fds);
  }
  const bool ignore_hangup = ReleaseTerminal(o, trace.get());
  return Run(o, *loop, reaper, std::move(child), *health_settings, ignore_hangup, inherited_fds,
             **privileges, trace.get());
}

}  // namespace berth::app
