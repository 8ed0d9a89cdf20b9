// SPDX-License-Identifier: MIT
#include "services_wiring.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "berth/base/status.h"
#include "berth/base/unique_fd.h"
#include "berth/config/service_file.h"
#include "berth/health/address.h"
#include "berth/log/log.h"
#include "berth/loop/loop.h"
#include "berth/loop/signal_source.h"
#include "berth/process/reaper.h"
#include "berth/process/inherited_fds.h"
#include "berth/security/child_privileges.h"
#include "berth/supervisor/service_group.h"
#include "group_health.h"
#include "health_wiring.h"
#include "sandbox_wiring.h"

namespace berth {
namespace {

constexpr int kSetupFailure = 1;
constexpr absl::Duration kWaitAttempt = absl::Seconds(1);
constexpr absl::Duration kWaitPause = absl::Milliseconds(250);

// Waits for `fd` to be ready for `events` until `deadline`; false on timeout or error.
bool PollUntil(int fd, short events, absl::Time deadline) {
  for (;;) {
    const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (ms <= 0) return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, ms);
    if (n < 0 && errno == EINTR) continue;
    return n == 1 && (p.revents & events) != 0;
  }
}

// One attempt: connects (and for http, sends a GET and wants a 2xx or 3xx status line).
bool Answers(const health::Target& t, absl::Time deadline) {
  base::UniqueFd fd(::socket(t.endpoint.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.Valid()) return false;
  if (::connect(fd.Get(), reinterpret_cast<const sockaddr*>(&t.endpoint.addr), t.endpoint.len) < 0 &&
      errno != EINPROGRESS) {
    return false;
  }
  if (!PollUntil(fd.Get(), POLLOUT, deadline)) return false;
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd.Get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) return false;
  if (t.scheme == health::Target::Scheme::kTcp) return true;
  const std::string req = absl::StrCat("GET ", t.path, " HTTP/1.0\r\nHost: ", t.endpoint.text,
                                       "\r\nUser-Agent: berth-wait-for\r\n\r\n");
  if (::send(fd.Get(), req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    return false;
  }
  std::string head;
  char buf[256];
  while (head.find("\r\n") == std::string::npos && head.size() < 1024) {
    if (!PollUntil(fd.Get(), POLLIN, deadline)) return false;
    ssize_t n = ::recv(fd.Get(), buf, sizeof buf, 0);
    if (n <= 0) return false;
    head.append(buf, static_cast<size_t>(n));
  }
  // "HTTP/1.x NNN ..."
  return head.size() > 9 && absl::StartsWith(head, "HTTP/") && (head[9] == '2' || head[9] == '3');
}

absl::StatusOr<std::vector<config::ServiceSpec>> LoadServices(const config::Options& o) {
  std::ifstream in(o.config_file);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(o.config_file, ": cannot read: ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  BERTH_ASSIGN_OR_RETURN(std::vector<config::ServiceSpec> specs,
                         config::ParseServiceFile(text.str(), o.config_file));
  if (!o.command.empty()) {
    for (const config::ServiceSpec& s : specs) {
      if (s.name == "main") {
        return absl::InvalidArgumentError(absl::StrCat(
            o.config_file, ":", s.line, ": service name \"main\" is taken by the PROGRAM after --"));
      }
    }
    config::ServiceSpec main;
    main.name = "main";
    main.command = o.command;
    main.essential = true;
    specs.push_back(std::move(main));
  }
  if (specs.empty()) return absl::InvalidArgumentError(absl::StrCat(o.config_file, ": no service"));
  return specs;
}

// Each service's privilege steps and environment: its own `user`, else --user; the rest of the
// privilege options apply to every service. `keep` is what berth must hold to start any of them
// again. The objects own what the steps point into, so they live as long as berth.
struct ServicePrivileges {
  std::vector<std::unique_ptr<security::ChildPrivileges>> owners;
  std::vector<process::SpawnSpec> spawns;  // index-aligned with the specs
  security::CapSet keep = 0;
};

absl::StatusOr<ServicePrivileges> PrepareServicePrivileges(
    const config::Options& o, const std::vector<config::ServiceSpec>& specs,
    const process::SpawnSpec& base, char** envp) {
  ServicePrivileges out;
  for (const config::ServiceSpec& spec : specs) {
    security::ChildRequest request{spec.user.empty() ? o.user : spec.user, o.caps,
                                   o.no_new_privs, o.seccomp_deny, o.seccomp_profile};
    absl::StatusOr<std::unique_ptr<security::ChildPrivileges>> p =
        security::ChildPrivileges::Prepare(request, envp);
    if (!p.ok()) {
      return absl::Status(p.status().code(),
                          absl::StrCat("service ", spec.name, ": ", p.status().message()));
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

absl::StatusOr<int> WaitForDependencies(const config::Options& o) {
  const absl::Time deadline = absl::Now() + o.wait_timeout;
  const sigset_t stop = o.stop_signals.ToSigset();
  for (const std::string& url : o.wait_for) {
    absl::StatusOr<health::Target> target = health::ParseTarget(url);
    if (!target.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--wait-for ", url, ": ", target.status().message()));
    }
    log::Info("waiting for {}", url);
    for (;;) {
      if (Answers(*target, std::min(deadline, absl::Now() + kWaitAttempt))) break;
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            "--wait-for ", url, " did not answer within ", absl::FormatDuration(o.wait_timeout)));
      }
      const timespec pause = absl::ToTimespec(std::min(kWaitPause, deadline - absl::Now()));
      const int sig = ::sigtimedwait(&stop, nullptr, &pause);
      if (sig > 0) return sig;
    }
    log::Info("{} answers", url);
  }
  return 0;
}

int RunServices(const config::Options& o, const process::SpawnSpec& base, char** envp,
                const health::Settings& health_settings, const std::vector<int>& inherited_fds) {
  absl::StatusOr<std::vector<config::ServiceSpec>> specs = LoadServices(o);
  if (!specs.ok()) {
    log::Error("{}", specs.status().message());
    return kConfigErrorExitCode;
  }
  absl::StatusOr<ServicePrivileges> privileges = PrepareServicePrivileges(o, *specs, base, envp);
  if (!privileges.ok()) {
    log::Error("{}", privileges.status().message());
    return kConfigErrorExitCode;
  }
  const bool prefix = o.log_prefix.value_or(specs->size() > 1);
  absl::StatusOr<loop::Loop> loop = loop::Loop::Create();
  if (!loop.ok()) {
    log::Error("{}", loop.status().message());
    return kSetupFailure;
  }
  process::Reaper reaper;
  auto group = supervisor::ServiceGroup::Create(o, *loop, reaper, std::move(*specs),
                                                std::move(privileges->spawns), prefix);
  if (!group.ok()) {
    log::Error("{}", group.status().message());
    return kConfigErrorExitCode;
  }
  supervisor::ServiceGroup* g = group->get();
  std::unique_ptr<health::Service> health;
  bool stopped_unhealthy = false;
  if (health_settings.Active()) {
    auto h = WireGroupHealth(health_settings, *loop, reaper, *g, base, &stopped_unhealthy);
    if (!h.ok()) {
      log::Error("{}", h.status().message());
      return kSetupFailure;
    }
    health = std::move(*h);
  }
  // Restarts (and command checks) fork and exec for as long as berth runs.
  std::unique_ptr<security::SelfSandbox> sandbox =
      PrepareSelfSandbox(o, /*later_spawns=*/true, privileges->keep);
  auto signal_source = loop::SignalSource::Create(
      *loop, signals::SignalSet::Handled().ToSigset(),
      [g](const signalfd_siginfo& info) { g->OnSignal(info); });
  if (!signal_source.ok()) {
    log::Error("{}", signal_source.status().message());
    return kSetupFailure;
  }
  if (absl::Status s = g->Start(); !s.ok()) {
    log::Error("{}", s.message());
    return kSetupFailure;
  }
  if (o.close_inherited_fds) process::CloseFds(inherited_fds);
  ApplySelfSandbox(o, sandbox.get());
  if (health) health->Start();
  if (absl::Status s = loop->Run(); !s.ok()) {
    log::Error("{}", s.message());
    return kSetupFailure;
  }
  return stopped_unhealthy ? kUnhealthyExitCode : g->ExitCode();
}

}  // namespace berth
