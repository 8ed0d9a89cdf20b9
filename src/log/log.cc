// SPDX-License-Identifier: MIT
#include "berth/log/log.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <time.h>

#include <memory>

namespace berth::log {
namespace {

struct State {
  std::string name = "berth";
  int verbosity = 1;
  Format format = Format::kText;
  std::shared_ptr<spdlog::logger> logger;
};

State& GetState() {
  static State state;
  return state;
}

struct LevelInfo {
  absl::string_view name;
  int verbosity;  // the lowest verbosity that shows the level
  spdlog::level::level_enum spdlog_level;
};

// Indexed by Level.
constexpr LevelInfo kLevels[] = {
    {"error", 0, spdlog::level::err},   {"warning", 1, spdlog::level::warn},
    {"notice", 1, spdlog::level::info}, {"info", 2, spdlog::level::info},
    {"debug", 3, spdlog::level::debug}, {"trace", 4, spdlog::level::trace},
};

const LevelInfo& Describe(Level level) { return kLevels[static_cast<int>(level)]; }
absl::string_view LevelName(Level level) { return Describe(level).name; }

// RFC 3339 in UTC with milliseconds; built by hand to keep time-zone tables out of the binary.
std::string NowRfc3339() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     ts.tv_nsec / 1000000);
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
    fmt::format_to(std::back_inserter(line), R"(,"{}":"{}")", JsonEscape(f.key),
                   JsonEscape(f.value));
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
  // Single-threaded sink: berth has one thread; the line is composed here so the pattern is bare.
  s.logger = std::make_shared<spdlog::logger>(s.name, std::make_shared<spdlog::sinks::stderr_sink_st>());
  s.logger->set_pattern("%v");
  s.logger->set_level(spdlog::level::trace);
  s.logger->flush_on(spdlog::level::trace);
}

bool Enabled(Level level) { return Describe(level).verbosity <= GetState().verbosity; }

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  State& s = GetState();
  if (!s.logger) Init(s.name, s.verbosity, s.format);
  std::string line = s.format == Format::kJson ? FormatJson(s, level, msg, fields)
                                               : FormatText(s, level, msg, fields);
  s.logger->log(Describe(level).spdlog_level, spdlog::string_view_t(line.data(), line.size()));
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
