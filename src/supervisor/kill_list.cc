// SPDX-License-Identifier: MIT
#include "berth/supervisor/kill_list.h"

#include "berth/base/text.h"
#include "berth/log/log.h"

namespace berth::supervisor {

bool KillList::Add(const process::ProcessInfo& p) {
  if (!pids_.insert(p.pid).second) return false;
  if (named_.size() < kNamedKills) {
    log::Warn("killed pid {} ({}) at the deadline", p.pid, p.command);
    named_.push_back(p);
  } else {
    ++unnamed_in_sweep_;
  }
  return true;
}

void KillList::EndSweep() {
  if (unnamed_in_sweep_ == 0) return;
  log::Warn("killed {} more process(es) at the deadline ({} in all; the first {} are named above)",
            unnamed_in_sweep_, pids_.size(), kNamedKills);
  unnamed_in_sweep_ = 0;
}

std::string KillList::Summary() const {
  if (named_.empty()) return "-";
  std::string out;
  for (const process::ProcessInfo& p : named_) {
    const absl::string_view program = absl::string_view(p.command).substr(0, p.command.find(' '));
    base::Append(&out, out.empty() ? "" : ",", p.pid, "/", program.substr(program.rfind('/') + 1));
  }
  if (pids_.size() > named_.size()) base::Append(&out, ",+", pids_.size() - named_.size());
  return out;
}

}  // namespace berth::supervisor
