// SPDX-License-Identifier: MIT
// config (private): the table every option and environment variable is described by once.
#pragma once

#include <span>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"
#include "berth/config/options.h"

namespace berth::config {

// Bit per personality: which names accept an option.
enum Who : unsigned {
  kForBerth = 1,
  kForTini = 2,
  kForDumbInit = 4,
  kForCatatonit = 8,
  kForAll = 15,
};

unsigned WhoBit(Personality personality);

// Options that print something and end the run instead of changing Options.
enum class Action { kNone, kHelp, kVersion, kLicense };

struct OptionSpec {
  char short_name;             // '\0' when there is none
  absl::string_view long_name;  // "" when there is none
  absl::string_view arg_name;   // "" for a flag without argument
  unsigned who;
  absl::string_view group;  // --help section
  absl::string_view help;
  Action action;
  // nullptr for a row with an action: the reading ends there.
  base::Status (*apply)(Options&, absl::string_view arg);
};

struct EnvSpec {
  absl::string_view name;
  unsigned who;
  absl::string_view help;
  base::Status (*apply)(Options&, absl::string_view value);
};

std::span<const OptionSpec> OptionTable();
std::span<const EnvSpec> EnvTable();

}  // namespace berth::config
