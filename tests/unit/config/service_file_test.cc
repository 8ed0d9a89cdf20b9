// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "berth/config/service_file.h"

namespace berth::config {
namespace {

constexpr absl::string_view kTwo = R"(
[[service]]
name = "migrate"
command = "flask db upgrade"
ready = { exit = 0 }

[[service]]
name = "web"
command = ["gunicorn", "-b", "127.0.0.1:8000", "app:app"]
essential = true
after = ["migrate"]
env = { WORKERS = "4" }
stop_signal = "QUIT"
restart = "on-failure"
restart_delay = "500ms"
restart_max_delay = 10
max_restarts = 5
ready = { timeout = "1m", http = "http://127.0.0.1:8000/healthz" }
health = { http = "http://127.0.0.1:8000/healthz", interval = "5s", retries = 2 }
)";

std::string ErrorOf(absl::string_view text) {
  base::Result<std::vector<ServiceSpec>> s = ParseServiceFile(text, "berth.toml");
  REQUIRE_FALSE(s.has_value());
  return std::string(s.error().message());
}

TEST_SUITE("config") {
  TEST_CASE("a two-service file parses with every field") {
    base::Result<std::vector<ServiceSpec>> s = ParseServiceFile(kTwo, "berth.toml");
    REQUIRE_MESSAGE(s.has_value(), s.error().message());
    REQUIRE(s->size() == 2);
    const ServiceSpec& migrate = (*s)[0];
    CHECK(migrate.command == std::vector<std::string>{"/bin/sh", "-c", "flask db upgrade"});
    CHECK(migrate.ready.kind == ReadySpec::Kind::kExitZero);
    CHECK_FALSE(migrate.essential);
    const ServiceSpec& web = (*s)[1];
    CHECK(web.essential);
    CHECK(web.after == std::vector<std::string>{"migrate"});
    CHECK(web.env == std::vector<std::pair<std::string, std::string>>{{"WORKERS", "4"}});
    CHECK(web.stop_signal == 3);
    CHECK(web.restart == RestartPolicy::kOnFailure);
    CHECK(web.restart_delay == absl::Milliseconds(500));
    CHECK(web.restart_max_delay == absl::Seconds(10));
    CHECK(web.max_restarts == 5);
    CHECK(web.ready.kind == ReadySpec::Kind::kHttp);
    CHECK(web.ready.target == "http://127.0.0.1:8000/healthz");
    CHECK(web.ready.timeout == absl::Minutes(1));
    CHECK_FALSE(migrate.ready.timeout.has_value());
    CHECK(web.health.kind == HealthSpec::Kind::kHttp);
    CHECK(web.health.interval == absl::Seconds(5));
    CHECK(web.health.retries == 2);
    CHECK(web.line == 7);
    CHECK(StartOrder(*s) == std::vector<size_t>{0, 1});
  }

  TEST_CASE("non-ASCII text is fine in strings and comments") {
    base::Result<std::vector<ServiceSpec>> specs = ParseServiceFile(
        "# d\u00e9marre le service\n[[service]]\nname = \"cafe\"\n"
        "command = [\"echo\", \"h\u00e9llo \u3042\", 'na\u00efve']\n"
        "env = { GREETING = \"\"\"\u00e9t\u00e9\"\"\", \"NAME\" = '\u00fc', X = '\u00e9' }\n",
        "berth.toml");
    REQUIRE_MESSAGE(specs.has_value(), specs.error().message());
    CHECK((*specs)[0].command[1] == "h\u00e9llo \u3042");
  }

  TEST_CASE("start order follows after, stable in file order") {
    base::Result<std::vector<ServiceSpec>> s = ParseServiceFile(R"(
[[service]]
name = "c"
command = "true"
after = ["b"]
[[service]]
name = "a"
command = "true"
[[service]]
name = "b"
command = "true"
after = ["a"]
)",
                                                                "f.toml");
    REQUIRE(s.has_value());
    CHECK(StartOrder(*s) == std::vector<size_t>{1, 2, 0});
  }

  TEST_CASE("each kind of config error names file, line and key") {
    struct Row {
      const char* text;
      const char* says;
    };
    const Row rows[] = {
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nbogus = 1\n",
         "berth.toml:4: bogus: unknown key"},
        // toml++ asserted (abort, exit 134) on these before berth turned its asserts off.
        {"[[service]]\n[ = [\"/usr/b\"]\n", "berth.toml:2: Error while parsing key"},
        {"[[[service]]\nname = \"a\"\n", "berth.toml:1: Error while parsing"},
        // Non-ASCII outside strings and comments: toml++ 3.3 ran into __builtin_unreachable.
        {"[[service]]\nname = \"a\"\ncommand = \"true\" \u00e9\n",
         "berth.toml:3: a non-ASCII character outside a string or comment"},
        {"[[service]]\nname = \"a\"\ncommand = ---[\"\u00e9\"]\n",
         "berth.toml:3: a non-ASCII character outside a string or comment"},
        // CI's fuzzing: a '{' or a second '=' inside a bad value opened no string for toml++.
        {"[[seice]]\nname = \"a\"\ncommand = ---{\"\u01bf\"]\n",
         "berth.toml:3: a non-ASCII character outside a string or comment"},
        {"[[service]]\nname = \"a\"\ncommand = b=\"\u00e9\"\n",
         "berth.toml:3: a non-ASCII character outside a string or comment"},
        {"[[service]]\nname = \"a\"\ncommand = [1, b=\"\u00e9\"]\n",
         "berth.toml:3: a non-ASCII character outside a string or comment"},
        {"[[service]]\nname = \"a\"\ncommand = \"\"\"x \\\n\u00e9\"\"\"\n",
         "berth.toml:4: a non-ASCII character right after a backslash"},
        {"[[service]]\nname = \"a\"\ncommand = 5\n",
         "berth.toml:3: command: want an array of strings"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nessential = \"yes\"\n",
         "berth.toml:4: essential: want true or false"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nafter = [\"nope\"]\n",
         "berth.toml:4: after: unknown service 'nope'"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nafter = [\"b\"]\n"
         "[[service]]\nname = \"b\"\ncommand = \"true\"\nafter = [\"a\"]\n",
         "berth.toml:4: after: dependency cycle through 'a'"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\n[[service]]\nname = \"a\"\ncommand = "
         "\"x\"\n",
         "berth.toml:5: name: duplicate service name 'a'"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nrestart = \"sometimes\"\n",
         "berth.toml:4: restart: want \"never\""},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nrestart_delay = \"soon\"\n",
         "berth.toml:4: restart_delay: bad duration"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nrestart_delay = \"0s\"\n",
         "berth.toml:4: restart_delay: must be at least 100ms"},
        {"[[service]]\nname = \"a\"\ncommand = \"\"\n", "berth.toml:3: command: must not be empty"},
        {"[[service]]\nname = \"a\"\ncommand = \"  \"\n",
         "berth.toml:3: command: must not be empty"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nstop_signal = \"NOPE\"\n",
         "berth.toml:4: stop_signal: want a signal"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nready = { log = \"(\" }\n",
         "ready: bad regular expression"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nready = { exit = 1 }\n", "only 0"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nready = { timeout = 5 }\n",
         "ready: want one of"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nready = { log = \"x\", timeout = \"x\" "
         "}\n",
         "ready: bad duration"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nhealth = { interval = \"1s\" }\n",
         "health: give one of cmd, http or tcp"},
        {"[[service]]\nname = \"a\"\ncommand = \"true\"\nhealth = { http = \"x\", bogus = 2 }\n",
         "health.bogus: unknown key"},
        {"[[service]]\ncommand = \"true\"\n", "berth.toml:1: [[service]]: a service needs a name"},
        {"[[service]]\nname = \"a\"\n", "service 'a' needs a command"},
        {"[[service]]\nname = \"a b\"\ncommand = \"true\"\n", "name: use letters"},
        {"[services]\nname = 1\n", "berth.toml:1: services: unknown key"},
        {"[[service]\n", "berth.toml:1: "},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      const std::string msg = ErrorOf(r.text);
      CHECK_MESSAGE(msg.find(r.says) != std::string::npos, msg);
      CHECK(msg.find("berth.toml:") == 0);
    }
  }
}

}  // namespace
}  // namespace berth::config
