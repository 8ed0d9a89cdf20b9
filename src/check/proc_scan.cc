// SPDX-License-Identifier: MIT
#include "berth/check/proc_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "berth/base/unique_fd.h"

namespace berth::check {
namespace {

std::string ReadSmallFile(const std::string& path) {
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return "";
  std::string out;
  char buf[4096];
  ssize_t n;
  while (out.size() < 64 * 1024 && (n = ::read(fd.Get(), buf, sizeof buf)) > 0) {
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// proc(5) stat: "pid (comm) state ppid ..."; comm may hold spaces and ')', so parse from the
// last ')'.
bool ParseStat(const std::string& stat, ProcEntry* e) {
  size_t open = stat.find('(');
  size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) {
    return false;
  }
  e->comm = stat.substr(open + 1, close - open - 1);
  e->state = stat[close + 2];
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(close + 2), ' ', absl::SkipEmpty());
  return fields.size() > 1 && absl::SimpleAtoi(fields[1], &e->ppid);
}

// The direct children of `pid`, from the children file of each of its threads.
std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> out;
  DIR* dir = ::opendir(absl::StrCat("/proc/", pid, "/task").c_str());
  if (dir == nullptr) return out;
  while (dirent* d = ::readdir(dir)) {
    if (d->d_name[0] == '.') continue;
    std::string text = ReadSmallFile(absl::StrCat("/proc/", pid, "/task/", d->d_name, "/children"));
    for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipWhitespace())) {
      pid_t child;
      if (absl::SimpleAtoi(word, &child)) out.push_back(child);
    }
  }
  ::closedir(dir);
  return out;
}

}  // namespace

std::optional<ProcEntry> ReadEntry(pid_t pid) {
  ProcEntry e;
  e.pid = pid;
  if (!ParseStat(ReadSmallFile(absl::StrCat("/proc/", pid, "/stat")), &e)) return std::nullopt;
  return e;
}

std::vector<ProcEntry> ScanBelow(pid_t root) {
  std::vector<ProcEntry> out;
  std::set<pid_t> seen{root};
  std::vector<pid_t> queue = ChildrenOf(root);
  for (size_t next = 0; next < queue.size(); ++next) {
    const pid_t pid = queue[next];
    // The set guards against a cycle in a walk torn by pid reuse.
    if (!seen.insert(pid).second) continue;
    std::optional<ProcEntry> e = ReadEntry(pid);
    if (!e) continue;  // gone meanwhile
    out.push_back(*e);
    for (pid_t child : ChildrenOf(pid)) queue.push_back(child);
  }
  return out;
}

std::string CommandOf(pid_t pid, const std::string& comm) {
  std::string cmdline = ReadSmallFile(absl::StrCat("/proc/", pid, "/cmdline"));
  while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
  if (cmdline.empty()) return absl::StrCat("[", comm, "]");
  for (char& c : cmdline) {
    if (c == '\0') c = ' ';
  }
  return cmdline;
}

}  // namespace berth::check
