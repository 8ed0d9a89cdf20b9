// SPDX-License-Identifier: MIT
#include "app/wait_for_wiring.h"

#include <sys/signalfd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "berth/base/status.h"
#include "berth/health/address.h"
#include "berth/health/checker.h"
#include "berth/log/log.h"
#include "berth/loop/signal_source.h"
#include "berth/loop/timer.h"

namespace berth::app {
namespace {

// Each attempt gets a second; a refused connection is retried a quarter second later.
constexpr absl::Duration kAttemptTimeout = absl::Seconds(1);
constexpr absl::Duration kRetryPause = absl::Milliseconds(250);

// The wait's state while the loop runs: one Checker at a time, the overall deadline, and the
// stop signals. Moving on replaces the Checker from a timer, never from inside its own callback.
class DependencyWait {
 public:
  DependencyWait(const config::Options& o, loop::Loop& loop, process::Reaper& reaper,
                 std::vector<health::Target> targets)
      : o_(o), loop_(loop), reaper_(reaper), targets_(std::move(targets)) {}

  absl::StatusOr<int> Run() {
    BERTH_ASSIGN_OR_RETURN(deadline_, loop::Timer::Create(loop_, [this] { OnDeadline(); }));
    BERTH_ASSIGN_OR_RETURN(advance_, loop::Timer::Create(loop_, [this] { CheckNext(); }));
    BERTH_ASSIGN_OR_RETURN(signals_,
                           loop::SignalSource::Create(loop_, o_.stop_signals.ToSigset(),
                                                      [this](const signalfd_siginfo& info) {
                                                        Finish(static_cast<int>(info.ssi_signo));
                                                      }));
    BERTH_RETURN_IF_ERROR(deadline_->Arm(o_.wait_timeout));
    BERTH_RETURN_IF_ERROR(advance_->Arm(absl::ZeroDuration()));
    BERTH_RETURN_IF_ERROR(loop_.Run());
    if (checker_) checker_->Stop();
    return outcome_;
  }

 private:
  const std::string& Url() const { return o_.wait_for[next_]; }

  void CheckNext() noexcept {
    checker_.reset();
    if (next_ == targets_.size()) return Finish(0);
    log::Info("waiting for {}", Url());
    health::CheckSpec spec;
    spec.kind = targets_[next_].scheme == health::Target::Scheme::kTcp ? health::CheckKind::kTcp
                                                                       : health::CheckKind::kHttp;
    spec.target = targets_[next_];
    spec.interval = kRetryPause;
    spec.timeout = kAttemptTimeout;
    auto checker = health::Checker::Create(
        loop_, reaper_, std::move(spec), process::SpawnSpec(),
        [this](bool ok, absl::string_view detail) { OnResult(ok, detail); });
    if (!checker.ok()) return Finish(checker.status());
    checker_ = std::move(*checker);
    checker_->Start();
  }

  void OnResult(bool ok, absl::string_view detail) {
    last_detail_ = std::string(detail);
    if (!ok) {
      log::Debug("{}: {}", Url(), detail);
      return;
    }
    log::Info("{} answers", Url());
    checker_->Stop();
    ++next_;
    if (absl::Status s = advance_->Arm(absl::ZeroDuration()); !s.ok()) Finish(s);
  }

  void OnDeadline() noexcept {
    std::string why = absl::StrCat("--wait-for ", Url(), " did not answer within ",
                                   absl::FormatDuration(o_.wait_timeout));
    if (!last_detail_.empty()) absl::StrAppend(&why, " (last attempt: ", last_detail_, ")");
    Finish(absl::DeadlineExceededError(why));
  }

  void Finish(absl::StatusOr<int> outcome) {
    outcome_ = std::move(outcome);
    loop_.Stop();
  }

  const config::Options& o_;
  loop::Loop& loop_;
  process::Reaper& reaper_;
  std::vector<health::Target> targets_;  // index-aligned with o_.wait_for
  size_t next_ = 0;
  std::string last_detail_;
  absl::StatusOr<int> outcome_ = 0;
  std::unique_ptr<health::Checker> checker_;
  std::unique_ptr<loop::Timer> deadline_;
  std::unique_ptr<loop::Timer> advance_;
  std::unique_ptr<loop::SignalSource> signals_;
};

}  // namespace

absl::StatusOr<std::vector<health::Target>> WaitForTargets(const config::Options& o) {
  std::vector<health::Target> targets;
  for (const std::string& url : o.wait_for) {
    absl::StatusOr<health::Target> target = health::ParseTarget(url);
    if (!target.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--wait-for ", url, ": ", target.status().message()));
    }
    targets.push_back(std::move(*target));
  }
  return targets;
}

absl::StatusOr<int> WaitForDependencies(const config::Options& o, loop::Loop& loop,
                                        process::Reaper& reaper) {
  if (o.wait_for.empty()) return 0;
  BERTH_ASSIGN_OR_RETURN(std::vector<health::Target> targets, WaitForTargets(o));
  DependencyWait wait(o, loop, reaper, std::move(targets));
  return wait.Run();
}

}  // namespace berth::app
