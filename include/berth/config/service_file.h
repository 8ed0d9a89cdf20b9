// SPDX-License-Identifier: MIT
// config: reads the --config TOML file into service specs; pure parsing and validation, it
// starts nothing. Errors name the file, line and key.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "berth/base/error.h"

namespace berth::config {

enum class RestartPolicy { kNever, kOnFailure, kAlways };

// How a service says it is ready; dependants (`after`) start only then.
struct ReadySpec {
  enum class Kind { kStarted, kHttp, kTcp, kLog, kExitZero };
  Kind kind = Kind::kStarted;  // ready as soon as it is running
  std::string target;          // URL, HOST:PORT or the log regex (POSIX ERE)
  // Not ready this long after a start: the container cannot come up (docs/services.md).
  std::optional<absl::Duration> timeout;
};

// A service's own health check, with Docker HEALTHCHECK's names and defaults.
struct HealthSpec {
  enum class Kind { kNone, kCmd, kHttp, kTcp };
  Kind kind = Kind::kNone;
  std::string target;
  absl::Duration interval = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(5);
  int retries = 3;
  absl::Duration start_period = absl::ZeroDuration();
  std::string status = "200-399";
};

// The shortest restart_delay a service file may set.
inline constexpr absl::Duration kMinRestartDelay = absl::Milliseconds(100);

struct ServiceSpec {
  std::string name;
  std::vector<std::string> command;  // a string command becomes /bin/sh -c STRING
  std::vector<std::pair<std::string, std::string>> env;
  std::string user;
  std::string workdir;
  int stop_signal = 15;  // SIGTERM
  bool essential = false;
  RestartPolicy restart = RestartPolicy::kNever;
  absl::Duration restart_delay = absl::Seconds(1);  // at least kMinRestartDelay
  absl::Duration restart_max_delay = absl::Seconds(30);
  int max_restarts = 0;  // within restart_window; 0 = no limit
  absl::Duration restart_window = absl::Minutes(1);
  std::vector<std::string> after;
  ReadySpec ready;
  HealthSpec health;
  int line = 0;       // where the service's table starts in the file
  int name_line = 0;  // where its `name` and `after` keys are, for errors found later
  int after_line = 0;
};

// Parses `text` (the contents of `path`, used in messages) as a berth service file:
//
//   [[service]]
//   name = "web"
//   command = ["gunicorn", "app:app"]     # or a string, run through /bin/sh -c
//   after = ["migrate"]
//   ready = { http = "http://127.0.0.1:8000/healthz" }
//
// Refuses unknown keys, wrong types, duplicate names, unknown names in `after` and dependency
// cycles with "PATH:LINE: message". The services come back in file order.
base::Result<std::vector<ServiceSpec>> ParseServiceFile(absl::string_view text,
                                                        absl::string_view path);

// The order to start services in: each after everything it names in `after` (a topological
// order, stable with respect to file order). Assumes ParseServiceFile's validation.
std::vector<size_t> StartOrder(const std::vector<ServiceSpec>& services);

}  // namespace berth::config
