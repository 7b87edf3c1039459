// The Store contract, run on MemoryStore and on SqliteStore alike: every
// record kind read back, work items replaced, refused batches that change
// nothing. Then what only the SQLite file shows: reopening, two connections
// on one file, a fault at every statement of a commit, a full disk, schema
// migrations, and the cost of a durable commit.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <latch>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "persistence/memory_store.h"
#include "persistence/schema.h"
#include "persistence/sqlite_store.h"

// Field-wise equality and printing of the records, for expectations and their
// failure messages (found by argument-dependent lookup).
namespace bpmn::store {

inline auto Fields(const DefinitionsRecord& r) {
  return std::tie(r.id, r.name, r.hash, r.xml, r.deployed_at);
}
inline auto Fields(const ProcessRecord& r) {
  return std::tie(r.key, r.version, r.definitions_id);
}
inline auto Fields(const InstanceRecord& r) {
  return std::tie(r.id, r.key, r.version, r.business_key, r.state, r.parent,
                  r.started_at, r.updated_at, r.revision, r.snapshot);
}
inline auto Fields(const EventRecord& r) {
  return std::tie(r.seq, r.instance, r.at, r.count, r.data);
}
inline auto Fields(const TaskRecord& r) {
  return std::tie(r.id, r.instance, r.element_id, r.name, r.roles,
                  r.candidate_users, r.assignee, r.created, r.due, r.follow_up);
}
inline auto Fields(const TimerRecord& r) {
  return std::tie(r.id, r.instance, r.element_id, r.due);
}
inline auto Fields(const JobRecord& r) {
  return std::tie(r.id, r.instance, r.element_id, r.type, r.retries,
                  r.lock_owner, r.lock_expires);
}
inline auto Fields(const IncidentRecord& r) {
  return std::tie(r.id, r.instance, r.element_id, r.message);
}
inline auto Fields(const EngineRecord& r) {
  return std::tie(r.data, r.revision);
}
inline auto Fields(const UserRecord& r) { return std::tie(r.user, r.roles); }

template <typename Record>
concept HasFields = requires(const Record& r) {
  Fields(r);
};

template <HasFields Record>
bool operator==(const Record& a, const Record& b) {
  return Fields(a) == Fields(b);
}

template <typename T>
void PrintField(std::ostream& os, const T& value) {
  os << value;
}
inline void PrintField(std::ostream& os, const std::string& value) {
  os << '"' << value << '"';
}
inline void PrintField(std::ostream& os,
                       const std::vector<std::string>& values) {
  os << '[';
  for (const std::string& value : values) {
    PrintField(os, value);
    os << ' ';
  }
  os << ']';
}
inline void PrintField(std::ostream& os,
                       const std::optional<std::int64_t>& value) {
  if (value) {
    os << *value;
  } else {
    os << "none";
  }
}

template <HasFields Record>
void PrintTo(const Record& record, std::ostream* os) {
  *os << '{';
  std::apply(
      [os](const auto&... field) {
        ((PrintField(*os, field), *os << ' '), ...);
      },
      Fields(record));
  *os << '}';
}

}  // namespace bpmn::store

namespace {

using bpmn::ErrorCode;
using bpmn::Result;
using bpmn::persistence::LatestSchemaVersion;
using bpmn::persistence::MemoryStore;
using bpmn::persistence::Migrations;
using bpmn::persistence::SqliteOptions;
using bpmn::persistence::SqliteStore;
using namespace bpmn::store;

// A fresh directory under the system's temporary directory, removed with
// everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "store_test.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

// --- Records -----------------------------------------------------------------

InstanceRecord Instance(Id id, std::int64_t revision,
                        const std::string& state = "active") {
  return InstanceRecord{id,
                        "invoice",
                        1,
                        "order-" + std::to_string(id),
                        state,
                        0,
                        1000 + static_cast<Millis>(id),
                        2000 + revision,
                        revision,
                        std::string("snap\0shot-", 10) + std::to_string(id) +
                            "-" + std::to_string(revision)};
}

// The instance moved from `expected` to the next revision, no work items.
InstanceWrite Write(Id id, std::int64_t expected,
                    const std::string& state = "active") {
  InstanceWrite write;
  write.instance = Instance(id, expected + 1, state);
  write.expected_revision = expected;
  return write;
}

TaskRecord Task(Id id, Id instance, std::vector<std::string> roles,
                std::vector<std::string> candidate_users = {},
                std::string assignee = {},
                std::optional<Millis> due = std::nullopt) {
  return TaskRecord{id,
                    instance,
                    "Task_" + std::to_string(id),
                    "Task " + std::to_string(id),
                    std::move(roles),
                    std::move(candidate_users),
                    std::move(assignee),
                    500 + static_cast<Millis>(id),
                    due,
                    due ? std::optional<Millis>(*due + 1000) : std::nullopt};
}

TimerRecord Timer(Id id, Id instance, Millis due) {
  return TimerRecord{id, instance, "Timer_" + std::to_string(id), due};
}

JobRecord Job(Id id, Id instance, const std::string& type) {
  return JobRecord{id, instance, "Job_" + std::to_string(id), type, 3, "", 0};
}

EventRecord Event(std::uint64_t seq, Id instance, const std::string& type) {
  return EventRecord{seq, instance, static_cast<Millis>(10 * seq),
                     static_cast<std::int64_t>(type.size()),
                     std::string("\x01\x00\x02", 3) + type};
}

// Something of every kind: instance 1 (active) with every kind of work item,
// instance 2 (completed) with a few, events of both and of the engine, a start
// timer, the engine row and two users.
Batch FullBatch() {
  Batch batch;
  batch.definitions.push_back({1, "invoice.bpmn", "h1", "<definitions/>", 42});
  batch.processes.push_back({"invoice", 1, 1});
  batch.processes.push_back({"approval", 1, 1});
  InstanceWrite one = Write(1, 0);
  one.tasks = {Task(10, 1, {"clerk", "manager"}, {"ann"}),
               Task(11, 1, {"manager"}, {}, "bob", 99000)};
  one.timers = {Timer(20, 1, 5000)};
  one.jobs = {Job(30, 1, "mail")};
  one.subscriptions = {{40, 1, "Catch_1", "payment", "order-1", false}};
  one.incidents = {{50, 1, "Gateway_1", "no flow taken"}};
  InstanceWrite two = Write(2, 0, "completed");
  two.tasks = {Task(12, 2, {"clerk"}, {}, "ann")};
  two.timers = {Timer(21, 2, 1000)};
  two.jobs = {Job(31, 2, "pay")};
  batch.instances = {one, two};
  batch.events = {Event(1, 1, "instance-started"),
                  Event(2, 2, "instance-started"), Event(3, 1, "task-created"),
                  Event(4, 0, "deployed")};
  batch.write_start_timers = true;
  batch.start_timers = {Timer(22, 0, 3000)};
  batch.engine_data = "engine-1";
  batch.expected_engine_revision = 0;
  batch.users = {{"bob", {"manager", "clerk"}}, {"ann", {"clerk"}}};
  return batch;
}

// A commit as the engine makes one while running: instance 1 moves on (a task
// replaced, a job and a timer added), a new instance 3 appears, events, and
// the engine counters move.
Batch TypicalBatch() {
  Batch batch;
  InstanceWrite one = Write(1, 1);
  one.tasks = {Task(13, 1, {"manager", "auditor"}, {"carl"})};
  one.timers = {Timer(23, 1, 7000)};
  one.jobs = {Job(32, 1, "mail")};
  InstanceWrite three = Write(3, 0);
  three.subscriptions = {{41, 3, "Catch_2", "ping", "k", true}};
  three.incidents = {{51, 3, "Task_9", "script failed"}};
  batch.instances = {one, three};
  batch.events = {Event(5, 1, "task-completed"), Event(6, 3, "started")};
  batch.engine_data = "engine-2";
  batch.expected_engine_revision = 1;
  return batch;
}

TaskFilter Filter(const std::string& role, const std::string& user = "",
                  Id instance = 0) {
  TaskFilter filter;
  filter.role = role;
  filter.user = user;
  filter.instance = instance;
  return filter;
}

SqliteOptions Synchronous(const std::string& synchronous) {
  SqliteOptions options;
  options.synchronous = synchronous;
  return options;
}

SqliteOptions FailAt(std::int64_t statement) {
  SqliteOptions options;
  options.fail_at_statement = statement;
  return options;
}

template <typename Record>
std::vector<Id> Ids(const Result<std::vector<Record>>& records) {
  std::vector<Id> ids;
  if (!records) {
    ADD_FAILURE() << records.error().message;
    return ids;
  }
  for (const Record& record : *records) ids.push_back(record.id);
  return ids;
}

template <typename Record>
void DumpAll(std::ostringstream& out, const char* title,
             const Result<std::vector<Record>>& records) {
  out << title << ":";
  if (!records) {
    out << " error " << records.error().message << "\n";
    return;
  }
  for (const Record& record : *records) {
    out << ' ';
    PrintTo(record, &out);
  }
  out << "\n";
}

// Everything a store shows, as text: two stores hold the same state exactly
// when their dumps are equal.
std::string Dump(Store& store) {
  std::ostringstream out;
  auto state = store.Load(true);
  if (!state) return "load failed: " + state.error().message;
  DumpAll(out, "definitions",
          Result<std::vector<DefinitionsRecord>>(state->definitions));
  DumpAll(out, "processes",
          Result<std::vector<ProcessRecord>>(state->processes));
  out << "engine: ";
  if (state->engine) PrintTo(*state->engine, &out);
  out << "\n";
  DumpAll(out, "users", Result<std::vector<UserRecord>>(state->users));
  DumpAll(out, "instances",
          Result<std::vector<InstanceRecord>>(state->instances));
  DumpAll(out, "events", store.History(0));
  DumpAll(out, "tasks", store.Tasks({}));
  DumpAll(out, "timers", store.Timers(0));
  DumpAll(out, "jobs", store.Jobs(""));
  DumpAll(out, "incidents", store.Incidents());
  return out.str();
}

void ExpectConflict(const Result<void>& result, const std::string& words) {
  ASSERT_FALSE(result.has_value()) << "expected a conflict naming " << words;
  EXPECT_EQ(result.error().code, ErrorCode::kConflict)
      << result.error().message;
  EXPECT_NE(result.error().message.find(words), std::string::npos)
      << result.error().message;
}

std::unique_ptr<SqliteStore> OpenSqlite(const std::string& path,
                                        const SqliteOptions& options = {}) {
  auto store = SqliteStore::Open(path, options);
  if (!store) {
    ADD_FAILURE() << store.error().message;
    return nullptr;
  }
  return std::move(*store);
}

// --- The contract, on both stores
// ----------------------------------------------

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryStore>();
    } else {
      store_ = OpenSqlite(dir_.File("store.db"));
    }
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    if (auto* sqlite = dynamic_cast<SqliteStore*>(store_.get())) {
      auto check = sqlite->IntegrityCheck();
      ASSERT_TRUE(check.has_value()) << check.error().message;
      EXPECT_EQ(*check, "ok");
    }
  }

  Store& store() { return *store_; }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest,
                         ::testing::Values("memory", "sqlite"),
                         [](const auto& info) { return info.param; });

TEST_P(StoreTest, EmptyStoreReadsEmpty) {
  auto state = store().Load(true);
  ASSERT_TRUE(state.has_value()) << state.error().message;
  EXPECT_TRUE(state->definitions.empty());
  EXPECT_FALSE(state->engine.has_value());
  EXPECT_TRUE(state->instances.empty());
  EXPECT_TRUE(store().Commit(Batch{}).has_value());
  EXPECT_EQ(store().LoadInstance(1).value(), std::nullopt);
  EXPECT_TRUE(store().History(0)->empty());
  EXPECT_TRUE(store().Tasks({})->empty());
}

TEST_P(StoreTest, EveryRecordKindReadsBackAsWritten) {
  const Batch batch = FullBatch();
  ASSERT_TRUE(store().Commit(batch).has_value());

  auto unfinished = store().Load(false);
  ASSERT_TRUE(unfinished.has_value()) << unfinished.error().message;
  EXPECT_EQ(unfinished->definitions, batch.definitions);
  // Processes by key, then version; users by name.
  EXPECT_EQ(unfinished->processes, (std::vector<ProcessRecord>{
                                       {"approval", 1, 1}, {"invoice", 1, 1}}));
  ASSERT_TRUE(unfinished->engine.has_value());
  EXPECT_EQ(*unfinished->engine, (EngineRecord{"engine-1", 1}));
  EXPECT_EQ(unfinished->users,
            (std::vector<UserRecord>{{"ann", {"clerk"}},
                                     {"bob", {"manager", "clerk"}}}));
  EXPECT_EQ(unfinished->instances,
            std::vector<InstanceRecord>{batch.instances[0].instance});

  auto all = store().Load(true);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->instances,
            (std::vector<InstanceRecord>{batch.instances[0].instance,
                                         batch.instances[1].instance}));
  EXPECT_EQ(store().LoadInstance(2).value(), batch.instances[1].instance);
  EXPECT_EQ(store().LoadInstance(99).value(), std::nullopt);
  EXPECT_EQ(Ids(store().Instances("")), (std::vector<Id>{1, 2}));
  EXPECT_EQ(Ids(store().Instances("completed")), (std::vector<Id>{2}));
  EXPECT_EQ(Ids(store().Instances("terminated")), (std::vector<Id>{}));

  // Events in order, per instance and all together, across commits.
  Batch more;
  more.events = {Event(7, 1, "task-claimed")};
  ASSERT_TRUE(store().Commit(more).has_value());
  EXPECT_EQ(store().History(1).value(),
            (std::vector<EventRecord>{batch.events[0], batch.events[2],
                                      more.events[0]}));
  EXPECT_EQ(store().History(2).value(),
            std::vector<EventRecord>{batch.events[1]});
  std::vector<EventRecord> everything = batch.events;
  everything.push_back(more.events[0]);
  EXPECT_EQ(store().History(0).value(), everything);

  // Tasks: every field, then each filter and their combinations.
  EXPECT_EQ(store().Tasks({}).value(),
            (std::vector<TaskRecord>{batch.instances[0].tasks[0],
                                     batch.instances[0].tasks[1],
                                     batch.instances[1].tasks[0]}));
  EXPECT_EQ(Ids(store().Tasks(Filter("clerk"))), (std::vector<Id>{10, 12}));
  EXPECT_EQ(Ids(store().Tasks(Filter("manager"))), (std::vector<Id>{10, 11}));
  EXPECT_EQ(Ids(store().Tasks(Filter("nobody"))), (std::vector<Id>{}));
  EXPECT_EQ(Ids(store().Tasks(Filter("", "ann"))), (std::vector<Id>{10, 12}));
  EXPECT_EQ(Ids(store().Tasks(Filter("", "bob"))), (std::vector<Id>{11}));
  EXPECT_EQ(Ids(store().Tasks(Filter("", "an"))), (std::vector<Id>{}));
  EXPECT_EQ(Ids(store().Tasks(Filter("", "", 2))), (std::vector<Id>{12}));
  EXPECT_EQ(Ids(store().Tasks(Filter("manager", "ann"))),
            (std::vector<Id>{10}));
  EXPECT_EQ(Ids(store().Tasks(Filter("clerk", "", 1))), (std::vector<Id>{10}));
  EXPECT_EQ(Ids(store().Tasks(Filter("clerk", "ann", 2))),
            (std::vector<Id>{12}));

  // Timers by due time: all of them (start timers included), or one
  // instance's.
  EXPECT_EQ(store().Timers(1).value(),
            std::vector<TimerRecord>{batch.instances[0].timers[0]});
  EXPECT_EQ(store().Timers(0).value(),
            (std::vector<TimerRecord>{batch.instances[1].timers[0],
                                      batch.start_timers[0],
                                      batch.instances[0].timers[0]}));

  EXPECT_EQ(store().Jobs("mail").value(),
            std::vector<JobRecord>{batch.instances[0].jobs[0]});
  EXPECT_EQ(Ids(store().Jobs("")), (std::vector<Id>{30, 31}));
  EXPECT_EQ(Ids(store().Jobs("none")), (std::vector<Id>{}));
  EXPECT_EQ(store().Incidents().value(), batch.instances[0].incidents);
}

TEST_P(StoreTest, WorkItemsBelongToTheInstanceOfTheirWrite) {
  InstanceWrite write = Write(5, 0);
  write.tasks = {Task(60, 0, {"clerk"})};
  write.timers = {Timer(61, 0, 100)};
  Batch batch;
  batch.instances = {write};
  ASSERT_TRUE(store().Commit(batch).has_value());
  EXPECT_EQ(store().Tasks({}).value().at(0).instance, 5u);
  EXPECT_EQ(store().Timers(5).value().at(0).instance, 5u);
}

TEST_P(StoreTest, NextCommitReplacesAnInstancesWorkItems) {
  ASSERT_TRUE(store().Commit(FullBatch()).has_value());
  Batch next;
  next.instances = {Write(1, 1)};
  next.instances[0].tasks = {Task(13, 1, {"auditor"})};
  ASSERT_TRUE(store().Commit(next).has_value());

  EXPECT_EQ(Ids(store().Tasks(Filter("", "", 1))), (std::vector<Id>{13}));
  EXPECT_EQ(Ids(store().Tasks(Filter("manager"))), (std::vector<Id>{}));
  EXPECT_EQ(Ids(store().Tasks(Filter("auditor"))), (std::vector<Id>{13}));
  EXPECT_EQ(Ids(store().Timers(1)), (std::vector<Id>{}));
  EXPECT_EQ(Ids(store().Jobs("mail")), (std::vector<Id>{}));
  EXPECT_EQ(Ids(store().Incidents()), (std::vector<Id>{}));
  // Other instances and the start timers keep theirs.
  EXPECT_EQ(Ids(store().Tasks(Filter("", "", 2))), (std::vector<Id>{12}));
  EXPECT_EQ(Ids(store().Timers(0)), (std::vector<Id>{21, 22}));
  EXPECT_EQ(store().LoadInstance(1).value()->revision, 2);

  // An id freed by the replacement can be used again.
  Batch again;
  again.instances = {Write(1, 2)};
  again.instances[0].tasks = {Task(10, 1, {"clerk"})};
  ASSERT_TRUE(store().Commit(again).has_value());
  EXPECT_EQ(Ids(store().Tasks(Filter("", "", 1))), (std::vector<Id>{10}));
}

TEST_P(StoreTest, StartTimersAreReplacedOnlyWhenAsked) {
  ASSERT_TRUE(store().Commit(FullBatch()).has_value());
  Batch untouched;
  untouched.engine_data = "engine-2";
  untouched.expected_engine_revision = 1;
  ASSERT_TRUE(store().Commit(untouched).has_value());
  EXPECT_EQ(Ids(store().Timers(0)), (std::vector<Id>{21, 22, 20}));

  Batch replace;
  replace.write_start_timers = true;
  replace.start_timers = {Timer(24, 0, 4000), Timer(25, 7, 100)};
  ASSERT_TRUE(store().Commit(replace).has_value());
  EXPECT_EQ(store().Timers(0).value(),
            (std::vector<TimerRecord>{Timer(25, 0, 100), Timer(21, 2, 1000),
                                      Timer(24, 0, 4000), Timer(20, 1, 5000)}));

  Batch clear;
  clear.write_start_timers = true;
  ASSERT_TRUE(store().Commit(clear).has_value());
  EXPECT_EQ(Ids(store().Timers(0)), (std::vector<Id>{21, 20}));
}

TEST_P(StoreTest, StaleRevisionRefusesTheWholeBatch) {
  ASSERT_TRUE(store().Commit(FullBatch()).has_value());
  const std::string before = Dump(store());

  // Everything that could be written before the stale instance is.
  Batch batch;
  batch.instances = {Write(2, 1, "active"), Write(3, 0), Write(1, 5)};
  batch.instances[0].tasks = {Task(14, 2, {"clerk"})};
  batch.instances[1].jobs = {Job(33, 3, "mail")};
  batch.events = {Event(10, 2, "x"), Event(11, 3, "y")};
  batch.engine_data = "engine-2";
  batch.expected_engine_revision = 1;
  batch.users = {{"carl", {"auditor"}}, {"ann", {}}};
  batch.definitions.push_back({2, "other.bpmn", "h2", "<x/>", 43});
  batch.processes.push_back({"other", 1, 2});
  batch.write_start_timers = true;
  ExpectConflict(store().Commit(batch), "instance 1");
  EXPECT_EQ(Dump(store()), before);

  // The store goes on working; the corrected batch commits whole.
  batch.instances[2] = Write(1, 1);
  ASSERT_TRUE(store().Commit(batch).has_value());
  EXPECT_EQ(Ids(store().Instances("active")), (std::vector<Id>{1, 2, 3}));
  EXPECT_EQ(Ids(store().Jobs("mail")), (std::vector<Id>{33}));
  EXPECT_EQ(store().Load(false)->users.size(), 3u);

  // A stale update is refused also when it changes the state.
  Batch stale;
  stale.instances = {Write(2, 1, "terminated")};
  ExpectConflict(store().Commit(stale), "instance 2");
  EXPECT_EQ(Ids(store().Instances("terminated")), (std::vector<Id>{}));
  EXPECT_EQ(store().LoadInstance(2).value()->state, "active");
}

TEST_P(StoreTest, ExistingIdForANewInstanceIsAConflict) {
  ASSERT_TRUE(store().Commit(FullBatch()).has_value());
  const std::string before = Dump(store());
  Batch batch;
  batch.events = {Event(10, 1, "x")};
  batch.instances = {Write(1, 0)};
  ExpectConflict(store().Commit(batch), "instance 1");
  EXPECT_EQ(Dump(store()), before);

  // So is an update of an instance that was never stored.
  batch.instances = {Write(9, 3)};
  ExpectConflict(store().Commit(batch), "instance 9");
  EXPECT_EQ(Dump(store()), before);
}

TEST_P(StoreTest, EngineRevisionIsChecked) {
  Batch first;
  first.engine_data = "a";
  ASSERT_TRUE(store().Commit(first).has_value());
  Batch again = first;  // expects no engine row: there is one now
  again.events = {Event(1, 0, "x")};
  ExpectConflict(store().Commit(again), "engine");
  EXPECT_TRUE(store().History(0)->empty());

  Batch next;
  next.engine_data = "b";
  next.expected_engine_revision = 1;
  ASSERT_TRUE(store().Commit(next).has_value());
  EXPECT_EQ(*store().Load(false)->engine, (EngineRecord{"b", 2}));
  next.engine_data = "c";  // still expects 1
  ExpectConflict(store().Commit(next), "engine");
  EXPECT_EQ(*store().Load(false)->engine, (EngineRecord{"b", 2}));
}

TEST_P(StoreTest, IdsStoredTwiceAreConflicts) {
  ASSERT_TRUE(store().Commit(FullBatch()).has_value());
  const std::string before = Dump(store());

  Batch same_hash;
  same_hash.definitions.push_back({2, "copy.bpmn", "h1", "<definitions/>", 1});
  EXPECT_EQ(store().Commit(same_hash).error().code, ErrorCode::kConflict);
  Batch same_process;
  same_process.processes.push_back({"invoice", 1, 1});
  EXPECT_EQ(store().Commit(same_process).error().code, ErrorCode::kConflict);
  Batch same_seq;
  same_seq.events = {Event(5, 1, "x"), Event(3, 2, "y")};
  EXPECT_EQ(store().Commit(same_seq).error().code, ErrorCode::kConflict);
  // Task 12 belongs to instance 2.
  Batch taken_task;
  taken_task.instances = {Write(1, 1)};
  taken_task.instances[0].tasks = {Task(12, 1, {"clerk"})};
  EXPECT_EQ(store().Commit(taken_task).error().code, ErrorCode::kConflict);
  // Timer 22 is a start timer.
  Batch taken_timer;
  taken_timer.instances = {Write(3, 0)};
  taken_timer.instances[0].timers = {Timer(22, 3, 1)};
  EXPECT_EQ(store().Commit(taken_timer).error().code, ErrorCode::kConflict);
  EXPECT_EQ(Dump(store()), before);

  Batch no_id;
  no_id.instances = {Write(0, 0)};
  EXPECT_EQ(store().Commit(no_id).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Dump(store()), before);
}

TEST_P(StoreTest, OneInstanceTwiceInABatchAppliesInOrder) {
  ASSERT_TRUE(store().Commit(FullBatch()).has_value());
  Batch batch;
  batch.instances = {Write(1, 1), Write(1, 2)};
  batch.instances[0].tasks = {Task(15, 1, {"clerk"})};
  batch.instances[1].tasks = {Task(16, 1, {"clerk"})};
  ASSERT_TRUE(store().Commit(batch).has_value());
  EXPECT_EQ(store().LoadInstance(1).value()->revision, 3);
  EXPECT_EQ(Ids(store().Tasks(Filter("", "", 1))), (std::vector<Id>{16}));
}

TEST_P(StoreTest, UsersAreAddedOrReplaced) {
  Batch batch;
  batch.users = {{"ann", {"clerk"}}};
  ASSERT_TRUE(store().Commit(batch).has_value());
  batch.users = {{"ann", {"manager", "clerk"}}, {"zoe", {}}};
  ASSERT_TRUE(store().Commit(batch).has_value());
  EXPECT_EQ(
      store().Load(false)->users,
      (std::vector<UserRecord>{{"ann", {"manager", "clerk"}}, {"zoe", {}}}));
}

TEST_P(StoreTest, ExternalChangesStayPutForOneWriter) {
  auto before = store().ExternalChanges();
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(store().Commit(FullBatch()).has_value());
  EXPECT_EQ(store().ExternalChanges().value(), *before);
}

// --- SqliteStore only
// ---------------------------------------------------------

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name = "store.db") const {
    return dir_.File(name);
  }

  // A file holding FullBatch, closed again; returns its dump.
  std::string MakeBase(const std::string& path) {
    auto store = OpenSqlite(path);
    if (store == nullptr) return {};
    EXPECT_TRUE(store->Commit(FullBatch()).has_value());
    return Dump(*store);
  }

  static void ExpectIntact(SqliteStore& store) {
    auto check = store.IntegrityCheck();
    ASSERT_TRUE(check.has_value()) << check.error().message;
    EXPECT_EQ(*check, "ok");
  }

  TempDir dir_;
};

TEST_F(SqliteStoreTest, ReopeningShowsTheSameState) {
  std::string before;
  {
    auto store = OpenSqlite(Path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(FullBatch()).has_value());
    ASSERT_TRUE(store->Commit(TypicalBatch()).has_value());
    before = Dump(*store);
  }
  auto store = OpenSqlite(Path(), Synchronous("normal"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Dump(*store), before);
  ExpectIntact(*store);
}

TEST_F(SqliteStoreTest, SecondConnectionSeesExternalChanges) {
  auto first = OpenSqlite(Path());
  auto second = OpenSqlite(Path());
  ASSERT_TRUE(first && second);
  const std::int64_t seen = second->ExternalChanges().value();
  const std::int64_t own = first->ExternalChanges().value();
  ASSERT_TRUE(first->Commit(FullBatch()).has_value());
  EXPECT_NE(second->ExternalChanges().value(), seen);
  EXPECT_EQ(first->ExternalChanges().value(), own);
  EXPECT_EQ(Dump(*second), Dump(*first));
}

TEST_F(SqliteStoreTest, RacingUpdatesGiveOneWinner) {
  auto first = OpenSqlite(Path());
  auto second = OpenSqlite(Path());
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->Commit(FullBatch()).has_value());

  for (int round = 1; round <= 20; ++round) {
    // Both read revision `round` and write round + 1.
    std::latch start(2);
    Result<void> results[2];
    SqliteStore* stores[2] = {first.get(), second.get()};
    std::thread threads[2];
    for (int i = 0; i < 2; ++i) {
      threads[i] = std::thread([&, i] {
        Batch batch;
        batch.instances = {Write(1, round)};
        batch.instances[0].instance.snapshot = "writer " + std::to_string(i);
        batch.instances[0].tasks = {
            Task(100 + static_cast<Id>(round), 1, {"r"})};
        start.arrive_and_wait();
        results[i] = stores[i]->Commit(batch);
      });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_NE(results[0].has_value(), results[1].has_value())
        << "round " << round;
    const int loser = results[0].has_value() ? 1 : 0;
    ExpectConflict(results[loser], "instance 1: changed by another writer");
    auto stored = second->LoadInstance(1).value();
    EXPECT_EQ(stored->revision, round + 1);
    EXPECT_EQ(stored->snapshot, "writer " + std::to_string(1 - loser));
  }
  ExpectIntact(*first);
}

// A fault at each statement of a commit leaves exactly the state before it,
// in the same object and after reopening, and the object commits again.
TEST_F(SqliteStoreTest, FaultAtAnyStatementOfACommitChangesNothing) {
  std::int64_t statements = 0;
  std::string after;
  const std::string before = MakeBase(Path("reference.db"));
  {
    auto store = OpenSqlite(Path("reference.db"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(TypicalBatch()).has_value());
    statements = store->statements_executed();
    after = Dump(*store);
  }
  ASSERT_GT(statements, 10);
  std::printf("a typical commit runs %lld statements\n",
              static_cast<long long>(statements));

  for (std::int64_t k = 1; k <= statements + 1; ++k) {
    SCOPED_TRACE("failing statement " + std::to_string(k));
    const std::string path = Path("fault" + std::to_string(k) + ".db");
    ASSERT_EQ(MakeBase(path), before);
    {
      auto store = OpenSqlite(path, FailAt(k));
      ASSERT_NE(store, nullptr);
      auto result = store->Commit(TypicalBatch());
      if (k > statements) {
        ASSERT_TRUE(result.has_value()) << result.error().message;
        continue;
      }
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(result.error().code, ErrorCode::kIo);
      EXPECT_NE(result.error().message.find("injected"), std::string::npos);
      EXPECT_EQ(Dump(*store), before);
    }
    auto store = OpenSqlite(path, FailAt(k));
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(Dump(*store), before);
    ASSERT_FALSE(store->Commit(TypicalBatch()).has_value());
    ASSERT_TRUE(store->Commit(TypicalBatch()).has_value());
    EXPECT_EQ(Dump(*store), after);
    ExpectIntact(*store);
  }
}

TEST_F(SqliteStoreTest, FullDiskFailsTheCommitAndRecovers) {
  const std::string before = MakeBase(Path());
  auto store = OpenSqlite(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SetMaxPageCount(1).has_value());  // the current size

  Batch big = TypicalBatch();
  big.instances[0].instance.snapshot = std::string(1 << 20, 'x');
  auto result = store->Commit(big);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
  EXPECT_NE(result.error().message.find("disk full"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(Dump(*store), before);

  ASSERT_TRUE(store->SetMaxPageCount(1 << 20).has_value());
  ASSERT_TRUE(store->Commit(big).has_value());
  EXPECT_EQ(store->LoadInstance(1).value()->snapshot.size(), 1u << 20);
  ExpectIntact(*store);
}

// Runs `sql` on the file with the plain SQLite API.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string result;
  auto collect = [](void* out, int columns, char** values, char**) {
    auto* text = static_cast<std::string*>(out);
    for (int i = 0; i < columns; ++i) {
      *text += values[i] != nullptr ? values[i] : "NULL";
      *text += i + 1 < columns ? "|" : "\n";
    }
    return 0;
  };
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), collect, &result, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  return result;
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  const std::string path = Path("newer.db");
  RawExec(path,
          "PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("schema version " +
                         std::to_string(LatestSchemaVersion() + 1)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("latest " + std::to_string(LatestSchemaVersion())),
            std::string::npos)
      << message;
  // Nothing was changed in the file.
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"),
            std::to_string(LatestSchemaVersion() + 1) + "\n");
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "delete\n");
}

TEST_F(SqliteStoreTest, OldSchemaIsMigrated) {
  ASSERT_GE(LatestSchemaVersion(), 2);
  const std::string path = Path("old.db");
  RawExec(path, std::string(Migrations()[0]) +
                    "PRAGMA user_version = 1;"
                    "INSERT INTO instances VALUES "
                    "(7, 'invoice', 1, 'b', 'active', 0, 1, 2, 3, x'00');");
  EXPECT_EQ(RawQuery(path,
                     "SELECT count(*) FROM sqlite_master WHERE "
                     "name = 'instances_state'"),
            "0\n");

  auto store = OpenSqlite(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"),
            std::to_string(LatestSchemaVersion()) + "\n");
  EXPECT_EQ(RawQuery(path,
                     "SELECT count(*) FROM sqlite_master WHERE "
                     "name = 'instances_state'"),
            "1\n");
  auto seven = store->LoadInstance(7).value();
  ASSERT_TRUE(seven.has_value());
  EXPECT_EQ(seven->revision, 3);
  EXPECT_EQ(seven->snapshot, std::string(1, '\0'));
  Batch batch;
  batch.instances = {Write(7, 3)};
  EXPECT_TRUE(store->Commit(batch).has_value());
  ExpectIntact(*store);

  // A second open finds nothing left to run.
  EXPECT_NE(OpenSqlite(path), nullptr);
}

TEST_F(SqliteStoreTest, SchemaFourTaskRolesAreMigrated) {
  ASSERT_GE(LatestSchemaVersion(), 5);
  const std::string path = Path("four.db");
  std::string script;
  for (int i = 0; i < 4; ++i) script += std::string(Migrations()[i]);
  RawExec(path, script +
                    "PRAGMA user_version = 4;"
                    "INSERT INTO instances VALUES "
                    "(7, 'invoice', 1, 'b', 'active', 0, 1, 2, 3, x'00');"
                    "INSERT INTO tasks (id, instance, element_id, name, roles, "
                    "candidate_users, assignee, created, due) VALUES "
                    "(40, 7, 'Check', 'Check', '[\"clerk\",\"manager\"]', "
                    "'[]', 'ann', 5, NULL);"
                    "INSERT INTO task_roles VALUES (40, 'clerk'), "
                    "(40, 'manager');");
  auto store = OpenSqlite(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Ids(store->Tasks(Filter("manager"))), (std::vector<Id>{40}));
  EXPECT_EQ(Ids(store->Tasks(Filter("", "ann"))), (std::vector<Id>{40}));
  // Assignee and due are indexed only where a task has them.
  EXPECT_EQ(RawQuery(path,
                     "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                     "tbl_name = 'tasks' AND sql LIKE '%WHERE%' ORDER BY name"),
            "tasks_assignee\ntasks_due\n");
  // Closing the task takes its role rows with it.
  Batch batch;
  batch.instances = {Write(7, 3)};
  batch.instances[0].tasks = {Task(41, 7, {"clerk"})};
  ASSERT_TRUE(store->Commit(batch).has_value());
  EXPECT_EQ(RawQuery(path, "SELECT role, task_id FROM task_roles"),
            "clerk|41\n");
  ExpectIntact(*store);
}

// A commit rewrites only the task rows that changed: a closed task's rows go,
// a new task's come, a claimed one is rewritten, the others stay as they are.
// The same when the writer says which rows its last commit stored: then the
// store compares with those instead of reading its own (three reads fewer).
TEST_F(SqliteStoreTest, TaskRowsFollowTheOpenTasks) {
  std::int64_t statements[2] = {0, 0};
  for (bool writer_knows : {false, true}) {
    SCOPED_TRACE(writer_knows ? "rows known to the writer" : "rows read");
    const std::string path = Path(writer_knows ? "known.db" : "read.db");
    auto store = OpenSqlite(path);
    ASSERT_NE(store, nullptr);
    Batch first;
    first.instances = {Write(1, 0)};
    first.instances[0].tasks = {Task(10, 1, {"clerk", "manager"}),
                                Task(11, 1, {"clerk"}),
                                Task(12, 1, {"auditor"})};
    ASSERT_TRUE(store->Commit(first).has_value());
    // Which rows the next commit deletes and inserts, as triggers see them.
    RawExec(path,
            "CREATE TABLE gone (id INTEGER); CREATE TABLE came (id INTEGER);"
            "CREATE TRIGGER task_gone AFTER DELETE ON tasks "
            "BEGIN INSERT INTO gone VALUES (old.id); END;"
            "CREATE TRIGGER task_came AFTER INSERT ON tasks "
            "BEGIN INSERT INTO came VALUES (new.id); END;");

    Batch next;
    next.instances = {Write(1, 1)};
    next.instances[0].tasks = {Task(11, 1, {"clerk"}, {}, "ann"),
                               Task(12, 1, {"auditor"}),
                               Task(13, 1, {"manager"}, {}, "", 9000)};
    if (writer_knows) {
      // Named twice, a staying task is still one row, kept.
      next.instances[0].stored_tasks = first.instances[0].tasks;
      next.instances[0].stored_tasks->push_back(first.instances[0].tasks[2]);
    }
    const auto before = store->statements_executed();
    ASSERT_TRUE(store->Commit(next).has_value());
    statements[writer_knows] = store->statements_executed() - before;
    EXPECT_EQ(RawQuery(path, "SELECT role, task_id FROM task_roles"),
              "auditor|12\nclerk|11\nmanager|13\n");
    EXPECT_EQ(RawQuery(path, "SELECT id, assignee, due FROM tasks ORDER BY id"),
              "11|ann|NULL\n12||NULL\n13||9000\n");
    EXPECT_EQ(RawQuery(path, "SELECT id FROM gone ORDER BY id"), "10\n11\n");
    EXPECT_EQ(RawQuery(path, "SELECT id FROM came ORDER BY id"), "11\n13\n");
    EXPECT_EQ(Ids(store->Tasks(Filter("", "ann"))), (std::vector<Id>{11}));
    EXPECT_EQ(Ids(store->Tasks(Filter("manager"))), (std::vector<Id>{13}));
    EXPECT_EQ(store->Tasks(Filter("", "", 1)).value(), next.instances[0].tasks);
    ExpectIntact(*store);
  }
  EXPECT_EQ(statements[false] - statements[true], 3);
}

// A role that is not UTF-8 is stored as the roles column reads it back, so
// closing its task still removes its role row: also when the writer names
// the stored task with the role as it gave it.
TEST_F(SqliteStoreTest, RoleRowsOfAnInvalidUtf8RoleGoWithTheirTask) {
  for (bool writer_knows : {false, true}) {
    SCOPED_TRACE(writer_knows ? "rows known to the writer" : "rows read");
    const std::string path = Path(writer_knows ? "known.db" : "read.db");
    auto store = OpenSqlite(path);
    ASSERT_NE(store, nullptr);
    Batch first;
    first.instances = {Write(1, 0)};
    first.instances[0].tasks = {Task(10, 1, {"clerk", "bad\xff"})};
    ASSERT_TRUE(store->Commit(first).has_value());
    EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM task_roles"), "2\n");
    Batch next;
    next.instances = {Write(1, 1)};
    if (writer_knows) next.instances[0].stored_tasks = first.instances[0].tasks;
    ASSERT_TRUE(store->Commit(next).has_value());
    EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM task_roles"), "0\n");
    EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM tasks"), "0\n");
  }
}

// Commits keep coming while the log is copied back on the checkpointer's
// thread: the thread does run, the log stays bounded, and everything reads
// back after reopening.
TEST_F(SqliteStoreTest, WriteAheadLogIsCopiedBackInTheBackground) {
  const std::string path = Path();
  std::string before;
  {
    auto store = OpenSqlite(path, Synchronous("OFF"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(FullBatch()).has_value());
    int most_pages = 0;
    for (int i = 1; i <= 5000; ++i) {
      Batch batch;
      batch.instances = {Write(1, i)};
      batch.instances[0].tasks = {
          Task(1000 + static_cast<Id>(i), 1, {"clerk"})};
      batch.events = {
          Event(100 + static_cast<std::uint64_t>(i), 1, std::string(600, 'x'))};
      ASSERT_TRUE(store->Commit(batch).has_value()) << i;
      most_pages = std::max(most_pages, store->checkpoints().wal_pages);
    }
    const auto stats = store->checkpoints();
    EXPECT_GT(stats.background_passes, 0);
    // Restarted by the thread's copy and the commit's short finish, never by
    // the inline fallback at 8,000 frames.
    EXPECT_LT(most_pages, 8000);
    std::printf("log at most %d frames; %ld background passes, %ld inline\n",
                most_pages, stats.background_passes, stats.inline_checkpoints);
    before = Dump(*store);
  }
  auto store = OpenSqlite(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Dump(*store), before);
  EXPECT_EQ(store->LoadInstance(1).value()->revision, 5001);
  ExpectIntact(*store);
}

// Under synchronous FULL a commit's log frames reach the file in one write
// (persistence/wal_write_buffer.h). A commit far larger than the page cache
// (2 MB; the store keeps it in memory instead of spilling frames early) and
// than one write of the unix VFS (128 KiB) commits whole; another connection
// sees it at once; one that fails at its end leaves nothing behind, also
// once another connection has committed after it; the file reads back the
// same after reopening.
TEST_F(SqliteStoreTest, LargeCommitsWithGatheredLogWritesAreWholeOrNothing) {
  auto writer = OpenSqlite(Path());
  auto reader = OpenSqlite(Path(), Synchronous("NORMAL"));
  ASSERT_TRUE(writer && reader);
  ASSERT_TRUE(writer->Commit(FullBatch()).has_value());
  auto big_batch = [](int first, std::int64_t expected_of_first) {
    Batch batch;
    for (int i = 0; i < 400; ++i) {
      InstanceWrite w =
          Write(static_cast<Id>(first + i), i == 0 ? expected_of_first : 0);
      w.instance.snapshot = std::string(8000, static_cast<char>('a' + i % 26));
      w.tasks = {Task(static_cast<Id>(100000 + first + i),
                      static_cast<Id>(first + i), {"clerk"})};
      batch.instances.push_back(std::move(w));
    }
    return batch;
  };
  // 400 instances of 8 KB: over 3 MB of log, the page cache holds 2 MB.
  ASSERT_TRUE(writer->Commit(big_batch(100, 0)).has_value());
  const std::string committed = Dump(*writer);
  EXPECT_EQ(Dump(*reader), committed);
  EXPECT_EQ(reader->LoadInstance(499).value()->snapshot,
            std::string(8000, static_cast<char>('a' + 399 % 26)));

  // Fails at its last instance (already stored): 3 MB written, then undone,
  // without a frame of it in the log.
  Batch failing = big_batch(1000, 0);
  failing.instances.back().instance.id = 499;
  auto log = [&] {
    std::ifstream in(Path() + "-wal", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string log_before = log();
  auto refused = writer->Commit(failing);
  EXPECT_TRUE(log() == log_before) << "the undone commit wrote to the log";
  ASSERT_FALSE(refused.has_value());
  ExpectConflict(refused, "instance 499: already exists");
  EXPECT_EQ(Dump(*writer), committed);
  EXPECT_EQ(Dump(*reader), committed);
  // Another connection commits next: nothing of the undone commit may
  // reach the log over its frames, for either connection.
  Batch other;
  other.instances = {Write(1, 1)};
  other.instances[0].instance.snapshot = "from the other connection";
  ASSERT_TRUE(reader->Commit(other).has_value());
  const std::string after_other = Dump(*reader);
  EXPECT_EQ(Dump(*writer), after_other);
  EXPECT_EQ(writer->LoadInstance(1).value()->snapshot,
            "from the other connection");

  ASSERT_TRUE(writer->Commit(big_batch(2000, 0)).has_value());
  const std::string last = Dump(*writer);
  EXPECT_EQ(Dump(*reader), last);
  EXPECT_EQ(reader->LoadInstance(1).value()->snapshot,
            "from the other connection");
  writer.reset();
  reader.reset();
  auto reopened = OpenSqlite(Path());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Dump(*reopened), last);
  ExpectIntact(*reopened);
}

TEST_F(SqliteStoreTest, BadOptionsAndPathsAreRefused) {
  auto bad = SqliteStore::Open(Path(), Synchronous("sometimes"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto missing = SqliteStore::Open(Path("no/such/dir/store.db"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find("no/such/dir"), std::string::npos);
  std::FILE* file = std::fopen(Path("junk.db").c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs(
      "this is not a database, not even close to one............"
      "................................................",
      file);
  std::fclose(file);
  auto junk = SqliteStore::Open(Path("junk.db"));
  ASSERT_FALSE(junk.has_value());
  EXPECT_EQ(junk.error().code, ErrorCode::kIo);
}

struct CpuTime {
  double user_us = 0;
  double system_us = 0;
  CpuTime operator-(const CpuTime& other) const {
    return {user_us - other.user_us, system_us - other.system_us};
  }
};

CpuTime Cpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto micros = [](const timeval& t) {
    return 1e6 * static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec);
  };
  return {micros(usage.ru_utime), micros(usage.ru_stime)};
}

// Prints the cost of durable single-instance commits; asserts nothing about
// it (machines differ).
TEST_F(SqliteStoreTest, ThousandDurableCommits) {
  auto store = OpenSqlite(Path(), Synchronous("FULL"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(FullBatch()).has_value());
  constexpr int kCommits = 1000;
  const auto wall_start = std::chrono::steady_clock::now();
  const CpuTime cpu_start = Cpu();
  for (int i = 1; i <= kCommits; ++i) {
    Batch batch;
    batch.instances = {Write(1, i)};
    batch.instances[0].tasks = {
        Task(1000 + static_cast<Id>(i), 1, {"clerk"}, {}, "", 5000)};
    batch.instances[0].timers = {Timer(5000 + static_cast<Id>(i), 1, 9000)};
    batch.events = {Event(100 + static_cast<std::uint64_t>(i), 1, "step")};
    ASSERT_TRUE(store->Commit(batch).has_value()) << i;
  }
  const CpuTime cpu = Cpu() - cpu_start;
  const double wall_ms = std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - wall_start)
                             .count();
  std::printf(
      "%d commits, synchronous=FULL: %.0f ms wall (%.0f commits/s); CPU per "
      "commit %.1f us user + %.1f us system\n",
      kCommits, wall_ms, kCommits * 1000.0 / wall_ms, cpu.user_us / kCommits,
      cpu.system_us / kCommits);
  EXPECT_EQ(store->LoadInstance(1).value()->revision, kCommits + 1);
  ExpectIntact(*store);
}

}  // namespace
