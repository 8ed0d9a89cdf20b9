// SPDX-License-Identifier: MIT
// A fake clock and fake processes for the supervisor's unit tests: alarms fire when the test
// advances the clock, kill(2) is recorded, and processes exit when the test says so.
#pragma once

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "berth/supervisor/host.h"

namespace berth::supervisor::testing {

inline const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

class FakeHost : public Host {
 public:
  struct Sent {
    pid_t pid;
    int sig;
    bool operator==(const Sent& o) const { return pid == o.pid && sig == o.sig; }
  };
  struct Proc {
    std::string command;
    bool stopped = false;
  };

  // --- what the supervisor calls
  absl::Time Now() override { return now_; }
  base::Result<std::unique_ptr<Alarm>> NewAlarm(std::function<void()> on_fire) override {
    return std::unique_ptr<Alarm>(new FakeAlarm(*this, std::move(on_fire)));
  }
  base::Result<pid_t> Spawn(const process::SpawnSpec& spec) override {
    const pid_t pid = next_pid_++;
    procs[pid] = {spec.argv.empty() ? "?" : spec.argv.front()};
    return pid;
  }
  int Kill(pid_t pid, int sig) override {
    sent.push_back({pid, sig});
    if (auto it = kill_errors.find(pid); it != kill_errors.end()) return it->second;
    const pid_t target = pid < -1 ? -pid : pid;
    if (pid != -1 && procs.count(target) == 0) return ESRCH;
    if (sig == SIGCONT && procs.count(target) != 0) procs[target].stopped = false;
    return 0;
  }
  std::vector<process::ProcessInfo> Supervised() override {
    std::vector<process::ProcessInfo> out;
    for (const auto& [pid, p] : procs) out.push_back({pid, p.command});
    return out;
  }
  bool IsStopped(pid_t pid) override { return procs.count(pid) != 0 && procs[pid].stopped; }
  bool IsInit() override { return init; }

  // For the Reaper: as waitpid(-1, status, WNOHANG).
  pid_t Wait(int* status) {
    if (!exits_.empty()) {
      auto [pid, st] = exits_.front();
      exits_.pop_front();
      *status = st;
      return pid;
    }
    if (!procs.empty()) return 0;
    errno = ECHILD;
    return -1;
  }

  // --- what the test does
  // `pid` ends with `wait_status`; the supervisor learns it at its next SIGCHLD.
  void Exit(pid_t pid, int wait_status) {
    procs.erase(pid);
    exits_.emplace_back(pid, wait_status);
  }
  // Moves the clock on, firing each alarm whose time comes, in order.
  void Advance(absl::Duration d) {
    const absl::Time until = now_ + d;
    for (;;) {
      FakeAlarm* next = nullptr;
      for (FakeAlarm* a : alarms_) {
        if (a->armed && a->at <= until && (next == nullptr || a->at < next->at)) next = a;
      }
      if (next == nullptr) break;
      now_ = std::max(now_, next->at);
      next->armed = false;
      next->on_fire();
    }
    now_ = until;
  }
  bool Got(pid_t pid, int sig) const {
    return std::find(sent.begin(), sent.end(), Sent{pid, sig}) != sent.end();
  }
  int Count(pid_t pid, int sig) const {
    return static_cast<int>(std::count(sent.begin(), sent.end(), Sent{pid, sig}));
  }

  std::vector<Sent> sent;
  std::map<pid_t, Proc> procs;       // alive, as /proc shows them
  std::map<pid_t, int> kill_errors;  // kill(2) fails for this pid with this errno
  bool init = true;                  // berth is PID 1

 private:
  struct FakeAlarm : Alarm {
    FakeAlarm(FakeHost& h, std::function<void()> f) : host(h), on_fire(std::move(f)) {
      host.alarms_.push_back(this);
    }
    ~FakeAlarm() override {
      host.alarms_.erase(std::find(host.alarms_.begin(), host.alarms_.end(), this));
    }
    base::Status Arm(absl::Time t) override {
      at = t;
      armed = true;
      return base::OkStatus();
    }
    void Disarm() override { armed = false; }
    bool Armed() const override { return armed; }
    FakeHost& host;
    std::function<void()> on_fire;
    absl::Time at;
    bool armed = false;
  };

  absl::Time now_ = kT0;
  pid_t next_pid_ = 100;
  std::deque<std::pair<pid_t, int>> exits_;
  std::vector<FakeAlarm*> alarms_;
};

}  // namespace berth::supervisor::testing
