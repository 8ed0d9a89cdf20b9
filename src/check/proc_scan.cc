// SPDX-License-Identifier: MIT
#include "berth/check/proc_scan.h"

#include <set>

namespace berth::check {

std::vector<ProcEntry> ScanBelow(pid_t root) {
  std::vector<ProcEntry> out;
  std::set<pid_t> seen{root};
  std::vector<pid_t> queue = process::ChildrenOf(root);
  for (size_t next = 0; next < queue.size(); ++next) {
    const pid_t pid = queue[next];
    // The set guards against a cycle in a walk torn by pid reuse.
    if (!seen.insert(pid).second) continue;
    std::optional<ProcEntry> e = process::ReadProcStat(pid);
    if (!e) continue;  // gone meanwhile
    out.push_back(*e);
    for (pid_t child : process::ChildrenOf(pid)) queue.push_back(child);
  }
  return out;
}

}  // namespace berth::check
