// SPDX-License-Identifier: MIT
// fuzz: the one entry point every target defines; libFuzzer calls it, and so does replay.cc,
// which runs the seed corpus as a regression test in every ordinary build.
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace berth::fuzz {

inline absl::string_view AsText(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// A broken invariant must crash loudly so both libFuzzer and replay report it with the input.
#define BERTH_FUZZ_CHECK(cond) \
  do {                         \
    if (!(cond)) __builtin_trap(); \
  } while (0)

}  // namespace berth::fuzz
