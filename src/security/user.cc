// SPDX-License-Identifier: MIT
#include "berth/security/user.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_split.h"
#include "berth/base/error.h"
#include "berth/base/file.h"
#include "berth/base/text.h"

namespace berth::security {
namespace {

// (uid_t)-1 is no id: set*id(2) read it as "leave unchanged", so it is refused with the rest.
template <typename Id>
std::optional<Id> ParseId(absl::string_view s) {
  uint32_t v;
  if (s.empty() || !base::ParseInt(s, &v) || s[0] == '+' || s[0] == '-') return std::nullopt;
  if (v == static_cast<uint32_t>(-1)) return std::nullopt;
  return static_cast<Id>(v);
}

bool IsNumeric(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const PasswdEntry* FindUser(const std::vector<PasswdEntry>& users, absl::string_view who) {
  for (const PasswdEntry& u : users) {
    // passwd(5) is searched by name first; a numeric spec also matches by uid, as gosu.
    if (u.name == who) return &u;
  }
  if (!IsNumeric(who)) return nullptr;
  std::optional<uid_t> uid = ParseId<uid_t>(who);
  for (const PasswdEntry& u : users) {
    if (uid && u.uid == *uid) return &u;
  }
  return nullptr;
}

const GroupEntry* FindGroup(const std::vector<GroupEntry>& groups, absl::string_view which) {
  for (const GroupEntry& g : groups) {
    if (g.name == which) return &g;
  }
  if (!IsNumeric(which)) return nullptr;
  std::optional<gid_t> gid = ParseId<gid_t>(which);
  for (const GroupEntry& g : groups) {
    if (gid && g.gid == *gid) return &g;
  }
  return nullptr;
}

// initgroups(3): the primary group first, then every group that lists the user, no duplicates.
std::vector<gid_t> SupplementaryGroups(const std::vector<GroupEntry>& groups,
                                       absl::string_view user, gid_t primary) {
  std::vector<gid_t> out{primary};
  for (const GroupEntry& g : groups) {
    if (std::find(g.members.begin(), g.members.end(), user) == g.members.end()) continue;
    if (std::find(out.begin(), out.end(), g.gid) == out.end()) out.push_back(g.gid);
  }
  return out;
}

base::Result<gid_t> ResolveGroup(const std::vector<GroupEntry>& groups, absl::string_view which) {
  if (const GroupEntry* g = FindGroup(groups, which)) return g->gid;
  if (IsNumeric(which)) {
    if (std::optional<gid_t> gid = ParseId<gid_t>(which)) return *gid;
    return base::InvalidArgumentError(
        base::Cat("--user: gid ", which, " is out of range (0 to 4294967294)"));
  }
  return base::InvalidArgumentError(base::Cat("--user: no group '", which, "' in /etc/group"));
}

}  // namespace

std::vector<PasswdEntry> ParsePasswd(absl::string_view text) {
  std::vector<PasswdEntry> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line[0] == '#' || line[0] == '+' || line[0] == '-') continue;  // comments, NIS markers
    std::vector<absl::string_view> f = absl::StrSplit(line, ':');
    if (f.size() < 7 || f[0].empty()) continue;
    std::optional<uid_t> uid = ParseId<uid_t>(f[2]);
    std::optional<gid_t> gid = ParseId<gid_t>(f[3]);
    if (!uid || !gid) continue;
    out.push_back({std::string(f[0]), *uid, *gid, std::string(f[5])});
  }
  return out;
}

std::vector<GroupEntry> ParseGroup(absl::string_view text) {
  std::vector<GroupEntry> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ':');
    if (f.size() < 4 || f[0].empty()) continue;
    std::optional<gid_t> gid = ParseId<gid_t>(f[2]);
    if (!gid) continue;
    GroupEntry g{std::string(f[0]), *gid, {}};
    for (absl::string_view m : absl::StrSplit(f[3], ',', absl::SkipEmpty())) {
      g.members.emplace_back(m);
    }
    out.push_back(std::move(g));
  }
  return out;
}

base::Result<Credentials> ResolveUser(absl::string_view spec, absl::string_view passwd_text,
                                      absl::string_view group_text) {
  const size_t colon = spec.find(':');
  const absl::string_view user = spec.substr(0, colon);
  const std::vector<PasswdEntry> users = ParsePasswd(passwd_text);
  const std::vector<GroupEntry> groups = ParseGroup(group_text);
  Credentials c;
  if (user.empty()) return base::InvalidArgumentError("--user: the user is empty");
  if (const PasswdEntry* u = FindUser(users, user)) {
    c.uid = u->uid;
    c.gid = u->gid;
    c.home = u->home.empty() ? "/" : u->home;
    c.groups = SupplementaryGroups(groups, u->name, u->gid);
  } else if (std::optional<uid_t> uid = IsNumeric(user) ? ParseId<uid_t>(user) : std::nullopt) {
    c.uid = *uid;
    c.gid = 0;
    c.home = "/";
    c.groups = {0};
  } else if (IsNumeric(user)) {
    return base::InvalidArgumentError(
        base::Cat("--user: uid ", user, " is out of range (0 to 4294967294)"));
  } else {
    return base::InvalidArgumentError(base::Cat("--user: no user '", user, "' in /etc/passwd"));
  }
  if (colon != absl::string_view::npos) {
    const absl::string_view group = spec.substr(colon + 1);
    if (group.empty()) return base::InvalidArgumentError("--user: the group after ':' is empty");
    base::Result<gid_t> gid = ResolveGroup(groups, group);
    if (!gid.has_value()) return base::ErrorOf(gid);
    c.gid = *gid;
    c.groups = {*gid};
  }
  return c;
}

base::Result<std::string> ReadAccountFile(const std::string& path) {
  base::Result<std::string> text = base::ReadSmallRegularFile(path, kMaxAccountFile);
  if (!text.has_value() && base::IsNotFound(text.error())) return std::string();
  if (!text.has_value())
    return base::InvalidArgumentError(base::Cat("--user: ", text.error().message()));
  return text;
}

base::Result<Credentials> ResolveUser(absl::string_view spec) {
  BERTH_ASSIGN_OR_RETURN(std::string passwd, ReadAccountFile("/etc/passwd"));
  BERTH_ASSIGN_OR_RETURN(std::string group, ReadAccountFile("/etc/group"));
  return ResolveUser(spec, passwd, group);
}

std::string ChildHome(const Credentials& creds, const char* current_home,
                      absl::string_view passwd_text) {
  std::string root_home = "/root";
  for (const PasswdEntry& u : ParsePasswd(passwd_text)) {
    if (u.uid == 0) {
      root_home = u.home;
      break;
    }
  }
  if (current_home == nullptr || current_home == root_home) return creds.home;
  return current_home;
}

}  // namespace berth::security
