// SPDX-License-Identifier: MIT
// Only raw system calls here: libcap's cap_set_proc allocates, which fork(2)'s child of a
// process that may hold malloc's lock must not do. The capability structs come from the kernel's
// own header, kept apart from libcap's <sys/capability.h>, which redefines them.
#include "security/child_steps.h"

#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace berth::security::child {

int SwitchUser(const void* context) {
  const auto* u = static_cast<const UserSwitch*>(context);
  if (::setgroups(u->group_count, u->groups) < 0) return errno;
  if (::setgid(u->gid) < 0) return errno;
  if (u->keep_caps && ::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return errno;
  if (::setuid(u->uid) < 0) return errno;
  return 0;
}

int DropBounding(const void* context) {
  const auto* p = static_cast<const CapPlan*>(context);
  for (int c = 0; c <= p->last_cap; ++c) {
    if (p->keep & (uint64_t{1} << c)) continue;
    if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) return errno;
  }
  return 0;
}

int SetCapabilities(const void* context) {
  const auto* p = static_cast<const CapPlan*>(context);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; ++i) {
    const auto word = static_cast<uint32_t>(p->keep >> (32 * i));
    data[i] = {word, word, word};  // effective, permitted, inheritable
  }
  if (::syscall(SYS_capset, &header, data) < 0) return errno;
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) return errno;
  for (int c = 0; c <= p->last_cap; ++c) {
    if (!(p->keep & (uint64_t{1} << c))) continue;
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0) return errno;
  }
  return 0;
}

int SetNoNewPrivs(const void*) {
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? errno : 0;
}

int LoadFilter(const void* context) {
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, context, 0, 0) < 0 ? errno : 0;
}

}  // namespace berth::security::child
