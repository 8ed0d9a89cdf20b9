// SPDX-License-Identifier: MIT
// health: runs the wrapped check (a command, an HTTP GET or a TCP connect, its host looked up
// first when it is a name) on berth's loop every interval, each under a timeout; never blocks. It
// reports results and keeps no policy: State decides what they mean.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "berth/base/error.h"
#include "berth/health/address.h"
#include "berth/health/exchange.h"
#include "berth/health/resolver.h"
#include "berth/health/status_list.h"
#include "berth/loop/loop.h"
#include "berth/loop/timer.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"

namespace berth::health {

enum class CheckKind { kNone, kCommand, kHttp, kTcp };

struct CheckSpec {
  CheckKind kind = CheckKind::kNone;
  // kCommand: the argv to run ("/bin/sh -c CMD", or CMD split on blanks without /bin/sh).
  std::vector<std::string> argv;
  Target target;                     // kHttp, kTcp
  std::vector<std::string> headers;  // kHttp: extra "Name: value" request headers
  StatusList healthy = StatusList::Default();
  absl::Duration interval = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(5);
};

// The argv for --health-cmd CMD: /bin/sh -c CMD when `have_shell`, else CMD split on blanks.
std::vector<std::string> CommandArgv(absl::string_view command, bool have_shell);

class Checker {
 public:
  using ResultHandler = std::function<void(bool ok, absl::string_view detail)>;

  // `spawn_template` carries the signal mask and dispositions a command check restores (as the
  // main child); its argv is replaced. Exits of command checks come through `reaper`.
  static base::Result<std::unique_ptr<Checker>> Create(loop::Loop& loop, process::Reaper& reaper,
                                                       CheckSpec spec,
                                                       process::SpawnSpec spawn_template,
                                                       ResultHandler on_result);
  ~Checker();
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // Runs the first check now, then one `interval` after each ends.
  void Start();
  // No further check. One in flight is abandoned (a command is killed).
  void Stop();

 private:
  Checker(loop::Loop& loop, process::Reaper& reaper, CheckSpec spec, ResultHandler on_result)
      : loop_(loop), reaper_(reaper), spec_(std::move(spec)), on_result_(std::move(on_result)) {}

  void Begin() noexcept;
  void BeginCommand();
  void BeginConnection();
  void Connect(const Target& target);
  void OnSocketReady() noexcept;
  void OnCommandExit(pid_t pid, int wait_status) noexcept;
  void OnTimeout() noexcept;
  void Abandon();
  void Done(bool ok, absl::string_view detail);

  loop::Loop& loop_;
  process::Reaper& reaper_;
  CheckSpec spec_;
  process::SpawnSpec spawn_;
  std::string request_;
  ResultHandler on_result_;
  std::unique_ptr<loop::Timer> next_;      // the interval between checks
  std::unique_ptr<loop::Timer> deadline_;  // the running check's timeout
  pid_t pid_ = 0;                          // the running command check
  std::optional<Exchange> exchange_;       // the running HTTP or TCP check
  std::unique_ptr<Resolver> resolver_;     // when the target is a DNS name
  bool resolving_ = false;                 // a lookup is in flight
  int exchange_fd_ = -1;
  bool stopped_ = false;
};

}  // namespace berth::health
