// SPDX-License-Identifier: MIT
#include "berth/health/status_list.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "berth/base/text.h"

namespace berth::health {
namespace {

bool ParseCode(absl::string_view text, int* code) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() != 3) return false;
  return base::ParseInt(text, code) && *code >= 100 && *code <= 599;
}

}  // namespace

StatusList StatusList::Default() {
  StatusList list;
  for (int c = 200; c <= 399; ++c) list.codes_.set(c);
  return list;
}

base::Result<StatusList> StatusList::Parse(absl::string_view text) {
  StatusList list;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    auto bad = [&] {
      return base::InvalidArgumentError(base::Cat(
          "bad status list item '", item, "': want codes 100-599 or ranges, e.g. 200-299,401"));
    };
    std::pair<absl::string_view, absl::string_view> range = absl::StrSplit(item, absl::MaxSplits('-', 1));
    int from = 0;
    int to = 0;
    if (!ParseCode(range.first, &from)) return bad();
    if (range.second.data() == nullptr || item.find('-') == absl::string_view::npos) {
      to = from;
    } else if (!ParseCode(range.second, &to) || to < from) {
      return bad();
    }
    for (int c = from; c <= to; ++c) list.codes_.set(c);
  }
  return list;
}

}  // namespace berth::health
