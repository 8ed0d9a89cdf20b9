// SPDX-License-Identifier: MIT
// health: berth's health service as a whole: the settings it is built from, the State, the
// /healthz server and the wrapped check, wired together. It knows no supervisor: the caller
// feeds it the child's life and acts on its on_unhealthy callback.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "berth/base/error.h"
#include "berth/health/address.h"
#include "berth/health/checker.h"
#include "berth/health/server.h"
#include "berth/health/state.h"
#include "berth/loop/loop.h"
#include "berth/process/reaper.h"
#include "berth/process/spawn.h"

namespace berth::health {

// The health options as given on the command line ("" when not given).
struct RawSettings {
  std::string listen;     // --healthz
  std::string command;    // --health-cmd
  std::string http;       // --health-http
  std::string tcp;        // --health-tcp
  std::string statuses;   // --health-status
  absl::Duration interval = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(5);
  absl::Duration start_period = absl::ZeroDuration();
  int retries = 3;
  bool exit_on_unhealthy = false;  // --on-unhealthy exit
};

struct Settings {
  std::optional<Endpoint> listen;
  CheckSpec check;
  CheckPolicy policy;
  bool exit_on_unhealthy = false;

  // True when there is anything to run: an endpoint or a check.
  bool Active() const { return listen.has_value() || check.kind != CheckKind::kNone; }
};

// Checks and converts `raw`. Errors are usage errors naming the option: "--health-http: ...".
// `have_shell` says whether /bin/sh exists (for --health-cmd).
base::Result<Settings> ParseSettings(const RawSettings& raw, bool have_shell);

class Service {
 public:
  // Binds the endpoint (an error is a set-up error) but runs no check until Start().
  // `on_unhealthy` runs each time the verdict turns unhealthy (--on-unhealthy exit is the
  // caller's to act on).
  static base::Result<std::unique_ptr<Service>> Create(const Settings& settings, loop::Loop& loop,
                                                       process::Reaper& reaper,
                                                       process::SpawnSpec spawn_template,
                                                       std::function<void()> on_unhealthy);
  // Starts the checks (call once the child runs).
  void Start();
  // The child's life changed. Checks stop once the child is being stopped.
  void SetLife(Life life);
  // Several services: see State::SetGroup.
  void SetGroup(bool live, bool ready, std::string services_json) {
    state_.SetGroup(live, ready, std::move(services_json));
  }
  const State& state() const { return state_; }

 private:
  Service(const Settings& settings, std::function<void()> on_unhealthy)
      : settings_(settings), on_unhealthy_(std::move(on_unhealthy)),
        state_(settings.policy, absl::Now()) {}
  void OnResult(bool ok, absl::string_view detail);

  Settings settings_;
  std::function<void()> on_unhealthy_;
  State state_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Checker> checker_;
};

}  // namespace berth::health
