// SPDX-License-Identifier: MIT
#include "berth/process/cgroup_memory.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace berth::process {
namespace {

const std::string kFixtures = BERTH_PROCESS_FIXTURES;

constexpr int KilledBy(int sig) { return sig; }  // a wait status of death by `sig`, no core
constexpr int Exited(int code) { return code << 8; }

TEST_SUITE("process") {
  TEST_CASE("ReadOomKills and ReadMemoryLimit read v2, then v1") {
    struct Row {
      const char* dir;
      std::optional<uint64_t> kills;
      std::optional<uint64_t> limit;
    };
    const Row rows[] = {
        {"cgroup_v2", 1, uint64_t{1536} << 20},      {"cgroup_v1", 2, uint64_t{48} << 20},
        {"cgroup_v1_unlimited", 0, std::nullopt},    {"cgroup_none", std::nullopt, std::nullopt},
        {"no_such_dir", std::nullopt, std::nullopt},
    };
    for (const Row& r : rows) {
      SUBCASE(r.dir) {
        CHECK(ReadOomKills(kFixtures + "/" + r.dir) == r.kills);
        CHECK(ReadMemoryLimit(kFixtures + "/" + r.dir) == r.limit);
      }
    }
  }

  TEST_CASE("FlatKeyedValue finds the whole key only") {
    CHECK(FlatKeyedValue("oom 3\noom_kill 1\n", "oom_kill") == 1u);
    CHECK(FlatKeyedValue("oom 3\noom_kill 1\n", "oom") == 3u);
    CHECK(FlatKeyedValue("oom_kill_disable 0\n", "oom_kill") == std::nullopt);
    CHECK(FlatKeyedValue("oom_kill x\n", "oom_kill") == std::nullopt);
    CHECK(FlatKeyedValue("", "oom_kill") == std::nullopt);
  }

  TEST_CASE("OomWatch claims a SIGKILL only when the counter rose, once per kill") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("berth-oom-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto set_kills = [&dir](int n) {
      std::ofstream(dir / "memory.events") << "oom 0\noom_kill " << n << "\n";
    };
    std::ofstream(dir / "memory.max") << "50331648\n";
    set_kills(4);
    OomWatch watch(dir.string());
    CHECK_FALSE(watch.Claim(KilledBy(SIGKILL)));  // someone else's SIGKILL
    set_kills(5);
    CHECK_FALSE(watch.Claim(Exited(0)));
    CHECK_FALSE(watch.Claim(KilledBy(SIGTERM)));
    CHECK(watch.Claim(KilledBy(SIGKILL)));
    CHECK_FALSE(watch.Claim(KilledBy(SIGKILL)));  // that kill is taken
    CHECK(watch.Describe() ==
          "killed by the kernel's OOM killer: the container's memory limit (48 MiB) was reached");
    std::ofstream(dir / "memory.max") << "max\n";
    CHECK(watch.Describe() ==
          "killed by the kernel's OOM killer: the container's memory limit was reached");
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("OomWatch without a counter never claims, and a FIFO is not read") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("berth-oom-fifo-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    REQUIRE(::mkfifo((dir / "memory.events").c_str(), 0600) == 0);
    OomWatch watch(dir.string());
    CHECK_FALSE(watch.Claim(KilledBy(SIGKILL)));
    CHECK(ReadOomKills(dir.string()) == std::nullopt);
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace berth::process
