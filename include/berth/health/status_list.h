// SPDX-License-Identifier: MIT
// health: the HTTP status codes a check or probe counts as healthy; pure.
#pragma once

#include <bitset>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"

namespace berth::health {

class StatusList {
 public:
  // Kubernetes' httpGet rule: 200 to 399.
  static StatusList Default();
  // Parses codes and ranges, comma separated: "200-299,401". Codes are 100 to 599; a range's
  // start is not above its end. An error names the bad item.
  static base::Result<StatusList> Parse(absl::string_view text);

  bool Contains(int code) const { return code >= 0 && code < 600 && codes_.test(code); }

 private:
  std::bitset<600> codes_;
};

}  // namespace berth::health
