// SPDX-License-Identifier: MIT
// check: what one trial run of the app recorded, as plain data; times count from the launch.
// Filled by the trial, read by the verdict and the report; no behaviour here.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace berth::check {

// How the app was run.
enum class Mode {
  kPidNamespace,  // berth as PID 1 of a new PID namespace
  kSubreaper,     // berth as a child subreaper, no namespace
  kBare,          // the app itself as PID 1 of a new PID namespace, no berth
};

absl::string_view ModeName(Mode mode);  // "pid-namespace", "subreaper", "bare"

struct SignalSent {
  int sig;
  absl::Duration at;
};

// A process seen below PID 1 (leftover after the main process exited, or a zombie).
struct ProcessSeen {
  pid_t pid;
  std::string command;
  absl::Duration seen;                 // first seen (leftovers: alive after the main exit)
  std::optional<absl::Duration> gone;  // last seen + one poll; nullopt: still there at the end
};

struct Timeline {
  Mode mode = Mode::kPidNamespace;
  bool user_namespace = false;
  std::string mode_note;  // why not a namespace, when it fell back
  std::vector<std::string> command;
  std::string ready_how;  // DescribeReady()
  absl::Duration ready_timeout;

  std::optional<absl::Duration> ready_at;
  bool ready_timed_out = false;
  std::vector<SignalSent> signals;
  std::optional<absl::Duration> main_exit;
  std::vector<ProcessSeen> leftovers;
  std::vector<ProcessSeen> zombies;
  // Commands berth itself SIGKILLed at its own deadline (read from its log).
  std::vector<std::string> killed_by_berth;
  // berth check's own SIGKILL at the budget, and what was alive then.
  std::optional<absl::Duration> budget_kill_at;
  std::vector<std::string> killed_at_budget;
  // PID 1 (berth, or the bare app) exited: the container's end.
  std::optional<absl::Duration> container_exit;
  int wait_status = 0;
};

}  // namespace berth::check
