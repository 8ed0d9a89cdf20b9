// SPDX-License-Identifier: MIT
#include "app/dumb_init_trace.h"

#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "berth/base/text.h"
#include "berth/log/output.h"

namespace berth::app {
namespace {

std::string LineOf(absl::string_view text) { return base::Cat("[dumb-init] ", text, "\n"); }

// One write(2) per line, as dumb-init's fprintf to an unbuffered stderr.
void Say(absl::string_view text) { log::WriteOutput(STDERR_FILENO, LineOf(text)); }

std::string ErrnoText(int err) { return base::Cat("(errno=", err, " ", std::strerror(err), ")"); }

constexpr int kMaxErrno = 133;

// In the child, after setsid and TIOCSCTTY (which berth's spawn does without a word): whether
// stdin's terminal became the new session's tells which of dumb-init's lines it printed; a
// failed TIOCSCTTY left no errno behind, so TIOCGSID's stands in (ENOTTY when stdin is no
// terminal, EPERM when it is another session's). Async-signal-safe: writes prepared lines.
int ReportSession(const void* context) {
  const auto* lines = static_cast<const DumbInitTrace::SessionLines*>(context);
  pid_t sid = 0;
  int err = 0;
  if (::ioctl(STDIN_FILENO, TIOCGSID, &sid) < 0) {
    err = errno;
  } else if (sid != ::getpid()) {
    err = EPERM;
  }
  if (err > 0 && err <= kMaxErrno) {
    const std::string& l = lines->attach_failed[static_cast<size_t>(err)];
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, l.data(), l.size());
  }
  const std::string& l = lines->setsid_complete;
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, l.data(), l.size());
  return 0;
}

}  // namespace

DumbInitTrace::DumbInitTrace(bool debug_from_env, bool setsid_off) {
  if (debug_from_env) Say("Running in debug mode.");
  if (setsid_off) Say("Not running in setsid mode.");
  session_lines_.attach_failed.resize(kMaxErrno + 1);
  for (int err = 1; err <= kMaxErrno; ++err) {
    session_lines_.attach_failed[static_cast<size_t>(err)] =
        LineOf(base::Cat("Unable to attach to controlling tty ", ErrnoText(err), "."));
  }
  session_lines_.setsid_complete = LineOf("setsid complete.");
}

void DumbInitTrace::TerminalReleased(int err, bool was_leader) {
  if (err != 0) {
    Say(base::Cat("Unable to detach from controlling tty ", ErrnoText(err), "."));
  } else if (was_leader) {
    Say("Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.");
  } else {
    Say("Detached from controlling tty, but was not session leader.");
  }
}

process::PreExecStep DumbInitTrace::SessionStep() const {
  return {"report the session", ReportSession, &session_lines_};
}

void DumbInitTrace::Spawned(pid_t pid) { Say(base::Cat("Child spawned with PID ", pid, ".")); }

void DumbInitTrace::Received(int sig) { Say(base::Cat("Received signal ", sig, ".")); }

void DumbInitTrace::IgnoredHandoff(int sig) {
  Say(base::Cat("Ignoring tty hand-off signal ", sig, "."));
}

void DumbInitTrace::Translated(int from, int to) {
  Say(base::Cat("Translating signal ", from, " to ", to, "."));
}

void DumbInitTrace::Forwarded(int sig) {
  Say(base::Cat("Forwarded signal ", sig, " to children."));
}

void DumbInitTrace::NotForwarded(int sig) {
  Say(base::Cat("Not forwarding signal ", sig, " to children (ignored)."));
}

void DumbInitTrace::Suspending() { Say("Suspending self due to TTY signal."); }

void DumbInitTrace::Reaped(pid_t pid, int wait_status) {
  if (WIFEXITED(wait_status)) {
    Say(base::Cat("A child with PID ", pid, " exited with exit status ", WEXITSTATUS(wait_status),
                  "."));
  } else {
    Say(base::Cat("A child with PID ", pid, " was terminated by signal ", WTERMSIG(wait_status),
                  "."));
  }
}

void DumbInitTrace::Goodbye(int exit_code) {
  Say(base::Cat("Child exited with status ", exit_code, ". Goodbye."));
}

}  // namespace berth::app
