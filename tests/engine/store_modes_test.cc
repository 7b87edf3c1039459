// Every scenario of the suites (samples, conformance, runner fixtures) runs
// three ways: on the memory store, on a SQLite file, and on a SQLite file
// closed and opened again after every step. The three event logs must be
// identical, line for line. On the SQLite file, replaying each instance's
// stored events from an empty state must give exactly its stored snapshot.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "facade/codec.h"
#include "facade/engine.h"
#include "persistence/sqlite_store.h"
#include "runtime/event.h"
#include "scenario/scenario_runner.h"

namespace {

namespace fs = std::filesystem;
using bpmnctl::ScenarioOptions;
using bpmnctl::ScenarioResult;
using bpmnctl::StoreMode;

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  for (const char* dir :
       {"bpmn-samples", "tests/conformance", "tests/data/scenarios"}) {
    for (const auto& e :
         fs::recursive_directory_iterator(fs::path(BPMN_SOURCE_DIR) / dir)) {
      std::string name = e.path().filename().string();
      if (name.ends_with(".scenario.yaml")) files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class StoreModes : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bpmn-store-modes-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ScenarioResult RunWith(StoreMode mode, const std::string& database = {}) {
    ScenarioOptions options;
    options.trace = true;
    options.store = mode;
    options.database = database;
    return bpmnctl::RunScenario(GetParam(), options);
  }

  fs::path dir_;
};

TEST_P(StoreModes, MemorySqliteAndReopenedSqliteGiveTheSameLog) {
  ScenarioResult memory = RunWith(StoreMode::kMemory);
  ScenarioResult sqlite = RunWith(StoreMode::kSqlite);
  ScenarioResult reopened = RunWith(StoreMode::kSqliteReopen);
  EXPECT_EQ(memory.passed, sqlite.passed);
  EXPECT_EQ(memory.passed, reopened.passed);
  EXPECT_EQ(memory.failures, sqlite.failures);
  EXPECT_EQ(memory.failures, reopened.failures);
  EXPECT_EQ(memory.trace, sqlite.trace);
  EXPECT_EQ(memory.trace, reopened.trace);
  if (!memory.unusable) {
    EXPECT_FALSE(memory.trace.empty()) << "the scenario ran no event";
  }
}

TEST_P(StoreModes, ReplayingStoredEventsGivesTheStoredSnapshot) {
  const std::string database = (dir_ / "replay.db").string();
  ScenarioResult run = RunWith(StoreMode::kSqlite, database);
  if (run.unusable) {  // nothing ran, so nothing was stored to replay
    EXPECT_FALSE(run.passed);
    return;
  }
  auto store = bpmn::persistence::SqliteStore::Open(database);
  ASSERT_TRUE(store) << store.error().message;
  bpmn::ManualClock clock(bpmn::TimePoint{});
  bpmn::engine::EngineOptions options;
  options.keep_finished = true;
  auto engine = bpmn::engine::Engine::Open(**store, clock, options);
  ASSERT_TRUE(engine) << engine.error().message;
  auto instances = (*store)->Instances("");
  ASSERT_TRUE(instances);
  if (run.passed) {
    EXPECT_FALSE(instances->empty());
  }
  for (const auto& record : *instances) {
    auto stored = (*engine)->ReadInstance(record.id);
    ASSERT_TRUE(stored) << stored.error().message;
    bpmn::runtime::InstanceState replay;
    replay.id = record.id;
    replay.definitions = (*stored)->definitions;
    replay.process = (*stored)->process;
    auto history = (*engine)->History(record.id);
    ASSERT_TRUE(history) << history.error().message;
    ASSERT_FALSE(history->empty());
    for (const auto& e : *history) bpmn::runtime::Apply(e, replay);
    EXPECT_EQ(bpmn::engine::EncodeInstance(replay), record.snapshot)
        << "instance " << record.id << " of " << GetParam();
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).parent_path().filename().string() +
                     "_" + fs::path(info.param).filename().string();
  name = name.substr(0, name.find(".scenario.yaml"));
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllScenarios, StoreModes,
                         ::testing::ValuesIn(ScenarioFiles()), TestName);

}  // namespace
