// SPDX-License-Identifier: MIT
#include "berth/options/table.h"

#include <algorithm>
#include <utility>

#include "berth/base/text.h"

namespace berth::options {
namespace {

// The help text starts here, after "  " and the synopsis; a longer synopsis pushes it on.
constexpr size_t kSynopsisWidth = 28;

// "-e, --remap-exit CODE", "    --map FROM:TO", "-L": long-only options line up with the others.
std::string Synopsis(const Spec& s) {
  std::string out = s.short_name ? base::Cat("-", std::string(1, s.short_name)) : "    ";
  if (s.short_name && !s.long_name.empty()) base::Append(&out, ", ");
  if (!s.long_name.empty()) base::Append(&out, "--", s.long_name);
  if (!s.arg_name.empty()) base::Append(&out, " ", s.arg_name);
  return out;
}

}  // namespace

const Table::Entry* Table::Long(absl::string_view name) const {
  for (const Entry& e : entries_) {
    if (!e.spec.long_name.empty() && e.spec.long_name == name) return &e;
  }
  return nullptr;
}

const Table::Entry* Table::Short(char c) const {
  for (const Entry& e : entries_) {
    if (e.spec.short_name != '\0' && e.spec.short_name == c) return &e;
  }
  return nullptr;
}

std::string Table::Help(std::span<const absl::string_view> groups) const {
  std::string out;
  for (absl::string_view group : groups) {
    std::string section;
    for (const Entry& e : entries_) {
      if (e.spec.group == group) base::Append(&section, HelpLine(Synopsis(e.spec), e.spec.help));
    }
    if (!section.empty()) base::Append(&out, "\n", group, ":\n", section);
  }
  return out;
}

std::string HelpLine(absl::string_view synopsis, absl::string_view help) {
  std::string padded(synopsis);
  padded.resize(std::max(padded.size() + 2, kSynopsisWidth), ' ');
  return base::Cat("  ", padded, help, "\n");
}

base::Failure BerthWording(Problem problem, absl::string_view option) {
  switch (problem) {
    case Problem::kUnknownOption:
      return base::InvalidArgumentError(base::Cat("unknown option '", option, "'"));
    case Problem::kMissingValue:
      return base::InvalidArgumentError(base::Cat("option '", option, "' needs a value"));
    case Problem::kValueNotAllowed:
      break;
  }
  return base::InvalidArgumentError(base::Cat("option '", option, "' takes no value"));
}

Reader::Reader(const Table& table, std::span<const absl::string_view> args, Operands operands,
               Wording wording)
    : table_(table), args_(args), mode_(operands), wording_(std::move(wording)) {}

base::Result<Found> Reader::Next() {
  if (j_ > 0) return NextShort();
  while (i_ < args_.size()) {
    const absl::string_view arg = args_[i_];
    if (arg == "--") {
      ++i_;
      break;
    }
    const bool is_option = arg.size() >= 2 && arg[0] == '-';
    if (is_option && arg[1] == '-') return NextLong();
    if (is_option) {
      j_ = 1;
      return NextShort();
    }
    if (mode_ == Operands::kAfterOptions) break;
    operands_.push_back(arg);
    ++i_;
  }
  const std::span<const absl::string_view> rest = args_.subspan(i_);
  operands_.insert(operands_.end(), rest.begin(), rest.end());
  i_ = args_.size();
  return Found{};
}

base::Result<Found> Reader::NextLong() {
  const absl::string_view body = args_[i_++].substr(2);
  const size_t eq = body.find('=');
  const absl::string_view name = body.substr(0, eq);
  const std::string option = base::Cat("--", name);
  const Table::Entry* entry = table_.Long(name);
  if (entry == nullptr) return wording_(Problem::kUnknownOption, option);
  const bool flag = entry->spec.arg_name.empty();
  if (eq != absl::string_view::npos) {
    if (flag) return wording_(Problem::kValueNotAllowed, option);
    return Found{entry, body.substr(eq + 1)};
  }
  if (flag) return Found{entry, ""};
  return ValueFromNext(entry, option);
}

base::Result<Found> Reader::NextShort() {
  const absl::string_view bundle = args_[i_];
  const std::string option = base::Cat("-", bundle.substr(j_, 1));
  const Table::Entry* entry = table_.Short(bundle[j_]);
  const bool flag = entry == nullptr || entry->spec.arg_name.empty();
  const absl::string_view rest = bundle.substr(++j_);
  if (!flag || rest.empty()) {
    j_ = 0;
    ++i_;
  }
  if (entry == nullptr) return wording_(Problem::kUnknownOption, option);
  if (flag) return Found{entry, ""};
  if (!rest.empty()) return Found{entry, rest};
  return ValueFromNext(entry, option);
}

base::Result<Found> Reader::ValueFromNext(const Table::Entry* entry, absl::string_view option) {
  if (i_ >= args_.size()) return wording_(Problem::kMissingValue, option);
  return Found{entry, args_[i_++]};
}

}  // namespace berth::options
