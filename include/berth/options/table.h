// SPDX-License-Identifier: MIT
// options: the one option engine of berth and its subcommands: a table of rows, the reader of
// `--name value`, `--name=value` and short bundles (`-vvg`, `-e3`), and --help from the same
// rows. It knows no option by name and applies nothing itself beyond Apply's callbacks.
#pragma once

#include <functional>
#include <ranges>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"

namespace berth::options {

// A `who` for a table that one name alone reads.
inline constexpr unsigned kAll = ~0u;

// How one option is written and described: the fields a table's rows start with, in this
// order, before what the option does (see Option).
struct Spec {
  char short_name;              // '\0' when there is none
  absl::string_view long_name;  // "" when there is none
  absl::string_view arg_name;   // "" for a flag without value
  unsigned who;                 // the names that accept it, a bit each (kAll: every name)
  absl::string_view group;      // its --help section
  absl::string_view help;
};

// The rows of a table that one name accepts (those whose `who` shares a bit with it), in order.
// A row is any struct with Spec's fields; the table points at the rows, which must outlive it
// (tables are constexpr arrays).
class Table {
 public:
  struct Entry {
    Spec spec;
    const void* row;
  };

  template <std::ranges::input_range Rows>
  explicit Table(const Rows& rows, unsigned who = kAll) {
    for (const auto& r : rows) {
      if (r.who & who) {
        entries_.push_back({{r.short_name, r.long_name, r.arg_name, r.who, r.group, r.help}, &r});
      }
    }
  }

  // The entry spelled `--name`, or `-c`; nullptr when there is none.
  const Entry* Long(absl::string_view name) const;
  const Entry* Short(char c) const;

  // The --help sections, in the order of `groups`: "\nGroup:\n" and one HelpLine per option.
  // A group without options is left out.
  std::string Help(std::span<const absl::string_view> groups) const;

 private:
  std::vector<Entry> entries_;
};

// One line of a --help text: "  SYNOPSIS" and HELP at the one column every --help of berth uses.
std::string HelpLine(absl::string_view synopsis, absl::string_view help);

// What is wrong with an option on the command line.
enum class Problem { kUnknownOption, kMissingValue, kValueNotAllowed };

// Turns a problem with `option` (as written: "-x" or "--name") into the error to return.
using Wording = std::function<base::Failure(Problem, absl::string_view option)>;

// berth's words, InvalidArgument: "unknown option '-x'", "option '--map' needs a value",
// "option '--json' takes no value".
base::Failure BerthWording(Problem problem, absl::string_view option);

// Where the operands (arguments that are not options) may stand.
enum class Operands {
  kAfterOptions,  // options end at the first operand, as getopt's "+" (berth's PROGRAM ARGS...)
  kAnywhere,      // options and operands mix (berth probe's TARGET)
};

// One option read from the command line; `entry` is nullptr when the options are over.
struct Found {
  const Table::Entry* entry = nullptr;
  absl::string_view value;  // "" for a flag
};

// Reads the options of `args` (argv without the command's name) one at a time, so the caller
// applies each before the next is read and stops where it wants (--help). `--` ends the options;
// "-" alone is an operand. A value is "--name=value", or the next argument ("--name value",
// "-e 3", taken even when it starts with '-'), or the rest of a short bundle ("-e3", "-vve3").
class Reader {
 public:
  // `table` and `args` must outlive the reader.
  Reader(const Table& table, std::span<const absl::string_view> args,
         Operands operands = Operands::kAfterOptions, Wording wording = BerthWording);

  // The next option; Found{} when they are over; the wording's error for a usage problem (a
  // further call goes on after the bad option).
  base::Result<Found> Next();

  // The operands, in order; complete once Next() returned Found{}.
  const std::vector<absl::string_view>& operands() const { return operands_; }

 private:
  base::Result<Found> NextLong();
  base::Result<Found> NextShort();
  base::Result<Found> ValueFromNext(const Table::Entry* entry, absl::string_view option);

  const Table& table_;
  std::span<const absl::string_view> args_;
  Operands mode_;
  Wording wording_;
  size_t i_ = 0;  // the argument being read
  size_t j_ = 0;  // in a short bundle args_[i_], the letter being read; 0 when not in one
  std::vector<absl::string_view> operands_;
};

// A row that applies its option to a `Target`, written {{Spec's fields}, apply}; `apply` is
// nullptr for an option that ends the reading instead (--help: the caller prints it).
template <typename Target>
struct Option : Spec {
  base::Status (*apply)(Target&, absl::string_view value);
};

// What a command line asked for besides applying its options.
struct Parsed {
  const void* stop = nullptr;  // the row without `apply` that ended the reading, if one did
  std::vector<absl::string_view> operands;
};

// Reads `args` against the rows `who` accepts and applies each option to `target` in order.
// Stops at the first usage problem or apply error, or at a row without `apply`. A row is an
// Option<Target> or a struct with Spec's fields and such an `apply`.
template <typename Rows, typename Target>
base::Result<Parsed> Apply(const Rows& rows, std::span<const absl::string_view> args,
                           Target& target, Operands operands = Operands::kAfterOptions,
                           unsigned who = kAll, Wording wording = BerthWording) {
  using Row = std::ranges::range_value_t<Rows>;
  const Table table(rows, who);
  Reader reader(table, args, operands, std::move(wording));
  for (;;) {
    BERTH_ASSIGN_OR_RETURN(Found found, reader.Next());
    if (found.entry == nullptr) return Parsed{nullptr, reader.operands()};
    const Row& row = *static_cast<const Row*>(found.entry->row);
    if (row.apply == nullptr) return Parsed{&row, {}};
    BERTH_RETURN_IF_ERROR(row.apply(target, found.value));
  }
}

}  // namespace berth::options
