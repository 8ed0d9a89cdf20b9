// SPDX-License-Identifier: MIT
#include "berth/supervisor/host.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "absl/time/clock.h"
#include "berth/loop/timer.h"
#include "berth/process/proc_state.h"

namespace berth::supervisor {
namespace {

class LoopAlarm : public Alarm {
 public:
  explicit LoopAlarm(std::unique_ptr<loop::Timer> timer) : timer_(std::move(timer)) {}
  base::Status Arm(absl::Time at) override { return timer_->Arm(at - absl::Now()); }
  void Disarm() override {
    if (timer_->Armed()) (void)timer_->Disarm();
  }
  bool Armed() const override { return timer_->Armed(); }

 private:
  std::unique_ptr<loop::Timer> timer_;
};

class Real : public Host {
 public:
  explicit Real(loop::Loop& loop) : loop_(loop) {}
  absl::Time Now() override { return absl::Now(); }
  base::Result<std::unique_ptr<Alarm>> NewAlarm(std::function<void()> on_fire) override {
    base::Result<std::unique_ptr<loop::Timer>> timer =
        loop::Timer::Create(loop_, std::move(on_fire));
    if (!timer.has_value()) return base::ErrorOf(timer);
    return std::make_unique<LoopAlarm>(std::move(*timer));
  }
  base::Result<pid_t> Spawn(const process::SpawnSpec& spec) override {
    return process::Spawn(spec);
  }
  int Kill(pid_t pid, int sig) override { return ::kill(pid, sig) == 0 ? 0 : errno; }
  std::vector<process::ProcessInfo> Supervised() override { return process::Supervised(); }
  bool IsStopped(pid_t pid) override { return process::IsStopped(pid); }
  bool IsInit() override { return ::getpid() == 1; }

 private:
  loop::Loop& loop_;
};

}  // namespace

std::unique_ptr<Host> RealHost(loop::Loop& loop) { return std::make_unique<Real>(loop); }

}  // namespace berth::supervisor
