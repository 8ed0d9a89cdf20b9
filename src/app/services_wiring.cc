// SPDX-License-Identifier: MIT
#include "app/services_wiring.h"

#include <signal.h>

#include "app/health_wiring.h"
#include "app/loop_phase.h"
#include "berth/base/error.h"
#include "berth/base/exit_codes.h"
#include "berth/base/file.h"
#include "berth/base/text.h"
#include "berth/config/service_file.h"
#include "berth/log/log.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"
#include "berth/security/child_privileges.h"
#include "berth/supervisor/service_group.h"

namespace berth::app {

base::Result<std::vector<config::ServiceSpec>> LoadServices(const config::Options& o) {
  base::Result<std::string> text = base::ReadSmallRegularFile(o.config_file, kMaxConfigFile);
  if (!text.has_value()) {
    return base::InvalidArgumentError(base::Cat("--config ", text.error().message()));
  }
  BERTH_ASSIGN_OR_RETURN(std::vector<config::ServiceSpec> specs,
                         config::ParseServiceFile(*text, o.config_file));
  if (!o.command.empty()) {
    for (const config::ServiceSpec& s : specs) {
      if (s.name == "main") {
        return base::InvalidArgumentError(
            base::Cat(o.config_file, ":", s.line,
                      ": service name \"main\" is taken by the PROGRAM after --"));
      }
    }
    config::ServiceSpec main;
    main.name = "main";
    main.command = o.command;
    main.essential = true;
    specs.push_back(std::move(main));
  }
  if (specs.empty()) return base::InvalidArgumentError(base::Cat(o.config_file, ": no service"));
  return specs;
}

namespace {

// Each service's privilege steps and environment: its own `user`, else --user; the rest of the
// privilege options apply to every service. `keep` is what berth must hold to start any of them
// again. The objects own what the steps point into, so they live as long as berth.
struct ServicePrivileges {
  std::vector<std::unique_ptr<security::ChildPrivileges>> owners;
  std::vector<process::SpawnSpec> spawns;  // index-aligned with the specs
  security::CapSet keep = 0;
};

base::Result<ServicePrivileges> PrepareServicePrivileges(
    const config::Options& o, const std::vector<config::ServiceSpec>& specs,
    const process::SpawnSpec& base, char** envp) {
  ServicePrivileges out;
  for (const config::ServiceSpec& spec : specs) {
    security::ChildRequest request{spec.user.empty() ? o.user : spec.user, o.caps,
                                   o.no_new_privs, o.seccomp_deny, o.seccomp_profile};
    base::Result<std::unique_ptr<security::ChildPrivileges>> p =
        security::ChildPrivileges::Prepare(request, envp);
    if (!p.has_value()) {
      return base::MakeError(p.error().code(),
                             base::Cat("service ", spec.name, ": ", p.error().message()));
    }
    process::SpawnSpec spawn = base;
    spawn.listen_pid_to_child = false;  // socket-activation fds are meant for one process
    spawn.pre_exec.clear();
    for (const security::ChildStep& step : (*p)->steps()) {
      spawn.pre_exec.push_back({step.name, step.run, step.context});
    }
    if ((*p)->environment()) spawn.env = (*p)->environment();
    log::Info("service {} runs with: {}", spec.name, (*p)->Describe());
    out.keep |= (*p)->NeededToRespawn();
    out.spawns.push_back(std::move(spawn));
    out.owners.push_back(std::move(*p));
  }
  return out;
}

}  // namespace

int RunServices(const config::Options& o, std::vector<config::ServiceSpec> services,
                loop::Loop& loop, process::Reaper& reaper, const process::SpawnSpec& base,
                char** envp, const health::Settings& health_settings,
                const std::vector<int>& inherited_fds) {
  base::Result<ServicePrivileges> privileges = PrepareServicePrivileges(o, services, base, envp);
  if (!privileges.has_value()) {
    log::Error("{}", privileges.error().message());
    return exit_codes::ForStartupError(privileges.error());
  }
  const bool prefix = o.log_prefix.value_or(services.size() > 1);
  auto group = supervisor::ServiceGroup::Create(o, loop, reaper, std::move(services),
                                                std::move(privileges->spawns), prefix);
  if (!group.has_value()) return SetupFailed(group.error());
  supervisor::ServiceGroup* g = group->get();
  LoopPhase phase{
      .signals = signals::SignalSet::Handled().ToSigset(),
      .on_signal = [g](const signalfd_siginfo& info) { g->OnSignal(info); },
      .start = [g] { return g->Start(); },
      .start_failed = SetupFailed,
      .exit_code = [g] { return g->ExitCode(); },
      .later_spawns = true,  // restarts (and command checks) fork and exec as long as berth runs
      .keep = privileges->keep,
  };
  if (health_settings.Active()) {
    phase.health = [&] { return WireGroupHealth(health_settings, loop, reaper, *g, base); };
  }
  return RunLoopPhase(o, loop, phase, inherited_fds);
}

}  // namespace berth::app
