// SPDX-License-Identifier: MIT
#include "berth/health/state.h"

#include "berth/base/text.h"
#include "berth/log/log.h"

namespace berth::health {
namespace {

absl::string_view LifeName(Life life) {
  switch (life) {
    case Life::kRunning: return "running";
    case Life::kDraining: return "draining";
    case Life::kStopping: return "stopping";
    case Life::kExited: break;
  }
  return "exited";
}

}  // namespace

State::State(CheckPolicy policy, absl::Time started) : policy_(policy), started_(started) {
  Render();
}

void State::SetLife(Life life) {
  life_ = life;
  Render();
}

void State::SetGroup(bool live, bool ready, std::string services_json) {
  group_live_ = live;
  group_ready_ = ready;
  services_json_ = std::move(services_json);
  Render();
}

State::Change State::Record(bool ok, absl::string_view detail, absl::Time at) {
  const bool was_unhealthy = Unhealthy();
  have_result_ = true;
  last_ok_ = ok;
  last_detail_ = log::JsonEscape(detail);
  last_at_ = log::Rfc3339(at);
  if (ok) {
    passed_once_ = true;
    failures_ = 0;
  } else if (passed_once_ || at >= started_ + policy_.start_period) {
    ++failures_;
  }
  Render();
  if (was_unhealthy && !Unhealthy()) return Change::kRecovered;
  if (!was_unhealthy && Unhealthy()) return Change::kBecameUnhealthy;
  return Change::kNone;
}

bool State::Ready() const {
  return life_ == Life::kRunning && !Unhealthy() && group_live_ && group_ready_ &&
         (passed_once_ || !policy_.has_check);
}

absl::string_view State::ReadyWord() const {
  if (life_ != Life::kRunning) return LifeName(life_);
  if (Unhealthy() || !group_live_) return "unhealthy";
  return Ready() ? "ok" : "starting";  // starting: a check has yet to pass, or a service
}

void State::Render() {
  std::string check;
  if (have_result_) {
    check = base::Cat(",\"check\":{\"ok\":", last_ok_ ? "true" : "false", ",\"detail\":\"",
                      last_detail_, "\",\"at\":\"", last_at_, "\",\"failures\":", failures_, "}");
  }
  const std::string services =
      services_json_.empty() ? "" : base::Cat(",\"services\":", services_json_);
  const absl::string_view live_word =
      life_ == Life::kExited ? "exited" : Unhealthy() || !group_live_ ? "unhealthy" : "ok";
  // Both answers end alike: the phase, the check and the services.
  const std::string rest =
      base::Cat("\",\"phase\":\"", LifeName(life_), "\"", check, services, "}\n");
  live_body_ = std::make_shared<const std::string>(base::Cat("{\"status\":\"", live_word, rest));
  ready_body_ = std::make_shared<const std::string>(base::Cat("{\"status\":\"", ReadyWord(), rest));
}

}  // namespace berth::health
