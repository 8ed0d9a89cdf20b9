// SPDX-License-Identifier: MIT
#include "berth/process/descendants.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "berth/base/unique_fd.h"

namespace berth::process {
namespace {

std::string ReadSmallFile(const std::string& path) {
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return "";
  char buf[1024];
  ssize_t n = ::read(fd.Get(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// proc(5) stat: "pid (comm) state ppid ..."; comm may hold spaces and ')', so parse from the
// last ')'.
bool ParseStat(const std::string& stat, char* state, pid_t* ppid, std::string* comm) {
  size_t open = stat.find('(');
  size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) {
    return false;
  }
  *comm = stat.substr(open + 1, close - open - 1);
  *state = stat[close + 2];
  absl::string_view rest(stat.data() + close + 4, stat.size() - close - 4);
  return absl::SimpleAtoi(rest.substr(0, rest.find(' ')), ppid);
}

std::string CommandLine(pid_t pid, const std::string& comm) {
  std::string cmdline = ReadSmallFile(absl::StrCat("/proc/", pid, "/cmdline"));
  while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
  if (cmdline.empty()) return absl::StrCat("[", comm, "]");
  for (char& c : cmdline) {
    if (c == '\0') c = ' ';
  }
  return cmdline;
}

}  // namespace

std::vector<ProcessInfo> Descendants(pid_t root) {
  struct Entry {
    pid_t ppid;
    std::string comm;
  };
  std::map<pid_t, Entry> live;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return {};
  while (dirent* d = ::readdir(dir)) {
    pid_t pid;
    if (!absl::SimpleAtoi(d->d_name, &pid)) continue;
    char state;
    Entry e;
    if (!ParseStat(ReadSmallFile(absl::StrCat("/proc/", pid, "/stat")), &state, &e.ppid, &e.comm)) {
      continue;
    }
    if (state != 'Z' && state != 'X') live[pid] = std::move(e);
  }
  ::closedir(dir);
  std::vector<ProcessInfo> out;
  for (const auto& [pid, e] : live) {
    // Walk up; pids that vanished mid-scan end the chain, and the step bound guards against a
    // cycle in a snapshot torn by pid reuse.
    size_t steps = 0;
    for (pid_t p = e.ppid; p > 0 && steps++ < live.size();) {
      if (p == root) {
        out.push_back({pid, CommandLine(pid, e.comm)});
        break;
      }
      auto up = live.find(p);
      if (up == live.end()) break;
      p = up->second.ppid;
    }
  }
  return out;
}

}  // namespace berth::process
