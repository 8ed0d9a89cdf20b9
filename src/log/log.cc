// SPDX-License-Identifier: MIT
#include "berth/log/log.h"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "berth/log/output.h"

namespace berth::log {
namespace {

struct State {
  std::string name = "berth";
  int verbosity = 1;
  Format format = Format::kText;
  bool initialized = false;
};

State& GetState() {
  static State state;
  return state;
}

struct LevelInfo {
  absl::string_view name;
  int verbosity;  // the lowest verbosity that shows the level
};

// Indexed by Level.
constexpr LevelInfo kLevels[] = {
    {"error", 0}, {"warning", 1}, {"notice", 1}, {"info", 2}, {"debug", 3}, {"trace", 4},
};

const LevelInfo& Describe(Level level) { return kLevels[static_cast<int>(level)]; }
absl::string_view LevelName(Level level) { return Describe(level).name; }

}  // namespace

// Built by hand: gmtime_r would link glibc's time-zone code (tzset, the tzfile reader and sscanf),
// absl::FormatTime abseil's (cctz, fstream and every locale facet), to learn that UTC has no
// offset. The date is Howard Hinnant's civil_from_days (days since 1970-01-01 to y/m/d).
std::string Rfc3339(absl::Time t) {
  const long long ms = absl::ToInt64Milliseconds(t - absl::UnixEpoch());
  const long long days = ms / 86400000;
  const long long secs = ms / 1000 % 86400;
  const long long z = days + 719468;
  const long long era = z / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long day = doy - (153 * mp + 2) / 5 + 1;
  const long long month = mp < 10 ? mp + 3 : mp - 9;
  const long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, month, day, secs / 3600,
                     secs / 60 % 60, secs % 60, ms % 1000);
}

namespace {

std::string NowRfc3339() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return Rfc3339(absl::UnixEpoch() + absl::Seconds(ts.tv_sec) + absl::Nanoseconds(ts.tv_nsec));
}

std::string FormatText(const State& s, Level level, absl::string_view msg,
                       std::initializer_list<Field> fields) {
  std::string line = fmt::format("{}: {}: {}", s.name, LevelName(level), msg);
  for (const Field& f : fields) fmt::format_to(std::back_inserter(line), " {}={}", f.key, f.value);
  return line;
}

std::string FormatJson(const State& s, Level level, absl::string_view msg,
                       std::initializer_list<Field> fields) {
  std::string line = fmt::format(R"({{"time":"{}","level":"{}","name":"{}","msg":"{}")",
                                 NowRfc3339(), LevelName(level), s.name, JsonEscape(msg));
  for (const Field& f : fields) {
    if (f.number) {
      fmt::format_to(std::back_inserter(line), R"(,"{}":{})", JsonEscape(f.key), f.value);
    } else {
      fmt::format_to(std::back_inserter(line), R"(,"{}":"{}")", JsonEscape(f.key),
                     JsonEscape(f.value));
    }
  }
  line += '}';
  return line;
}

}  // namespace

void Init(absl::string_view name, int verbosity, Format format) {
  State& s = GetState();
  s.name = std::string(name);
  s.verbosity = verbosity;
  s.format = format;
  PrepareOutput();
  s.initialized = true;
}

bool Enabled(Level level) { return Describe(level).verbosity <= GetState().verbosity; }

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  State& s = GetState();
  if (!s.initialized) Init(s.name, s.verbosity, s.format);
  // The line is composed here and written whole by output.h, which never blocks PID 1 on a
  // stalled reader. No logging library in between: spdlog's logger would link its
  // pattern_formatter, and with it glibc's time-zone code, to pass the line on unchanged.
  std::string line = s.format == Format::kJson ? FormatJson(s, level, msg, fields)
                                               : FormatText(s, level, msg, fields);
  line += '\n';
  WriteOutput(STDERR_FILENO, line);
}

std::string JsonEscape(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace berth::log
