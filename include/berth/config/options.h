// SPDX-License-Identifier: MIT
// config: everything berth was asked to do, as plain data; filled by parse.h, read by the rest.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "berth/log/log.h"
#include "berth/signals/map.h"
#include "berth/signals/signal.h"

namespace berth::config {

// The program berth pretends to be, chosen by the name it is called with (argv[0]).
enum class Personality { kBerth, kTini, kDumbInit, kCatatonit };

// Where forwarded signals go.
enum class SignalTarget { kChild, kProcessGroup };

struct Options {
  Personality personality = Personality::kBerth;
  // PROGRAM and its arguments; empty only in pause mode.
  std::vector<std::string> command;

  int verbosity = 1;
  log::Format log_format = log::Format::kText;

  // Signals.
  SignalTarget target = SignalTarget::kChild;
  signals::SignalMap map;
  int parent_death_signal = 0;

  // Reaping.
  bool subreaper = false;     // asked for explicitly (-s, TINI_SUBREAPER)
  bool warn_on_reap = false;  // -w
  std::bitset<256> exit_to_zero;  // -e CODE

  // Shutdown.
  signals::SignalSet stop_signals{SIGTERM, SIGINT};
  bool stop_signals_set_by_user = false;
  absl::Duration drain = absl::ZeroDuration();
  std::optional<absl::Duration> grace;  // none: no deadline, as tini
  bool teardown = true;                 // TERM, then KILL, what the child leaves behind

  // Health (docs/health.md): kept as given; health::ParseSettings checks and converts them.
  std::string healthz;        // --healthz ADDR, BERTH_HEALTHZ
  std::string health_cmd;     // --health-cmd
  std::string health_http;    // --health-http URL
  std::string health_tcp;     // --health-tcp HOST:PORT
  std::string health_status;  // --health-status LIST ("" means 200-399)
  absl::Duration health_interval = absl::Seconds(10);
  absl::Duration health_timeout = absl::Seconds(5);
  absl::Duration health_start_period = absl::ZeroDuration();
  int health_retries = 3;
  bool exit_on_unhealthy = false;  // --on-unhealthy exit

  // Compatibility modes.
  bool setsid = false;  // the child leads a new session (dumb-init)
  bool pause = false;   // no program: reap until TERM or INT (catatonit -P)

  // Privileges, as given; the security module resolves and checks them before anything starts.
  std::string user;                 // --user USER[:GROUP]; empty: unchanged
  std::optional<std::string> caps;  // --caps LIST; none given: unchanged
  bool no_new_privs = false;        // --no-new-privs
  std::vector<std::string> seccomp_deny;  // --seccomp-deny, one entry per occurrence
  std::string seccomp_profile;            // --seccomp PROFILE.json
  bool self_sandbox = true;               // berth's own seccomp allowlist and capability drop
  std::string debug_try_syscall;          // --debug-try-syscall: a self-sandbox test hook
};

// The default leftover-teardown wait when no --grace is given.
inline constexpr absl::Duration kDefaultTeardownWait = absl::Seconds(5);

}  // namespace berth::config
