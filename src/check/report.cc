// SPDX-License-Identifier: MIT
#include "berth/check/report.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_join.h"
#include "berth/base/text.h"
#include "berth/signals/signal.h"
#include "check/json_writer.h"

namespace berth::check {
namespace {

struct Row {
  absl::Duration at;
  std::string event;
};

std::string Seconds(absl::Duration d) {
  char buf[32];
  // Truncated to the millisecond, as FormatShort, so one moment reads the same everywhere.
  std::snprintf(buf, sizeof buf, "%.3fs",
                absl::ToDoubleSeconds(absl::Trunc(d, absl::Milliseconds(1))));
  return buf;
}

long long Ms(absl::Duration d) { return absl::ToInt64Milliseconds(d); }

std::string ModeText(const Timeline& t) {
  switch (t.mode) {
    case Mode::kPidNamespace:
      return base::Cat("berth as PID 1 in a new PID namespace",
                       t.user_namespace ? " (inside a user namespace)" : "");
    case Mode::kSubreaper:
      return base::Cat("berth as a child subreaper, no PID namespace",
                       t.mode_note.empty() ? "" : base::Cat(" (", t.mode_note, ")"));
    case Mode::kBare:
      return "the program itself as PID 1 in a new PID namespace, no berth";
  }
  return "";
}

absl::string_view Pid1Name(const Timeline& t) {
  switch (t.mode) {
    case Mode::kPidNamespace:
      return "PID 1 (berth)";
    case Mode::kSubreaper:
      return "berth";
    case Mode::kBare:
      return "PID 1 (the program)";
  }
  return "";
}

// Every recorded moment as one line, in time order.
std::vector<Row> Events(const Timeline& t) {
  std::vector<Row> rows;
  rows.push_back({absl::ZeroDuration(), t.mode == Mode::kBare ? "started the program as PID 1"
                                                              : "started berth and the program"});
  if (t.ready_at) rows.push_back({*t.ready_at, base::Cat("ready: ", t.ready_how)});
  if (t.ready_timed_out) {
    rows.push_back({t.ready_timeout,
                    base::Cat("not ready after ", FormatShort(t.ready_timeout), ": giving up")});
  }
  for (const SignalSent& s : t.signals) {
    rows.push_back({s.at, base::Cat("sent ", signals::SignalName(s.sig), " to ", Pid1Name(t))});
  }
  // Bare, the main process is PID 1: its one exit is told once.
  if (t.main_exit && t.mode != Mode::kBare) rows.push_back({*t.main_exit, "main process exited"});
  for (const ProcessSeen& p : t.leftovers) {
    rows.push_back({p.seen, base::Cat("still running: ", p.command)});
    if (p.gone) rows.push_back({*p.gone, base::Cat("gone: ", p.command)});
  }
  for (const ProcessSeen& z : t.zombies) {
    // A zombie seen once, between a process's exit and its parent's wait, is how exits look.
    if (z.gone && *z.gone - z.seen < kZombieWarnAfter) continue;
    rows.push_back({z.seen, base::Cat("zombie: ", z.command)});
    if (z.gone) rows.push_back({*z.gone, base::Cat("reaped: ", z.command)});
  }
  if (t.budget_kill_at) {
    rows.push_back({*t.budget_kill_at, "budget spent: SIGKILL to everything left"});
  }
  if (t.container_exit) rows.push_back({*t.container_exit, base::Cat(Pid1Name(t), " exited")});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.at < b.at; });
  return rows;
}

std::string TimelineTable(const Timeline& t) {
  std::string out = "      time  since signal  event\n";
  const std::optional<absl::Duration> first =
      t.signals.empty() ? std::nullopt : std::optional(t.signals.front().at);
  for (const Row& r : Events(t)) {
    std::string since = first && r.at >= *first ? base::Cat("+", Seconds(r.at - *first)) : "";
    char line[64];
    std::snprintf(line, sizeof line, "  %8s  %12s  ", Seconds(r.at).c_str(), since.c_str());
    base::Append(&out, line, r.event, "\n");
  }
  return out;
}

std::string ReactionText(const Reaction& r) {
  return r.exit_after ? base::Cat("exited ", FormatShort(*r.exit_after), " after ",
                                  signals::SignalName(r.sig))
                      : base::Cat("no exit on ", signals::SignalName(r.sig));
}

std::string Field(absl::string_view name, absl::string_view value) {
  std::string n(name);
  n.resize(12, ' ');
  return base::Cat(n, value, "\n");
}

std::string ProcessList(const std::vector<ProcessSeen>& ps, std::optional<absl::Duration> from) {
  if (ps.empty()) return "none";
  std::vector<std::string> parts;
  for (const ProcessSeen& p : ps) {
    parts.push_back(p.gone && from
                        ? base::Cat(p.command, " (gone +", FormatShort(*p.gone - *from), ")")
                        : base::Cat(p.command, " (never went)"));
  }
  return absl::StrJoin(parts, ", ");
}

std::string ZombieText(const Timeline& t) {
  if (t.zombies.empty()) return "none";
  absl::Duration longest;
  for (const ProcessSeen& z : t.zombies) {
    if (!z.gone) return base::Cat(t.zombies.size(), " seen, some never reaped");
    longest = std::max(longest, *z.gone - z.seen);
  }
  return base::Cat(t.zombies.size(), " seen, each reaped within ", FormatShort(longest));
}

std::string Summary(const Result& r, const Criteria& c) {
  const Timeline& t = *r.timeline;
  const Verdict& v = *r.verdict;
  std::string out;
  std::vector<std::string> reactions;
  for (const Reaction& x : v.reactions) reactions.push_back(ReactionText(x));
  if (!reactions.empty()) out += Field("reaction", absl::StrJoin(reactions, "; "));
  if (v.shutdown) {
    out += Field("stop took",
                 base::Cat(FormatShort(*v.shutdown), " (budget ", FormatShort(c.budget), ")"));
  }
  if (v.exit_code) out += Field("exit code", base::Cat(*v.exit_code, " (", v.exit_meaning, ")"));
  if (t.ready_at) {
    out += Field("leftovers", ProcessList(t.leftovers, t.main_exit));
    out += Field("zombies", ZombieText(t));
  }
  out += Field("verdict", v.pass ? "PASS" : "FAIL");
  for (const std::string& f : v.failures) base::Append(&out, "  fail: ", f, "\n");
  for (const std::string& w : v.warnings) base::Append(&out, "  warn: ", w, "\n");
  return out;
}

std::string Cell(const Result& r, absl::string_view what, const Criteria& c) {
  const Verdict& v = *r.verdict;
  if (what == "reaction") {
    return v.reactions.empty() ? "-" : ReactionText(v.reactions.front());
  }
  if (what == "stop took") {
    if (r.timeline->budget_kill_at) return base::Cat("killed at ", FormatShort(c.budget));
    return v.shutdown ? FormatShort(*v.shutdown) : "-";
  }
  if (what == "exit code") return v.exit_code ? base::Cat(*v.exit_code) : "-";
  if (what == "leftovers") return base::Cat(r.timeline->leftovers.size());
  return v.pass ? "PASS" : "FAIL";
}

std::string Comparison(const Result& main, const Result& bare, const Criteria& c) {
  std::string out = "\ncompare: the same program as PID 1 without berth\n";
  char line[160];
  std::snprintf(line, sizeof line, "  %-12s%-28s%s\n", "", "with berth", "bare");
  out += line;
  for (absl::string_view what : {"reaction", "stop took", "exit code", "leftovers", "verdict"}) {
    std::snprintf(line, sizeof line, "  %-12s%-28s%s\n", std::string(what).c_str(),
                  Cell(main, what, c).c_str(), Cell(bare, what, c).c_str());
    out += line;
  }
  const bool berth_reacted =
      !main.verdict->reactions.empty() && main.verdict->reactions.front().exit_after.has_value();
  const bool bare_reacted =
      !bare.verdict->reactions.empty() && bare.verdict->reactions.front().exit_after.has_value();
  if (berth_reacted && !bare_reacted) {
    out +=
        "  why: as PID 1 the program gets no default action for a signal it has no handler for\n"
        "       (the kernel drops it), and a shell that does not exec its child does not pass it\n"
        "       on. Under berth the program is not PID 1, and berth forwards the signal.\n";
  }
  return out;
}

void JsonProcesses(JsonWriter& j, absl::string_view key, const std::vector<ProcessSeen>& ps) {
  j.Key(key).BeginArray();
  for (const ProcessSeen& p : ps) {
    j.BeginObject().Key("pid").Int(p.pid).Key("command").String(p.command);
    j.Key("seen_ms").Int(Ms(p.seen)).Key("gone_ms");
    if (p.gone) {
      j.Int(Ms(*p.gone));
    } else {
      j.Null();
    }
    j.EndObject();
  }
  j.EndArray();
}

void JsonOptionalMs(JsonWriter& j, absl::string_view key, std::optional<absl::Duration> d) {
  j.Key(key);
  if (d) {
    j.Int(Ms(*d));
  } else {
    j.Null();
  }
}

void JsonStrings(JsonWriter& j, absl::string_view key, const std::vector<std::string>& v) {
  j.Key(key).BeginArray();
  for (const std::string& s : v) j.String(s);
  j.EndArray();
}

void JsonTrial(JsonWriter& j, const Result& r) {
  const Timeline& t = *r.timeline;
  const Verdict& v = *r.verdict;
  j.Key("verdict").String(v.pass ? "pass" : "fail");
  j.Key("mode").String(ModeName(t.mode)).Key("user_namespace").Bool(t.user_namespace);
  if (!t.mode_note.empty()) j.Key("mode_note").String(t.mode_note);
  j.Key("ready").BeginObject().Key("how").String(t.ready_how);
  JsonOptionalMs(j, "at_ms", t.ready_at);
  j.Key("timed_out").Bool(t.ready_timed_out).EndObject();
  j.Key("signals").BeginArray();
  for (const Reaction& x : v.reactions) {
    j.BeginObject()
        .Key("signal")
        .String(signals::SignalName(x.sig))
        .Key("sent_ms")
        .Int(Ms(x.sent_at));
    JsonOptionalMs(j, "exit_after_ms", x.exit_after);
    j.Key("reacted").Bool(x.exit_after.has_value()).EndObject();
  }
  j.EndArray();
  JsonOptionalMs(j, "main_exit_ms", t.main_exit);
  JsonOptionalMs(j, "main_exit_after_ms", v.main_exit_after);
  JsonOptionalMs(j, "pid1_exit_ms", t.container_exit);
  JsonOptionalMs(j, "shutdown_ms", v.shutdown);
  j.Key("exit_code");
  if (v.exit_code) {
    j.Int(*v.exit_code);
  } else {
    j.Null();
  }
  j.Key("exit_meaning").String(v.exit_meaning);
  j.Key("killed_at_budget").Bool(t.budget_kill_at.has_value());
  JsonStrings(j, "killed", t.killed_at_budget);
  JsonStrings(j, "killed_by_berth", t.killed_by_berth);
  JsonProcesses(j, "leftovers", t.leftovers);
  JsonProcesses(j, "zombies", t.zombies);
  JsonStrings(j, "failures", v.failures);
  JsonStrings(j, "warnings", v.warnings);
  j.Key("timeline").BeginArray();
  for (const Row& row : Events(t)) {
    j.BeginObject().Key("at_ms").Int(Ms(row.at)).Key("event").String(row.event).EndObject();
  }
  j.EndArray();
}

}  // namespace

absl::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kPidNamespace:
      return "pid-namespace";
    case Mode::kSubreaper:
      return "subreaper";
    case Mode::kBare:
      return "bare";
  }
  return "";
}

std::string FormatShort(absl::Duration d) {
  if (d < absl::Seconds(1)) return base::Cat(absl::ToInt64Milliseconds(d), "ms");
  if (d == absl::Trunc(d, absl::Seconds(1))) return base::Cat(absl::ToInt64Seconds(d), "s");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", absl::ToDoubleSeconds(d));
  return buf;
}

std::string RenderText(const Result& main, const Result* bare, const Criteria& c) {
  const Timeline& t = *main.timeline;
  std::string out = base::Cat("berth check: ", absl::StrJoin(t.command, " "), "\n");
  out += Field("mode", ModeText(t));
  out += Field("ready by", t.ready_how);
  out += "\n" + TimelineTable(t) + "\n" + Summary(main, c);
  if (bare != nullptr) out += Comparison(main, *bare, c);
  return out;
}

std::string RenderJson(const Result& main, const Result* bare, const Criteria& c) {
  JsonWriter j;
  j.BeginObject();
  JsonStrings(j, "command", main.timeline->command);
  j.Key("budget_ms").Int(Ms(c.budget)).Key("expect_codes").BeginArray();
  for (int code : c.expect_codes) j.Int(code);
  j.EndArray();
  JsonTrial(j, main);
  if (bare != nullptr) {
    j.Key("bare").BeginObject();
    JsonTrial(j, *bare);
    j.EndObject();
  }
  j.EndObject();
  return j.text() + "\n";
}

}  // namespace berth::check
