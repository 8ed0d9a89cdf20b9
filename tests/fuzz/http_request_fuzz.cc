// SPDX-License-Identifier: MIT
// Fuzzes health::ParseRequest, which reads whatever a client sends to --healthz: a complete
// request lies inside the buffer it came from (its path too, as http_request.h says), and an
// error carries a 4xx/5xx status.
#include "berth/health/http_request.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = berth::fuzz::AsText(data, size);
  constexpr size_t kMaxHead = 8192;  // as the server's buffer
  berth::health::ParseResult r = berth::health::ParseRequest(text, kMaxHead);
  using Kind = berth::health::ParseResult::Kind;
  if (r.kind == Kind::kError) {
    BERTH_FUZZ_CHECK(r.error_status >= 400 && r.error_status <= 599);
  } else if (r.kind == Kind::kComplete) {
    const berth::health::Request& q = r.request;
    BERTH_FUZZ_CHECK(q.size > 0 && q.size <= text.size());
    const bool in_buffer = q.path.data() >= text.data() && q.path.end() <= text.data() + q.size;
    BERTH_FUZZ_CHECK(in_buffer || q.path == "/");  // "http://host" has no path to point at
  }
  return 0;
}
