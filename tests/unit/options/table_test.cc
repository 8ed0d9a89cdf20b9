// SPDX-License-Identifier: MIT
#include "berth/options/table.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace berth::options {
namespace {

// What the options applied, in order: "name" for a flag, "name=value" for an option with one.
struct Seen {
  std::vector<std::string> calls;
};

base::Status Record(Seen& seen, absl::string_view value) {
  seen.calls.push_back(std::string(value));
  return base::OkStatus();
}

base::Status Refuse(Seen&, absl::string_view value) {
  return base::InvalidArgumentError(absl::StrCat("no '", value, "'"));
}

constexpr unsigned kOne = 1;
constexpr unsigned kTwo = 2;

constexpr Option<Seen> kRows[] = {
    {{'a', "all", "", kAll, "Main", "a flag with both names"}, Record},
    {{'e', "exit", "CODE", kAll, "Main", "a short option with a value"}, Record},
    {{'\0', "map", "FROM:TO", kOne, "Main", "a long option with a value, name one only"}, Record},
    {{'H', "", "'Name: value'", kAll, "Other", "short only"}, Record},
    {{'t', "two", "", kTwo, "Other", "name two only"}, Record},
    {{'\0', "bad", "X", kAll, "Other", "always refuses its value"}, Refuse},
    {{'h', "help", "", kAll, "Other", "ends the reading"}, nullptr},
};

// "--exit=3" -> "exit=3": each option found, by its long name or else its letter.
std::string Describe(const Found& f) {
  const Spec& s = f.entry->spec;
  std::string name = s.long_name.empty() ? std::string(1, s.short_name) : std::string(s.long_name);
  return s.arg_name.empty() ? name : absl::StrCat(name, "=", f.value);
}

// Reads every option of `args`; "found | operands" or the error message.
std::string ReadAll(std::vector<absl::string_view> args, Operands mode = Operands::kAfterOptions,
                    unsigned who = kOne) {
  const Table table(kRows, who);
  Reader reader(table, args, mode);
  std::vector<std::string> found;
  for (;;) {
    base::Result<Found> f = reader.Next();
    if (!f.has_value()) return std::string(f.error().message());
    if (f->entry == nullptr) break;
    found.push_back(Describe(*f));
  }
  return absl::StrCat(absl::StrJoin(found, " "), " | ", absl::StrJoin(reader.operands(), " "));
}

TEST_SUITE("options") {
  TEST_CASE("the reader: long, short, bundles, values, operands") {
    struct Row {
      const char* what;
      std::vector<absl::string_view> args;
      Operands mode;
      const char* reads;
    };
    const Operands after = Operands::kAfterOptions;
    const Operands anywhere = Operands::kAnywhere;
    const Row rows[] = {
        {"nothing", {}, after, " | "},
        {"a flag by both names", {"-a", "--all", "x"}, after, "all all | x"},
        {"--name value and --name=value",
         {"--map", "A:B", "--map=C:D"},
         after,
         "map=A:B map=C:D | "},
        {"an empty value", {"--map=", "--exit", ""}, after, "map= exit= | "},
        {"a value holding '='", {"--map=a=b"}, after, "map=a=b | "},
        {"-e 3 and -e3", {"-e", "3", "-e4"}, after, "exit=3 exit=4 | "},
        {"a bundle of flags, then a value", {"-aae3", "x"}, after, "all all exit=3 | x"},
        {"a value that looks like an option",
         {"-e", "--all", "--map", "-a"},
         after,
         "exit=--all map=-a | "},
        {"a short-only option", {"-H", "X: y", "-HZ: 1"}, after, "H=X: y H=Z: 1 | "},
        {"-- ends the options", {"-a", "--", "-a", "--"}, after, "all | -a --"},
        {"'-' alone is an operand", {"-", "-a"}, after, " | - -a"},
        {"options stop at the first operand",
         {"-a", "prog", "-a", "--"},
         after,
         "all | prog -a --"},
        {"or mix with them", {"x", "-a", "y", "--map=1:2"}, anywhere, "all map=1:2 | x y"},
        {"-- still ends them", {"x", "--", "-a"}, anywhere, " | x -a"},
        {"unknown long", {"--nope", "x"}, after, "unknown option '--nope'"},
        {"unknown long with a value", {"--nope=1"}, after, "unknown option '--nope'"},
        {"an empty long name", {"--=x"}, after, "unknown option '--'"},
        {"unknown short", {"-z"}, after, "unknown option '-z'"},
        {"unknown in a bundle", {"-az"}, after, "unknown option '-z'"},
        {"a missing long value", {"--map"}, after, "option '--map' needs a value"},
        {"a missing short value", {"-a", "-e"}, after, "option '-e' needs a value"},
        {"a value for a flag", {"--all=1"}, after, "option '--all' takes no value"},
        {"a row of another name", {"-t"}, after, "unknown option '-t'"},
    };
    for (const Row& r : rows) {
      SUBCASE(r.what) { CHECK(ReadAll(r.args, r.mode) == r.reads); }
    }
  }

  TEST_CASE("after a usage problem, the reader goes on after the bad option") {
    const Table table(kRows, kOne);
    const std::vector<absl::string_view> args = {"--nope", "-zaz", "--all=1", "-a", "x", "--map"};
    Reader reader(table, args);
    std::vector<std::string> read;
    for (base::Result<Found> f = reader.Next(); !f.has_value() || f->entry != nullptr;
         f = reader.Next()) {
      read.push_back(f.has_value() ? Describe(*f) : std::string(f.error().message()));
    }
    CHECK(read == std::vector<std::string>{"unknown option '--nope'", "unknown option '-z'", "all",
                                           "unknown option '-z'", "option '--all' takes no value",
                                           "all"});
    CHECK(reader.operands() == std::vector<absl::string_view>{"x", "--map"});
  }

  TEST_CASE("who picks the rows of one name") {
    CHECK(ReadAll({"-t", "--all"}, Operands::kAfterOptions, kTwo) == "two all | ");
    CHECK(ReadAll({"--map=1:2"}, Operands::kAfterOptions, kTwo) == "unknown option '--map'");
    CHECK(ReadAll({"--map=1:2"}, Operands::kAfterOptions, kOne | kTwo) == "map=1:2 | ");
  }

  TEST_CASE("the wording of usage problems is the caller's") {
    const Table table(kRows, kOne);
    struct Row {
      std::vector<absl::string_view> args;
      Problem problem;
      const char* option;
    };
    const Row rows[] = {
        {{"--nope"}, Problem::kUnknownOption, "--nope"},
        {{"-vz"}, Problem::kUnknownOption, "-v"},
        {{"-e"}, Problem::kMissingValue, "-e"},
        {{"--help=1"}, Problem::kValueNotAllowed, "--help"},
    };
    for (const Row& r : rows) {
      SUBCASE(r.option) {
        Problem problem{};
        std::string option;
        Reader reader(table, r.args, Operands::kAfterOptions, [&](Problem p, absl::string_view o) {
          problem = p;
          option = std::string(o);
          return base::FailedPreconditionError("peer words");
        });
        base::Result<Found> f = reader.Next();
        CHECK(f.error().message() == "peer words");
        CHECK(problem == r.problem);
        CHECK(option == r.option);
      }
    }
  }

  TEST_CASE("Apply applies in order and stops at help or at the first error") {
    struct Row {
      const char* what;
      std::vector<absl::string_view> args;
      std::vector<std::string> applied;
      bool help;
      const char* error;
    };
    const Row rows[] = {
        {"in order, then the operands",
         {"-e1", "--map=x", "-a", "p", "q"},
         {"1", "x", ""},
         false,
         ""},
        {"help ends the reading", {"-a", "-h", "--nope"}, {""}, true, ""},
        {"an apply error", {"-a", "--bad", "v", "-h"}, {""}, false, "no 'v'"},
        {"a usage problem after an applied option",
         {"-e", "2", "--nope", "-h"},
         {"2"},
         false,
         "unknown option '--nope'"},
    };
    for (const Row& r : rows) {
      SUBCASE(r.what) {
        Seen seen;
        base::Result<Parsed> parsed = Apply(kRows, r.args, seen, Operands::kAfterOptions, kOne);
        CHECK(seen.calls == r.applied);
        if (*r.error) {
          CHECK(parsed.error().message() == r.error);
          continue;
        }
        REQUIRE(parsed.has_value());
        CHECK((parsed->stop != nullptr) == r.help);
        if (!r.help) CHECK(parsed->operands == std::vector<absl::string_view>{"p", "q"});
      }
    }
  }

  TEST_CASE("--help: one line per option in the groups' order, the help in one column") {
    constexpr absl::string_view groups[] = {"Other", "Empty", "Main"};
    CHECK(Table(kRows, kOne).Help(groups) ==
          "\nOther:\n"
          "  -H 'Name: value'            short only\n"
          "      --bad X                 always refuses its value\n"
          "  -h, --help                  ends the reading\n"
          "\nMain:\n"
          "  -a, --all                   a flag with both names\n"
          "  -e, --exit CODE             a short option with a value\n"
          "      --map FROM:TO           a long option with a value, name one only\n");
    CHECK(HelpLine("BERTH_MAP", "x") == "  BERTH_MAP                   x\n");
    // A synopsis too long for the column pushes its help on by two spaces.
    CHECK(HelpLine("    --health-start-period DURATION", "x") ==
          "      --health-start-period DURATION  x\n");
  }
}

}  // namespace
}  // namespace berth::options
