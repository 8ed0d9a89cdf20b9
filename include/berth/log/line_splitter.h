// SPDX-License-Identifier: MIT
// log: cuts a byte stream into whole lines, so two services' output never mixes mid-line; pure.
#pragma once

#include <functional>
#include <string>

#include "absl/strings/string_view.h"

namespace berth::log {

class LineSplitter {
 public:
  using Emit = std::function<void(absl::string_view line)>;

  // A line longer than `max_line` bytes is emitted in pieces of that size, so a stream without
  // newlines can't grow berth's memory.
  explicit LineSplitter(size_t max_line = 16 * 1024) : max_line_(max_line) {}

  // Takes the next bytes; emits each complete line without its '\n'.
  void Feed(absl::string_view data, const Emit& emit);
  // Emits a final unterminated line, if any (at end of stream).
  void Flush(const Emit& emit);

 private:
  size_t max_line_;
  std::string partial_;
};

}  // namespace berth::log
