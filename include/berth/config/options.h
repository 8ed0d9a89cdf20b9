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

// What berth does with the terminal stop signals TSTP, TTIN and TTOU sent to it.
enum class TtyStop {
  kForward,             // forward TSTP; TTIN and TTOU are ignored (tini, berth)
  kForwardAndSuspend,   // forward the (rewritten) signal, then SIGSTOP itself (dumb-init)
  kIgnore,              // neither forwarded nor acted on (catatonit)
};

// How the child is placed among sessions and process groups.
enum class ChildSession {
  kNewProcessGroup,  // its own process group (tini, catatonit, berth)
  kNewSession,       // leads a new session and takes berth's terminal (dumb-init)
  kInherit,          // stays in berth's group and session (dumb-init -c)
};

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
  // The signals that start the shutdown (docs/shutdown.md). berth's default takes in the usual
  // STOPSIGNALs (QUIT for nginx's images); the peers act on TERM and INT (parse.cc).
  signals::SignalSet stop_signals{SIGTERM, SIGINT, SIGQUIT};
  bool stop_signals_set_by_flag = false;  // a --stop-signal seen: later ones add to the set
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
  ChildSession session = ChildSession::kNewProcessGroup;
  TtyStop tty_stop = TtyStop::kForward;
  bool term_group_on_exit = false;  // SIGTERM the child's group once it exits (dumb-init)
  // dumb-init's own debugging lines ("[dumb-init] Received signal 17."), word for word, in place
  // of berth's log: -v or DUMB_INIT_DEBUG=1 under that name.
  bool dumb_init_debug = false;
  bool pause = false;               // no program: reap until TERM or INT (catatonit -P)
  bool close_inherited_fds = false; // close berth's copies of fds >= 3 once the child runs
  bool chdir_root = false;          // chdir("/") once the child runs: keep no directory busy

  // Privileges, as given; the security module resolves and checks them before anything starts.
  std::string user;                 // --user USER[:GROUP]; empty: unchanged
  std::optional<std::string> caps;  // --caps LIST; none given: unchanged
  bool no_new_privs = false;        // --no-new-privs
  std::vector<std::string> seccomp_deny;  // --seccomp-deny, one entry per occurrence
  std::string seccomp_profile;            // --seccomp PROFILE.json
  bool self_sandbox = true;               // berth's own seccomp allowlist and capability drop
  std::string debug_try_syscall;          // --debug-try-syscall: a self-sandbox test hook

  // Services (docs/services.md).
  std::string config_file;                 // --config FILE, BERTH_CONFIG
  std::optional<bool> log_prefix;          // --log-prefix / --no-log-prefix; unset: automatic
  std::vector<std::string> file_env;       // --file-env NAMES: the variables NAME_FILE fills
  std::vector<std::string> wait_for;       // --wait-for URL (repeatable)
  absl::Duration wait_timeout = absl::Seconds(30);
};

// The default leftover-teardown wait when no --grace is given.
inline constexpr absl::Duration kDefaultTeardownWait = absl::Seconds(5);

}  // namespace berth::config
