// Crash test: a driver runs W3 instances to their end through the bpmnctl
// command line on one database file, while a supervisor kills the command
// being run with SIGKILL at random moments. A command whose answer arrived is
// acknowledged; a killed one may or may not have committed, and the driver
// finds out from the database, as a user would. At the end every instance
// exists exactly once and is completed, every acknowledged completion is in
// its history exactly once, nothing else was completed twice, and SQLite's
// integrity check passes.
//
// Size: BPMN_CRASH_INSTANCES (default 2000) instances, at least
// BPMN_CRASH_KILLS (default 200) kills; by hand, e.g.
// BPMN_CRASH_INSTANCES=20000 BPMN_CRASH_KILLS=2000 ./build/tests/crash_test
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "persistence/sqlite_store.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

long EnvOr(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atol(v) : fallback;
}

struct Outcome {
  bool killed = false;  // ended by the supervisor's SIGKILL
  int exit_code = -1;
  std::string out;
};

class Driver {
 public:
  explicit Driver(std::string db) : db_(std::move(db)), rng_(20261130) {}

  // Runs bpmnctl with the arguments; with `may_kill`, the supervisor kills
  // it at a random moment with probability `kill_rate_`.
  Outcome Run(std::vector<std::string> args, bool may_kill) {
    args.insert(args.begin(), BPMNCTL_PATH);
    args.push_back("--db");
    args.push_back(db_);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) return {};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
                                     O_WRONLY, 0);
    pid_t pid = 0;
    auto started = std::chrono::steady_clock::now();
    int spawned =
        posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    Outcome outcome;
    if (spawned != 0) {
      close(fds[0]);
      return outcome;
    }
    if (may_kill && std::uniform_real_distribution<>(0, 1)(rng_) < kill_rate_) {
      // Somewhere within a typical command's run time.
      auto delay = std::chrono::microseconds(static_cast<long>(
          std::uniform_real_distribution<>(0, 1.2)(rng_) * typical_us_));
      std::this_thread::sleep_for(delay);
      kill(pid, SIGKILL);
    }
    char buffer[4096];
    for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
      outcome.out.append(buffer, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      outcome.killed = true;
      ++kills_;
    } else if (WIFEXITED(status)) {
      outcome.exit_code = WEXITSTATUS(status);
      double us = std::chrono::duration<double, std::micro>(
                      std::chrono::steady_clock::now() - started)
                      .count();
      typical_us_ = 0.95 * typical_us_ + 0.05 * us;
    }
    ++commands_;
    return outcome;
  }

  // Runs a read-only query until it answers (queries are killed too).
  json Query(const std::vector<std::string>& args) {
    for (;;) {
      Outcome o = Run(args, true);
      if (o.killed) continue;
      EXPECT_EQ(o.exit_code, 0) << o.out;
      return json::parse(o.out, nullptr, false);
    }
  }

  long kills() const { return kills_; }
  long commands() const { return commands_; }

 private:
  std::string db_;
  std::mt19937_64 rng_;
  double kill_rate_ = 0.03;
  double typical_us_ = 8000;
  long kills_ = 0;
  long commands_ = 0;
};

TEST(Crash, KilledCommandsLoseNothingAndApplyNothingTwice) {
  const long instances = EnvOr("BPMN_CRASH_INSTANCES", 2000);
  const long min_kills = EnvOr("BPMN_CRASH_KILLS", 200);
  const int in_flight = 20;
  fs::path dir =
      fs::temp_directory_path() / ("bpmn-crash-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "crash.db").string();
  Driver driver(db);
  Outcome deployed = driver.Run(
      {"deploy", std::string(BPMN_WORKLOADS_DIR) + "/w3-deal-stages.bpmn"},
      false);
  ASSERT_EQ(deployed.exit_code, 0) << deployed.out;

  std::map<std::string, std::uint64_t> by_key;  // business key -> instance
  std::map<std::uint64_t, std::vector<std::uint64_t>> acknowledged;  // tasks
  long started = 0;
  auto start_one = [&]() {
    std::string key = "CRASH-" + std::to_string(started++);
    for (;;) {
      Outcome o = driver.Run({"start", "w3", "--vars", R"({"amount":50000})",
                              "--business-key", key, "--json"},
                             true);
      if (!o.killed) {
        ASSERT_EQ(o.exit_code, 0) << o.out;
        by_key[key] = json::parse(o.out).at("id").get<std::uint64_t>();
        return;
      }
      // Killed: did the start commit before the kill?
      for (const auto& i : driver.Query({"instances", "--json"}))
        if (i.at("business_key") == key) {
          by_key[key] = i.at("id").get<std::uint64_t>();
          return;
        }
    }
  };

  std::set<std::uint64_t> running;
  while (started < instances || driver.kills() < min_kills ||
         !running.empty()) {
    while (static_cast<int>(running.size()) < in_flight &&
           (started < instances || driver.kills() < min_kills)) {
      start_one();
      if (HasFatalFailure()) return;
      running.insert(by_key["CRASH-" + std::to_string(started - 1)]);
    }
    json tasks = driver.Query({"tasks", "--json"});
    std::set<std::uint64_t> with_task;
    for (const auto& t : tasks) {
      auto instance = t.at("instance_id").get<std::uint64_t>();
      if (!running.count(instance) || with_task.count(instance)) continue;
      with_task.insert(instance);
      auto task = t.at("id").get<std::uint64_t>();
      Outcome o = driver.Run(
          {"complete", std::to_string(task), "--by", "driver", "--json"}, true);
      if (o.killed) continue;  // the next listing tells whether it committed
      ASSERT_EQ(o.exit_code, 0) << "complete " << task << ": " << o.out;
      acknowledged[instance].push_back(task);
    }
    for (auto it = running.begin(); it != running.end();)
      it = with_task.count(*it) ? std::next(it) : running.erase(it);
  }

  std::cout << "crash test: " << started << " instances, " << driver.commands()
            << " commands, " << driver.kills() << " killed with SIGKILL\n";
  EXPECT_GE(driver.kills(), min_kills);

  json all = driver.Query({"instances", "--json"});
  ASSERT_EQ(all.size(), static_cast<std::size_t>(started));
  std::set<std::string> keys;
  for (const auto& i : all) {
    EXPECT_TRUE(keys.insert(i.at("business_key").get<std::string>()).second)
        << "business key twice: " << i.at("business_key");
    EXPECT_EQ(i.at("state"), "completed") << "instance " << i.at("id");
  }
  long checked = 0;
  for (const auto& [key, instance] : by_key) {
    if (checked++ % 10 != 0 && acknowledged[instance].empty()) continue;
    json history =
        driver.Query({"history", std::to_string(instance), "--json"});
    std::map<std::uint64_t, int> closed;
    long closed_total = 0;
    for (const auto& e : history)
      if (e.at("type") == "task-closed") {
        ++closed[e.at("item").get<std::uint64_t>()];
        ++closed_total;
      }
    EXPECT_EQ(closed_total, 8) << "instance " << instance;
    for (const auto& [task, count] : closed)
      EXPECT_EQ(count, 1) << "task " << task << " of " << instance;
    for (auto task : acknowledged[instance])
      EXPECT_EQ(closed[task], 1)
          << "acknowledged task " << task << " of " << instance;
  }
  auto store = bpmn::persistence::SqliteStore::Open(db);
  ASSERT_TRUE(store) << store.error().message;
  auto integrity = (*store)->IntegrityCheck();
  ASSERT_TRUE(integrity);
  EXPECT_EQ(*integrity, "ok");
  store->reset();
  fs::remove_all(dir);
}

}  // namespace
