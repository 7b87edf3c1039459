// What a user of the durable engine relies on, checked on a real SQLite file:
// a command that fails at any write inside its commit changes nothing (in the
// store and in memory) and can be retried; timers due while the engine was
// down fire once after a restart; moving the clock back fires nothing twice;
// a timer cycle keeps its count across restarts; a full disk fails a command
// cleanly; two engines on one file never apply one task twice; an instance
// continues after a restart exactly as without one; a failed group commit
// leaves nothing behind; a commit of another engine during a command is
// retried. Each test runs in its own temp directory with a ManualClock.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bpmn/clock.h"
#include "bpmn/result.h"
#include "bpmn/store.h"
#include "expr/value.h"
#include "facade/codec.h"
#include "facade/engine.h"
#include "model/definitions.h"
#include "persistence/memory_store.h"
#include "persistence/schema.h"
#include "persistence/sqlite_store.h"
#include "runtime/event.h"
#include "runtime/runtime.h"

namespace {

namespace fs = std::filesystem;
using bpmn::ErrorCode;
using bpmn::ManualClock;
using bpmn::Result;
using bpmn::TimePoint;
using bpmn::engine::Engine;
using bpmn::engine::EngineOptions;
using bpmn::persistence::MemoryStore;
using bpmn::persistence::SqliteOptions;
using bpmn::persistence::SqliteStore;
using bpmn::runtime::EventType;
using bpmn::runtime::Id;
using bpmn::runtime::InstanceStatus;
using bpmn::runtime::Variables;
using std::chrono::hours;
using std::chrono::minutes;

TimePoint T0() {
  return TimePoint(
      std::chrono::sys_days(std::chrono::year(2026) / std::chrono::March / 2) +
      hours(9));
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string W3() {
  return ReadText(fs::path(BPMN_WORKLOADS_DIR) / "w3-deal-stages.bpmn");
}

Variables Deal() { return {{"amount", 50000}}; }

std::string Definitions(const std::string& processes) {
  return "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
         "id=\"d\" targetNamespace=\"urn:test\">" +
         processes + "</definitions>";
}

// start -> intermediate timer catch `<id>_t` (duration) -> end; element ids
// are prefixed with the process id, so several fit in one file.
std::string TimerProcess(const std::string& id, const std::string& duration) {
  const std::string p = id + "_";
  return "<process id=\"" + id + "\" isExecutable=\"true\">" +
         "<startEvent id=\"" + p + "s\"/>" + "<intermediateCatchEvent id=\"" +
         p + "t\"><timerEventDefinition><timeDuration>" + duration +
         "</timeDuration></timerEventDefinition></intermediateCatchEvent>" +
         "<endEvent id=\"" + p + "e\"/>" + "<sequenceFlow id=\"" + p +
         "f1\" sourceRef=\"" + p + "s\" targetRef=\"" + p + "t\"/>" +
         "<sequenceFlow id=\"" + p + "f2\" sourceRef=\"" + p +
         "t\" targetRef=\"" + p + "e\"/>" + "</process>";
}

// A timer start event repeating three times, an hour apart.
std::string CycleProcess() {
  return "<process id=\"cycle\" isExecutable=\"true\">"
         "<startEvent id=\"tick\"><timerEventDefinition>"
         "<timeCycle>R3/PT1H</timeCycle></timerEventDefinition></startEvent>"
         "<endEvent id=\"e\"/>"
         "<sequenceFlow id=\"f1\" sourceRef=\"tick\" targetRef=\"e\"/>"
         "</process>";
}

// The user tasks of W3 on its happy path (amount = 50000).
const std::vector<std::string> kW3HappyPath = {
    "register",    "qualify", "measure", "estimate",
    "legalReview", "invoice", "ship",    "close"};

// A store and the engine on it; the engine goes first.
struct Session {
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<Engine> engine;
  explicit operator bool() const { return store && engine; }
  Engine& operator*() { return *engine; }
  Engine* operator->() { return engine.get(); }
};

std::unique_ptr<SqliteStore> OpenStore(const std::string& path,
                                       const SqliteOptions& options = {}) {
  auto store = SqliteStore::Open(path, options);
  if (!store) {
    ADD_FAILURE() << "opening " << path << ": " << store.error().message;
    return nullptr;
  }
  return std::move(*store);
}

std::unique_ptr<Engine> OpenEngine(bpmn::store::Store& store,
                                   const bpmn::Clock& clock,
                                   EngineOptions options = {}) {
  auto engine = Engine::Open(store, clock, options);
  if (!engine) {
    ADD_FAILURE() << "opening the engine: " << engine.error().message;
    return nullptr;
  }
  return std::move(*engine);
}

Session OpenSession(const std::string& path, const bpmn::Clock& clock,
                    EngineOptions options = {},
                    const SqliteOptions& sqlite = {}) {
  Session s;
  s.store = OpenStore(path, sqlite);
  if (s.store) s.engine = OpenEngine(*s.store, clock, options);
  return s;
}

// Copies a closed database (and its WAL, if one was left) to `to`.
void CopyDatabase(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(to + suffix);
  fs::copy_file(from, to);
  if (fs::exists(from + "-wal")) fs::copy_file(from + "-wal", to + "-wal");
}

// The events of one instance (all with 0) as the store keeps them, decoded.
std::vector<bpmn::runtime::Event> HistoryOf(bpmn::store::Store& store,
                                            Id instance) {
  std::vector<bpmn::runtime::Event> out;
  auto records = store.History(instance);
  if (!records) {
    ADD_FAILURE() << "history: " << records.error().message;
    return out;
  }
  for (const auto& record : *records) {
    auto events = bpmn::engine::DecodeEvents(record);
    if (!events) {
      ADD_FAILURE() << "decoding history: " << events.error().message;
      continue;
    }
    EXPECT_EQ(static_cast<std::int64_t>(events->size()), record.count);
    for (auto& e : *events) out.push_back(std::move(e));
  }
  return out;
}

// Events of `type`, about `element` when it is given (resolved in `defs`).
std::size_t CountEvents(const std::vector<bpmn::runtime::Event>& events,
                        EventType type,
                        const bpmn::model::Definitions* defs = nullptr,
                        const std::string& element = {}) {
  std::size_t n = 0;
  for (const auto& e : events) {
    if (e.type != type) continue;
    if (!element.empty() && (!defs || e.node == bpmn::model::kNoIndex ||
                             defs->node(e.node).id != element))
      continue;
    ++n;
  }
  return n;
}

// What a fresh connection, without faults, reads from the file.
struct StoreView {
  std::vector<std::string> instances;  // id, revision, state, snapshot hash
  std::vector<std::string> tasks;
  std::vector<std::string> timers;
  std::string engine;  // revision and hash of the engine row
  std::size_t definitions = 0;
  std::size_t events = 0;
  bool operator==(const StoreView&) const = default;
};

void PrintTo(const StoreView& v, std::ostream* os) {
  *os << "{definitions=" << v.definitions << " events=" << v.events
      << " engine=" << v.engine << " instances=[";
  for (const auto& i : v.instances) *os << i << "; ";
  *os << "] tasks=[";
  for (const auto& t : v.tasks) *os << t << "; ";
  *os << "] timers=[";
  for (const auto& t : v.timers) *os << t << "; ";
  *os << "]}";
}

std::string Hash(const std::string& bytes) {
  return std::to_string(bytes.size()) + ":" +
         std::to_string(std::hash<std::string>{}(bytes));
}

StoreView ViewOf(const std::string& path) {
  StoreView v;
  auto store = OpenStore(path);
  if (!store) return v;
  auto instances = store->Instances("");
  auto tasks = store->Tasks({});
  auto timers = store->Timers(0);
  auto state = store->Load(true);
  if (!instances || !tasks || !timers || !state) {
    ADD_FAILURE() << "reading " << path;
    return v;
  }
  for (const auto& i : *instances)
    v.instances.push_back(std::to_string(i.id) + " rev " +
                          std::to_string(i.revision) + " " + i.state + " " +
                          Hash(i.snapshot));
  for (const auto& t : *tasks) {
    std::string roles;
    for (const auto& r : t.roles) roles += r + ",";
    v.tasks.push_back(std::to_string(t.id) + " of " +
                      std::to_string(t.instance) + " " + t.element_id +
                      " roles=" + roles + " assignee=" + t.assignee);
  }
  for (const auto& t : *timers)
    v.timers.push_back(std::to_string(t.id) + " of " +
                       std::to_string(t.instance) + " " + t.element_id + " " +
                       std::to_string(t.due));
  if (state->engine)
    v.engine = std::to_string(state->engine->revision) + " " +
               Hash(state->engine->data);
  v.definitions = state->definitions.size();
  v.events = HistoryOf(*store, 0).size();
  return v;
}

// The engine's instances in memory, encoded.
std::map<Id, std::string> MemoryOf(const Engine& engine) {
  std::map<Id, std::string> out;
  for (const auto* s : engine.runtime().Instances())
    out[s->id] = bpmn::engine::EncodeInstance(*s);
  return out;
}

std::string StateOf(bpmn::store::Store& store, Id instance) {
  auto r = store.LoadInstance(instance);
  if (!r || !*r) return "<missing>";
  return (*r)->state;
}

// The first open task of an instance, or 0.
Id CurrentTask(const Engine& engine, Id instance) {
  auto tasks = engine.runtime().OpenTasks(instance);
  return tasks.empty() ? 0 : tasks.front().task->id;
}

Result<void> Done(const Result<Id>& r) {
  if (!r) return tl::unexpected(r.error());
  return {};
}

class Durability : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        fs::temp_directory_path() /
        ("bpmn-durability-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }

  fs::path dir_;
};

// ---------------------------------------------------------------------------
// 1. A fault at every statement of one commit.

struct FaultCommand {
  std::string name;
  std::function<Result<void>(Engine&)> run;
};

// `base` holds W3 deployed and one instance started. For k = 1, 2, ... the
// command runs on a copy of `base` whose k-th write statement fails; every
// failure must leave the store and the engine's memory as they were, and the
// same command retried on the same engine must give what a run without any
// fault gives. Returns the number of statements of the command's commit.
std::int64_t InjectEveryFault(const std::string& base,
                              const std::string& work_path,
                              const std::string& reference_path,
                              const ManualClock& clock,
                              const FaultCommand& command) {
  SCOPED_TRACE(command.name);
  // The outcome without a fault.
  CopyDatabase(base, reference_path);
  std::map<Id, std::string> reference_memory;
  std::int64_t statements = 0;
  {
    Session s = OpenSession(reference_path, clock);
    if (!s) return 0;
    const std::int64_t before = s.store->statements_executed();
    auto r = command.run(*s);
    EXPECT_TRUE(r) << r.error().message;
    statements = s.store->statements_executed() - before;
    reference_memory = MemoryOf(*s);
  }
  const StoreView reference = ViewOf(reference_path);
  EXPECT_GT(statements, 2) << "BEGIN, some writes, COMMIT";

  // Opening the store and the engine runs no statement of Commit; the offset
  // is measured anyway.
  std::int64_t offset = 0;
  {
    CopyDatabase(base, work_path);
    Session probe = OpenSession(work_path, clock);
    if (!probe) return 0;
    offset = probe.store->statements_executed();
    EXPECT_EQ(offset, 0) << "opening ran statements of Commit";
  }

  int failures = 0;
  std::int64_t succeeded_at = 0;
  for (std::int64_t k = 1; k <= 1000; ++k) {
    SCOPED_TRACE("failing statement " + std::to_string(k));
    CopyDatabase(base, work_path);
    const StoreView before = ViewOf(work_path);
    SqliteOptions faulty;
    faulty.fail_at_statement = offset + k;
    Session s = OpenSession(work_path, clock, {}, faulty);
    if (!s) return 0;
    const auto memory_before = MemoryOf(*s);
    auto r = command.run(*s);
    if (r) {
      succeeded_at = k;
      EXPECT_EQ(ViewOf(work_path), reference);
      EXPECT_TRUE(MemoryOf(*s) == reference_memory);
      break;
    }
    ++failures;
    EXPECT_EQ(r.error().code, ErrorCode::kIo) << r.error().message;
    EXPECT_NE(r.error().message.find("injected"), std::string::npos)
        << r.error().message;
    EXPECT_TRUE(MemoryOf(*s) == memory_before)
        << "the engine's memory changed after a failed commit";
    EXPECT_EQ(ViewOf(work_path), before)
        << "the store changed after a failed commit";
    // The fault was transient: the same command on the same engine now
    // succeeds, exactly as it would have without the fault.
    auto retried = command.run(*s);
    EXPECT_TRUE(retried) << retried.error().message;
    EXPECT_EQ(ViewOf(work_path), reference);
    EXPECT_TRUE(MemoryOf(*s) == reference_memory)
        << "a retry after a failed commit gives another state";
  }
  EXPECT_GT(succeeded_at, 0) << "the command never succeeded";
  EXPECT_GE(failures, 5);
  EXPECT_EQ(succeeded_at, statements + 1)
      << "every statement of the commit must be a point of failure";
  return statements;
}

TEST_F(Durability, FaultAtEveryStatementOfOneCommandChangesNothing) {
  ManualClock clock(T0());
  const std::string base = Path("base.db");
  Id instance = 0;
  Id task = 0;
  {
    Session s = OpenSession(base, clock);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->Deploy("w3-deal-stages.bpmn", W3()));
    auto started = s->Start("w3", Deal(), "DEAL-1");
    ASSERT_TRUE(started) << started.error().message;
    instance = *started;
    task = CurrentTask(*s, instance);
    ASSERT_NE(task, 0u);
  }
  clock.Advance(hours(1));

  const FaultCommand complete{
      "complete the current task", [&](Engine& e) {
        return e.CompleteTask(task, "anna", {{"note", "ok"}});
      }};
  const FaultCommand start{"start", [&](Engine& e) {
                             return Done(e.Start("w3", Deal(), "DEAL-2"));
                           }};
  for (const FaultCommand* command : {&complete, &start}) {
    const std::int64_t statements = InjectEveryFault(
        base, Path("work.db"), Path("reference.db"), clock, *command);
    std::cout << "[ figures  ] " << command->name << ": " << statements
              << " statements in its commit, each one failed once" << std::endl;
  }
}

// The same for a timer firing: W3's 48-hour boundary on the legal review
// interrupts it and creates the escalation job.
TEST_F(Durability, FaultAtEveryStatementOfATimerFiringChangesNothing) {
  ManualClock clock(T0());
  const std::string base = Path("base.db");
  Id instance = 0;
  {
    Session s = OpenSession(base, clock);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->Deploy("w3-deal-stages.bpmn", W3()));
    auto started = s->Start("w3", Deal(), "DEAL-1");
    ASSERT_TRUE(started) << started.error().message;
    instance = *started;
    for (int i = 0; i < 4; ++i)
      ASSERT_TRUE(s->CompleteTask(CurrentTask(*s, instance), "anna", {}));
    ASSERT_EQ(s->runtime().Waiting(instance),
              std::vector<std::string>{"legalReview"});
  }
  clock.Advance(hours(49));
  const FaultCommand fire{"fire the due timer",
                          [](Engine& e) { return e.FireDue(); }};
  const std::int64_t statements = InjectEveryFault(
      base, Path("work.db"), Path("reference.db"), clock, fire);
  std::cout << "[ figures  ] " << fire.name << ": " << statements
            << " statements in its commit, each one failed once" << std::endl;
  // The reference run did fire: the review was interrupted.
  Session s = OpenSession(Path("reference.db"), clock);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->runtime().Waiting(instance),
            std::vector<std::string>{"escalate"});
  auto jobs = s.store->Jobs("");
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->size(), 1u);
}

// ---------------------------------------------------------------------------
// 2. Timers that fall due while no engine runs.

TEST_F(Durability, TimersDueDuringDowntimeFireOnceAfterRestart) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  std::vector<Id> ids;
  std::int64_t definitions_id = 0;
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    auto deployed =
        s->Deploy("timer.bpmn", Definitions(TimerProcess("p", "PT1H")));
    ASSERT_TRUE(deployed) << deployed.error().message;
    definitions_id = deployed->front().definitions_id;
    for (int i = 0; i < 100; ++i) {
      auto id = s->Start("p", {});
      ASSERT_TRUE(id) << id.error().message;
      ids.push_back(*id);
    }
    EXPECT_EQ(s->NextDue(), T0() + hours(1));
  }
  clock.Advance(hours(2));
  std::size_t events = 0;
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->runtime().Instances().size(), 100u);
    EXPECT_EQ(s->NextDue(), T0() + hours(1));
    const auto defs = s->DefinitionsById(definitions_id);
    ASSERT_TRUE(defs);
    ASSERT_TRUE(s->FireDue());
    for (Id id : ids) {
      SCOPED_TRACE("instance " + std::to_string(id));
      EXPECT_EQ(StateOf(*s.store, id), "completed");
      auto history = HistoryOf(*s.store, id);
      EXPECT_EQ(
          CountEvents(history, EventType::kElementCompleted, defs.get(), "p_t"),
          1u);
      EXPECT_EQ(
          CountEvents(history, EventType::kTimerClosed, defs.get(), "p_t"), 1u);
      EXPECT_EQ(CountEvents(history, EventType::kInstanceCompleted), 1u);
    }
    auto timers = s.store->Timers(0);
    ASSERT_TRUE(timers);
    EXPECT_TRUE(timers->empty()) << timers->size() << " timer rows left";
    EXPECT_FALSE(s->NextDue());
    events = HistoryOf(*s.store, 0).size();
    ASSERT_TRUE(s->FireDue());
    EXPECT_EQ(HistoryOf(*s.store, 0).size(), events);
  }
  clock.Advance(hours(1));
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->runtime().Instances().empty());
    ASSERT_TRUE(s->FireDue());
    EXPECT_EQ(HistoryOf(*s.store, 0).size(), events);
    auto completed = s.store->Instances("completed");
    ASSERT_TRUE(completed);
    EXPECT_EQ(completed->size(), 100u);
  }
}

// ---------------------------------------------------------------------------
// 3. The clock moved back an hour and forward again.

TEST_F(Durability, ClockMovedBackAndForwardFiresEachTimerOnce) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  std::map<std::string, std::vector<Id>> by_process;
  const std::vector<std::string> keys = {"p30", "p60", "p90"};
  auto timer_closings = [&](SqliteStore& store) {
    std::map<Id, std::size_t> out;
    for (const auto& [key, ids] : by_process)
      for (Id id : ids)
        out[id] = CountEvents(HistoryOf(store, id), EventType::kTimerClosed);
    return out;
  };
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    ASSERT_TRUE(
        s->Deploy("timers.bpmn", Definitions(TimerProcess("p30", "PT30M") +
                                             TimerProcess("p60", "PT60M") +
                                             TimerProcess("p90", "PT90M"))));
    for (int i = 0; i < 3; ++i) {
      for (const auto& key : keys) {
        auto id = s->Start(key, {});
        ASSERT_TRUE(id) << id.error().message;
        by_process[key].push_back(*id);
      }
    }
  }

  clock.Set(T0() + minutes(45));
  std::size_t events = 0;
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->FireDue());
    for (const auto& [key, ids] : by_process)
      for (Id id : ids)
        EXPECT_EQ(StateOf(*s.store, id), key == "p30" ? "completed" : "active")
            << key << " instance " << id;
    for (const auto& [key, ids] : by_process)
      for (Id id : ids)
        EXPECT_EQ(timer_closings(*s.store)[id], key == "p30" ? 1u : 0u)
            << key << " instance " << id;
    events = HistoryOf(*s.store, 0).size();

    // Back one hour: before every remaining due time, and before the fired
    // ones too.
    clock.Set(T0() - minutes(15));
    ASSERT_TRUE(s->FireDue());
    EXPECT_EQ(HistoryOf(*s.store, 0).size(), events)
        << "something fired after the clock went back";
    EXPECT_EQ(s->NextDue(), T0() + minutes(60));
  }
  {
    // And after a restart with the clock still behind.
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->FireDue());
    EXPECT_EQ(HistoryOf(*s.store, 0).size(), events);
    for (Id id : by_process["p60"]) EXPECT_EQ(StateOf(*s.store, id), "active");
    for (Id id : by_process["p90"]) EXPECT_EQ(StateOf(*s.store, id), "active");

    clock.Set(T0() + hours(2));
    ASSERT_TRUE(s->FireDue());
    for (const auto& [key, ids] : by_process)
      for (Id id : ids)
        EXPECT_EQ(StateOf(*s.store, id), "completed")
            << key << " instance " << id;
    for (const auto& [id, n] : timer_closings(*s.store))
      EXPECT_EQ(n, 1u) << "instance " << id << " timer fired " << n << " times";
    EXPECT_FALSE(s->NextDue());
    const std::size_t all = HistoryOf(*s.store, 0).size();
    ASSERT_TRUE(s->FireDue());
    EXPECT_EQ(HistoryOf(*s.store, 0).size(), all);
  }
}

// ---------------------------------------------------------------------------
// 4. A timer cycle counts its repetitions across restarts.

TEST_F(Durability, TimerCycleKeepsItsCountAcrossRestarts) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  const std::string xml = Definitions(CycleProcess());
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    auto deployed = s->Deploy("cycle.bpmn", xml);
    ASSERT_TRUE(deployed) << deployed.error().message;
    EXPECT_EQ(s->NextDue(), T0() + hours(1));
    auto timers = s.store->Timers(0);
    ASSERT_TRUE(timers);
    EXPECT_EQ(timers->size(), 1u) << "the start timer is stored";
  }
  for (int hour = 1; hour <= 6; ++hour) {
    SCOPED_TRACE("hour " + std::to_string(hour));
    clock.Advance(hours(1));
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    // A server deploys its diagrams again at every boot: identical XML is no
    // new version and does not arm the cycle again.
    auto again = s->Deploy("cycle.bpmn", xml);
    ASSERT_TRUE(again) << again.error().message;
    ASSERT_EQ(again->size(), 1u);
    EXPECT_FALSE(again->front().new_version);
    ASSERT_TRUE(s->FireDue());
    auto instances = s.store->Instances("");
    ASSERT_TRUE(instances);
    EXPECT_EQ(instances->size(), static_cast<std::size_t>(std::min(hour, 3)));
    if (hour < 3) {
      EXPECT_EQ(s->NextDue(), T0() + hours(hour + 1));
    } else {
      EXPECT_FALSE(s->NextDue());
      auto timers = s.store->Timers(0);
      ASSERT_TRUE(timers);
      EXPECT_TRUE(timers->empty());
    }
  }
}

// ---------------------------------------------------------------------------
// 5. A full disk.

TEST_F(Durability, DiskFullFailsTheCommandCleanly) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  Session s = OpenSession(path, clock);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->Deploy("w3-deal-stages.bpmn", W3()));
  ASSERT_TRUE(s->Start("w3", Deal()));
  // SQLite keeps the limit at the current size: the next growth fails.
  ASSERT_TRUE(s.store->SetMaxPageCount(1));

  std::optional<bpmn::Error> failure;
  StoreView before;
  std::map<Id, std::string> memory_before;
  int started = 0;
  for (int i = 0; i < 2000 && !failure; ++i) {
    before = ViewOf(path);
    memory_before = MemoryOf(*s);
    clock.Advance(minutes(1));
    auto r = s->Start("w3", Deal(), "DEAL-" + std::to_string(i));
    if (r)
      ++started;
    else
      failure = r.error();
  }
  ASSERT_TRUE(failure) << "the store never filled up";
  std::cout << "[ figures  ] disk full after " << started << " more instances"
            << std::endl;
  EXPECT_EQ(failure->code, ErrorCode::kIo) << failure->message;
  EXPECT_NE(failure->message.find("disk full"), std::string::npos)
      << failure->message;
  EXPECT_EQ(ViewOf(path), before);
  EXPECT_TRUE(MemoryOf(*s) == memory_before)
      << "the engine's memory changed after a failed commit";

  ASSERT_TRUE(s.store->SetMaxPageCount(std::int64_t{1} << 30));
  auto r = s->Start("w3", Deal(), "DEAL-again");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(StateOf(*s.store, *r), "active");
  EXPECT_EQ(s->runtime().Waiting(*r), std::vector<std::string>{"register"});
  auto instances = s.store->Instances("");
  ASSERT_TRUE(instances);
  EXPECT_EQ(instances->size(), before.instances.size() + 1);
  auto check = s.store->IntegrityCheck();
  ASSERT_TRUE(check);
  EXPECT_EQ(*check, "ok");
}

// ---------------------------------------------------------------------------
// 6. Two engines on one file.

// How often the closing of `task` is in the store's history.
std::size_t Closings(bpmn::store::Store& store, Id task) {
  std::size_t n = 0;
  for (const auto& e : HistoryOf(store, 0))
    if (e.type == EventType::kTaskClosed && e.item == task) ++n;
  return n;
}

TEST_F(Durability, TwoEnginesCompletingOneTaskApplyItOnce) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  auto x = a->Start("w3", Deal(), "X");
  ASSERT_TRUE(x);
  const Id task = CurrentTask(*a, *x);
  Session b = OpenSession(path, clock);
  ASSERT_TRUE(b);
  ASSERT_EQ(CurrentTask(*b, *x), task);

  // Both run the completion; B's write reaches the store after A's commit.
  b->BeginGroup();
  auto in_b = b->CompleteTask(task, "boris", {{"by", "b"}});
  ASSERT_TRUE(in_b) << in_b.error().message;
  auto in_a = a->CompleteTask(task, "anna", {{"by", "a"}});
  ASSERT_TRUE(in_a) << in_a.error().message;
  auto committed_b = b->CommitGroup();
  ASSERT_FALSE(committed_b);
  EXPECT_EQ(committed_b.error().code, ErrorCode::kConflict)
      << committed_b.error().message;
  EXPECT_EQ(Closings(*a.store, task), 1u);
  // B reloaded: it sees A's completion, and trying again is refused.
  EXPECT_EQ(b->runtime().Waiting(*x), std::vector<std::string>{"qualify"});
  ASSERT_NE(b->runtime().RootVariables(*x), nullptr);
  EXPECT_EQ(bpmn::expr::ToJson(b->runtime().RootVariables(*x)->at("by")),
            "\"a\"");
  const std::size_t events = HistoryOf(*a.store, 0).size();
  auto again = b->CompleteTask(task, "boris", {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound) << again.error().message;
  EXPECT_EQ(HistoryOf(*a.store, 0).size(), events);

  // A commits something unrelated; B's next command on another instance
  // still succeeds, and neither instance is lost.
  auto y = a->Start("w3", Deal(), "Y");
  ASSERT_TRUE(y) << y.error().message;
  const Id qualify = CurrentTask(*b, *x);
  auto next_b = b->CompleteTask(qualify, "boris", {});
  ASSERT_TRUE(next_b) << next_b.error().message;
  auto y_task = a->CompleteTask(CurrentTask(*a, *y), "anna", {});
  ASSERT_TRUE(y_task) << y_task.error().message;
  {
    Session c = OpenSession(path, clock);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->runtime().Waiting(*x), std::vector<std::string>{"measure"});
    EXPECT_EQ(c->runtime().Waiting(*y), std::vector<std::string>{"qualify"});
    auto active = c.store->Instances("active");
    ASSERT_TRUE(active);
    EXPECT_EQ(active->size(), 2u);
  }
  // Queries read memory; a reload brings in the other engine's commits.
  ASSERT_TRUE(a->Reload());
  ASSERT_TRUE(b->Reload());
  EXPECT_EQ(a->runtime().Waiting(*x), std::vector<std::string>{"measure"});
  EXPECT_EQ(b->runtime().Waiting(*y), std::vector<std::string>{"qualify"});
}

// A group begun after another engine committed runs on the current state,
// as a single command does: it commits, and nothing of either engine is lost.
TEST_F(Durability, GroupAfterAnotherEnginesCommitStillCommits) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  Session b = OpenSession(path, clock);
  ASSERT_TRUE(b);
  auto y = a->Start("w3", Deal(), "by A");
  ASSERT_TRUE(y) << y.error().message;

  b->BeginGroup();
  std::vector<Id> group;
  for (int i = 0; i < 5; ++i) {
    auto id = b->Start("w3", Deal(), "by B " + std::to_string(i));
    ASSERT_TRUE(id) << id.error().message;
    group.push_back(*id);
  }
  auto committed = b->CommitGroup();
  EXPECT_TRUE(committed) << committed.error().message;
  auto all = b.store->Instances("");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), committed ? 6u : 1u);
  EXPECT_EQ(StateOf(*b.store, *y), "active");
  for (Id id : group) EXPECT_NE(id, *y) << "B reused A's instance id";
}

TEST_F(Durability, TwoEnginesInTwoThreadsRaceOnOneTask) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  Session b = OpenSession(path, clock);
  ASSERT_TRUE(b);
  int conflicts = 0;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto id = a->Start("w3", Deal());
    ASSERT_TRUE(id);
    ASSERT_TRUE(b->Reload());
    const Id task = CurrentTask(*a, *id);
    ASSERT_EQ(CurrentTask(*b, *id), task);
    std::latch go(2);
    Result<void> ra, rb;
    std::thread ta([&] {
      go.arrive_and_wait();
      ra = a->CompleteTask(task, "anna", {});
    });
    std::thread tb([&] {
      go.arrive_and_wait();
      rb = b->CompleteTask(task, "boris", {});
    });
    ta.join();
    tb.join();
    ASSERT_NE(static_cast<bool>(ra), static_cast<bool>(rb))
        << "exactly one of the two completions succeeds";
    const bpmn::Error& lost = ra ? rb.error() : ra.error();
    // The loser either ran on the state before the winner's commit (the
    // store refuses its write) or after it (the task is gone).
    EXPECT_TRUE(lost.code == ErrorCode::kConflict ||
                lost.code == ErrorCode::kNotFound)
        << lost.message;
    if (lost.code == ErrorCode::kConflict) ++conflicts;
    EXPECT_EQ(Closings(*a.store, task), 1u);
  }
  std::cout << "[ figures  ] " << conflicts << " of " << kRounds
            << " races lost with kConflict, the rest with kNotFound"
            << std::endl;
}

// A process whose service task `hook` runs an in-process handler; with
// `task_first`, a user task `first` comes before it.
std::string HookedProcess(const std::string& id, bool task_first) {
  std::string p = "<process id=\"" + id +
                  "\" isExecutable=\"true\"><startEvent id=\"s\"/>"
                  "<serviceTask id=\"hook\"/><userTask id=\"work\"/>"
                  "<endEvent id=\"e\"/>"
                  "<sequenceFlow id=\"f2\" sourceRef=\"hook\" "
                  "targetRef=\"work\"/>"
                  "<sequenceFlow id=\"f3\" sourceRef=\"work\" "
                  "targetRef=\"e\"/>";
  if (task_first) {
    p += "<userTask id=\"first\"/>"
         "<sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"first\"/>"
         "<sequenceFlow id=\"f1\" sourceRef=\"first\" targetRef=\"hook\"/>";
  } else {
    p += "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"hook\"/>";
  }
  return Definitions(p + "</process>");
}

// The same interleaving made deterministic: a command of engine B runs a
// service task whose in-process handler lets engine A commit a start, so A
// commits after B refreshed and before B commits. B's command touches no
// instance A touched: like any command that finds "another writer committed
// elsewhere in the meantime" (engine.cc), it must run again on the fresh state
// and succeed, and A's instance must stay.
TEST_F(Durability, CommitOfAnotherEngineDuringACommandIsRetried) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  ASSERT_TRUE(a->Deploy("hooked.bpmn", HookedProcess("hooked", true)));
  ASSERT_TRUE(
      a->Deploy("hooked-start.bpmn", HookedProcess("hookedStart", false)));
  Session b = OpenSession(path, clock);
  ASSERT_TRUE(b);
  auto x = b->Start("hooked", {}, "X");
  ASSERT_TRUE(x) << x.error().message;

  std::vector<Id> started_by_a;
  bool arm = false;
  b->RegisterJobHandler(
      "hook", [&](const bpmn::runtime::Job&, const Variables&) {
        if (arm) {
          arm = false;
          auto y = a->Start("w3", Deal(), "started by A meanwhile");
          EXPECT_TRUE(y) << y.error().message;
          if (y) started_by_a.push_back(*y);
        }
        return bpmn::runtime::JobOutcome{};
      });

  // B completes a task of its instance; A starts one meanwhile.
  arm = true;
  auto completed = b->CompleteTask(CurrentTask(*b, *x), "boris", {});
  ASSERT_EQ(started_by_a.size(), 1u);
  EXPECT_TRUE(completed) << bpmn::ErrorCodeName(completed.error().code) << ": "
                         << completed.error().message;

  // B starts an instance; A starts one meanwhile.
  arm = true;
  auto z = b->Start("hookedStart", {}, "Z");
  ASSERT_EQ(started_by_a.size(), 2u);
  EXPECT_TRUE(z) << bpmn::ErrorCodeName(z.error().code) << ": "
                 << z.error().message;

  Session c = OpenSession(path, clock);
  ASSERT_TRUE(c);
  for (Id y : started_by_a) {
    EXPECT_EQ(StateOf(*c.store, y), "active") << "instance " << y;
    EXPECT_EQ(c->runtime().Waiting(y), std::vector<std::string>{"register"});
  }
  EXPECT_EQ(c->runtime().Waiting(*x),
            std::vector<std::string>{completed ? "work" : "first"});
  if (z) {
    EXPECT_EQ(c->runtime().Waiting(*z), std::vector<std::string>{"work"});
    for (Id y : started_by_a) EXPECT_NE(*z, y);
  }
}

// Two engines working at the same time on different instances never get in
// each other's way: every command succeeds. engine.cc's Command runs a
// command again when "another writer committed elsewhere in the meantime".
TEST_F(Durability, TwoEnginesInTwoThreadsOnDifferentInstancesBothSucceed) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  auto x = a->Start("w3", Deal(), "X");
  auto z = a->Start("w3", Deal(), "Z");
  ASSERT_TRUE(x && z);
  Session b = OpenSession(path, clock);
  ASSERT_TRUE(b);
  constexpr int kTasks = 4;
  constexpr int kStartsPerTask = 100;
  struct Outcome {
    std::vector<bpmn::Error> errors;
    int started = 0;
    int completed = 0;
  };
  Outcome in_a, in_b;
  std::latch go(2);
  // A completes X's tasks and starts instances; B does the same with Z.
  auto work = [&](Engine& e, Id instance, Outcome& out) {
    go.arrive_and_wait();
    for (int i = 0; i < kTasks; ++i) {
      auto completed = e.CompleteTask(CurrentTask(e, instance), "u", {});
      if (completed)
        ++out.completed;
      else
        out.errors.push_back(completed.error());
      for (int j = 0; j < kStartsPerTask; ++j) {
        auto started = e.Start("w3", Deal());
        if (started)
          ++out.started;
        else
          out.errors.push_back(started.error());
      }
    }
  };
  std::thread ta([&] { work(*a, *x, in_a); });
  std::thread tb([&] { work(*b, *z, in_b); });
  ta.join();
  tb.join();
  std::cout << "[ figures  ] two engines at once: "
            << in_a.errors.size() + in_b.errors.size() << " of "
            << 2 * kTasks * (1 + kStartsPerTask) << " commands failed"
            << std::endl;
  for (const auto* out : {&in_a, &in_b})
    for (const auto& e : out->errors)
      ADD_FAILURE() << (out == &in_a ? "engine A: " : "engine B: ")
                    << bpmn::ErrorCodeName(e.code) << ": " << e.message;
  // Whatever failed, what succeeded is stored and nothing else.
  Session c = OpenSession(path, clock);
  ASSERT_TRUE(c);
  auto all = c.store->Instances("");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(),
            static_cast<std::size_t>(2 + in_a.started + in_b.started));
  EXPECT_EQ(CountEvents(HistoryOf(*c.store, *x), EventType::kTaskClosed),
            static_cast<std::size_t>(in_a.completed));
  EXPECT_EQ(CountEvents(HistoryOf(*c.store, *z), EventType::kTaskClosed),
            static_cast<std::size_t>(in_b.completed));
  EXPECT_EQ(c->runtime().Waiting(*x),
            std::vector<std::string>{kW3HappyPath[in_a.completed]});
  EXPECT_EQ(c->runtime().Waiting(*z),
            std::vector<std::string>{kW3HappyPath[in_b.completed]});
}

// ---------------------------------------------------------------------------
// 7. A restart in the middle of a process.

// Completes the next `count` tasks of W3 on `engine`, an hour apart.
void CompleteTasks(Engine& engine, ManualClock& clock, Id instance, int from,
                   int count) {
  for (int i = from; i < from + count; ++i) {
    SCOPED_TRACE("task " + std::to_string(i));
    ASSERT_EQ(engine.runtime().Waiting(instance),
              std::vector<std::string>{kW3HappyPath[i]});
    const Id task = CurrentTask(engine, instance);
    ASSERT_NE(task, 0u);
    auto r = engine.CompleteTask(task, "user" + std::to_string(i),
                                 {{"step" + std::to_string(i), i}});
    ASSERT_TRUE(r) << r.error().message;
    clock.Advance(hours(1));
  }
}

std::vector<std::string> LogLines(const Engine& engine) {
  std::vector<std::string> lines;
  for (const auto& e : engine.log()) {
    const bpmn::model::Definitions* d =
        engine.runtime().DefinitionsOf(e.instance);
    if (!d) {
      ADD_FAILURE() << "no definitions for instance " << e.instance;
      continue;
    }
    lines.push_back(bpmn::runtime::FormatEvent(e, *d));
  }
  return lines;
}

std::map<std::string, std::string> VariablesOf(const Engine& engine, Id id) {
  std::map<std::string, std::string> out;
  if (const Variables* v = engine.runtime().RootVariables(id))
    for (const auto& [name, value] : *v) out[name] = bpmn::expr::ToJson(value);
  return out;
}

TEST_F(Durability, RestartMidProcessContinuesAsWithoutOne) {
  const std::string path = Path("engine.db");
  EngineOptions options;
  options.keep_log = true;
  options.keep_finished = true;

  ManualClock clock(T0());
  Id id = 0;
  Id task = 0;
  std::vector<std::string> waiting;
  std::map<std::string, std::string> variables;
  {
    Session s = OpenSession(path, clock, options);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->Deploy("w3-deal-stages.bpmn", W3()));
    auto started = s->Start("w3", Deal(), "DEAL-1");
    ASSERT_TRUE(started);
    id = *started;
    clock.Advance(hours(1));
    CompleteTasks(*s, clock, id, 0, 3);
    waiting = s->runtime().Waiting(id);
    variables = VariablesOf(*s, id);
    task = CurrentTask(*s, id);
  }
  EXPECT_EQ(waiting, std::vector<std::string>{"estimate"});
  std::vector<std::string> durable;
  {
    Session s = OpenSession(path, clock, options);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->runtime().Waiting(id), waiting);
    EXPECT_EQ(VariablesOf(*s, id), variables);
    EXPECT_EQ(CurrentTask(*s, id), task);
    CompleteTasks(*s, clock, id, 3, 5);
    ASSERT_NE(s->runtime().Instance(id), nullptr);
    EXPECT_EQ(s->runtime().Instance(id)->status, InstanceStatus::kCompleted);
    EXPECT_EQ(StateOf(*s.store, id), "completed");
    durable = LogLines(*s);
  }

  // The same commands on the memory store, without a restart.
  ManualClock memory_clock(T0());
  MemoryStore memory;
  auto e = OpenEngine(memory, memory_clock, options);
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->Deploy("w3-deal-stages.bpmn", W3()));
  auto started = e->Start("w3", Deal(), "DEAL-1");
  ASSERT_TRUE(started);
  ASSERT_EQ(*started, id);
  memory_clock.Advance(hours(1));
  CompleteTasks(*e, memory_clock, id, 0, 8);
  EXPECT_EQ(e->runtime().Instance(id)->status, InstanceStatus::kCompleted);
  const std::vector<std::string> in_memory = LogLines(*e);
  ASSERT_GT(in_memory.size(), 50u);
  EXPECT_EQ(durable, in_memory);
}

// A server that reads an instance back before each command (as W4 does) ends
// with nothing in memory once the instance finishes, and the summary it
// stores equals the one its history gives, also when another engine ran
// some of its steps in between.
TEST_F(Durability, ReadBackStepByStepKeepsNothingFinishedAndSummarizes) {
  const std::string path = Path("engine.db");
  ManualClock clock(T0());
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  std::vector<Id> ids;
  for (int run = 0; run < 2; ++run) {
    auto started = a->Start("w3", Deal(), "DEAL-" + std::to_string(run));
    ASSERT_TRUE(started) << started.error().message;
    const Id id = *started;
    ids.push_back(id);
    for (int step = 0; step < 8; ++step) {
      ASSERT_TRUE(a->ReloadInstance(id));
      if (run == 1 && step == 3) {  // another engine runs three steps
        Session b = OpenSession(path, clock);
        ASSERT_TRUE(b);
        CompleteTasks(*b, clock, id, 3, 3);
        step = 6;
        ASSERT_TRUE(a->ReloadInstance(id));
      }
      CompleteTasks(*a, clock, id, step, 1);
    }
    ASSERT_TRUE(a->ReloadInstance(id));
    EXPECT_EQ(a->runtime().Instance(id), nullptr);
    EXPECT_EQ(StateOf(*a.store, id), "completed");
  }
  EXPECT_TRUE(a->runtime().Instances().empty());
  auto stored = a.store->Summaries("w3");
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 2u);
  for (const auto& record : *stored) {
    SCOPED_TRACE("instance " + std::to_string(record.instance));
    auto from_history = a->Summarize(record.instance);
    ASSERT_TRUE(from_history) << from_history.error().message;
    EXPECT_EQ(record.data, bpmn::engine::EncodeSummary(*from_history));
    auto decoded = bpmn::engine::DecodeSummary(record.data);
    ASSERT_TRUE(decoded);
    for (const std::string& task : kW3HappyPath) {
      EXPECT_EQ(std::count_if(decoded->visits.begin(), decoded->visits.end(),
                              [&](const auto& v) {
                                return v.element_id == task && v.completed;
                              }),
                1)
          << task;
    }
  }
}

// The task rows each commit leaves are the instance's open tasks, whether the
// committing engine wrote the rows it replaces itself (it then names them to
// the store, which need not read them) or another engine did in between.
// Two engines take turns, some reading the instance back first, some not;
// most steps claim the task (a row that stays but changes) before completing
// it (a row goes, the next task's comes), some complete it straight away.
TEST_F(Durability, TaskRowsAreTheOpenTasksWhoeverWroteThemLast) {
  const std::string path = Path("engine.db");
  ManualClock clock(T0());
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  Session b = OpenSession(path, clock);
  ASSERT_TRUE(b);
  auto started = a->Start("w3", Deal(), "DEAL");
  ASSERT_TRUE(started) << started.error().message;
  const Id id = *started;
  // The stored rows against the last writer's open tasks: id and assignee.
  auto expect_rows_of = [&](const Engine& writer) {
    std::vector<std::string> open, stored;
    for (const auto& t : writer.runtime().OpenTasks(id))
      open.push_back(std::to_string(t.task->id) + " " + t.task->assignee);
    auto rows = a.store->Tasks({"", "", id});
    ASSERT_TRUE(rows);
    for (const auto& row : *rows)
      stored.push_back(std::to_string(row.id) + " " + row.assignee);
    std::sort(open.begin(), open.end());
    std::sort(stored.begin(), stored.end());
    EXPECT_EQ(stored, open);
  };
  expect_rows_of(*a);
  const std::string turns = "aababbaa";
  Engine* last = &*a;
  for (int step = 0; step < 8; ++step) {
    SCOPED_TRACE("step " + std::to_string(step) + " by " + turns[step]);
    Engine& e = turns[step] == 'a' ? *a : *b;
    if (step % 2 == 0) {
      ASSERT_TRUE(e.ReloadInstance(id));
    }
    const Id task = CurrentTask(*last, id);  // the last writer is up to date
    ASSERT_NE(task, 0u);
    const std::string user = "user" + std::to_string(step);
    if (step % 3 != 0) {
      auto claimed = e.ClaimTask(task, user);
      ASSERT_TRUE(claimed) << claimed.error().message;
      expect_rows_of(e);
    }
    auto done = e.CompleteTask(task, user, {});
    ASSERT_TRUE(done) << done.error().message;
    expect_rows_of(e);
    last = &e;
    clock.Advance(hours(1));
  }
  EXPECT_EQ(StateOf(*a.store, id), "completed");
  auto rows = a.store->Tasks({});
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());
}

// Two engines on one store object share its connection, so neither sees the
// other's commits as a change of the file: taking turns on one instance, each
// reading it back first, they still leave exactly its open tasks as task rows
// (what an engine committed is not what is stored once the other committed;
// the read-back sees the revision move, and the engine row's revision check
// fails the commit and reloads should anything slip by).
TEST_F(Durability, TwoEnginesOnOneStoreObjectKeepTaskRowsRight) {
  const std::string path = Path("engine.db");
  ManualClock clock(T0());
  Session a = OpenSession(path, clock);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Deploy("w3-deal-stages.bpmn", W3()));
  auto b = OpenEngine(*a.store, clock);
  ASSERT_NE(b, nullptr);
  auto started = a->Start("w3", Deal(), "DEAL");
  ASSERT_TRUE(started) << started.error().message;
  const Id id = *started;
  for (int step = 0; step < 8; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    Engine& e = step % 2 == 0 ? *b : *a;
    ASSERT_TRUE(e.ReloadInstance(id));
    const Id task = CurrentTask(e, id);
    ASSERT_NE(task, 0u);
    auto done = e.CompleteTask(task, "user", {});
    ASSERT_TRUE(done) << done.error().message;
    std::vector<Id> open, stored;
    for (const auto& t : e.runtime().OpenTasks(id)) open.push_back(t.task->id);
    auto rows = a.store->Tasks({"", "", id});
    ASSERT_TRUE(rows);
    for (const auto& row : *rows) stored.push_back(row.id);
    EXPECT_EQ(stored, open);
    clock.Advance(hours(1));
  }
  EXPECT_EQ(StateOf(*a.store, id), "completed");
}

// ---------------------------------------------------------------------------
// 8. Group commit.

TEST_F(Durability, GroupCommitIsAllOrNothing) {
  ManualClock clock(T0());
  const std::string path = Path("engine.db");
  std::vector<Id> first;
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->Deploy("w3-deal-stages.bpmn", W3()));
    const StoreView empty = ViewOf(path);
    const std::int64_t statements = s.store->statements_executed();
    s->BeginGroup();
    for (int i = 0; i < 50; ++i) {
      auto id = s->Start("w3", Deal(), "G1-" + std::to_string(i));
      ASSERT_TRUE(id) << id.error().message;
      first.push_back(*id);
    }
    EXPECT_EQ(ViewOf(path), empty) << "nothing is written before CommitGroup";
    auto committed = s->CommitGroup();
    ASSERT_TRUE(committed) << committed.error().message;
    std::cout << "[ figures  ] group of 50 starts: one commit of "
              << s.store->statements_executed() - statements << " statements"
              << std::endl;
    auto active = s.store->Instances("active");
    ASSERT_TRUE(active);
    EXPECT_EQ(active->size(), 50u);
    for (Id id : first) EXPECT_EQ(StateOf(*s.store, id), "active");
    EXPECT_EQ(s->runtime().Instances().size(), 50u);
  }
  // A group of 20 on a copy without faults: how many statements its commit
  // has.
  const std::string base = Path("base.db");
  CopyDatabase(path, base);
  std::int64_t group_statements = 0;
  {
    const std::string probe = Path("probe.db");
    CopyDatabase(base, probe);
    Session s = OpenSession(probe, clock);
    ASSERT_TRUE(s);
    s->BeginGroup();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(s->Start("w3", Deal()));
    ASSERT_TRUE(s->CommitGroup());
    group_statements = s.store->statements_executed();
  }
  ASSERT_GT(group_statements, 20);

  // Its commit failing at BEGIN, in the middle, and at COMMIT.
  for (std::int64_t k :
       {std::int64_t{1}, group_statements / 2, group_statements}) {
    SCOPED_TRACE("failing statement " + std::to_string(k));
    const std::string work = Path("work.db");
    CopyDatabase(base, work);
    const StoreView before = ViewOf(work);
    SqliteOptions faulty;
    faulty.fail_at_statement = k;
    Session s = OpenSession(work, clock, {}, faulty);
    ASSERT_TRUE(s);
    const auto memory_before = MemoryOf(*s);
    s->BeginGroup();
    std::vector<Id> group;
    for (int i = 0; i < 20; ++i) {
      auto id = s->Start("w3", Deal(), "G2-" + std::to_string(i));
      ASSERT_TRUE(id) << id.error().message;
      group.push_back(*id);
    }
    auto committed = s->CommitGroup();
    ASSERT_FALSE(committed);
    EXPECT_EQ(committed.error().code, ErrorCode::kIo)
        << committed.error().message;
    EXPECT_EQ(ViewOf(work), before);
    EXPECT_TRUE(MemoryOf(*s) == memory_before)
        << "instances of a failed group stayed in memory";
    for (Id id : group) {
      EXPECT_EQ(s->runtime().Instance(id), nullptr) << "instance " << id;
      auto stored = s.store->LoadInstance(id);
      ASSERT_TRUE(stored);
      EXPECT_FALSE(*stored) << "instance " << id << " was stored";
    }
    // The engine carries on: the next group commits.
    s->BeginGroup();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(s->Start("w3", Deal()));
    ASSERT_TRUE(s->CommitGroup());
    auto all = s.store->Instances("");
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 70u);
    EXPECT_EQ(s->runtime().Instances().size(), 70u);
  }
}

}  // namespace

namespace {

// A job locked by an external worker is nobody else's until the lock
// expires, also across a restart; once it has expired (the worker died), the
// job is handed out again.
TEST_F(Durability, JobLocksSurviveRestartsAndExpire) {
  ManualClock clock(T0());
  const std::string path = Path("jobs.db");
  const std::string w1 =
      ReadText(fs::path(BPMN_WORKLOADS_DIR) / "w1-straight-through.bpmn");
  std::string key;
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    auto deployed = s->Deploy("w1.bpmn", w1);
    ASSERT_TRUE(deployed) << deployed.error().message;
    key = deployed->front().key;
    ASSERT_TRUE(s->Start(key, {}));
    auto open = s.store->Jobs("");
    ASSERT_TRUE(open);
    ASSERT_EQ(open->size(), 1u);
    const std::string type = open->front().type;
    auto first = s->ActivateJobs(type, "worker-a", minutes(1), 10);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(first->size(), 1u);
    EXPECT_EQ(first->front().job.lock_owner, "worker-a");
    auto second = s->ActivateJobs(type, "worker-b", minutes(1), 10);
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->empty()) << "a locked job was handed out twice";
    auto stored = s.store->Jobs(type);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), 1u);
    EXPECT_EQ(stored->front().lock_owner, "worker-a");
  }
  Session s = OpenSession(path, clock);
  ASSERT_TRUE(s);
  auto open = s.store->Jobs("");
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  const std::string type = open->front().type;
  auto before = s->ActivateJobs(type, "worker-b", minutes(1), 10);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->empty()) << "the lock did not survive the restart";
  clock.Advance(minutes(2));
  auto after = s->ActivateJobs(type, "worker-b", minutes(1), 10);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 1u) << "an expired lock keeps the job";
  EXPECT_EQ(after->front().job.lock_owner, "worker-b");
  // A failed attempt frees the job at once.
  ASSERT_TRUE(s->FailJob(after->front().job.id, "worker-b gave up"));
  auto again = s->ActivateJobs(type, "worker-c", minutes(1), 10);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), 1u);
}

}  // namespace

namespace {

// Runs one SQL statement on a closed database file with SQLite itself.
void RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

// A file as the first schema version left it (migration 2 only adds
// indexes): opened by this version it is migrated, and the instance it holds
// runs to its end.
TEST_F(Durability, ADatabaseOfTheFirstSchemaOpensAndItsInstancesFinish) {
  ManualClock clock(T0());
  const std::string path = Path("old.db");
  Id instance = 0;
  {
    Session s = OpenSession(path, clock);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->Deploy("w3.bpmn", W3()));
    auto id = s->Start("w3", {{"amount", bpmn::expr::Value(50000)}});
    ASSERT_TRUE(id);
    instance = *id;
    for (int i = 0; i < 3; ++i) {
      auto tasks = s->runtime().OpenTasks(instance);
      ASSERT_EQ(tasks.size(), 1u);
      ASSERT_TRUE(s->CompleteTask(tasks.front().task->id, "u", {}));
    }
  }
  ASSERT_GE(bpmn::persistence::LatestSchemaVersion(), 2);
  // Back to schema 1: no index, user_version 1.
  std::string drops;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT name FROM sqlite_master WHERE type = "
                                 "'index' AND sql IS NOT NULL",
                                 -1, &q, nullptr),
              SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW)
      drops += std::string("DROP INDEX ") +
               reinterpret_cast<const char*>(sqlite3_column_text(q, 0)) + ";";
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  ASSERT_FALSE(drops.empty());
  // Migration 3 added the calendars and the outbox, 4 the summaries.
  RawSql(path, drops +
                   "DROP TABLE summaries; "
                   "DROP TABLE calendars; DROP TABLE outbox; "
                   "ALTER TABLE tasks DROP COLUMN follow_up; "
                   "PRAGMA user_version = 1;");

  Session s = OpenSession(path, clock);
  ASSERT_TRUE(s);
  auto waiting = s->runtime().Waiting(instance);
  EXPECT_EQ(waiting, std::vector<std::string>{kW3HappyPath[3]});
  for (;;) {
    auto tasks = s->runtime().OpenTasks(instance);
    if (tasks.empty()) break;
    ASSERT_TRUE(s->CompleteTask(tasks.front().task->id, "u", {}));
  }
  auto stored = s.store->LoadInstance(instance);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->state, "completed");
  auto integrity = s.store->IntegrityCheck();
  ASSERT_TRUE(integrity);
  EXPECT_EQ(*integrity, "ok");
}

}  // namespace
