// SPDX-License-Identifier: MIT
// check: judges a Timeline against the budget and the expected exit codes; pure (timeline in,
// verdict out), so every rule is unit-tested without running anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "berth/check/timeline.h"

namespace berth::check {

struct Criteria {
  absl::Duration budget = absl::Seconds(10);
  std::vector<int> expect_codes{0, 143};
};

// What one stop signal achieved: the main process's exit, if it came before the next signal
// (or the budget); nullopt means the signal was ignored or handled without exiting.
struct Reaction {
  int sig;
  absl::Duration sent_at;
  std::optional<absl::Duration> exit_after;
};

struct Verdict {
  bool pass = false;
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
  std::vector<Reaction> reactions;
  std::optional<absl::Duration> shutdown;         // first signal -> PID 1's exit
  std::optional<absl::Duration> main_exit_after;  // first signal -> main process's exit
  std::optional<int> exit_code;
  std::string exit_meaning;
};

// A zombie that stays this long is a finding (a transient one between exit and reap is not).
inline constexpr absl::Duration kZombieWarnAfter = absl::Seconds(1);

Verdict Judge(const Timeline& t, const Criteria& c);

// "clean exit", "128+15: ended by SIGTERM", "exit code 3", "SIGKILLed at the 10s budget".
std::string ExitMeaning(const Timeline& t, int exit_code);

}  // namespace berth::check
