// SPDX-License-Identifier: MIT
// Fuzzes config::Parse and RequestedLogFormat, the command line and environment together. The
// input is text: the first byte picks the personality (as argv[0] would), then one argument per
// line up to an empty line, then NAME=VALUE environment lines. Seeds in corpus/config_parse/ are
// written that way.
#include <vector>

#include "absl/strings/str_split.h"
#include "berth/config/parse.h"
#include "fuzz.h"

namespace {

using berth::config::Personality;

constexpr Personality kPersonalities[] = {Personality::kBerth, Personality::kTini,
                                          Personality::kDumbInit, Personality::kCatatonit};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Personality personality = kPersonalities[data[0] % 4];
  absl::string_view text = berth::fuzz::AsText(data + 1, size - 1);
  size_t blank = text.find("\n\n");
  absl::string_view arg_text = text.substr(0, blank);
  absl::string_view env_text =
      blank == absl::string_view::npos ? absl::string_view() : text.substr(blank + 2);
  std::vector<absl::string_view> args;
  if (!arg_text.empty()) args = absl::StrSplit(arg_text, '\n');
  berth::config::Environment env;
  for (absl::string_view line : absl::StrSplit(env_text, '\n', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    env.emplace(kv.first, kv.second);
  }
  // Reads past every usage error: it must still come to an end.
  berth::config::RequestedLogFormat(personality, args);
  berth::base::Result<berth::config::Invocation> inv = berth::config::Parse(personality, args, env);
  if (!inv.has_value()) {
    BERTH_FUZZ_CHECK(!inv.error().message().empty());
    return 0;
  }
  if (inv->kind == berth::config::Invocation::Kind::kPrint) {
    BERTH_FUZZ_CHECK(!inv->text.empty());
    return 0;
  }
  const berth::config::Options& o = inv->options;
  // --config may bring every service from the file, so a PROGRAM is optional there.
  BERTH_FUZZ_CHECK(o.pause || !o.config_file.empty() ||
                   (!o.command.empty() && !o.command.front().empty()));
  BERTH_FUZZ_CHECK(o.command.empty() || !o.command.front().empty());
  BERTH_FUZZ_CHECK(!o.grace || o.drain < *o.grace);
  return 0;
}
