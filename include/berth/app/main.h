// SPDX-License-Identifier: MIT
// app: the whole program behind main(): set-up (errors end berth with a documented code), then
// the event loop until the child's exit status is known. No module includes app.
#pragma once

namespace berth::app {

// Runs berth and returns its exit status: the child's, 128+N when a signal N killed it, or a
// set-up error's documented code (include/berth/base/exit_codes.h).
int Main(int argc, char** argv, char** envp);

}  // namespace berth::app
