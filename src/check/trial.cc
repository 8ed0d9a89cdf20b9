// SPDX-License-Identifier: MIT
// The harness side of a trial. It polls /proc for leftovers and zombies: berth check is a
// harness, not PID 1, and nothing else tells it when a grandchild in another namespace ends, so
// a modest poll (kScanPeriod) is the honest tool here. The main process's exit comes from a
// pidfd and PID 1's from SIGCHLD, so the headline figures do not depend on the poll.
#include "berth/check/trial.h"

#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "absl/strings/match.h"
#include "berth/base/error.h"
#include "berth/base/text.h"
#include "berth/base/unique_fd.h"
#include "berth/check/launch.h"
#include "berth/check/proc_scan.h"
#include "berth/check/tracker.h"
#include "berth/health/address.h"
#include "berth/health/checker.h"
#include "berth/log/line_splitter.h"
#include "berth/log/log.h"
#include "berth/loop/loop.h"
#include "berth/loop/signal_source.h"
#include "berth/loop/timer.h"
#include "berth/process/proc_state.h"
#include "berth/process/reaper.h"
#include "berth/signals/signal.h"

namespace berth::check {
namespace {

constexpr absl::Duration kScanPeriod =
    absl::Milliseconds(10);  // berth tears a leftover down in ~5 ms
constexpr absl::Duration kProbePeriod = absl::Milliseconds(100);
constexpr absl::Duration kSetUpPoll = absl::Milliseconds(2);
constexpr absl::Duration kSetUpWait = absl::Seconds(5);
constexpr absl::Duration kProbeTimeout = absl::Seconds(1);
constexpr size_t kMaxWatched = 256;
constexpr size_t kMaxLine = 64 * 1024;

base::UniqueFd PidFd(pid_t pid) {
  return base::UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

absl::Duration MonotonicNow() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return absl::DurationFromTimespec(ts);
}

// berth's own log lines share the app's stderr; berth's text format starts each with its name.
bool IsBerthLine(absl::string_view line) { return absl::StartsWith(line, "berth: "); }

// "berth: warn: killed pid 7 (sleep 100) at the deadline" -> "sleep 100".
std::optional<std::string> KilledByBerth(absl::string_view line) {
  const size_t at = line.find("killed pid ");
  if (at == absl::string_view::npos || !absl::EndsWith(line, ") at the deadline")) return {};
  absl::string_view rest = line.substr(at);
  const size_t open = rest.find('(');
  const size_t close = rest.rfind(')');
  if (open == absl::string_view::npos || close <= open) return {};
  return std::string(rest.substr(open + 1, close - open - 1));
}

class Trial {
 public:
  Trial(const CheckOptions& o, bool bare, loop::Loop& loop)
      : o_(o),
        bare_(bare),
        loop_(loop),
        tracker_(t_, [](const ProcEntry& e) { return process::CommandLine(e.pid, e.comm); }) {}
  ~Trial() {
    if (regex_ok_) ::regfree(&regex_);
  }

  base::Result<Timeline> Run(const sigset_t& child_mask);

 private:
  absl::Duration Now() const { return MonotonicNow() - start_; }
  base::Status MakeTimers();
  base::Status OpenPipe(base::UniqueFd& read_end, base::UniqueFd& write_end, bool is_err);
  void OnReadable(int fd, bool is_err) noexcept;
  void OnLine(absl::string_view line, bool is_err);
  void OnScan() noexcept;
  void Scan();
  void FindMain(const std::vector<ProcEntry>& below);
  void Watch(pid_t pid);
  void OnProcessExit(pid_t pid) noexcept;
  void OnMainExit() noexcept;
  void MarkMainExit();
  base::Status MakeReadyCheck();
  // How the app is judged ready: a check on the loop, or the --ready-log expression compiled.
  base::Status PrepareReady();
  // What Launch starts: the app itself (bare), or berth with --berth-args around it.
  LaunchRequest Request(const base::UniqueFd& out_w, const base::UniqueFd& err_w,
                        const sigset_t& child_mask) const;
  void OnProbe() noexcept;
  void BecomeReady() noexcept;
  void SendNextSignal() noexcept;
  void KillAll(bool record) noexcept;
  void OnChildSignal() noexcept;
  void Finish();

  const CheckOptions& o_;
  const bool bare_;
  loop::Loop& loop_;
  Timeline t_;
  ProcessTracker tracker_;
  absl::Duration start_;
  pid_t pid1_ = 0;
  base::UniqueFd main_pidfd_;
  std::map<pid_t, base::UniqueFd> watched_;
  base::UniqueFd out_;
  base::UniqueFd err_;
  log::LineSplitter out_lines_{kMaxLine};
  log::LineSplitter err_lines_{kMaxLine};
  const log::LineSplitter::Emit on_out_ = [this](absl::string_view l) { OnLine(l, false); };
  const log::LineSplitter::Emit on_err_ = [this](absl::string_view l) { OnLine(l, true); };
  std::unique_ptr<loop::Timer> scan_, probe_, ready_timeout_, signal_, budget_;
  // --ready-http and --ready-tcp: health's own check, so a probe never blocks the loop's timers.
  std::unique_ptr<health::Checker> ready_check_;
  process::Reaper no_commands_;  // the Checker's, for command checks; readiness runs none
  regex_t regex_{};
  bool regex_ok_ = false;
  size_t next_signal_ = 0;
  bool finished_ = false;
};

base::Status Trial::MakeTimers() {
  BERTH_ASSIGN_OR_RETURN(scan_, loop::Timer::Create(loop_, [this] { OnScan(); }));
  BERTH_ASSIGN_OR_RETURN(probe_, loop::Timer::Create(loop_, [this] { OnProbe(); }));
  BERTH_ASSIGN_OR_RETURN(ready_timeout_, loop::Timer::Create(loop_, [this] {
                           t_.ready_timed_out = true;
                           KillAll(false);
                         }));
  BERTH_ASSIGN_OR_RETURN(signal_, loop::Timer::Create(loop_, [this] { SendNextSignal(); }));
  BERTH_ASSIGN_OR_RETURN(budget_, loop::Timer::Create(loop_, [this] { KillAll(true); }));
  return base::OkStatus();
}

base::Status Trial::OpenPipe(base::UniqueFd& read_end, base::UniqueFd& write_end, bool is_err) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return base::ErrnoError("pipe2");
  read_end.Reset(fds[0]);
  write_end.Reset(fds[1]);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  return loop_.Add(fds[0], EPOLLIN,
                   [this, fd = fds[0], is_err](uint32_t) { OnReadable(fd, is_err); });
}

base::Status Trial::PrepareReady() {
  if (o_.ready.kind == ReadyKind::kHttp || o_.ready.kind == ReadyKind::kTcp) {
    return MakeReadyCheck();
  }
  if (o_.ready.kind == ReadyKind::kLog) {
    regex_ok_ = ::regcomp(&regex_, o_.ready.target.c_str(), REG_EXTENDED | REG_NOSUB) == 0;
    if (!regex_ok_) return base::InvalidArgumentError("bad --ready-log expression");
  }
  return base::OkStatus();
}

LaunchRequest Trial::Request(const base::UniqueFd& out_w, const base::UniqueFd& err_w,
                             const sigset_t& child_mask) const {
  LaunchRequest req;
  req.bare = bare_;
  req.try_namespace = bare_ || !o_.no_namespace;
  req.stdout_fd = out_w.Get();
  req.stderr_fd = err_w.Get();
  req.child_mask = child_mask;
  if (bare_) {
    req.program = o_.command.front();
    req.argv = o_.command;
    return req;
  }
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  req.program = n > 0 ? std::string(self, static_cast<size_t>(n)) : "/proc/self/exe";
  req.argv = {"berth"};
  req.argv.insert(req.argv.end(), o_.berth_args.begin(), o_.berth_args.end());
  req.argv.push_back("--");
  req.argv.insert(req.argv.end(), o_.command.begin(), o_.command.end());
  return req;
}

base::Result<Timeline> Trial::Run(const sigset_t& child_mask) {
  t_.command = o_.command;
  t_.ready_how = DescribeReady(o_.ready);
  t_.ready_timeout = o_.ready_timeout;
  BERTH_RETURN_IF_ERROR(PrepareReady());
  BERTH_RETURN_IF_ERROR(MakeTimers());
  base::UniqueFd out_w, err_w;
  BERTH_RETURN_IF_ERROR(OpenPipe(out_, out_w, false));
  BERTH_RETURN_IF_ERROR(OpenPipe(err_, err_w, true));
  auto sigchld = loop::SignalSource::Create(loop_, signals::SignalSet{SIGCHLD}.ToSigset(),
                                            [this](const signalfd_siginfo&) { OnChildSignal(); });
  if (!sigchld.has_value()) return base::ErrorOf(sigchld);

  start_ = MonotonicNow();
  BERTH_ASSIGN_OR_RETURN(Launched launched, Launch(Request(out_w, err_w, child_mask)));
  out_w.Reset();  // only the child holds the write ends now: EOF when it and its heirs are gone
  err_w.Reset();
  pid1_ = launched.pid;
  t_.mode = launched.mode;
  t_.user_namespace = launched.user_namespace;
  t_.mode_note = launched.note;
  if (bare_) tracker_.SetMain(pid1_);

  (void)scan_->Arm(absl::ZeroDuration());
  (void)ready_timeout_->Arm(o_.ready_timeout);
  switch (o_.ready.kind) {
    case ReadyKind::kAfter:
      (void)probe_->Arm(o_.ready.after);
      break;
    case ReadyKind::kHttp:
    case ReadyKind::kTcp:
      ready_check_->Start();
      break;
    case ReadyKind::kLog:
      break;
  }
  BERTH_RETURN_IF_ERROR(loop_.Run());
  return t_;
}

void Trial::OnReadable(int fd, bool is_err) noexcept {
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      (is_err ? err_lines_ : out_lines_)
          .Feed(absl::string_view(buf, static_cast<size_t>(n)), is_err ? on_err_ : on_out_);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || errno != EAGAIN) {
      (is_err ? err_lines_ : out_lines_).Flush(is_err ? on_err_ : on_out_);
      loop_.Remove(fd);
    }
    return;
  }
}

void Trial::OnLine(absl::string_view line, bool is_err) {
  const bool from_berth = !bare_ && is_err && IsBerthLine(line);
  if (from_berth) {
    if (std::optional<std::string> killed = KilledByBerth(line))
      t_.killed_by_berth.push_back(*killed);
  } else if (regex_ok_ && !t_.ready_at) {
    const std::string l(line);
    if (::regexec(&regex_, l.c_str(), 0, nullptr, 0) == 0) BecomeReady();
  }
  if (o_.quiet_app) return;
  const absl::string_view prefix = bare_ ? "bare | " : from_berth ? "berth| " : "app  | ";
  std::string out = base::Cat(prefix, line, "\n");
  std::fwrite(out.data(), 1, out.size(), stderr);
}

void Trial::OnScan() noexcept {
  if (finished_) return;
  Scan();
  (void)scan_->Arm(kScanPeriod);
}

void Trial::Scan() {
  const std::vector<ProcEntry> below = ScanBelow(pid1_);
  if (!bare_ && tracker_.main() == 0) FindMain(below);
  // The main process's end first: a process missing from the same snapshot may have been torn
  // down after it, and is a leftover. The snapshot is the pidfd's backstop.
  if (!bare_ && tracker_.main() != 0 && !t_.main_exit) {
    bool alive = false;
    for (const ProcEntry& e : below) alive |= e.pid == tracker_.main() && e.state != 'Z';
    if (!alive || (main_pidfd_.Valid() && Readable(main_pidfd_.Get()))) MarkMainExit();
  }
  for (pid_t pid : tracker_.Observe(Now(), below)) Watch(pid);
}

// berth's child is the program: the first child of PID 1 in the kernel's order, which puts the
// children it forked before those it adopted. (Start times cannot tell: they tick every 10 ms,
// and a daemon started by the program often shares its tick.)
void Trial::FindMain(const std::vector<ProcEntry>& below) {
  const ProcEntry* first = nullptr;
  for (const ProcEntry& e : below) {
    if (e.ppid == pid1_) {
      first = &e;
      break;
    }
  }
  if (first == nullptr) return;
  const pid_t pid = first->pid;
  tracker_.SetMain(pid);
  base::UniqueFd fd = PidFd(pid);
  if (!fd.Valid()) return;  // no pidfd (old kernel, or gone already): the scan notices the exit
  const int raw = fd.Get();
  if (loop_.Add(raw, EPOLLIN, [this](uint32_t) { OnMainExit(); }).has_value())
    main_pidfd_ = std::move(fd);
}

// Watches a process below PID 1 for its exit, to time a leftover's end exactly.
void Trial::Watch(pid_t pid) {
  if (watched_.size() >= kMaxWatched) return;  // beyond that, the scan times the exits
  base::UniqueFd fd = PidFd(pid);
  if (!fd.Valid()) return;
  const int raw = fd.Get();
  if (!loop_.Add(raw, EPOLLIN, [this, pid](uint32_t) { OnProcessExit(pid); }).has_value()) return;
  watched_.emplace(pid, std::move(fd));
}

void Trial::OnProcessExit(pid_t pid) noexcept {
  // The main process's end may wait in the same wake-up; it came first if it is ready.
  if (main_pidfd_.Valid() && Readable(main_pidfd_.Get())) OnMainExit();
  tracker_.Exited(pid, Now());
  auto it = watched_.find(pid);
  if (it == watched_.end()) return;
  loop_.Remove(it->second.Get());
  watched_.erase(it);
}

void Trial::OnMainExit() noexcept {
  MarkMainExit();
  Scan();
}

void Trial::MarkMainExit() {
  if (main_pidfd_.Valid()) {
    loop_.Remove(main_pidfd_.Get());
    main_pidfd_.Reset();
  }
  if (t_.main_exit) return;
  t_.main_exit = Now();
  tracker_.MainExited(*t_.main_exit);
  (void)signal_->Disarm();
}

base::Status Trial::MakeReadyCheck() {
  const bool http = o_.ready.kind == ReadyKind::kHttp;
  BERTH_ASSIGN_OR_RETURN(
      health::Target target,
      health::ParseTarget(http ? o_.ready.target : base::Cat("tcp://", o_.ready.target)));
  health::CheckSpec spec;
  spec.kind = http ? health::CheckKind::kHttp : health::CheckKind::kTcp;
  spec.target = std::move(target);
  spec.interval = kProbePeriod;
  spec.timeout = kProbeTimeout;
  BERTH_ASSIGN_OR_RETURN(ready_check_, health::Checker::Create(loop_, no_commands_, std::move(spec),
                                                               process::SpawnSpec(),
                                                               [this](bool ok, absl::string_view) {
                                                                 if (ok) BecomeReady();
                                                               }));
  return base::OkStatus();
}

// --ready-after: the timer firing is the readiness.
void Trial::OnProbe() noexcept {
  if (t_.ready_at || finished_) return;
  BecomeReady();
}

void Trial::BecomeReady() noexcept {
  if (t_.ready_at || finished_ || t_.ready_timed_out) return;
  t_.ready_at = Now();
  // Know every process before the signal goes: the main process, to time the signal's effect,
  // and any daemon it started since the last scan, which berth may tear down in a millisecond.
  Scan();
  (void)probe_->Disarm();
  if (ready_check_) ready_check_->Stop();
  (void)ready_timeout_->Disarm();
  (void)budget_->Arm(o_.budget);
  SendNextSignal();
}

void Trial::SendNextSignal() noexcept {
  if (t_.main_exit || finished_ || next_signal_ >= o_.signals.size()) return;
  const int sig = o_.signals[next_signal_];
  // The kernel drops a signal to a PID 1 that has no handler for it, and berth takes its
  // signals only once its signalfd is set up: a slow start (a starved or instrumented berth,
  // a short --ready-after) would read as "ignored". Wait until berth blocks the signal.
  if (!bare_ && sig != SIGKILL && sig != SIGSTOP && !process::BlocksSignal(pid1_, sig) &&
      Now() - *t_.ready_at < kSetUpWait) {
    (void)signal_->Arm(kSetUpPoll);
    return;
  }
  ++next_signal_;
  t_.signals.push_back({sig, Now()});
  // As `docker stop`: the signal goes to PID 1, whatever it is.
  if (::kill(pid1_, sig) < 0) log::Error("kill({}, {}): {}", pid1_, sig, std::strerror(errno));
  if (next_signal_ < o_.signals.size()) (void)signal_->Arm(o_.signal_gap);
}

void Trial::KillAll(bool record) noexcept {
  if (finished_) return;
  if (record) t_.budget_kill_at = Now();
  (void)signal_->Disarm();
  if (record && bare_ && !t_.main_exit)
    t_.killed_at_budget.push_back(process::CommandLine(pid1_, "?"));
  for (const ProcEntry& e : ScanBelow(pid1_)) {
    if (e.state == 'Z') continue;
    if (record) t_.killed_at_budget.push_back(process::CommandLine(e.pid, e.comm));
    ::kill(e.pid, SIGKILL);
  }
  // In a namespace this alone ends every process in it.
  ::kill(pid1_, SIGKILL);
}

void Trial::OnChildSignal() noexcept {
  int status;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid != pid1_ || finished_) continue;
    // The main process may have ended in the same wake-up; take its exit first.
    if (main_pidfd_.Valid() && Readable(main_pidfd_.Get())) OnMainExit();
    t_.container_exit = Now();
    t_.wait_status = status;
    Finish();
  }
}

void Trial::Finish() {
  finished_ = true;
  if (!t_.main_exit) t_.main_exit = t_.container_exit;
  tracker_.Observe(*t_.container_exit, ScanBelow(pid1_));
  for (auto& [pid, fd] : watched_) loop_.Remove(fd.Get());
  watched_.clear();
  // Whatever the app wrote last is in the pipes already; read it before the report.
  if (out_.Valid()) OnReadable(out_.Get(), false);
  if (err_.Valid()) OnReadable(err_.Get(), true);
  out_lines_.Flush(on_out_);
  err_lines_.Flush(on_err_);
  for (auto* timer : {&scan_, &probe_, &ready_timeout_, &signal_, &budget_})
    (void)(*timer)->Disarm();
  if (ready_check_) ready_check_->Stop();
  loop_.Stop();
}

}  // namespace

base::Result<Timeline> RunTrial(const CheckOptions& options, bool bare,
                                const sigset_t& child_mask) {
  BERTH_ASSIGN_OR_RETURN(loop::Loop loop, loop::Loop::Create());
  Trial trial(options, bare, loop);
  return trial.Run(child_mask);
}

}  // namespace berth::check
