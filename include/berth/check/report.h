// SPDX-License-Identifier: MIT
// check: renders trials and their verdicts as a short text report (a timeline table) or JSON;
// pure string building, no I/O.
#pragma once

#include <string>

#include "berth/check/timeline.h"
#include "berth/check/verdict.h"

namespace berth::check {

// One trial with its verdict, and optionally the bare comparison run.
struct Result {
  const Timeline* timeline;
  const Verdict* verdict;
};

// "12ms", "2.00s".
std::string FormatShort(absl::Duration d);

// The report for `main`; `bare` (may be null) adds a side-by-side comparison.
std::string RenderText(const Result& main, const Result* bare, const Criteria& c);

// One JSON object: the trial's figures, its verdict and, with `bare`, a "bare" member.
std::string RenderJson(const Result& main, const Result* bare, const Criteria& c);

}  // namespace berth::check
