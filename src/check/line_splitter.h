// SPDX-License-Identifier: MIT
// check (private): cuts a byte stream into lines for the app's output; no I/O.
#pragma once

#include <functional>
#include <string>

#include "absl/strings/string_view.h"

namespace berth::check {

class LineSplitter {
 public:
  // A line longer than this is passed on in pieces: the app's output must not grow memory.
  static constexpr size_t kMaxLine = 64 * 1024;

  explicit LineSplitter(std::function<void(absl::string_view)> on_line)
      : on_line_(std::move(on_line)) {}

  // Calls on_line for each complete line in `bytes` (without the '\n').
  void Feed(absl::string_view bytes);
  // Passes on what is left without a newline, at the end of the stream.
  void Flush();

 private:
  std::function<void(absl::string_view)> on_line_;
  std::string partial_;
};

}  // namespace berth::check
