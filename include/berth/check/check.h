// SPDX-License-Identifier: MIT
// check: `berth check [OPTIONS] [--] PROGRAM [ARGS...]`, a local harness that shows how an app
// behaves under the stop signal. It runs the app in trials of its own; it is never PID 1 itself.
#pragma once

namespace berth::check {

// Runs `berth check` with the arguments after "check" (argv[0] is the first of them). Prints
// the report on stdout, the app's output on stderr. Returns 0 pass, 1 fail, 2 usage error.
int Main(int argc, char** argv);

}  // namespace berth::check
