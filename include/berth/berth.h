// SPDX-License-Identifier: MIT
// berth: the whole program behind main(): set-up (errors end berth with a documented code), then
// the event loop until the child's exit status is known.
#pragma once

namespace berth {

// Runs berth and returns its exit status: the child's, 128+N when a signal N killed it, or a
// set-up error's documented code (2 usage, 126/127 exec, 1 other).
int Main(int argc, char** argv, char** envp);

}  // namespace berth
