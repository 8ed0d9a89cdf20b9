// SPDX-License-Identifier: MIT
#include "berth/process/exit_status.h"

#include <sys/wait.h>

#include "berth/base/exit_codes.h"
#include "berth/base/text.h"
#include "berth/signals/signal.h"

namespace berth::process {

int ExitCodeFromWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  // As tini and sh: 128 + the signal; kept within 0..255 like tini does.
  if (WIFSIGNALED(wait_status)) return exit_codes::ForSignal(WTERMSIG(wait_status)) % 256;
  return exit_codes::kSetupFailure;  // neither: waitpid without WUNTRACED never says so
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return base::Cat("exited with code ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return base::Cat("killed by ", signals::SignalName(WTERMSIG(wait_status)),
                     WCOREDUMP(wait_status) ? " (core dumped)" : "");
  }
  return base::Cat("ended with wait status ", wait_status);
}

}  // namespace berth::process
