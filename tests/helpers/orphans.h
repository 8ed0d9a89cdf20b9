// SPDX-License-Identifier: MIT
// helpers: making orphans and watching init reap them, shared by testbin (the reaping tests)
// and bench/benchbin (the reaping benchmark), so both measure the same workload.
#pragma once

namespace berth::helpers {

// Sleeps `ms` milliseconds, through signal interruptions.
void SleepMs(long ms);

// Counts processes, zombies included, other than this one in this process group (orphans keep
// the group), by reading /proc/*/stat. As tini's reaping test: whoever inherits them must reap.
int CountOthersInGroup();

// Makes `n` orphans: intermediates each start a batch of children that exit at once, then exit
// themselves without waiting, so every child is re-parented to init as a zombie.
bool MakeOrphans(long n);

// True once init has reaped every orphan (polling every `poll_ms`), false after `timeout_ms`.
bool WaitReaped(long timeout_ms, long poll_ms);

}  // namespace berth::helpers
