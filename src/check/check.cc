// SPDX-License-Identifier: MIT
#include "berth/check/check.h"

#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/check/options.h"
#include "berth/check/report.h"
#include "berth/check/trial.h"
#include "berth/check/verdict.h"
#include "berth/log/log.h"

namespace berth::check {
namespace {

using exit_codes::kFail;
using exit_codes::kPass;
using exit_codes::kUsage;

void Print(FILE* f, const std::string& text) { std::fwrite(text.data(), 1, text.size(), f); }

}  // namespace

int Main(int argc, char** argv) {
  std::vector<absl::string_view> args(argv, argv + argc);
  base::Result<CheckInvocation> inv = ParseCheckArgs(args);
  if (!inv.has_value()) {
    Print(stderr, base::Cat("berth check: ", inv.error().message(), " (see berth check --help)\n"));
    return kUsage;
  }
  if (inv->print) {
    Print(stdout, inv->text);
    return kPass;
  }
  const CheckOptions& o = inv->options;
  log::Init("berth check", 1, log::Format::kText);
  // Trials learn of PID 1's exit through a signalfd; the child gets the mask back.
  sigset_t chld;
  sigset_t old_mask;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, &old_mask);

  const Criteria criteria{o.budget, o.expect_codes};
  base::Result<Timeline> main = RunTrial(o, false, old_mask);
  if (!main.has_value()) {
    log::Error("{}", main.error().message());
    return kFail;
  }
  const Verdict verdict = Judge(*main, criteria);
  std::optional<Timeline> bare;
  Verdict bare_verdict;
  if (o.compare_bare) {
    base::Result<Timeline> b = RunTrial(o, true, old_mask);
    if (b.has_value()) {
      bare = *std::move(b);
      bare_verdict = Judge(*bare, criteria);
    } else {
      log::Warn("--compare-bare: {}", b.error().message());
    }
  }
  const Result result{&*main, &verdict};
  const Result bare_result{bare ? &*bare : nullptr, &bare_verdict};
  const Result* bare_ptr = bare ? &bare_result : nullptr;
  Print(stdout,
        o.json ? RenderJson(result, bare_ptr, criteria) : RenderText(result, bare_ptr, criteria));
  std::fflush(stdout);
  return verdict.pass ? kPass : kFail;
}

}  // namespace berth::check
