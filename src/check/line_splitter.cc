// SPDX-License-Identifier: MIT
#include "check/line_splitter.h"

namespace berth::check {

void LineSplitter::Feed(absl::string_view bytes) {
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    if (nl == absl::string_view::npos) {
      partial_.append(bytes.data(), bytes.size());
      if (partial_.size() >= kMaxLine) Flush();
      return;
    }
    partial_.append(bytes.data(), nl);
    on_line_(partial_);
    partial_.clear();
    bytes.remove_prefix(nl + 1);
  }
}

void LineSplitter::Flush() {
  if (partial_.empty()) return;
  on_line_(partial_);
  partial_.clear();
}

}  // namespace berth::check
