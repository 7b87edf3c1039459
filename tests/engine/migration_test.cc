// Instance migration through the durable engine (Engine::Migrate) on a real
// SQLite file: moved instances' records name the new version, their history
// holds the migration event, replays from empty to their snapshot and names
// elements of the right version on each side of it; they go on along the new
// version after the store is closed and opened again, timers and messages
// included; refused ones stay on theirs; a dry run changes nothing.
#include "runtime/migration.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "facade/codec.h"
#include "facade/engine.h"
#include "persistence/sqlite_store.h"
#include "runtime/event.h"

namespace {

namespace fs = std::filesystem;
using bpmn::ErrorCode;
using bpmn::engine::Engine;
using bpmn::engine::MigrationOutcome;
using bpmn::runtime::EventType;
using bpmn::runtime::Id;
using bpmn::runtime::InstanceStatus;

std::string Definitions(const std::string& processes) {
  return "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
         "id=\"d\" targetNamespace=\"urn:migration\">"
         "<message id=\"m\" name=\"paid\"/>" +
         processes + "</definitions>";
}

// start -> user tasks ... -> end, flows named after their source.
std::string Chain(const std::vector<std::string>& tasks,
                  const std::string& key = "order") {
  std::string xml = "<process id=\"" + key + "\" isExecutable=\"true\">";
  std::vector<std::string> ids = {key + "_s"};
  for (const auto& t : tasks) ids.push_back(t);
  ids.push_back(key + "_e");
  xml += "<startEvent id=\"" + ids.front() + "\"/><endEvent id=\"" +
         ids.back() + "\"/>";
  for (const auto& t : tasks) xml += "<userTask id=\"" + t + "\"/>";
  for (std::size_t i = 0; i + 1 < ids.size(); ++i)
    xml += "<sequenceFlow id=\"f_" + ids[i] + "\" sourceRef=\"" + ids[i] +
           "\" targetRef=\"" + ids[i + 1] + "\"/>";
  return xml + "</process>";
}

// Version 2 renames check to verify, drops legacy, adds ship after pack.
const std::vector<std::string> kV1 = {"review", "check", "legacy", "pack"};
const std::vector<std::string> kV2 = {"review", "verify", "pack", "ship"};

class EngineMigration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bpmn-migration-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Open();
  }
  void TearDown() override {
    Close();
    fs::remove_all(dir_);
  }

  void Open() {
    auto store = bpmn::persistence::SqliteStore::Open((dir_ / "m.db").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto engine = Engine::Open(*store_, clock_);
    ASSERT_TRUE(engine) << engine.error().message;
    engine_ = std::move(*engine);
  }
  void Close() {
    engine_.reset();
    store_.reset();
  }
  void Reopen() {
    Close();
    Open();
  }

  void Deploy(const std::string& processes, std::int64_t version) {
    auto deployed = engine_->Deploy("order.bpmn", Definitions(processes));
    ASSERT_TRUE(deployed) << deployed.error().message;
    EXPECT_EQ(deployed->front().version, version);
  }

  // Completes the open task of `instance` (or an instance it called) at
  // `element`.
  void Complete(Id instance, const std::string& element) {
    for (const auto& ref : engine_->runtime().OpenTasks(instance)) {
      if (ref.instance->node(ref.task->node).id != element) continue;
      auto done = engine_->CompleteTask(ref.task->id, "u", {});
      EXPECT_TRUE(done) << done.error().message;
      return;
    }
    ADD_FAILURE() << "instance " << instance << " has no task at " << element;
  }

  Id StartAt(const std::vector<std::string>& before) {
    auto id = engine_->Start("order", {});
    EXPECT_TRUE(id) << id.error().message;
    for (const auto& e : before) Complete(*id, e);
    return *id;
  }

  bpmn::store::InstanceRecord Record(Id id) {
    auto record = store_->LoadInstance(id);
    EXPECT_TRUE(record && *record) << "instance " << id;
    return record && *record ? **record : bpmn::store::InstanceRecord{};
  }

  // Replaying the stored history from empty gives the stored snapshot.
  void ExpectReplayGivesSnapshot(Id id) {
    auto replay = engine_->ReplayHistory(id);
    ASSERT_TRUE(replay) << replay.error().message;
    EXPECT_EQ(bpmn::engine::EncodeInstance(**replay), Record(id).snapshot)
        << "instance " << id;
  }

  // The element ids of the history's events of `type`, each read in the
  // definitions DefinitionsOfHistory gives it.
  std::vector<std::string> HistoryElements(Id id, EventType type) {
    auto history = engine_->History(id);
    EXPECT_TRUE(history);
    auto state = engine_->ReadInstance(id);
    EXPECT_TRUE(state);
    std::vector<std::string> out;
    if (!history || !state) return out;
    auto defs = engine_->DefinitionsOfHistory(*history, (*state)->definitions);
    for (std::size_t i = 0; i < history->size(); ++i)
      if ((*history)[i].type == type)
        out.push_back(defs[i]->node((*history)[i].node).id);
    return out;
  }

  fs::path dir_;
  bpmn::ManualClock clock_{bpmn::TimePoint(std::chrono::hours(24 * 20500))};
  std::unique_ptr<bpmn::persistence::SqliteStore> store_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineMigration, MovedInstancesRunTheNewVersionAfterReopening) {
  Deploy(Chain(kV1), 1);
  const Id at_review = StartAt({});
  const Id at_check = StartAt({"review"});
  const Id at_legacy = StartAt({"review", "check"});
  const Id at_pack = StartAt({"review", "check", "legacy"});
  Deploy(Chain(kV2), 2);
  auto outcomes = engine_->Migrate("order", 1, 2, {{"check", "verify"}});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 4u);
  const std::vector<Id> ids = {at_review, at_check, at_legacy, at_pack};
  const std::vector<std::vector<std::string>> waiting = {
      {"review"}, {"verify"}, {"legacy"}, {"pack"}};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const MigrationOutcome& o = (*outcomes)[i];
    EXPECT_EQ(o.instance, ids[i]);
    EXPECT_EQ(o.moved, ids[i] != at_legacy) << o.refusal.message;
    EXPECT_EQ(o.waiting, waiting[i]);
    EXPECT_EQ(Record(ids[i]).version, ids[i] == at_legacy ? 1 : 2);
  }
  EXPECT_EQ((*outcomes)[2].refusal.code, ErrorCode::kState);
  EXPECT_EQ((*outcomes)[2].refusal.element_id, "legacy");
  // The task index names the new element.
  bpmn::store::TaskFilter filter;
  filter.instance = at_check;
  auto tasks = store_->Tasks(filter);
  ASSERT_TRUE(tasks && tasks->size() == 1u);
  EXPECT_EQ((*tasks)[0].element_id, "verify");
  // The event log holds the migration, once per moved instance.
  auto history = engine_->History(at_check);
  ASSERT_TRUE(history);
  std::size_t migrations = 0;
  for (const auto& e : *history)
    if (e.type == EventType::kInstanceMigrated) {
      ++migrations;
      EXPECT_EQ(e.number2, 2);
      EXPECT_EQ(bpmn::runtime::MigratedFromVersion(e), 1);
    }
  EXPECT_EQ(migrations, 1u);
  for (Id id : ids) ExpectReplayGivesSnapshot(id);

  Reopen();
  for (const char* e : {"review", "verify", "pack", "ship"})
    Complete(at_review, e);
  for (const char* e : {"verify", "pack", "ship"}) Complete(at_check, e);
  for (const char* e : {"pack", "ship"}) Complete(at_pack, e);
  for (const char* e : {"legacy", "pack"}) Complete(at_legacy, e);
  for (Id id : ids) {
    EXPECT_EQ(Record(id).state, "completed") << id;
    ExpectReplayGivesSnapshot(id);
  }
  // Element ids on both sides of the migration.
  EXPECT_EQ(HistoryElements(at_check, EventType::kTaskCreated),
            (std::vector<std::string>{"review", "check", "pack", "ship"}));
  EXPECT_EQ(HistoryElements(at_check, EventType::kTaskClosed),
            (std::vector<std::string>{"review", "verify", "pack", "ship"}));
}

TEST_F(EngineMigration, ADryRunChangesNothing) {
  Deploy(Chain(kV1), 1);
  const Id id = StartAt({"review"});
  Deploy(Chain(kV2), 2);
  const auto before = Record(id);
  auto outcomes = engine_->Migrate("order", 1, 2, {{"check", "verify"}},
                                   /*dry_run=*/true);
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_TRUE((*outcomes)[0].moved);
  const auto after = Record(id);
  EXPECT_EQ(after.version, 1);
  EXPECT_EQ(after.revision, before.revision);
  EXPECT_EQ(after.snapshot, before.snapshot);
  auto history = engine_->History(id);
  ASSERT_TRUE(history);
  for (const auto& e : *history)
    EXPECT_NE(e.type, EventType::kInstanceMigrated);
  auto refused = engine_->Migrate("order", 1, 2, {}, /*dry_run=*/true);
  ASSERT_TRUE(refused);
  EXPECT_FALSE((*refused)[0].moved);
  EXPECT_EQ((*refused)[0].refusal.element_id, "check");
}

TEST_F(EngineMigration, MissingVersionsAndElementsAreNotFound) {
  Deploy(Chain(kV1), 1);
  StartAt({});
  Deploy(Chain(kV2), 2);
  auto no_version = engine_->Migrate("order", 1, 3, {});
  ASSERT_FALSE(no_version);
  EXPECT_EQ(no_version.error().code, ErrorCode::kNotFound);
  auto no_process = engine_->Migrate("invoice", 1, 2, {});
  ASSERT_FALSE(no_process);
  EXPECT_EQ(no_process.error().code, ErrorCode::kNotFound);
  auto no_element = engine_->Migrate("order", 1, 2, {{"check", "vrfy"}});
  ASSERT_FALSE(no_element);
  EXPECT_EQ(no_element.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(no_element.error().element_id, "vrfy");
  auto itself = engine_->Migrate("order", 2, 2, {});
  ASSERT_FALSE(itself);
  EXPECT_EQ(itself.error().code, ErrorCode::kInvalidArgument);
}

// review has a boundary timer `slow` (an hour) to `late`; pay waits for the
// message "paid". Version 2 renames the timer `tardy` and adds `x` after pay.
std::string Timed(bool v2) {
  const std::string timer = v2 ? "tardy" : "slow";
  return "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
         "<userTask id=\"review\"/><boundaryEvent id=\"" +
         timer +
         "\" attachedToRef=\"review\"><timerEventDefinition>"
         "<timeDuration>PT1H</timeDuration></timerEventDefinition>"
         "</boundaryEvent><userTask id=\"late\"/>"
         "<receiveTask id=\"pay\" messageRef=\"m\"/><endEvent id=\"e\"/>"
         "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"review\"/>"
         "<sequenceFlow id=\"f2\" sourceRef=\"review\" targetRef=\"pay\"/>"
         "<sequenceFlow id=\"f3\" sourceRef=\"" +
         timer +
         "\" targetRef=\"late\"/>"
         "<sequenceFlow id=\"f4\" sourceRef=\"late\" targetRef=\"e\"/>" +
         (v2 ? "<userTask id=\"x\"/>"
               "<sequenceFlow id=\"f5\" sourceRef=\"pay\" targetRef=\"x\"/>"
               "<sequenceFlow id=\"f6\" sourceRef=\"x\" targetRef=\"e\"/>"
             : "<sequenceFlow id=\"f5\" sourceRef=\"pay\" targetRef=\"e\"/>") +
         "</process>";
}

TEST_F(EngineMigration, TimersAndMessagesFireAfterTheMoveAndARestart) {
  Deploy(Timed(false), 1);
  const Id timed = StartAt({});
  auto paying = engine_->Start("order", {}, "ORDER-7");
  ASSERT_TRUE(paying);
  Complete(*paying, "review");
  Deploy(Timed(true), 2);
  auto outcomes = engine_->Migrate("order", 1, 2, {{"slow", "tardy"}});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  for (const auto& o : *outcomes) EXPECT_TRUE(o.moved) << o.refusal.message;
  auto timers = store_->Timers(timed);
  ASSERT_TRUE(timers && timers->size() == 1u);
  EXPECT_EQ((*timers)[0].element_id, "tardy");

  Reopen();
  clock_.Advance(std::chrono::minutes(61));
  ASSERT_TRUE(engine_->FireDue());
  EXPECT_EQ(engine_->runtime().Waiting(timed),
            std::vector<std::string>{"late"});
  ASSERT_TRUE(engine_->CorrelateMessage("paid", "ORDER-7", {}));
  EXPECT_EQ(engine_->runtime().Waiting(*paying), std::vector<std::string>{"x"});
  ExpectReplayGivesSnapshot(timed);
  ExpectReplayGivesSnapshot(*paying);
}

TEST_F(EngineMigration, ACalledInstanceIsNotMovedWithItsCaller) {
  const std::string called =
      "<process id=\"sub\" isExecutable=\"true\"><startEvent id=\"cs\"/>"
      "<userTask id=\"work\"/><endEvent id=\"ce\"/>"
      "<sequenceFlow id=\"c1\" sourceRef=\"cs\" targetRef=\"work\"/>"
      "<sequenceFlow id=\"c2\" sourceRef=\"work\" targetRef=\"ce\"/>"
      "</process>";
  auto caller = [&](const std::string& after) {
    return called +
           "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
           "<callActivity id=\"call\" calledElement=\"sub\"/>"
           "<userTask id=\"" +
           after +
           "\"/><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"call\"/>"
           "<sequenceFlow id=\"f2\" sourceRef=\"call\" targetRef=\"" +
           after + "\"/><sequenceFlow id=\"f3\" sourceRef=\"" + after +
           "\" targetRef=\"e\"/></process>";
  };
  ASSERT_TRUE(engine_->Deploy("order.bpmn", Definitions(caller("wrap"))));
  const Id parent = StartAt({});
  ASSERT_EQ(engine_->runtime().Family(parent).size(), 2u);
  const Id child = engine_->runtime().Family(parent)[1]->id;
  ASSERT_TRUE(engine_->Deploy("order.bpmn", Definitions(caller("close"))));
  auto outcomes = engine_->Migrate("order", 1, 2, {});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_TRUE((*outcomes)[0].moved) << (*outcomes)[0].refusal.message;
  EXPECT_EQ(Record(parent).version, 2);
  EXPECT_EQ(Record(child).key, "sub");
  EXPECT_EQ(Record(child).version, 1);
  Reopen();
  Complete(child, "work");
  EXPECT_EQ(engine_->runtime().Waiting(parent),
            std::vector<std::string>{"close"});
  ExpectReplayGivesSnapshot(parent);
  ExpectReplayGivesSnapshot(child);
}

}  // namespace
