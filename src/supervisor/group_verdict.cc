// SPDX-License-Identifier: MIT
#include "berth/supervisor/group_verdict.h"

#include "berth/base/text.h"
#include "berth/log/log.h"

namespace berth::supervisor {
namespace {

const char* Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

GroupVerdict JudgeGroup(const std::vector<ServiceStatus>& statuses) {
  GroupVerdict v;
  v.services_json = "[";
  for (const ServiceStatus& s : statuses) {
    if (!s.ready && !s.left_down) v.ready = false;
    // Liveness fails only on what a restart of the container would fix: an essential service
    // gone for good or unhealthy. One still waiting or starting is alive; /readyz says "not
    // yet" (a liveness probe must not kill a container that is still coming up).
    const bool gone = absl::string_view(s.state) == "exited";
    if (s.essential && (gone || !s.healthy)) v.live = false;
    if (v.services_json.size() > 1) v.services_json += ",";
    base::Append(&v.services_json, "{\"name\":\"", log::JsonEscape(s.name), "\",\"state\":\"",
                 s.state, "\",\"ready\":", Bool(s.ready), ",\"healthy\":", Bool(s.healthy),
                 ",\"restarts\":", s.restarts,
                 ",\"last_exit\":", s.last_exit ? base::Cat(*s.last_exit) : "null", "}");
  }
  v.services_json += "]";
  return v;
}

}  // namespace berth::supervisor
