// SPDX-License-Identifier: MIT
#include "berth/log/line_splitter.h"

namespace berth::log {

void LineSplitter::Feed(absl::string_view data, const Emit& emit) {
  while (!data.empty()) {
    const size_t nl = data.find('\n');
    const absl::string_view piece = data.substr(0, nl);
    if (partial_.size() + piece.size() > max_line_) {
      // Too long: emit a full chunk now and keep going with the rest.
      const size_t take = max_line_ - partial_.size();
      partial_.append(piece.data(), take);
      emit(partial_);
      partial_.clear();
      data.remove_prefix(take);
      continue;
    }
    if (nl == absl::string_view::npos) {
      partial_.append(piece.data(), piece.size());
      return;
    }
    if (partial_.empty()) {
      emit(piece);
    } else {
      partial_.append(piece.data(), piece.size());
      emit(partial_);
      partial_.clear();
    }
    data.remove_prefix(nl + 1);
  }
}

void LineSplitter::Flush(const Emit& emit) {
  if (partial_.empty()) return;
  emit(partial_);
  partial_.clear();
}

}  // namespace berth::log
