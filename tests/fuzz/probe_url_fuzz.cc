// SPDX-License-Identifier: MIT
// Fuzzes the address parsers of the health module: the first byte picks ParseTarget (probe and
// check URLs), ParseListenAddress (--healthz) or ParseHostPort; the rest is the text. An
// accepted address has a socket address that fits its storage, or a name to look up and a port.
#include "berth/health/address.h"
#include "fuzz.h"

namespace {

void CheckEndpoint(const berth::health::Endpoint& e) {
  if (e.NeedsLookup()) {
    BERTH_FUZZ_CHECK(e.len == 0 && e.port != 0 && e.name.size() <= 253);
    BERTH_FUZZ_CHECK(e.name.find_first_of(" /:[]") == std::string::npos);
    return;
  }
  BERTH_FUZZ_CHECK(e.len > 0 && e.len <= sizeof e.addr);
  BERTH_FUZZ_CHECK(e.addr.ss_family == AF_INET || e.addr.ss_family == AF_INET6);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view text = berth::fuzz::AsText(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto t = berth::health::ParseTarget(text);
      if (t.has_value()) CheckEndpoint(t->endpoint);
      break;
    }
    case 1: {
      auto e = berth::health::ParseListenAddress(text);
      if (e.has_value()) BERTH_FUZZ_CHECK(!e->NeedsLookup());
      if (e.has_value()) CheckEndpoint(*e);
      break;
    }
    default: {
      auto e = berth::health::ParseHostPort(text);
      if (e.has_value()) CheckEndpoint(*e);
      break;
    }
  }
  return 0;
}
