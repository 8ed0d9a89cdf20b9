// SPDX-License-Identifier: MIT
#include "berth/health/dependency_wait.h"

#include <sys/signalfd.h>

#include <memory>

#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/health/checker.h"
#include "berth/log/log.h"
#include "berth/loop/signal_source.h"
#include "berth/loop/timer.h"

namespace berth::health {
namespace {

constexpr absl::Duration kAttemptTimeout = absl::Seconds(1);
constexpr absl::Duration kRetryPause = absl::Milliseconds(250);

// The wait's state while the loop runs: one Checker at a time, the overall deadline, and the
// stop signals. Moving on replaces the Checker from a timer, never from inside its own callback.
class DependencyWait {
 public:
  DependencyWait(loop::Loop& loop, process::Reaper& reaper, std::vector<Dependency> dependencies,
                 absl::Duration timeout)
      : loop_(loop), reaper_(reaper), dependencies_(std::move(dependencies)), timeout_(timeout) {}

  base::Result<int> Run(const sigset_t& stop_signals) {
    BERTH_ASSIGN_OR_RETURN(deadline_, loop::Timer::Create(loop_, [this] { OnDeadline(); }));
    BERTH_ASSIGN_OR_RETURN(advance_, loop::Timer::Create(loop_, [this] { CheckNext(); }));
    BERTH_ASSIGN_OR_RETURN(signals_, loop::SignalSource::Create(
                                         loop_, stop_signals, [this](const signalfd_siginfo& info) {
                                           Finish(static_cast<int>(info.ssi_signo));
                                         }));
    BERTH_RETURN_IF_ERROR(deadline_->Arm(timeout_));
    BERTH_RETURN_IF_ERROR(advance_->Arm(absl::ZeroDuration()));
    BERTH_RETURN_IF_ERROR(loop_.Run());
    if (checker_) checker_->Stop();
    return outcome_;
  }

 private:
  const std::string& Url() const { return dependencies_[next_].url; }

  void CheckNext() noexcept {
    checker_.reset();
    if (next_ == dependencies_.size()) return Finish(0);
    log::Info("waiting for {}", Url());
    CheckSpec spec;
    spec.target = dependencies_[next_].target;
    spec.kind = spec.target.scheme == Target::Scheme::kTcp ? CheckKind::kTcp : CheckKind::kHttp;
    spec.interval = kRetryPause;
    spec.timeout = kAttemptTimeout;
    auto checker =
        Checker::Create(loop_, reaper_, std::move(spec), process::SpawnSpec(),
                        [this](bool ok, absl::string_view detail) { OnResult(ok, detail); });
    if (!checker.has_value()) return Finish(base::ErrorOf(checker));
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
    if (base::Status s = advance_->Arm(absl::ZeroDuration()); !s.has_value())
      Finish(base::ErrorOf(s));
  }

  void OnDeadline() noexcept {
    std::string why = base::Cat(Url(), " did not answer within ", absl::FormatDuration(timeout_));
    if (!last_detail_.empty()) base::Append(&why, " (last attempt: ", last_detail_, ")");
    Finish(base::DeadlineExceededError(why));
  }

  void Finish(base::Result<int> outcome) {
    outcome_ = std::move(outcome);
    loop_.Stop();
  }

  loop::Loop& loop_;
  process::Reaper& reaper_;
  std::vector<Dependency> dependencies_;
  absl::Duration timeout_;
  size_t next_ = 0;
  std::string last_detail_;
  base::Result<int> outcome_ = 0;
  std::unique_ptr<Checker> checker_;
  std::unique_ptr<loop::Timer> deadline_;
  std::unique_ptr<loop::Timer> advance_;
  std::unique_ptr<loop::SignalSource> signals_;
};

}  // namespace

base::Result<std::vector<Dependency>> ParseDependencies(const std::vector<std::string>& urls) {
  std::vector<Dependency> out;
  for (const std::string& url : urls) {
    base::Result<Target> target = ParseTarget(url);
    if (!target.has_value()) {
      return base::InvalidArgumentError(base::Cat(url, ": ", target.error().message()));
    }
    out.push_back({url, std::move(*target)});
  }
  return out;
}

base::Result<int> WaitForDependencies(loop::Loop& loop, process::Reaper& reaper,
                                      std::vector<Dependency> dependencies, absl::Duration timeout,
                                      const sigset_t& stop_signals) {
  DependencyWait wait(loop, reaper, std::move(dependencies), timeout);
  return wait.Run(stop_signals);
}

}  // namespace berth::health
