// SPDX-License-Identifier: MIT
#include "berth/security/capabilities.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "berth/base/text.h"

namespace berth::security {

base::Result<CapSet> ParseCapList(absl::string_view list) {
  list = absl::StripAsciiWhitespace(list);
  if (absl::AsciiStrToLower(list) == "none" || list.empty()) return CapSet{0};
  CapSet out = 0;
  int item = 0;
  for (absl::string_view raw : absl::StrSplit(list, ',')) {
    ++item;
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
    if (!absl::StartsWith(name, "cap_")) name = base::Cat("cap_", name);
    cap_value_t value;
    // cap_from_name also takes numbers; a name must be a name.
    const bool numeric = name.find_first_not_of("0123456789", 4) == std::string::npos;
    if (numeric || cap_from_name(name.c_str(), &value) != 0 || value < 0 || value > LastCap()) {
      return base::InvalidArgumentError(base::Cat(
          "--caps: unknown capability '", absl::StripAsciiWhitespace(raw), "' (item ", item, ")"));
    }
    out |= CapBit(value);
  }
  return out;
}

std::string CapListText(CapSet caps) {
  std::string out;
  for (int c = 0; c < 64; ++c) {
    if (!(caps & CapBit(c))) continue;
    char* name = cap_to_name(c);
    base::Append(&out, out.empty() ? "" : ",", name != nullptr ? absl::AsciiStrToUpper(name) : "?");
    cap_free(name);
  }
  return out.empty() ? "none" : out;
}

int LastCap() {
  // cap_max_bits() asks the running kernel, so a newer kernel's extra caps are counted.
  return static_cast<int>(cap_max_bits()) - 1;
}

CapSet BoundingSet() {
  CapSet out = 0;
  for (int c = 0; c <= LastCap(); ++c) {
    if (::prctl(PR_CAPBSET_READ, c) == 1) out |= CapBit(c);
  }
  return out;
}

CapSet EffectiveSet() {
  cap_t current = cap_get_proc();
  if (current == nullptr) return 0;
  CapSet out = 0;
  for (int c = 0; c <= LastCap(); ++c) {
    cap_flag_value_t v = CAP_CLEAR;
    if (cap_get_flag(current, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET) out |= CapBit(c);
  }
  cap_free(current);
  return out;
}

}  // namespace berth::security
