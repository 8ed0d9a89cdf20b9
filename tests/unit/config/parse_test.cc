// SPDX-License-Identifier: MIT
#include "berth/config/parse.h"

#include <doctest/doctest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "berth/config/version.h"

namespace berth::config {
namespace {

base::Result<Invocation> ParseArgs(Personality p, std::vector<absl::string_view> args,
                                   const Environment& env = {}) {
  return Parse(p, args, env);
}

Options Must(Personality p, std::vector<absl::string_view> args, const Environment& env = {}) {
  base::Result<Invocation> inv = ParseArgs(p, std::move(args), env);
  REQUIRE_MESSAGE(inv.has_value(), inv.error().message());
  REQUIRE(inv->kind == Invocation::Kind::kRun);
  return inv->options;
}

std::string Error(Personality p, std::vector<absl::string_view> args, const Environment& env = {}) {
  base::Result<Invocation> inv = ParseArgs(p, std::move(args), env);
  REQUIRE_FALSE(inv.has_value());
  CHECK(base::IsInvalidArgument(inv.error()));
  return std::string(inv.error().message());
}

TEST_SUITE("config") {
  TEST_CASE("argv[0] picks the personality") {
    CHECK(PersonalityFromArgv0("/sbin/tini") == Personality::kTini);
    CHECK(PersonalityFromArgv0("tini-static") == Personality::kTini);
    CHECK(PersonalityFromArgv0("/usr/bin/docker-init") == Personality::kTini);
    CHECK(PersonalityFromArgv0("dumb-init") == Personality::kDumbInit);
    CHECK(PersonalityFromArgv0("/catatonit") == Personality::kCatatonit);
    CHECK(PersonalityFromArgv0("/run/podman-init") == Personality::kCatatonit);
    CHECK(PersonalityFromArgv0("/berth") == Personality::kBerth);
    CHECK(PersonalityFromArgv0("anything") == Personality::kBerth);
  }

  TEST_CASE("options stop at the first non-option and at --") {
    Options o = Must(Personality::kBerth, {"-v", "sh", "-c", "exit 3"});
    CHECK(o.command == std::vector<std::string>{"sh", "-c", "exit 3"});
    CHECK(o.verbosity == 2);
    o = Must(Personality::kBerth, {"--", "-weird-name", "-v"});
    CHECK(o.command == std::vector<std::string>{"-weird-name", "-v"});
    CHECK(o.verbosity == 1);
  }

  TEST_CASE("tini's flags") {
    Options o = Must(Personality::kTini, {"-s", "-g", "-w", "-vvv", "-e", "3", "-e4", "-p",
                                          "SIGKILL", "--", "true"});
    CHECK(o.subreaper);
    CHECK(o.target == SignalTarget::kProcessGroup);
    CHECK(o.warn_on_reap);
    CHECK(o.verbosity == 4);
    CHECK(o.exit_to_zero.test(3));
    CHECK(o.exit_to_zero.test(4));
    CHECK_FALSE(o.exit_to_zero.test(5));
    CHECK(o.parent_death_signal == SIGKILL);
    CHECK_FALSE(o.teardown);
  }

  TEST_CASE("tini's environment variables") {
    Options o = Must(Personality::kTini, {"true"},
                     {{"TINI_SUBREAPER", ""}, {"TINI_KILL_PROCESS_GROUP", "1"},
                      {"TINI_VERBOSITY", "3"}});
    CHECK(o.subreaper);
    CHECK(o.target == SignalTarget::kProcessGroup);
    CHECK(o.verbosity == 3);
    // As tini: read after the flags (it wins over -v), with atoi's leniency.
    CHECK(Must(Personality::kTini, {"-vv", "true"}, {{"TINI_VERBOSITY", "0"}}).verbosity == 0);
    CHECK(Must(Personality::kTini, {"true"}, {{"TINI_VERBOSITY", "abc"}}).verbosity == 0);
    CHECK(Must(Personality::kTini, {"true"}, {{"TINI_VERBOSITY", "2x"}}).verbosity == 2);
    // Under berth's own name a bad value is an error, and -v counts from it.
    CHECK(Must(Personality::kBerth, {"-v", "true"}, {{"TINI_VERBOSITY", "2"}}).verbosity == 3);
  }

  TEST_CASE("berth's long options") {
    Options o = Must(Personality::kBerth,
                     {"--map", "TERM:QUIT", "--map=HUP:-", "--stop-signal", "QUIT",
                      "--stop-signal=USR2", "--drain", "1s", "--grace=3s", "--no-teardown",
                      "--log-format", "json", "--group", "app"});
    CHECK(o.map.Translate(SIGTERM) == SIGQUIT);
    CHECK(o.map.Translate(SIGHUP) == signals::SignalMap::kDrop);
    CHECK(o.stop_signals.Contains(SIGQUIT));
    CHECK(o.stop_signals.Contains(SIGUSR2));
    CHECK_FALSE(o.stop_signals.Contains(SIGTERM));
    CHECK(o.drain == absl::Seconds(1));
    CHECK(o.grace == absl::Seconds(3));
    CHECK_FALSE(o.teardown);
    CHECK(o.log_format == log::Format::kJson);
    CHECK(o.target == SignalTarget::kProcessGroup);
  }

  TEST_CASE("berth's defaults") {
    Options o = Must(Personality::kBerth, {"app"});
    CHECK(o.stop_signals.Contains(SIGTERM));
    CHECK(o.stop_signals.Contains(SIGINT));
    CHECK(o.stop_signals.Contains(SIGQUIT));  // nginx's STOPSIGNAL
    CHECK(o.teardown);
    CHECK_FALSE(o.grace.has_value());
    CHECK(o.drain == absl::ZeroDuration());
    CHECK(o.target == SignalTarget::kChild);
  }

  TEST_CASE("the peers pass QUIT on: their stop signals are TERM and INT") {
    for (Personality p : {Personality::kTini, Personality::kDumbInit, Personality::kCatatonit}) {
      Options o = Must(p, {"app"});
      CHECK(o.stop_signals.Contains(SIGTERM));
      CHECK(o.stop_signals.Contains(SIGINT));
      CHECK_FALSE(o.stop_signals.Contains(SIGQUIT));
    }
  }

  TEST_CASE("BERTH_STOP_SIGNAL replaces the set; --stop-signal replaces it again") {
    Options o = Must(Personality::kBerth, {"app"}, {{"BERTH_STOP_SIGNAL", "USR1, HUP"}});
    CHECK(o.stop_signals.Contains(SIGUSR1));
    CHECK(o.stop_signals.Contains(SIGHUP));
    CHECK_FALSE(o.stop_signals.Contains(SIGTERM));
    o = Must(Personality::kBerth, {"--stop-signal", "INT", "--stop-signal", "QUIT", "app"},
             {{"BERTH_STOP_SIGNAL", "USR1"}});
    CHECK(o.stop_signals.Contains(SIGINT));
    CHECK(o.stop_signals.Contains(SIGQUIT));
    CHECK_FALSE(o.stop_signals.Contains(SIGUSR1));
    for (const char* bad : {"", "KILL", "TERM,,INT", "NOPE"}) {
      CHECK(Error(Personality::kBerth, {"app"}, {{"BERTH_STOP_SIGNAL", bad}})
                .find("BERTH_STOP_SIGNAL") != std::string::npos);
    }
  }

  TEST_CASE("berth's environment: BERTH_MAP, BERTH_DRAIN, BERTH_GRACE") {
    Options o = Must(Personality::kBerth, {"app"},
                     {{"BERTH_MAP", "TERM:QUIT, USR1:-"}, {"BERTH_DRAIN", "2s"},
                      {"BERTH_GRACE", "10"}});
    CHECK(o.map.Translate(SIGTERM) == SIGQUIT);
    CHECK(o.map.Translate(SIGUSR1) == signals::SignalMap::kDrop);
    CHECK(o.drain == absl::Seconds(2));
    CHECK(o.grace == absl::Seconds(10));
    // Flags win over the environment.
    o = Must(Personality::kBerth, {"--grace", "20s", "app"}, {{"BERTH_GRACE", "10"}});
    CHECK(o.grace == absl::Seconds(20));
  }

  TEST_CASE("bad input is refused with a one-line message") {
    struct Row {
      Personality p;
      std::vector<absl::string_view> args;
      const char* says;
    };
    const Row rows[] = {
        {Personality::kBerth, {}, "no program given"},
        {Personality::kBerth, {"--"}, "no program given"},
        {Personality::kBerth, {""}, "program name is empty"},
        {Personality::kBerth, {"--bogus", "x"}, "unknown option '--bogus'"},
        {Personality::kBerth, {"-Z", "x"}, "unknown option '-Z'"},
        {Personality::kBerth, {"-e"}, "needs a value"},
        {Personality::kBerth, {"-e", "256", "x"}, "not a valid exit code"},
        {Personality::kBerth, {"-e", "abc", "x"}, "not a valid exit code"},
        {Personality::kBerth, {"-p", "SIGFOO", "x"}, "not a valid signal"},
        {Personality::kBerth, {"--map", "TERM", "x"}, "bad signal map"},
        {Personality::kBerth, {"--map", "TERM:NOPE", "x"}, "unknown signal 'NOPE'"},
        {Personality::kBerth, {"--grace", "soon", "x"}, "bad duration"},
        {Personality::kBerth, {"--drain", "-1s", "x"}, "bad duration"},
        {Personality::kBerth, {"--stop-signal", "KILL", "x"}, "not a valid stop signal"},
        {Personality::kBerth, {"--stop-signal", "BOGUS", "x"}, "not a valid stop signal"},
        {Personality::kBerth, {"--drain", "3s", "--grace", "3s", "x"}, "must be shorter"},
        {Personality::kBerth, {"--log-format", "xml", "x"}, "text or json"},
        {Personality::kBerth, {"--no-teardown=1", "x"}, "takes no value"},
        {Personality::kTini, {"--map", "TERM:QUIT", "x"}, "unknown option '--map'"},
        {Personality::kTini, {}, "no program given"},
    };
    for (const Row& r : rows) {
      CAPTURE(r.says);
      std::string msg = Error(r.p, r.args);
      CHECK(msg.find(r.says) != std::string::npos);
      CHECK(msg.find('\n') == std::string::npos);
    }
    CHECK(Error(Personality::kBerth, {"x"}, {{"BERTH_GRACE", "never"}}).find("BERTH_GRACE") == 0);
  }

  TEST_CASE("the log format asked for, read past the errors") {
    struct Row {
      std::vector<absl::string_view> args;
      log::Format format;
    };
    const Row rows[] = {
        {{"--log-format", "json", "--grace", "soon", "--", "true"}, log::Format::kJson},
        {{"--log-format=json", "--healthz", "8081", "--", "true"}, log::Format::kJson},
        {{"--bogus", "-Zv", "--grace=soon", "--log-format=json", "x"}, log::Format::kJson},
        {{"--log-format=json", "--log-format=xml", "x"}, log::Format::kJson},
        {{"--log-format=json", "--no-teardown=1"}, log::Format::kJson},
        {{"x", "--log-format=json"}, log::Format::kText},
        {{"--", "--log-format=json"}, log::Format::kText},
        {{}, log::Format::kText},
    };
    for (const Row& r : rows) {
      SUBCASE(absl::StrCat(absl::StrJoin(r.args, " "), ".").c_str()) {
        CHECK(RequestedLogFormat(Personality::kBerth, r.args) == r.format);
      }
    }
  }

  TEST_CASE("usage errors exit 2 under berth and 1 under the peers' names") {
    CHECK(UsageExitCode(Personality::kBerth) == 2);
    CHECK(UsageExitCode(Personality::kTini) == 1);
    CHECK(UsageExitCode(Personality::kDumbInit) == 1);
    CHECK(UsageExitCode(Personality::kCatatonit) == 1);
  }

  TEST_CASE("help, version and license print and stop") {
    base::Result<Invocation> inv = ParseArgs(Personality::kBerth, {"--help"});
    REQUIRE(inv.has_value());
    CHECK(inv->kind == Invocation::Kind::kPrint);
    for (const char* opt : {"--map", "--grace", "--drain", "--stop-signal", "-g, --group",
                            "-e, --remap-exit", "BERTH_MAP", "TINI_SUBREAPER"}) {
      CAPTURE(opt);
      CHECK(inv->text.find(opt) != std::string::npos);
    }
    inv = ParseArgs(Personality::kTini, {"--version"});
    REQUIRE(inv.has_value());
    CHECK(inv->text.rfind("tini version 0.19.0 - git.", 0) == 0);
    inv = ParseArgs(Personality::kTini, {"-l"});
    REQUIRE(inv.has_value());
    CHECK(inv->text.find("MIT License") == 0);
    inv = ParseArgs(Personality::kBerth, {"-V"});
    REQUIRE(inv.has_value());
    CHECK(inv->text.rfind("berth ", 0) == 0);
  }

  TEST_CASE("dumb-init: setsid and group by default; -c and DUMB_INIT_SETSID=0 undo both") {
    Options o = Must(Personality::kDumbInit, {"app"});
    CHECK(o.session == ChildSession::kNewSession);
    CHECK(o.target == SignalTarget::kProcessGroup);
    CHECK(o.tty_stop == TtyStop::kForwardAndSuspend);
    CHECK(o.term_group_on_exit);
    CHECK(o.verbosity == 0);
    CHECK(o.map.Translate(SIGTSTP) == SIGSTOP);
    CHECK(o.map.Translate(SIGTTIN) == SIGSTOP);
    CHECK(o.map.Translate(SIGTTOU) == SIGSTOP);
    for (const Options& single : {Must(Personality::kDumbInit, {"-c", "app"}),
                                  Must(Personality::kDumbInit, {"--single-child", "app"}),
                                  Must(Personality::kDumbInit, {"app"}, {{"DUMB_INIT_SETSID", "0"}})}) {
      CHECK(single.session == ChildSession::kInherit);
      CHECK(single.target == SignalTarget::kChild);
      CHECK(single.map.Translate(SIGTSTP) == SIGTSTP);
    }
    CHECK(Must(Personality::kDumbInit, {"app"}, {{"DUMB_INIT_SETSID", "1"}}).session ==
          ChildSession::kNewSession);
    CHECK(Must(Personality::kDumbInit, {"-v", "app"}).dumb_init_debug);
    CHECK(Must(Personality::kDumbInit, {"app"}, {{"DUMB_INIT_DEBUG", "1"}}).dumb_init_debug);
  }

  TEST_CASE("dumb-init: -r takes numbers, 0 drops, and replaces a default rewrite") {
    Options o = Must(Personality::kDumbInit, {"-r", "15:3", "--rewrite", "2:0", "-r", "20:1", "app"});
    CHECK(o.map.Translate(SIGTERM) == SIGQUIT);
    CHECK(o.map.Translate(SIGINT) == signals::SignalMap::kDrop);
    CHECK(o.map.Translate(SIGTSTP) == SIGHUP);
    CHECK(o.map.Translate(SIGTTIN) == SIGSTOP);
    o = Must(Personality::kDumbInit, {"-r", "20:20", "app"});
    CHECK(o.map.Translate(SIGTSTP) == SIGTSTP);
    for (absl::string_view bad : {"TERM:QUIT", "15", "15::3", "0:1", "32:1", "1:32", "1:-1", ""}) {
      CAPTURE(bad);
      CHECK(Error(Personality::kDumbInit, {"-r", bad, "app"}).rfind("Usage: -r option takes", 0) == 0);
    }
  }

  TEST_CASE("the peers' own words for usage errors") {
    CHECK(Error(Personality::kDumbInit, {}) ==
          "Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n");
    CHECK(Error(Personality::kDumbInit, {"--yolo", "x"}) == "dumb-init: unrecognized option '--yolo'\n");
    CHECK(Error(Personality::kDumbInit, {"-x", "x"}) == "dumb-init: invalid option -- 'x'\n");
    CHECK(Error(Personality::kDumbInit, {"-r"}) == "dumb-init: option requires an argument -- 'r'\n");
    CHECK(Error(Personality::kCatatonit, {"-x", "x"}) ==
          "catatonit: invalid option -- 'x'\nusage: catatonit [-ghLPV] [--] <progname> "
          "[<arguments>...]\n");
    CHECK(Error(Personality::kCatatonit, {}).rfind("ERROR (catatonit:", 0) == 0);
    CHECK(UsageErrorText(Personality::kBerth,
                         base::InvalidArgumentError("no program given").error()) ==
          "berth: no program given (see berth --help)\n");
  }

  TEST_CASE("catatonit: -g, -P ignores a program, quiet, keeps its terminal stops") {
    Options o = Must(Personality::kCatatonit, {"-g", "--", "app"});
    CHECK(o.target == SignalTarget::kProcessGroup);
    CHECK(o.session == ChildSession::kNewProcessGroup);
    CHECK(o.tty_stop == TtyStop::kIgnore);
    CHECK(o.close_inherited_fds);
    CHECK(o.verbosity == 0);
    CHECK_FALSE(o.teardown);
    o = Must(Personality::kCatatonit, {"-P", "--", "app"});
    CHECK(o.pause);
    CHECK(o.command.empty());
    CHECK(o.chdir_root);
    CHECK(Must(Personality::kCatatonit, {"app"}, {{"CATATONIT_DEBUG", ""}}).verbosity == 3);
    CHECK(Error(Personality::kBerth, {"--pause", "app"}).find("runs no program") != std::string::npos);
  }

  TEST_CASE("berth's names for the peers' flags") {
    Options o = Must(Personality::kBerth, {"-r", "TERM:QUIT", "--rewrite", "1:0", "-P"});
    CHECK(o.map.Translate(SIGTERM) == SIGQUIT);
    CHECK(o.map.Translate(SIGHUP) == signals::SignalMap::kDrop);
    CHECK(o.pause);
    o = Must(Personality::kBerth, {"--group", "--single-child", "app"});
    CHECK(o.target == SignalTarget::kChild);
    CHECK(o.session == ChildSession::kNewProcessGroup);
    CHECK(o.tty_stop == TtyStop::kForward);
  }

  TEST_CASE("peers print help and version where they do") {
    base::Result<Invocation> inv = ParseArgs(Personality::kDumbInit, {"-V"});
    REQUIRE(inv.has_value());
    CHECK(inv->to_stderr);
    CHECK(inv->text == "dumb-init v1.2.5\n");
    inv = ParseArgs(Personality::kCatatonit, {"--version"});
    REQUIRE(inv.has_value());
    CHECK_FALSE(inv->to_stderr);
    CHECK(inv->text == "tini version 0.1.7_catatonit\n");
    inv = ParseArgs(Personality::kCatatonit, {"-h"});
    REQUIRE(inv.has_value());
    CHECK(inv->to_stderr);
    CHECK(inv->text.rfind("usage: catatonit [-ghLPV]", 0) == 0);
  }

  TEST_CASE("privilege options are kept as given for the security module") {
    Options o = Must(Personality::kBerth,
                     {"--user", "app:web", "--caps", "NET_BIND_SERVICE", "--no-new-privs",
                      "--seccomp-deny", "mount", "--seccomp-deny=ptrace", "--seccomp", "p.json",
                      "--no-self-sandbox", "--", "x"});
    CHECK(o.user == "app:web");
    CHECK(o.caps == "NET_BIND_SERVICE");
    CHECK(o.no_new_privs);
    CHECK(o.seccomp_deny == std::vector<std::string>{"mount", "ptrace"});
    CHECK(o.seccomp_profile == "p.json");
    CHECK_FALSE(o.self_sandbox);
    CHECK(Must(Personality::kBerth, {"x"}, {{"BERTH_USER", "nobody"}}).user == "nobody");
    CHECK(Must(Personality::kBerth, {"x"}).self_sandbox);
    CHECK(Error(Personality::kBerth, {"--user", "", "x"}).find("--user") != std::string::npos);
    CHECK(Error(Personality::kTini, {"--user", "nobody", "x"}) == "unknown option '--user'");
  }
}

}  // namespace
}  // namespace berth::config
