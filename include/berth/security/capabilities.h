// SPDX-License-Identifier: MIT
// security: capability names and sets (libcap's tables); the child-side steps live in
// child_privileges.h, berth's own drop in self_sandbox.h.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"

namespace berth::security {

// One bit per capability number (CAP_CHOWN is bit 0); the kernel has fewer than 64.
using CapSet = uint64_t;

constexpr CapSet CapBit(int cap) { return CapSet{1} << cap; }

// Parses "NET_BIND_SERVICE,CHOWN" (any case, with or without CAP_) or "none". An unknown name is
// InvalidArgument naming it and its place in the list.
base::Result<CapSet> ParseCapList(absl::string_view list);

// "CAP_CHOWN,CAP_KILL", or "none".
std::string CapListText(CapSet caps);

// The highest capability number this kernel knows (cap_last_cap).
int LastCap();

// This process's bounding set, read with PR_CAPBSET_READ.
CapSet BoundingSet();

// This process's effective set (capget(2)); empty when it cannot be read.
CapSet EffectiveSet();

}  // namespace berth::security
