// SPDX-License-Identifier: MIT
// security: resolves --user from /etc/passwd and /etc/group read directly (NSS cannot work in a
// static binary); pure look-ups, no set*id calls here.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "berth/base/error.h"

namespace berth::security {

// One line of passwd(5); malformed lines are skipped by ParsePasswd.
struct PasswdEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

// One line of group(5); `members` is the comma list of user names.
struct GroupEntry {
  std::string name;
  gid_t gid = 0;
  std::vector<std::string> members;
};

std::vector<PasswdEntry> ParsePasswd(absl::string_view text);
std::vector<GroupEntry> ParseGroup(absl::string_view text);

// Who the child becomes, all resolved before fork.
struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  // setgroups(2)'s list: what initgroups(3) gives (the primary group and every group listing
  // the user), or only GROUP when USER:GROUP names one, as gosu.
  std::vector<gid_t> groups;
  std::string home;  // "/" when the user has no passwd entry (a bare uid), as Docker
};

// Resolves "USER[:GROUP]" (names or numeric ids) against passwd and group texts. A bare numeric
// uid without a passwd entry gets gid 0 and home "/" (Docker's rule). Errors (InvalidArgument)
// name the user or group that is unknown and the file searched.
base::Result<Credentials> ResolveUser(absl::string_view spec, absl::string_view passwd_text,
                                      absl::string_view group_text);

// The same, reading /etc/passwd and /etc/group with ReadAccountFile.
base::Result<Credentials> ResolveUser(absl::string_view spec);

// HOME for the child: the user's home when the current HOME is unset or root's own home (from
// passwd's uid 0 entry, "/root" when there is none); otherwise the current HOME is kept.
std::string ChildHome(const Credentials& creds, const char* current_home,
                      absl::string_view passwd_text);

// The largest /etc/passwd or /etc/group berth reads.
inline constexpr size_t kMaxAccountFile = 4 * 1024 * 1024;

// Reads /etc/passwd or /etc/group (base::ReadSmallRegularFile, kMaxAccountFile); a missing file
// reads as empty, as an image without one has only numeric ids. Other errors name the file.
base::Result<std::string> ReadAccountFile(const std::string& path);

}  // namespace berth::security
