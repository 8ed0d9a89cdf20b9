// SPDX-License-Identifier: MIT
// base: text composed and parsed without abseil's numbers code. absl::StrCat and SimpleAtoi live
// in abseil's numbers.cc, whose object also holds absl::from_chars; that drags in charconv.cc,
// which includes <iostream>, and with it std::ios_base::Init and every locale facet into the
// static binary (docs/binary-size.md). Cat formats through fmt, the formatter berth's log lines
// already use; ParseInt is std::from_chars.
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <iterator>
#include <string>
#include <system_error>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "berth/base/text.h"

// Debian's abseil has its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0): let fmt print it.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(absl::string_view s, Context& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s.data(), s.size()), ctx);
  }
};

namespace berth::base {

// Text parts and integers, as absl::StrCat takes them: a bool, a char or a floating-point number
// is refused, as its rendering would be a guess.
template <class Part>
inline constexpr bool kCatPart =
    !std::is_same_v<Part, bool> && !std::is_same_v<Part, char> && !std::is_floating_point_v<Part>;

// Appends each part as fmt's "{}" renders it: text as it is, an integer in decimal.
template <class... Parts>
void Append(std::string* out, const Parts&... parts) {
  static_assert((kCatPart<Parts> && ...), "base::Cat takes text and integers");
  (fmt::format_to(std::back_inserter(*out), "{}", parts), ...);
}

// The parts concatenated: Cat("pid ", 42, ": ", why).
template <class... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  Append(&out, parts...);
  return out;
}

// A whole integer in BASE, allowing surrounding ASCII whitespace and a leading '+', so a /proc
// field or an option value with a stray space still reads; false, and *out untouched, for
// anything else, a sign on an unsigned type, or a value out of the type's range.
template <class Int>
bool ParseInt(absl::string_view text, Int* out, int base = 10) {
  text = absl::StripAsciiWhitespace(text);
  const bool plus = !text.empty() && text.front() == '+';
  if (plus) text.remove_prefix(1);
  if (text.empty() || text.front() == '+' ||
      (text.front() == '-' && (plus || std::is_unsigned_v<Int>))) {
    return false;
  }
  const char* end = text.data() + text.size();
  Int value{};
  auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (ec != std::errc() || ptr != end) return false;
  *out = value;
  return true;
}

}  // namespace berth::base
