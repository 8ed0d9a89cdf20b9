// SPDX-License-Identifier: MIT
#include "berth/health/checker.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_split.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/log/log.h"
#include "berth/process/exit_status.h"

namespace berth::health {
namespace {

// Between fork and exec (async-signal-safe only): a check's stdio goes to /dev/null, so a check
// every few seconds does not fill the container's log.
int QuietStdio(const void*) {
  const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0) return errno;
  for (int target = 0; target <= 2; ++target) {
    if (::dup2(fd, target) < 0) return errno;
  }
  return 0;
}

}  // namespace

std::vector<std::string> CommandArgv(absl::string_view command, bool have_shell) {
  if (have_shell) return {"/bin/sh", "-c", std::string(command)};
  return absl::StrSplit(command, absl::ByAnyChar(" \t"), absl::SkipEmpty());
}

base::Result<std::unique_ptr<Checker>> Checker::Create(loop::Loop& loop, process::Reaper& reaper,
                                                       CheckSpec spec,
                                                       process::SpawnSpec spawn_template,
                                                       ResultHandler on_result) {
  std::unique_ptr<Checker> c(new Checker(loop, reaper, std::move(spec), std::move(on_result)));
  Checker* raw = c.get();
  BERTH_ASSIGN_OR_RETURN(c->next_, loop::Timer::Create(loop, [raw] { raw->Begin(); }));
  BERTH_ASSIGN_OR_RETURN(c->deadline_, loop::Timer::Create(loop, [raw] { raw->OnTimeout(); }));
  c->spawn_ = std::move(spawn_template);
  c->spawn_.argv = c->spec_.argv;
  // Its own process group, so a timeout kills the shell and what it started; never the
  // terminal's foreground, which belongs to the main child.
  c->spawn_.session = process::Session::kNewProcessGroup;
  c->spawn_.take_terminal = false;
  c->spawn_.pre_exec.push_back({"redirect stdio to /dev/null", QuietStdio, nullptr});
  if (c->spec_.kind == CheckKind::kHttp)
    c->request_ = BuildRequest(c->spec_.target, c->spec_.headers);
  if (c->spec_.kind != CheckKind::kCommand && c->spec_.target.endpoint.NeedsLookup()) {
    BERTH_ASSIGN_OR_RETURN(c->resolver_, Resolver::Create(loop));
  }
  return c;
}

Checker::~Checker() {
  stopped_ = true;
  Abandon();
}

void Checker::Start() {
  stopped_ = false;
  if (base::Status s = next_->Arm(absl::ZeroDuration()); !s.has_value()) {
    log::Error("health check: {}", s.error().message());
  }
}

void Checker::Stop() {
  if (stopped_) return;
  stopped_ = true;
  (void)next_->Disarm();
  Abandon();
}

void Checker::Begin() noexcept {
  if (stopped_) return;
  if (base::Status s = deadline_->Arm(spec_.timeout); !s.has_value()) {
    log::Error("health check: {}", s.error().message());
  }
  if (spec_.kind == CheckKind::kCommand) {
    BeginCommand();
  } else {
    BeginConnection();
  }
}

void Checker::BeginCommand() {
  base::Result<pid_t> pid = process::Spawn(spawn_);
  if (!pid.has_value()) return Done(false, pid.error().message());
  pid_ = *pid;
  reaper_.Watch(pid_, [this](pid_t p, int status) { OnCommandExit(p, status); });
}

// A name is looked up before every attempt: the service behind it may have moved.
void Checker::BeginConnection() {
  if (!resolver_) return Connect(spec_.target);
  resolving_ = true;
  resolver_->Lookup(spec_.target.endpoint, [this](base::Result<Endpoint> endpoint) {
    resolving_ = false;
    if (!endpoint.has_value()) return Done(false, endpoint.error().message());
    Target resolved = spec_.target;
    resolved.endpoint = std::move(*endpoint);
    Connect(resolved);
  });
}

void Checker::Connect(const Target& target) {
  exchange_.emplace(Exchange::Begin(target, spec_.healthy, request_));
  if (exchange_->Done()) {
    Outcome o = exchange_->outcome();
    exchange_.reset();
    return Done(o.healthy, o.detail);
  }
  exchange_fd_ = exchange_->fd();
  if (base::Status s =
          loop_.Add(exchange_fd_, exchange_->Interest(), [this](uint32_t) { OnSocketReady(); });
      !s.has_value()) {
    exchange_.reset();
    exchange_fd_ = -1;
    Done(false, s.error().message());
  }
}

void Checker::OnSocketReady() noexcept {
  const uint32_t before = exchange_->Interest();
  exchange_->OnReady();
  if (!exchange_->Done()) {
    if (exchange_->Interest() != before) (void)loop_.Modify(exchange_fd_, exchange_->Interest());
    return;
  }
  Outcome o = exchange_->outcome();
  Abandon();
  Done(o.healthy, o.detail);
}

void Checker::OnCommandExit(pid_t pid, int wait_status) noexcept {
  if (pid != pid_) return;  // a check already given up on by its timeout
  pid_ = 0;
  const bool ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
  Done(ok, process::DescribeWaitStatus(wait_status));
}

void Checker::OnTimeout() noexcept {
  if (pid_ == 0 && !exchange_ && !resolving_) return;
  Abandon();
  Done(false, base::Cat("timed out after ", absl::FormatDuration(spec_.timeout)));
}

// Drops the running check: closes its socket, or kills its process group (its exit is still
// reaped through the Reaper, and ignored).
void Checker::Abandon() {
  if (resolving_) {
    resolving_ = false;
    resolver_->Cancel();
  }
  if (exchange_) {
    loop_.Remove(exchange_fd_);
    exchange_.reset();
    exchange_fd_ = -1;
  }
  if (pid_ != 0) {
    if (::kill(-pid_, SIGKILL) < 0 && errno != ESRCH) {
      log::Warn("kill({}, SIGKILL): {}", -pid_, std::strerror(errno));
    }
    pid_ = 0;
  }
}

void Checker::Done(bool ok, absl::string_view detail) {
  (void)deadline_->Disarm();
  // The detail ends up in every /healthz answer: keep it short.
  on_result_(ok, detail.substr(0, 200));
  if (stopped_) return;
  if (base::Status s = next_->Arm(spec_.interval); !s.has_value()) {
    log::Error("health check: {}", s.error().message());
  }
}

}  // namespace berth::health
