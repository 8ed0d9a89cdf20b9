// SPDX-License-Identifier: MIT
#include "berth/process/proc_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "berth/base/text.h"
#include "berth/base/unique_fd.h"
#include "berth/process/descriptor_reserve.h"

namespace berth::process {
namespace {

constexpr size_t kMaxFile = 64 * 1024;  // a command line longer than this is cut

std::string ReadSmallFile(const std::string& path) {
  UsingReserve reserve;
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return "";
  std::string out;
  char buf[4096];
  ssize_t n;
  while (out.size() < kMaxFile && (n = ::read(fd.Get(), buf, sizeof buf)) > 0) {
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// proc(5) stat: "pid (comm) state ppid ..."; comm may hold spaces and ')', so parse from the
// last ')'.
bool ParseStat(const std::string& stat, ProcStat* s) {
  const size_t open = stat.find('(');
  const size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) {
    return false;
  }
  s->comm = stat.substr(open + 1, close - open - 1);
  s->state = stat[close + 2];
  absl::string_view rest(stat.data() + close + 4, stat.size() - close - 4);
  return base::ParseInt(rest.substr(0, rest.find(' ')), &s->ppid);
}

}  // namespace

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  ProcStat s;
  s.pid = pid;
  if (!ParseStat(ReadSmallFile(base::Cat("/proc/", pid, "/stat")), &s)) return std::nullopt;
  return s;
}

std::string CommandLine(pid_t pid, const std::string& comm) {
  std::string cmdline = ReadSmallFile(base::Cat("/proc/", pid, "/cmdline"));
  while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
  if (cmdline.empty()) return base::Cat("[", comm, "]");
  for (char& c : cmdline) {
    if (c == '\0') c = ' ';
  }
  return cmdline;
}

std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> out;
  UsingReserve reserve;
  DIR* dir = ::opendir(base::Cat("/proc/", pid, "/task").c_str());
  if (dir == nullptr) return out;
  while (dirent* d = ::readdir(dir)) {
    if (d->d_name[0] == '.') continue;
    std::string text = ReadSmallFile(base::Cat("/proc/", pid, "/task/", d->d_name, "/children"));
    for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipWhitespace())) {
      pid_t child;
      if (base::ParseInt(word, &child)) out.push_back(child);
    }
  }
  ::closedir(dir);
  return out;
}

bool BlocksSignal(pid_t pid, int sig) {
  const std::string status = ReadSmallFile(base::Cat("/proc/", pid, "/status"));
  const size_t at = status.find("\nSigBlk:");
  if (at == std::string::npos || sig < 1 || sig > 64) return false;
  absl::string_view hex = absl::StripLeadingAsciiWhitespace(
      absl::string_view(status).substr(at + 8, status.find('\n', at + 1) - at - 8));
  uint64_t mask = 0;
  if (!base::ParseInt(hex, &mask, 16)) return false;
  return (mask >> (sig - 1)) & 1;
}

bool IsStopped(pid_t pid) {
  std::optional<ProcStat> s = ReadProcStat(pid);
  return s && s->state == 'T';
}

}  // namespace berth::process
