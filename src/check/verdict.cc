// SPDX-License-Identifier: MIT
#include "berth/check/verdict.h"

#include <sys/wait.h>

#include <algorithm>

#include "absl/strings/str_join.h"
#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/check/report.h"
#include "berth/process/exit_status.h"
#include "berth/signals/signal.h"

namespace berth::check {
namespace {

std::string Name(int sig) { return signals::SignalName(sig); }

std::string Commands(const std::vector<std::string>& commands) {
  return absl::StrJoin(commands, ", ");
}

// Where signal i's window ends: the next signal, the budget kill or PID 1's exit.
std::optional<absl::Duration> WindowEnd(const Timeline& t, size_t i) {
  if (i + 1 < t.signals.size()) return t.signals[i + 1].at;
  if (t.budget_kill_at) return t.budget_kill_at;
  return t.container_exit;
}

void JudgeReactions(const Timeline& t, Verdict& v) {
  for (size_t i = 0; i < t.signals.size(); ++i) {
    const SignalSent& s = t.signals[i];
    Reaction r{s.sig, s.at, std::nullopt};
    const std::optional<absl::Duration> end = WindowEnd(t, i);
    if (t.main_exit && *t.main_exit >= s.at && (!end || *t.main_exit <= *end)) {
      r.exit_after = *t.main_exit - s.at;
    }
    v.reactions.push_back(r);
    if (r.exit_after || (t.main_exit && *t.main_exit < s.at)) continue;
    std::string what = base::Cat("the main process did not exit on ", Name(s.sig),
                                 " (ignored, or handled without exiting)");
    if (i + 1 == t.signals.size()) {
      v.failures.push_back(what);
    } else {
      v.warnings.push_back(what);
    }
  }
}

void JudgeProcesses(const Timeline& t, Verdict& v) {
  if (!t.leftovers.empty()) {
    std::vector<std::string> which;
    for (const ProcessSeen& p : t.leftovers) {
      which.push_back(p.gone && t.main_exit
                          ? base::Cat(p.command, " (gone ", FormatShort(*p.gone - *t.main_exit),
                                      " after the main process)")
                          : base::Cat(p.command, " (still there at the end)"));
    }
    v.warnings.push_back(base::Cat(t.leftovers.size(), " process(es) outlived the main process: ",
                                   absl::StrJoin(which, ", ")));
  }
  size_t lasting = 0;
  for (const ProcessSeen& z : t.zombies) {
    const absl::Duration until = z.gone ? *z.gone : t.container_exit.value_or(z.seen);
    if (!z.gone || until - z.seen >= kZombieWarnAfter) ++lasting;
  }
  if (lasting > 0) {
    v.warnings.push_back(base::Cat(lasting, " zombie(s) left unreaped for ",
                                   FormatShort(kZombieWarnAfter), " or more"));
  }
  if (!t.killed_by_berth.empty()) {
    v.failures.push_back(
        base::Cat("berth had to SIGKILL at its deadline: ", Commands(t.killed_by_berth)));
  }
}

void JudgeTimes(const Timeline& t, const Criteria& c, Verdict& v) {
  if (t.signals.empty()) return;
  const absl::Duration first = t.signals.front().at;
  if (t.main_exit) v.main_exit_after = *t.main_exit - first;
  if (t.container_exit) v.shutdown = *t.container_exit - first;
  if (t.budget_kill_at) {
    v.failures.push_back(
        base::Cat("still running at the ", FormatShort(c.budget), " budget; SIGKILLed: ",
                  t.killed_at_budget.empty() ? "PID 1" : Commands(t.killed_at_budget)));
  } else if (v.shutdown && *v.shutdown > c.budget) {
    v.failures.push_back(base::Cat("the stop took ", FormatShort(*v.shutdown), ", over the ",
                                   FormatShort(c.budget), " budget"));
  }
}

void JudgeExitCode(const Timeline& t, const Criteria& c, Verdict& v) {
  if (!t.container_exit) return;
  const int code = process::ExitCodeFromWaitStatus(t.wait_status);
  v.exit_code = code;
  v.exit_meaning = ExitMeaning(t, code);
  if (t.budget_kill_at) return;  // the budget failure says it already
  if (std::find(c.expect_codes.begin(), c.expect_codes.end(), code) == c.expect_codes.end()) {
    std::vector<std::string> want;
    want.reserve(c.expect_codes.size());
    for (int e : c.expect_codes) want.push_back(base::Cat(e));
    v.failures.push_back(base::Cat("exit code ", code, " (", v.exit_meaning, ") is not ",
                                   absl::StrJoin(want, " or ")));
  }
}

}  // namespace

std::string ExitMeaning(const Timeline& t, int exit_code) {
  if (t.budget_kill_at) return "SIGKILLed by berth check at the budget";
  if (exit_code == 0) return "clean exit";
  if (WIFSIGNALED(t.wait_status)) return base::Cat("killed by ", Name(WTERMSIG(t.wait_status)));
  if (const int sig = exit_code - exit_codes::kSignalBase; sig > 0 && sig <= signals::kMaxSignal) {
    return base::Cat(exit_codes::kSignalBase, "+", sig, ": ended by ", Name(sig));
  }
  return base::Cat("exit code ", exit_code, ": an error");
}

Verdict Judge(const Timeline& t, const Criteria& c) {
  Verdict v;
  if (t.ready_timed_out) {
    v.failures.push_back(
        base::Cat("not ready within ", FormatShort(t.ready_timeout), " (", t.ready_how, ")"));
    return v;
  }
  if (!t.ready_at) {
    const int code = process::ExitCodeFromWaitStatus(t.wait_status);
    v.exit_code = code;
    v.exit_meaning = ExitMeaning(t, code);
    v.failures.push_back(
        base::Cat("exited before it was ready (", t.ready_how, "): ", v.exit_meaning));
    return v;
  }
  if (!t.signals.empty() && t.main_exit && *t.main_exit < t.signals.front().at) {
    v.failures.push_back("the main process exited on its own before the stop signal");
  }
  JudgeReactions(t, v);
  JudgeTimes(t, c, v);
  JudgeProcesses(t, v);
  JudgeExitCode(t, c, v);
  v.pass = v.failures.empty();
  return v;
}

}  // namespace berth::check
