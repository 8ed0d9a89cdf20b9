// SPDX-License-Identifier: MIT
// check: what `berth check` was asked to do, parsed from its own option table; prints nothing,
// never exits.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "berth/base/error.h"

namespace berth::check {

// How the harness decides that the app is up and the stop signal may go.
enum class ReadyKind { kAfter, kHttp, kTcp, kLog };

struct ReadySpec {
  ReadyKind kind = ReadyKind::kAfter;
  std::string target;                       // URL, HOST:PORT or REGEX
  absl::Duration after = absl::Seconds(1);  // kAfter
  bool set_by_user = false;
};

struct CheckOptions {
  // PROGRAM and its arguments.
  std::vector<std::string> command;
  ReadySpec ready;
  absl::Duration ready_timeout = absl::Seconds(30);
  // The stop signals, sent in order while the main process lives; default {SIGTERM}.
  std::vector<int> signals;
  absl::Duration signal_gap = absl::Seconds(2);
  // docker stop's default wait.
  absl::Duration budget = absl::Seconds(10);
  // Exit codes that pass; default {0, 143}.
  std::vector<int> expect_codes;
  bool compare_bare = false;
  bool json = false;
  bool quiet_app = false;
  bool no_namespace = false;
  // Options given to berth itself, before "--" (e.g. --map=TERM:QUIT).
  std::vector<std::string> berth_args;
};

// Either options to run with, or a text (--help) to print.
struct CheckInvocation {
  bool print = false;
  std::string text;
  CheckOptions options;
};

// Parses the arguments after "check". Options stop at the first non-option or "--". Errors are
// InvalidArgument with a one-line message (exit 2).
base::Result<CheckInvocation> ParseCheckArgs(const std::vector<absl::string_view>& args);

// The `berth check --help` text, generated from the option table.
std::string CheckHelpText();

// "http http://127.0.0.1:8000/", "tcp 127.0.0.1:8000", "log /ready/", "after 1s".
std::string DescribeReady(const ReadySpec& ready);

}  // namespace berth::check
