// SPDX-License-Identifier: MIT
// supervisor: carries one service's stdout and stderr to berth's own, a whole line per write
// and prefixed with the service's name, so two services' lines never mix; shows each line to
// a readiness watcher. It never blocks the loop on reading.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "berth/base/error.h"
#include "berth/base/unique_fd.h"
#include "berth/log/line_splitter.h"
#include "berth/loop/loop.h"

namespace berth::supervisor {

class OutputRelay {
 public:
  using LineObserver = std::function<void(absl::string_view line)>;

  // Opens a pipe pair for stdout and one for stderr and watches their read ends. `prefix` is
  // written before each line ("web | "); empty writes lines as they are.
  static base::Result<std::unique_ptr<OutputRelay>> Create(loop::Loop& loop, std::string prefix);
  ~OutputRelay();
  OutputRelay(const OutputRelay&) = delete;
  OutputRelay& operator=(const OutputRelay&) = delete;

  // The write ends for SpawnSpec::stdout_fd / stderr_fd. They stay open in berth (CLOEXEC) for
  // the service's life, so restarts reuse them and no other child inherits them.
  int child_stdout() const { return out_.write.Get(); }
  int child_stderr() const { return err_.write.Get(); }

  void OnLine(LineObserver observer) { observer_ = std::move(observer); }
  // Relays everything already in the pipes, a last line without its '\n' too (when the
  // service has exited, before the loop may stop).
  void Flush() noexcept;

 private:
  struct Stream {
    base::UniqueFd read;
    base::UniqueFd write;
    int target = -1;  // berth's fd the lines go to
    log::LineSplitter splitter;
  };
  OutputRelay(loop::Loop& loop, std::string prefix) : loop_(loop), prefix_(std::move(prefix)) {}
  base::Status Open(Stream& s, int target);
  ssize_t Drain(Stream& s) noexcept;  // bytes read
  void Emit(Stream& s, absl::string_view line);
  void WriteLine(int target, absl::string_view line);

  loop::Loop& loop_;
  std::string prefix_;
  Stream out_;
  Stream err_;
  LineObserver observer_;
};

}  // namespace berth::supervisor
