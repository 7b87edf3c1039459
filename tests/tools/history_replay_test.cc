// History replay (tools/replay) on real SQLite files: instances recorded by
// the sample scenarios or by driving the engine on a ManualClock, replayed
// against their own version (the same path) and against changed diagrams
// (where they diverge), and written out as scenarios that the scenario runner
// passes. Single-threaded.
#include "replay/history_replay.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "facade/engine.h"
#include "model/iso8601.h"
#include "persistence/sqlite_store.h"
#include "replay/scenario_writer.h"
#include "scenario/scenario_runner.h"

namespace {

namespace fs = std::filesystem;
using bpmn::runtime::Id;
using bpmnctl::HistoryReplay;
using bpmnctl::RecordedInput;
using bpmnctl::Recording;
using bpmnctl::ReplayDiagram;
using bpmnctl::ReplayOutcome;

const std::string kSamples = BPMN_SAMPLES_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replaces every occurrence; expects at least one.
std::string ReplaceAll(std::string text, const std::string& from,
                       const std::string& to) {
  std::size_t count = 0;
  for (auto at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++count;
  }
  EXPECT_GT(count, 0u) << from;
  return text;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
  return out;
}

std::string Explain(const Recording& r, const ReplayOutcome& o) {
  std::string text =
      "instance " + std::to_string(r.instance) + "\n  recorded " + r.state +
      ": " + Join(r.path) + " | waiting " + Join(r.waiting) + "\n  replayed " +
      o.state + ": " + Join(o.path) + " | waiting " + Join(o.waiting) + "\n";
  if (o.failed_input) {
    text += "  failed input " + std::to_string(*o.failed_input) + ": " +
            o.failure + "\n";
  }
  for (const auto& i : r.inputs)
    text += "  " + bpmnctl::DescribeInput(i) + "\n";
  return text;
}

bpmn::TimePoint At(const std::string& iso) {
  return *bpmn::model::ParseIsoDateTime(iso);
}

// Waits at a user task A whose non-interrupting timer (PT1H) offers a
// reminder task; then B.
const char kTimerBpmn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
             id="timer_defs" targetNamespace="urn:replay-test">
  <process id="reminded" isExecutable="true">
    <startEvent id="start"/>
    <userTask id="A" name="Do A"/>
    <boundaryEvent id="Timer_remind" attachedToRef="A" cancelActivity="false">
      <timerEventDefinition>
        <timeDuration xsi:type="tFormalExpression">PT1H</timeDuration>
      </timerEventDefinition>
    </boundaryEvent>
    <userTask id="Remind" name="Remind"/>
    <endEvent id="reminded_end"/>
    <userTask id="B" name="Do B"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="A"/>
    <sequenceFlow id="f2" sourceRef="A" targetRef="B"/>
    <sequenceFlow id="f3" sourceRef="B" targetRef="end"/>
    <sequenceFlow id="f4" sourceRef="Timer_remind" targetRef="Remind"/>
    <sequenceFlow id="f5" sourceRef="Remind" targetRef="reminded_end"/>
  </process>
</definitions>
)";

// Prepare throws the signal "ready", which the parallel branch catches: the
// catch is recorded as a signal input, though nothing came from outside.
const char kOwnSignalBpmn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             id="own_signal_defs" targetNamespace="urn:replay-test">
  <process id="own_signal" isExecutable="true">
    <startEvent id="start"/>
    <parallelGateway id="fork"/>
    <userTask id="Prepare"/>
    <intermediateThrowEvent id="Throw_ready">
      <signalEventDefinition signalRef="ready"/>
    </intermediateThrowEvent>
    <endEvent id="prepared"/>
    <intermediateCatchEvent id="Catch_ready">
      <signalEventDefinition signalRef="ready"/>
    </intermediateCatchEvent>
    <userTask id="Ship"/>
    <endEvent id="shipped"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
    <sequenceFlow id="f2" sourceRef="fork" targetRef="Prepare"/>
    <sequenceFlow id="f3" sourceRef="Prepare" targetRef="Throw_ready"/>
    <sequenceFlow id="f4" sourceRef="Throw_ready" targetRef="prepared"/>
    <sequenceFlow id="f5" sourceRef="fork" targetRef="Catch_ready"/>
    <sequenceFlow id="f6" sourceRef="Catch_ready" targetRef="Ship"/>
    <sequenceFlow id="f7" sourceRef="Ship" targetRef="shipped"/>
  </process>
  <signal id="ready" name="ready"/>
</definitions>
)";

// Two parallel branches catch the signal "go" from outside: one broadcast,
// two recorded deliveries; then each branch waits at a task.
const char kTwoCatchersBpmn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             id="two_catchers_defs" targetNamespace="urn:replay-test">
  <process id="two_catchers" isExecutable="true">
    <startEvent id="start"/>
    <parallelGateway id="fork"/>
    <intermediateCatchEvent id="Go_left">
      <signalEventDefinition signalRef="go"/>
    </intermediateCatchEvent>
    <intermediateCatchEvent id="Go_right">
      <signalEventDefinition signalRef="go"/>
    </intermediateCatchEvent>
    <userTask id="Left"/>
    <userTask id="Right"/>
    <parallelGateway id="join"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
    <sequenceFlow id="f2" sourceRef="fork" targetRef="Go_left"/>
    <sequenceFlow id="f3" sourceRef="fork" targetRef="Go_right"/>
    <sequenceFlow id="f4" sourceRef="Go_left" targetRef="Left"/>
    <sequenceFlow id="f5" sourceRef="Go_right" targetRef="Right"/>
    <sequenceFlow id="f6" sourceRef="Left" targetRef="join"/>
    <sequenceFlow id="f7" sourceRef="Right" targetRef="join"/>
    <sequenceFlow id="f8" sourceRef="join" targetRef="end"/>
  </process>
  <signal id="go" name="go"/>
</definitions>
)";

class HistoryReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (fs::temp_directory_path() / "history-replay-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    replay_.reset();
    engine_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs a scenario on a SQLite file of its own; returns the file.
  std::string Record(const fs::path& scenario) {
    std::string db = (dir_ / (scenario.stem().string() + ".db")).string();
    bpmnctl::ScenarioOptions options;
    options.store = bpmnctl::StoreMode::kSqlite;
    options.database = db;
    auto result = bpmnctl::RunScenario(scenario.string(), options);
    std::string failures;
    for (const auto& f : result.failures) failures += f + "\n";
    EXPECT_TRUE(result.passed) << scenario << "\n" << failures;
    return db;
  }

  // Opens an engine on the file (the real clock, as bpmnctl does) and the
  // replay on it.
  HistoryReplay& Open(const std::string& db) {
    replay_.reset();
    engine_.reset();
    store_.reset();
    auto store = bpmn::persistence::SqliteStore::Open(db);
    EXPECT_TRUE(store.has_value()) << db;
    store_ = std::move(*store);
    auto engine = bpmn::engine::Engine::Open(*store_, system_clock_);
    EXPECT_TRUE(engine.has_value());
    engine_ = std::move(*engine);
    auto replay = HistoryReplay::Open(*engine_);
    EXPECT_TRUE(replay.has_value());
    replay_ = std::move(*replay);
    return *replay_;
  }

  // Opens a fresh file with an engine on `clock`, for tests that drive it.
  bpmn::engine::Engine& Drive(bpmn::ManualClock& clock,
                              const std::string& xml) {
    db_ = (dir_ / "driven.db").string();
    auto store = bpmn::persistence::SqliteStore::Open(db_);
    EXPECT_TRUE(store.has_value());
    store_ = std::move(*store);
    auto engine = bpmn::engine::Engine::Open(*store_, clock);
    EXPECT_TRUE(engine.has_value());
    engine_ = std::move(*engine);
    auto deployed = engine_->Deploy("driven.bpmn", xml);
    EXPECT_TRUE(deployed.has_value())
        << (deployed ? "" : deployed.error().message);
    return *engine_;
  }

  // The id of the oldest open task of `element` in the instance's family.
  Id Task(bpmn::engine::Engine& engine, Id instance,
          const std::string& element) {
    for (const auto& ref : engine.runtime().OpenTasks(instance))
      if (ref.instance->node(ref.task->node).id == element) return ref.task->id;
    ADD_FAILURE() << "no open task " << element;
    return 0;
  }

  Recording Read(Id instance) {
    auto r = replay_->Read(instance);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? *r : Recording{};
  }

  ReplayOutcome Replay(const Recording& r, const std::string& xml = "") {
    ReplayDiagram target{"changed.bpmn", xml};
    auto o = replay_->Replay(r, xml.empty() ? nullptr : &target);
    EXPECT_TRUE(o.has_value()) << (o ? "" : o.error().message);
    return o ? *o : ReplayOutcome{};
  }

  // Writes the instance as a scenario into a folder of its own and runs it.
  bpmnctl::ScenarioResult WriteAndRun(const Recording& r,
                                      const std::string& name,
                                      const std::string& diagram = "") {
    fs::path folder = dir_ / name;
    fs::create_directories(folder);
    auto stored = replay_->Replay(r, nullptr);
    EXPECT_TRUE(stored.has_value());
    std::string file = (folder / (name + ".scenario.yaml")).string();
    auto written = bpmnctl::WriteScenario(*replay_, r, *stored, file, diagram);
    EXPECT_TRUE(written.has_value())
        << (written ? "" : written.error().message);
    return bpmnctl::RunScenario(file, {});
  }

  static std::string Failures(const bpmnctl::ScenarioResult& result) {
    std::string text;
    for (const auto& f : result.failures) text += f + "\n";
    return text;
  }

  fs::path dir_;
  std::string db_;
  bpmn::SystemClock system_clock_;
  std::unique_ptr<bpmn::store::Store> store_;
  std::unique_ptr<bpmn::engine::Engine> engine_;
  std::unique_ptr<HistoryReplay> replay_;
};

std::vector<fs::path> SampleScenarios() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kSamples + "/scenarios"))
    if (e.path().string().ends_with(".scenario.yaml"))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Every instance every sample scenario leaves in its SQLite file takes the
// same path, ends in the same state and waits at the same elements when its
// inputs run again on its own version.
TEST_F(HistoryReplayTest, EverySampleScenarioReplaysTheSameOnItsVersion) {
  auto scenarios = SampleScenarios();
  ASSERT_GE(scenarios.size(), 20u);
  std::size_t roots = 0, inputs = 0, called_inputs = 0, signals = 0,
              messages = 0, jobs = 0;
  for (const auto& scenario : scenarios) {
    HistoryReplay& replay = Open(Record(scenario));
    for (const auto& record : replay.instances()) {
      if (record.parent != 0) continue;
      ++roots;
      Recording r = Read(record.id);
      ReplayOutcome o = Replay(r);
      EXPECT_TRUE(o.same) << scenario.filename() << ": " << Explain(r, o);
      inputs += r.inputs.size();
      for (const auto& i : r.inputs) {
        if (i.instance != r.instance) ++called_inputs;
        if (i.kind == RecordedInput::Kind::kSignal) ++signals;
        if (i.kind == RecordedInput::Kind::kMessage) ++messages;
        if (i.kind == RecordedInput::Kind::kJobComplete ||
            i.kind == RecordedInput::Kind::kJobError)
          ++jobs;
      }
    }
  }
  // The samples exercise what replay must get right.
  EXPECT_GE(roots, scenarios.size());
  EXPECT_GT(inputs, 100u);
  EXPECT_GT(called_inputs, 0u);  // the lead calls a deal
  EXPECT_GT(messages, 0u);
  EXPECT_GT(jobs, 0u);
  (void)signals;
}

// Every such instance written out as a scenario passes the scenario runner.
TEST_F(HistoryReplayTest, EverySampleInstanceWrittenAsAScenarioPasses) {
  std::size_t written = 0;
  for (const auto& scenario : SampleScenarios()) {
    HistoryReplay& replay = Open(Record(scenario));
    for (const auto& record : replay.instances()) {
      if (record.parent != 0) continue;
      Recording r = Read(record.id);
      if (!r.default_start) continue;
      std::string name =
          scenario.stem().stem().string() + "-" + std::to_string(record.id);
      auto result = WriteAndRun(r, name);
      EXPECT_TRUE(result.passed)
          << name << "\n"
          << Failures(result)
          << ReadFile(dir_ / name / (name + ".scenario.yaml"));
      ++written;
    }
  }
  EXPECT_GE(written, 20u);
}

// A flipped decision sends the recorded deal down the other branch: it
// diverges right after the gateway, and the measurer's completion finds no
// task.
TEST_F(HistoryReplayTest, FlippedDecisionDivergesAfterTheGateway) {
  HistoryReplay& replay =
      Open(Record(kSamples + "/scenarios/deal_big_with_measure.scenario.yaml"));
  ASSERT_FALSE(replay.instances().empty());
  Recording r = Read(replay.instances().front().id);
  auto gateway = std::find(r.path.begin(), r.path.end(), "Gateway_needMeasure");
  ASSERT_NE(gateway, r.path.end()) << Join(r.path);
  const std::size_t after =
      static_cast<std::size_t>(gateway - r.path.begin()) + 1;

  std::string flipped = ReplaceAll(ReadFile(kSamples + "/deal_by_stages.bpmn"),
                                   "${needMeasure}", "${!needMeasure}");
  ReplayOutcome o = Replay(r, flipped);
  EXPECT_FALSE(o.same);
  ASSERT_TRUE(o.diverges_at.has_value()) << Explain(r, o);
  EXPECT_EQ(*o.diverges_at, after);
  EXPECT_EQ(o.recorded_element, "Task_measure");
  EXPECT_EQ(o.replayed_element, "Gateway_measureMerge");
  ASSERT_TRUE(o.failed_input.has_value()) << Explain(r, o);
  EXPECT_EQ(r.inputs[*o.failed_input].element, "Task_measure");
  EXPECT_EQ(r.inputs[*o.failed_input].kind, RecordedInput::Kind::kComplete);
}

// A renamed task cannot take its completion: the replay says so and waits at
// the renamed one.
TEST_F(HistoryReplayTest, RenamedTaskLeavesItsCompletionUnapplied) {
  HistoryReplay& replay =
      Open(Record(kSamples + "/scenarios/deal_big_with_measure.scenario.yaml"));
  Recording r = Read(replay.instances().front().id);
  std::string renamed = ReplaceAll(ReadFile(kSamples + "/deal_by_stages.bpmn"),
                                   "\"Task_estimate\"", "\"Task_price\"");
  ReplayOutcome o = Replay(r, renamed);
  EXPECT_FALSE(o.same);
  ASSERT_TRUE(o.failed_input.has_value()) << Explain(r, o);
  EXPECT_EQ(r.inputs[*o.failed_input].element, "Task_estimate");
  EXPECT_NE(o.failure.find("Task_estimate"), std::string::npos) << o.failure;
  EXPECT_EQ(o.waiting, std::vector<std::string>{"Task_price"});
  ASSERT_TRUE(o.diverges_at.has_value());
  EXPECT_EQ(o.recorded_element, "Task_estimate");
  EXPECT_EQ(o.replayed_element, "");  // the replay stopped there
}

// The reminder timer fired between two inputs: the replay fires it at the
// same point, so the reminder's completion finds its task. With the timer
// moved past the next input it cannot.
TEST_F(HistoryReplayTest, TimerThatFiredBetweenInputsReplaysTheSame) {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  auto& engine = Drive(clock, kTimerBpmn);
  auto id = engine.Start("reminded", {{"amount", 5}}, "R-1");
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(bpmnctl::AdvanceTo(engine, clock, At("2026-03-02T11:00:00Z")));
  ASSERT_TRUE(engine.CompleteTask(Task(engine, *id, "Remind"), "anna", {}));
  clock.Set(At("2026-03-02T12:00:00Z"));
  ASSERT_TRUE(
      engine.CompleteTask(Task(engine, *id, "A"), "anna", {{"done", true}}));
  clock.Set(At("2026-03-02T13:00:00Z"));
  ASSERT_TRUE(engine.CompleteTask(Task(engine, *id, "B"), "oleg", {}));

  Open(db_);
  Recording r = Read(*id);
  ASSERT_EQ(r.inputs.size(), 3u);
  EXPECT_EQ(r.state, "completed");
  auto timer = std::find(r.path.begin(), r.path.end(), "Timer_remind");
  ASSERT_NE(timer, r.path.end()) << Join(r.path);
  ReplayOutcome same = Replay(r);
  EXPECT_TRUE(same.same) << Explain(r, same);
  EXPECT_EQ(same.path, r.path);

  std::string later = ReplaceAll(kTimerBpmn, ">PT1H<", ">PT5H<");
  ReplayOutcome o = Replay(r, later);
  EXPECT_FALSE(o.same);
  ASSERT_TRUE(o.diverges_at.has_value());
  EXPECT_EQ(*o.diverges_at, static_cast<std::size_t>(timer - r.path.begin()));
  EXPECT_EQ(o.recorded_element, "Timer_remind");
  ASSERT_TRUE(o.failed_input.has_value());
  EXPECT_EQ(*o.failed_input, 0u);  // the reminder's completion

  auto result = WriteAndRun(r, "reminded");
  EXPECT_TRUE(result.passed) << Failures(result);
}

// A signal the instance throws to itself is recorded as a delivery, but
// replaying it must not broadcast it again (there is nothing left to catch
// it); the written scenario has no step for it.
TEST_F(HistoryReplayTest, OwnSignalIsNotSentAgain) {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  auto& engine = Drive(clock, kOwnSignalBpmn);
  auto id = engine.Start("own_signal", {});
  ASSERT_TRUE(id.has_value());
  clock.Set(At("2026-03-02T10:00:00Z"));
  ASSERT_TRUE(engine.CompleteTask(Task(engine, *id, "Prepare"), "anna", {}));
  clock.Set(At("2026-03-02T11:00:00Z"));
  ASSERT_TRUE(engine.CompleteTask(Task(engine, *id, "Ship"), "anna", {}));

  Open(db_);
  Recording r = Read(*id);
  ASSERT_EQ(r.inputs.size(), 3u);
  EXPECT_EQ(r.inputs[1].kind, RecordedInput::Kind::kSignal);
  ReplayOutcome o = Replay(r);
  EXPECT_TRUE(o.same) << Explain(r, o);
  EXPECT_EQ(o.applied, (std::vector<bool>{true, false, true}));

  auto result = WriteAndRun(r, "own_signal");
  EXPECT_TRUE(result.passed) << Failures(result);
  EXPECT_EQ(ReadFile(dir_ / "own_signal" / "own_signal.scenario.yaml")
                .find("- signal:"),
            std::string::npos);
}

// One broadcast reaching two catchers of the instance is recorded twice and
// sent once.
TEST_F(HistoryReplayTest, OneBroadcastToTwoCatchersIsSentOnce) {
  bpmn::ManualClock clock(At("2026-03-02T09:00:00Z"));
  auto& engine = Drive(clock, kTwoCatchersBpmn);
  auto id = engine.Start("two_catchers", {});
  ASSERT_TRUE(id.has_value());
  clock.Set(At("2026-03-02T10:00:00Z"));
  auto delivered = engine.BroadcastSignal("go", {{"gone", true}});
  ASSERT_TRUE(delivered.has_value());
  ASSERT_EQ(*delivered, 2);
  ASSERT_TRUE(engine.CompleteTask(Task(engine, *id, "Left"), "anna", {}));

  Open(db_);
  Recording r = Read(*id);
  ASSERT_EQ(r.inputs.size(), 3u);
  ReplayOutcome o = Replay(r);
  EXPECT_TRUE(o.same) << Explain(r, o);
  EXPECT_EQ(o.applied, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(o.waiting, std::vector<std::string>{"Right"});

  auto result = WriteAndRun(r, "two_catchers");
  EXPECT_TRUE(result.passed) << Failures(result);
}

// A called instance is replayed with its root, not alone.
TEST_F(HistoryReplayTest, CalledInstanceIsReplayedWithItsRoot) {
  HistoryReplay& replay =
      Open(Record(kSamples + "/scenarios/lead_reply_convert.scenario.yaml"));
  const bpmn::store::InstanceRecord* child = nullptr;
  for (const auto& record : replay.instances())
    if (record.parent != 0) child = &record;
  ASSERT_NE(child, nullptr);
  auto refused = replay.Read(child->id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, bpmn::ErrorCode::kState);
  EXPECT_EQ(replay.RootOf(child->id), child->parent);

  Recording r = Read(child->parent);
  EXPECT_EQ(r.definitions.back(), r.definitions_id);
  bool child_input = false;
  for (const auto& i : r.inputs) child_input |= i.instance == child->id;
  EXPECT_TRUE(child_input);
  EXPECT_TRUE(Replay(r).same);

  // Only the called process changed (its first task renamed): the root runs
  // on its recorded diagram with the changed one over it, and diverges where
  // the renamed task's completion finds no task.
  std::string deal = ReadFile(kSamples + "/deal_by_stages.bpmn");
  const std::string id = "\"Task_accept\"";
  for (auto at = deal.find(id); at != std::string::npos; at = deal.find(id))
    deal.replace(at, id.size(), "\"Task_take\"");
  ReplayOutcome changed = Replay(r, deal);
  EXPECT_FALSE(changed.same);
  ASSERT_TRUE(changed.failed_input.has_value());
  ASSERT_LT(*changed.failed_input, r.inputs.size()) << changed.failure;
  EXPECT_EQ(r.inputs[*changed.failed_input].element, "Task_accept");
}

}  // namespace
