// SPDX-License-Identifier: MIT
// supervisor: runs the services of a --config file side by side on the one loop: starts them in
// `after` order as each dependency becomes ready, restarts them by their policy, and ends the
// container when an essential one exits, stopping the rest in reverse start order within one
// grace. The single-child Supervisor is untouched; Main picks one or the other.
#pragma once

#include <sys/signalfd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "berth/config/options.h"
#include "berth/config/service_file.h"
#include "berth/loop/loop.h"
#include "berth/loop/timer.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"

namespace berth::supervisor {

class Service;

class ServiceGroup {
 public:
  // `spawns` (one per spec, same order) carry what each service's spawn restores (signal mask,
  // TTIN/TTOU), its privilege steps and the environment it starts from (none: berth's), to
  // which the service's own `env` is added. `prefix` puts "name | " before each output line.
  static absl::StatusOr<std::unique_ptr<ServiceGroup>> Create(
      const config::Options& options, loop::Loop& loop, process::Reaper& reaper,
      std::vector<config::ServiceSpec> specs, std::vector<process::SpawnSpec> spawns,
      bool prefix);
  ~ServiceGroup();

  // Starts every service that waits for nobody. An error is a set-up error.
  absl::Status Start();
  void OnSignal(const signalfd_siginfo& info) noexcept;
  // Valid once the loop has stopped.
  int ExitCode() const { return exit_code_.value_or(0); }

  // For Service: its process ended, or it became ready.
  void OnServiceExit(Service& s, int wait_status);
  void OnServiceReady(Service& s);

 private:
  ServiceGroup(const config::Options& options, loop::Loop& loop, process::Reaper& reaper);

  void StartReady();
  void EndContainer(std::optional<int> code, absl::string_view why);
  void StopNext();
  void KillEverything();
  void AfterReap();
  bool NothingLeft() const;

  const config::Options& options_;
  loop::Loop& loop_;
  process::Reaper& reaper_;
  std::vector<std::unique_ptr<Service>> services_;  // in start order
  std::unique_ptr<loop::Timer> deadline_;
  bool stopping_ = false;
  bool leftovers_termed_ = false;
  uint64_t start_seq_ = 0;
  std::optional<int> exit_code_;
};

}  // namespace berth::supervisor
