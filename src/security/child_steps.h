// SPDX-License-Identifier: MIT
// security (private): the steps the child runs between fork and exec. Each is
// async-signal-safe: raw system calls on data prepared before fork, no allocation, no libcap
// or libseccomp call; each returns 0 or an errno value.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace berth::security::child {

struct UserSwitch {
  uid_t uid;
  gid_t gid;
  const gid_t* groups;
  size_t group_count;
  bool keep_caps;  // PR_SET_KEEPCAPS across setuid, so the capability step has something to keep
};

struct CapPlan {
  uint64_t keep;
  int last_cap;
};

// setgroups, setgid, [PR_SET_KEEPCAPS], setuid: gosu's order (groups while still root).
int SwitchUser(const void* user_switch);
// PR_CAPBSET_DROP for every capability not kept (needs CAP_SETPCAP, so it runs while root).
int DropBounding(const void* cap_plan);
// capset(2) with permitted = effective = inheritable = keep, then raises each kept capability
// into the ambient set so it survives execve(2) for a non-root user.
int SetCapabilities(const void* cap_plan);
int SetNoNewPrivs(const void* unused);
// prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER) with a struct sock_fprog.
int LoadFilter(const void* fprog);

}  // namespace berth::security::child
