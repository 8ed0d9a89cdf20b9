// SPDX-License-Identifier: MIT
// config (private): the table every option and environment variable is described by once.
#pragma once

#include <span>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "berth/config/options.h"
#include "berth/options/table.h"

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

// A row: {short, long, ARG, who, group, help} as options::Spec, then what it does: an action
// (and apply nullptr, so the reading ends there), or apply.
struct OptionSpec : options::Spec {
  Action action;
  absl::Status (*apply)(Options&, absl::string_view arg);
};

struct EnvSpec {
  absl::string_view name;
  unsigned who;
  absl::string_view help;
  absl::Status (*apply)(Options&, absl::string_view value);
};

std::span<const OptionSpec> OptionTable();
std::span<const EnvSpec> EnvTable();

}  // namespace berth::config
