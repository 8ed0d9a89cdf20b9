// SPDX-License-Identifier: MIT
// log: one line per event to stderr, as text or JSON. Never exits.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "berth/base/text.h"

namespace berth::log {

// Severity. Verbosity follows tini: 0 shows errors only, 1 (the default) adds warnings and
// notices (berth's one-line summaries), 2 info, 3 debug, 4 trace.
enum class Level { kError, kWarn, kNotice, kInfo, kDebug, kTrace };

enum class Format { kText, kJson };

// One structured field of an event: shown as key=value in text and as a JSON member.
struct Field {
  absl::string_view key;
  std::string value;
  bool number = false;  // a JSON number (`value` holds its digits), not a string
};

// A field whose value is a count or a code: a JSON number ("exit_code":3, not "3").
inline Field Number(absl::string_view key, long long value) {
  return {key, std::to_string(value), true};
}

// Sets up the stderr logger. `name` starts each text line ("berth", or "tini" under that name).
// Safe to call again (a later call replaces the earlier set-up).
void Init(absl::string_view name, int verbosity, Format format);

// True when events at `level` are written with the current verbosity.
bool Enabled(Level level);

// Writes one event. `msg` is taken as is; fields follow it.
void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields = {});

template <typename... Args>
void Error(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kError)) Write(Level::kError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Warn(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Notice(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kNotice)) Write(Level::kNotice, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Info(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Debug(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Trace(fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kTrace)) Write(Level::kTrace, fmt::format(f, std::forward<Args>(args)...));
}

// `t` as RFC 3339 in UTC with milliseconds, e.g. "2026-11-30T12:00:00.123Z" (times after 1970).
std::string Rfc3339(absl::Time t);

// Escapes `s` for use inside a JSON string literal (no surrounding quotes).
std::string JsonEscape(absl::string_view s);

}  // namespace berth::log
