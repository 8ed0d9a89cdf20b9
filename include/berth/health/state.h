// SPDX-License-Identifier: MIT
// health: what /healthz and /readyz say, from the child's life and the wrapped check's results;
// pure (times are passed in). The JSON bodies are rendered on each change, never per request.
#pragma once

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace berth::health {

// The child's life as health sees the supervisor's phases.
enum class Life {
  kRunning,   // supervisor kRunning
  kDraining,  // kDraining: the stop signal came, the child still serves
  kStopping,  // kStopping: the stop signal was forwarded
  kExited,    // kTearingDown, kKilling, kDone: the child is gone or being killed
};

struct CheckPolicy {
  bool has_check = false;
  int retries = 3;                                      // failures in a row that make unhealthy
  absl::Duration start_period = absl::ZeroDuration();  // failures before it do not count
};

class State {
 public:
  // What a Record() changed, for logging and --on-unhealthy.
  enum class Change { kNone, kBecameUnhealthy, kRecovered };

  State(CheckPolicy policy, absl::Time started);

  void SetLife(Life life);
  // Several services (--config): the group's own verdict, folded into Live() and Ready(), and
  // its per-service list (a JSON array) added to both bodies as "services".
  void SetGroup(bool live, bool ready, std::string services_json);
  // One check result at `at`. As Docker: a failure inside the start period does not count,
  // unless a check has already passed.
  Change Record(bool ok, absl::string_view detail, absl::Time at);

  // Liveness: the child runs and the check has not failed `retries` times in a row.
  bool Live() const { return life_ != Life::kExited && !Unhealthy() && group_live_; }
  // Readiness: running (not draining or stopping), not unhealthy, and a check has passed (or
  // there is no check).
  bool Ready() const;
  bool Unhealthy() const { return failures_ >= policy_.retries; }
  int failures() const { return failures_; }
  Life life() const { return life_; }

  const std::string& live_body() const { return *live_body_; }
  const std::string& ready_body() const { return *ready_body_; }
  // The bodies as shared snapshots: a slow client's answer stays as it was when asked, however
  // the state changes while it is being sent, and however long the services' list is.
  std::shared_ptr<const std::string> live_shared() const { return live_body_; }
  std::shared_ptr<const std::string> ready_shared() const { return ready_body_; }

 private:
  void Render();
  absl::string_view ReadyWord() const;

  CheckPolicy policy_;
  absl::Time started_;
  Life life_ = Life::kRunning;
  bool passed_once_ = false;
  int failures_ = 0;
  bool have_result_ = false;
  bool last_ok_ = false;
  std::string last_detail_;  // JSON-escaped
  std::string last_at_;      // RFC 3339, UTC
  bool group_live_ = true;
  bool group_ready_ = true;
  std::string services_json_;  // empty: no "services" key
  std::shared_ptr<const std::string> live_body_;
  std::shared_ptr<const std::string> ready_body_;
};

}  // namespace berth::health
