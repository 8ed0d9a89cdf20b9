// SPDX-License-Identifier: MIT
#include "security/syscall_names.h"

#include <array>

namespace berth::security {
namespace {

struct Entry {
  int nr;
  const char* name;
};

constexpr Entry kEntries[] = {
#include "syscall_names.inc"
};

constexpr int kTableSize = [] {
  int top = 0;
  for (const Entry& e : kEntries) top = e.nr > top ? e.nr : top;
  return top + 1;
}();

// Indexed by number and built at compile time, so naming a call costs one load.
constexpr std::array<const char*, kTableSize> kByNumber = [] {
  std::array<const char*, kTableSize> t{};
  for (const Entry& e : kEntries) t[e.nr] = e.name;
  return t;
}();

}  // namespace

const char* NativeSyscallName(int nr) {
  return nr >= 0 && nr < kTableSize ? kByNumber[static_cast<unsigned>(nr)] : nullptr;
}

}  // namespace berth::security
