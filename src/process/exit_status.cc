// SPDX-License-Identifier: MIT
#include "berth/process/exit_status.h"

#include <sys/wait.h>

#include "berth/base/text.h"
#include "berth/signals/signal.h"

namespace berth::process {

int ExitCodeFromWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  // As tini and sh: 128 + the signal; kept within 0..255 like tini does.
  if (WIFSIGNALED(wait_status)) return (128 + WTERMSIG(wait_status)) % 256;
  return 1;
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
