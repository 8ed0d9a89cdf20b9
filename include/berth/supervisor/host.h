// SPDX-License-Identifier: MIT
// supervisor: what the supervisor asks of the world (the clock, alarms, spawning, kill(2), the
// /proc scan of leftovers) behind one interface, so its rules run in unit tests on a fake clock
// and fake processes. It only carries out; it decides nothing.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "berth/base/error.h"
#include "berth/loop/loop.h"
#include "berth/process/descendants.h"
#include "berth/process/spawn.h"

namespace berth::supervisor {

// A one-shot alarm on the host's clock.
class Alarm {
 public:
  virtual ~Alarm() = default;
  // Fires once at `at` (at once when it has passed); arming again replaces the time.
  virtual base::Status Arm(absl::Time at) = 0;
  virtual void Disarm() = 0;
  virtual bool Armed() const = 0;
};

class Host {
 public:
  virtual ~Host() = default;
  virtual absl::Time Now() = 0;
  // An error is a set-up error (no timer).
  virtual base::Result<std::unique_ptr<Alarm>> NewAlarm(std::function<void()> on_fire) = 0;
  // process::Spawn.
  virtual base::Result<pid_t> Spawn(const process::SpawnSpec& spec) = 0;
  // kill(2): 0, or its errno.
  virtual int Kill(pid_t pid, int sig) = 0;
  // process::Supervised: the processes berth answers for at a teardown.
  virtual std::vector<process::ProcessInfo> Supervised() = 0;
  // process::IsStopped.
  virtual bool IsStopped(pid_t pid) = 0;
  // berth is PID 1 of its namespace: kill(-1) reaches every other process in it.
  virtual bool IsInit() = 0;
};

// The real host: the loop's timers on CLOCK_MONOTONIC, fork and exec, kill(2), /proc.
std::unique_ptr<Host> RealHost(loop::Loop& loop);

}  // namespace berth::supervisor
