// SPDX-License-Identifier: MIT
// Fuzzes ParseServiceFile, the TOML of --config. An accepted file has named services with a
// command each, and a start order that places every one of them once.
#include <set>

#include "berth/config/service_file.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  berth::base::Result<std::vector<berth::config::ServiceSpec>> specs =
      berth::config::ParseServiceFile(berth::fuzz::AsText(data, size), "fuzz.toml");
  if (!specs.has_value()) {
    BERTH_FUZZ_CHECK(!specs.error().message().empty());
    return 0;
  }
  for (const berth::config::ServiceSpec& s : *specs) {
    BERTH_FUZZ_CHECK(!s.name.empty() && !s.command.empty());
  }
  const std::vector<size_t> order = berth::config::StartOrder(*specs);
  BERTH_FUZZ_CHECK(order.size() == specs->size());
  BERTH_FUZZ_CHECK(std::set<size_t>(order.begin(), order.end()).size() == specs->size());
  return 0;
}
