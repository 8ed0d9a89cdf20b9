// SPDX-License-Identifier: MIT
#include "berth/config/service_file.h"

#include <regex.h>

#include "berth/base/text.h"

#define TOML_EXCEPTIONS 0
// toml++ 3.3 asserts on some malformed input that its parser goes on to report as an error
// anyway ("[ = x", "[[[service]]": found by tests/fuzz/service_file_fuzz.cc); berth wants that
// error, not an abort. Under NDEBUG toml++ would instead *assume* those conditions, undefined
// behaviour on exactly that input, so this file must never be built with it.
#ifdef NDEBUG
#error "service_file.cc must be built without NDEBUG (toml++ would assume what bad input breaks)"
#endif
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>

#include <map>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "berth/base/error.h"
#include "berth/config/duration.h"
#include "berth/signals/signal.h"

namespace berth::config {
namespace {

using base::Status;

// Where a node stands, for "PATH:LINE: key: message".
struct Where {
  absl::string_view path;
  int line;
  absl::string_view key;
};

// toml++ speaks std::string_view; Debian's abseil has its own string_view.
absl::string_view Key(const toml::key& k) { return {k.str().data(), k.str().size()}; }

base::Failure Error(const Where& w, absl::string_view msg) {
  return base::InvalidArgumentError(base::Cat(w.path, ":", w.line, ": ", w.key, ": ", msg));
}

base::Result<std::string> String(const toml::node& n, const Where& w) {
  const std::optional<std::string> s = n.value<std::string>();
  if (!n.is_string() || !s) return Error(w, "want a string");
  return *s;
}

base::Result<std::vector<std::string>> Strings(const toml::node& n, const Where& w) {
  const toml::array* a = n.as_array();
  if (a == nullptr) return Error(w, "want an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *a) {
    if (!item.is_string()) return Error(w, "want an array of strings");
    out.push_back(*item.value<std::string>());
  }
  return out;
}

base::Result<absl::Duration> Duration(const toml::node& n, const Where& w) {
  if (n.is_integer()) {
    const int64_t seconds = *n.value<int64_t>();
    if (seconds < 0) return Error(w, "want a duration such as \"10s\" or 10");
    return absl::Seconds(seconds);
  }
  if (!n.is_string()) return Error(w, "want a duration such as \"10s\" or 10");
  base::Result<absl::Duration> d = ParseDuration(n.value_or(std::string()));
  if (!d.has_value()) return Error(w, d.error().message());
  return d;
}

base::Result<int> Count(const toml::node& n, const Where& w) {
  if (!n.is_integer() || *n.value<int64_t>() < 0 || *n.value<int64_t>() > 1'000'000) {
    return Error(w, "want a whole number from 0");
  }
  return static_cast<int>(*n.value<int64_t>());
}

Status CheckRegex(const std::string& pattern, const Where& w) {
  regex_t rx;
  const int rc = regcomp(&rx, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char buf[128];
    regerror(rc, &rx, buf, sizeof buf);
    return Error(w, base::Cat("bad regular expression: ", buf));
  }
  regfree(&rx);
  return base::OkStatus();
}

// One key of a [[service]] table.
struct Field {
  absl::string_view key;
  Status (*apply)(ServiceSpec&, const toml::node&, const Where&);
};

Status SetName(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.name, String(n, w));
  s.name_line = w.line;
  if (s.name.empty()) return Error(w, "must not be empty");
  for (char c : s.name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return Error(w, "use letters, digits, '-', '_' and '.'");
    }
  }
  return base::OkStatus();
}

Status SetCommand(ServiceSpec& s, const toml::node& n, const Where& w) {
  if (n.is_string()) {
    const std::string line = *n.value<std::string>();
    // sh -c "" runs nothing and exits 0: a service that could never be meant.
    if (absl::StripAsciiWhitespace(line).empty()) return Error(w, "must not be empty");
    s.command = {"/bin/sh", "-c", line};
  } else {
    BERTH_ASSIGN_OR_RETURN(s.command, Strings(n, w));
  }
  if (s.command.empty() || s.command.front().empty()) return Error(w, "must not be empty");
  return base::OkStatus();
}

Status SetEnv(ServiceSpec& s, const toml::node& n, const Where& w) {
  const toml::table* t = n.as_table();
  if (t == nullptr) return Error(w, "want a table of NAME = \"value\"");
  for (const auto& [k, v] : *t) {
    if (!v.is_string()) return Error(w, base::Cat("'", Key(k), "' wants a string value"));
    s.env.emplace_back(std::string(Key(k)), *v.value<std::string>());
  }
  return base::OkStatus();
}

Status SetUser(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.user, String(n, w));
  return base::OkStatus();
}

Status SetWorkdir(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.workdir, String(n, w));
  return base::OkStatus();
}

Status SetStopSignal(ServiceSpec& s, const toml::node& n, const Where& w) {
  std::optional<int> sig;
  if (n.is_integer()) {
    sig = signals::ParseSignal(base::Cat(n.value_or(int64_t{0})));
  } else if (n.is_string()) {
    sig = signals::ParseSignal(*n.value<std::string>());
  }
  if (!sig || !signals::IsForwardable(*sig)) return Error(w, "want a signal such as \"TERM\"");
  s.stop_signal = *sig;
  return base::OkStatus();
}

Status SetEssential(ServiceSpec& s, const toml::node& n, const Where& w) {
  if (!n.is_boolean()) return Error(w, "want true or false");
  s.essential = *n.value<bool>();
  return base::OkStatus();
}

Status SetRestart(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(std::string v, String(n, w));
  static const std::map<std::string, RestartPolicy> kPolicies = {
      {"never", RestartPolicy::kNever},
      {"on-failure", RestartPolicy::kOnFailure},
      {"always", RestartPolicy::kAlways}};
  auto it = kPolicies.find(v);
  if (it == kPolicies.end()) return Error(w, "want \"never\", \"on-failure\" or \"always\"");
  s.restart = it->second;
  return base::OkStatus();
}

Status SetRestartDelay(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.restart_delay, Duration(n, w));
  // A crash loop with no delay restarts about a thousand times a second.
  if (s.restart_delay < kMinRestartDelay) {
    return Error(w, base::Cat("must be at least ", absl::FormatDuration(kMinRestartDelay),
                              " (a crash loop needs a pause)"));
  }
  return base::OkStatus();
}

Status SetRestartMaxDelay(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.restart_max_delay, Duration(n, w));
  return base::OkStatus();
}

Status SetRestartWindow(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.restart_window, Duration(n, w));
  return base::OkStatus();
}

Status SetMaxRestarts(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.max_restarts, Count(n, w));
  return base::OkStatus();
}

Status SetAfter(ServiceSpec& s, const toml::node& n, const Where& w) {
  BERTH_ASSIGN_OR_RETURN(s.after, Strings(n, w));
  s.after_line = w.line;
  return base::OkStatus();
}

// `ready = { http = URL }`, `{ tcp = "HOST:PORT" }`, `{ log = "REGEX" }` or `{ exit = 0 }`,
// each with an optional `timeout = DURATION`.
Status SetReady(ServiceSpec& s, const toml::node& n, const Where& w) {
  const toml::table* t = n.as_table();
  const bool timed = t != nullptr && t->contains("timeout");
  if (t == nullptr || t->size() != (timed ? 2u : 1u)) {
    return Error(w,
                 "want one of { http = URL }, { tcp = \"HOST:PORT\" }, { log = \"REGEX\" }, "
                 "{ exit = 0 }, with an optional timeout = DURATION");
  }
  if (timed) {
    BERTH_ASSIGN_OR_RETURN(s.ready.timeout, Duration(*t->get("timeout"), w));
  }
  // toml++'s iterator owns the pair its operator* refers to: keep the iterator alive.
  auto first = t->begin();
  if (Key(first->first) == "timeout") ++first;
  const auto& [k, v] = *first;
  if (Key(k) == "exit") {
    if (!v.is_integer() || *v.value<int64_t>() != 0) return Error(w, "exit: only 0 is supported");
    s.ready.kind = ReadySpec::Kind::kExitZero;
    return base::OkStatus();
  }
  static const std::map<std::string, ReadySpec::Kind, std::less<>> kKinds = {
      {"http", ReadySpec::Kind::kHttp},
      {"tcp", ReadySpec::Kind::kTcp},
      {"log", ReadySpec::Kind::kLog}};
  auto it = kKinds.find(Key(k));
  if (it == kKinds.end()) return Error(w, base::Cat("unknown readiness kind '", Key(k), "'"));
  BERTH_ASSIGN_OR_RETURN(s.ready.target, String(v, w));
  s.ready.kind = it->second;
  if (s.ready.kind == ReadySpec::Kind::kLog) return CheckRegex(s.ready.target, w);
  return base::OkStatus();
}

Status ApplyHealthKey(HealthSpec& h, absl::string_view key, const toml::node& v, const Where& w) {
  static const std::map<std::string, HealthSpec::Kind, std::less<>> kKinds = {
      {"cmd", HealthSpec::Kind::kCmd},
      {"http", HealthSpec::Kind::kHttp},
      {"tcp", HealthSpec::Kind::kTcp}};
  if (auto it = kKinds.find(key); it != kKinds.end()) {
    if (h.kind != HealthSpec::Kind::kNone) return Error(w, "give one of cmd, http or tcp");
    h.kind = it->second;
    BERTH_ASSIGN_OR_RETURN(h.target, String(v, w));
  } else if (key == "interval") {
    BERTH_ASSIGN_OR_RETURN(h.interval, Duration(v, w));
  } else if (key == "timeout") {
    BERTH_ASSIGN_OR_RETURN(h.timeout, Duration(v, w));
  } else if (key == "start_period") {
    BERTH_ASSIGN_OR_RETURN(h.start_period, Duration(v, w));
  } else if (key == "retries") {
    BERTH_ASSIGN_OR_RETURN(h.retries, Count(v, w));
  } else if (key == "status") {
    BERTH_ASSIGN_OR_RETURN(h.status, String(v, w));
  } else {
    return Error(w, base::Cat("unknown key '", key, "'"));
  }
  return base::OkStatus();
}

Status SetHealth(ServiceSpec& s, const toml::node& n, const Where& w) {
  const toml::table* t = n.as_table();
  if (t == nullptr) return Error(w, "want a table such as { http = URL, interval = \"5s\" }");
  for (const auto& [k, v] : *t) {
    const std::string key = base::Cat(w.key, ".", Key(k));
    const Where inner{w.path, static_cast<int>(v.source().begin.line), key};
    BERTH_RETURN_IF_ERROR(ApplyHealthKey(s.health, Key(k), v, inner));
  }
  if (s.health.kind == HealthSpec::Kind::kNone) return Error(w, "give one of cmd, http or tcp");
  return base::OkStatus();
}

constexpr Field kFields[] = {
    {"name", SetName},
    {"command", SetCommand},
    {"env", SetEnv},
    {"user", SetUser},
    {"workdir", SetWorkdir},
    {"stop_signal", SetStopSignal},
    {"essential", SetEssential},
    {"restart", SetRestart},
    {"restart_delay", SetRestartDelay},
    {"restart_max_delay", SetRestartMaxDelay},
    {"restart_window", SetRestartWindow},
    {"max_restarts", SetMaxRestarts},
    {"after", SetAfter},
    {"ready", SetReady},
    {"health", SetHealth},
};

base::Result<ServiceSpec> ParseService(const toml::table& t, absl::string_view path) {
  ServiceSpec s;
  s.line = static_cast<int>(t.source().begin.line);
  for (const auto& [k, v] : t) {
    const Where w{path, static_cast<int>(v.source().begin.line), Key(k)};
    const Field* field = nullptr;
    for (const Field& f : kFields) {
      if (f.key == Key(k)) field = &f;
    }
    if (field == nullptr) return Error(w, "unknown key");
    BERTH_RETURN_IF_ERROR(field->apply(s, v, w));
  }
  const Where here{path, s.line, "[[service]]"};
  if (s.name.empty()) return Error(here, "a service needs a name");
  if (s.command.empty()) return Error(here, base::Cat("service '", s.name, "' needs a command"));
  return s;
}

// Kahn's algorithm; anything left over sits on a cycle.
Status CheckGraph(const std::vector<ServiceSpec>& services, absl::string_view path) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < services.size(); ++i) {
    const Where w{path, services[i].name_line, "name"};
    if (!index.emplace(services[i].name, i).second) {
      return Error(w, base::Cat("duplicate service name '", services[i].name, "'"));
    }
  }
  for (const ServiceSpec& s : services) {
    for (const std::string& dep : s.after) {
      const Where w{path, s.after_line, "after"};
      if (!index.count(dep)) return Error(w, base::Cat("unknown service '", dep, "'"));
      if (dep == s.name) return Error(w, base::Cat("'", s.name, "' waits for itself"));
    }
  }
  if (StartOrder(services).size() != services.size()) {
    std::set<size_t> placed;
    for (size_t i : StartOrder(services)) placed.insert(i);
    for (size_t i = 0; i < services.size(); ++i) {
      if (!placed.count(i)) {
        return Error(Where{path, services[i].after_line, "after"},
                     base::Cat("dependency cycle through '", services[i].name, "'"));
      }
    }
  }
  return base::OkStatus();
}

// TOML allows non-ASCII only inside strings and comments. toml++ 3.3 checks a stray byte
// elsewhere against Unicode's whitespace with a table that reaches __builtin_unreachable for
// much of U+00A1..U+0499 ("é" after a value: undefined behaviour, found by the fuzz target), so
// such a byte is refused here first, by a scan that knows just enough TOML to skip strings and
// comments. A quote opens a string only where a value or a key starts: at the start of a line;
// after the one '=' of a key (the first of a line, or after '{' or an inline table's ','); after an
// array's '[' or ','; after a '[' or '{' that itself stands there; blanks between. toml++ scans a
// stray quote in a bad value ("01"x", "--{", "b=") as part of that value, through the check.
// NOLINTNEXTLINE(readability-function-size): one scanner; its states share all five variables.
base::Status CheckAsciiOutsideStrings(absl::string_view text, absl::string_view path) {
  enum class In { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral } in = In::kCode;
  int line = 1;
  bool may_open = true;  // at a place where a value or a key starts
  bool key_side = true;  // an '=' here ends a key, so a value follows it
  std::vector<char> nest;  // the '[' and '{' open around here
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const absl::string_view rest = text.substr(i);
    if (c == '\n') {
      ++line;
      if (in == In::kComment || in == In::kBasic || in == In::kLiteral) in = In::kCode;
      if (in == In::kCode) may_open = true;
      if (in == In::kCode && nest.empty()) key_side = true;
      continue;
    }
    switch (in) {
      case In::kCode: {
        if (static_cast<unsigned char>(c) >= 0x80) {
          return base::InvalidArgumentError(
              base::Cat(path, ":", line, ": a non-ASCII character outside a string or comment"));
        }
        if (c == '#') in = In::kComment;
        const bool opens = may_open;
        if (c == '[' || c == '{') {
          if (opens) nest.push_back(c);
          key_side = opens && c == '{';
        } else if (c == ']' || c == '}') {
          if (!nest.empty() && nest.back() == (c == ']' ? '[' : '{')) nest.pop_back();
          may_open = false;
        } else if (c == ',') {
          may_open = true;
          key_side = !nest.empty() && nest.back() == '{';
        } else if (c == '=') {
          may_open = key_side;
          key_side = false;
        } else if (c != ' ' && c != '\t') {
          may_open = false;
        }
        if (!opens) break;
        if (absl::StartsWith(rest, "\"\"\"")) {
          in = In::kMultiBasic;
          i += 2;
        } else if (absl::StartsWith(rest, "'''")) {
          in = In::kMultiLiteral;
          i += 2;
        } else if (c == '"') {
          in = In::kBasic;
        } else if (c == '\'') {
          in = In::kLiteral;
        }
        break;
      }
      case In::kBasic:
      case In::kMultiBasic:
        if (c == '\\') {
          // toml++ checks what follows a backslash (an escape, or the whitespace a line-ending
          // backslash trims) against the same table, so that must be ASCII too.
          size_t j = i + 1;
          while (j < text.size() &&
                 absl::string_view(" \t\r\n").find(text[j]) != absl::string_view::npos) {
            if (text[j++] == '\n') ++line;
          }
          if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80) {
            return base::InvalidArgumentError(
                base::Cat(path, ":", line, ": a non-ASCII character right after a backslash"));
          }
          i = j == i + 1 ? j : j - 1;
        } else if (in == In::kBasic && c == '"') {
          in = In::kCode;
          may_open = false;
        } else if (in == In::kMultiBasic && absl::StartsWith(rest, "\"\"\"")) {
          in = In::kCode;
          may_open = false;
          i += 2;
        }
        break;
      case In::kLiteral:
        if (c == '\'') {
          in = In::kCode;
          may_open = false;
        }
        break;
      case In::kMultiLiteral:
        if (absl::StartsWith(rest, "'''")) {
          in = In::kCode;
          may_open = false;
          i += 2;
        }
        break;
      case In::kComment:
        break;
    }
  }
  return base::OkStatus();
}

}  // namespace

base::Result<std::vector<ServiceSpec>> ParseServiceFile(absl::string_view text,
                                                        absl::string_view path) {
  BERTH_RETURN_IF_ERROR(CheckAsciiOutsideStrings(text, path));
  toml::parse_result parsed = toml::parse(std::string_view(text.data(), text.size()),
                                          std::string_view(path.data(), path.size()));
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return base::InvalidArgumentError(
        base::Cat(path, ":", e.source().begin.line, ": ", std::string(e.description())));
  }
  const toml::table& root = parsed.table();
  std::vector<ServiceSpec> services;
  for (const auto& [k, v] : root) {
    const Where w{path, static_cast<int>(v.source().begin.line), Key(k)};
    if (Key(k) != "service") return Error(w, "unknown key (want [[service]] tables)");
    const toml::array* list = v.as_array();
    if (list == nullptr) return Error(w, "want [[service]] tables");
    for (const toml::node& item : *list) {
      const toml::table* t = item.as_table();
      if (t == nullptr) return Error(w, "want [[service]] tables");
      BERTH_ASSIGN_OR_RETURN(ServiceSpec s, ParseService(*t, path));
      services.push_back(std::move(s));
    }
  }
  BERTH_RETURN_IF_ERROR(CheckGraph(services, path));
  return services;
}

std::vector<size_t> StartOrder(const std::vector<ServiceSpec>& services) {
  std::vector<size_t> order;
  std::vector<bool> placed(services.size(), false);
  // Repeated passes in file order keep the result stable; n is small (a handful of services).
  for (bool progress = true; progress && order.size() < services.size();) {
    progress = false;
    for (size_t i = 0; i < services.size(); ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (const std::string& dep : services[i].after) {
        for (size_t j = 0; j < services.size(); ++j) {
          if (services[j].name == dep && !placed[j]) ready = false;
        }
      }
      if (!ready) continue;
      placed[i] = true;
      order.push_back(i);
      progress = true;
    }
  }
  return order;
}

}  // namespace berth::config
