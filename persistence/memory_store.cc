// MemoryStore (memory_store.h). Commit applies the batch record by record and
// logs how to undo each change; on the first refusal it runs the log
// backwards. Undoing, rather than checking everything before applying, keeps
// the refusals exactly those of SqliteStore, which also applies in order: the
// same instance twice in one batch, or an id that an earlier write in the
// batch frees, behave the same in both stores.
#include "persistence/memory_store.h"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

namespace bpmn::persistence {

using store::Batch;
using store::DefinitionsRecord;
using store::EngineRecord;
using store::EventRecord;
using store::Id;
using store::IncidentRecord;
using store::InstanceRecord;
using store::InstanceWrite;
using store::JobRecord;
using store::ProcessRecord;
using store::StoredState;
using store::SubscriptionRecord;
using store::TaskFilter;
using store::TaskRecord;
using store::TimerRecord;
using store::UserRecord;

namespace {

// Closures that restore what a commit changed, run newest first.
class UndoLog {
 public:
  void Add(std::function<void()> undo) { steps_.push_back(std::move(undo)); }
  void Run() {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)();
    steps_.clear();
  }

 private:
  std::vector<std::function<void()>> steps_;
};

// Inserts or replaces map[key], logging how to put back what was there.
template <typename Map>
void Put(Map& map, const typename Map::key_type& key,
         typename Map::mapped_type value, UndoLog& undo) {
  auto [it, inserted] = map.try_emplace(key, std::move(value));
  if (inserted) {
    undo.Add([&map, key] { map.erase(key); });
    return;
  }
  std::swap(it->second, value);
  undo.Add(
      [&map, key, old = std::move(value)] { map.insert_or_assign(key, old); });
}

template <typename Map>
void Erase(Map& map, const typename Map::key_type& key, UndoLog& undo) {
  auto it = map.find(key);
  if (it == map.end()) return;
  undo.Add([&map, key, old = std::move(it->second)] { map.emplace(key, old); });
  map.erase(it);
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The ids of an instance's open work items; instance 0 owns the start timers.
struct WorkIds {
  std::vector<Id> tasks;
  std::vector<Id> timers;
  std::vector<Id> jobs;
  std::vector<Id> subscriptions;
  std::vector<Id> incidents;
};

}  // namespace

struct MemoryStore::Tables {
  std::map<std::int64_t, DefinitionsRecord> definitions;
  std::map<std::string, std::int64_t> definition_hashes;
  std::map<std::pair<std::string, std::int64_t>, ProcessRecord> processes;
  std::map<Id, InstanceRecord> instances;
  std::map<std::pair<Id, std::uint64_t>, EventRecord>
      events;                                   // (instance, seq)
  std::map<std::uint64_t, Id> event_instances;  // seq -> instance
  std::map<Id, TaskRecord> tasks;
  std::map<Id, TimerRecord> timers;
  std::map<Id, JobRecord> jobs;
  std::map<Id, SubscriptionRecord> subscriptions;
  std::map<Id, IncidentRecord> incidents;
  std::map<Id, WorkIds> work;  // by instance
  std::optional<EngineRecord> engine;
  std::map<std::string, UserRecord> users;
  std::map<std::string, store::CalendarRecord> calendars;
  std::map<Id, store::OutboxRecord> outbox;
  std::map<Id, store::SummaryRecord> summaries;

  Result<void> Apply(const Batch& batch, UndoLog& undo);
  Result<void> WriteInstance(const InstanceWrite& write, UndoLog& undo);
  Result<void> WriteEngine(const Batch& batch, UndoLog& undo);
  void RemoveWork(Id instance, UndoLog& undo);

  // Stores `records` as work items of `instance` (their own instance field is
  // overwritten), refusing an id that is already stored.
  template <typename Record>
  Result<void> AddWork(std::map<Id, Record>& table,
                       const std::vector<Record>& records, Id instance,
                       std::vector<Id>& ids, const char* kind, UndoLog& undo) {
    for (const Record& record : records) {
      if (table.contains(record.id)) {
        return Fail(ErrorCode::kConflict, std::string(kind) + " " +
                                              std::to_string(record.id) +
                                              ": id already stored");
      }
      Record copy = record;
      copy.instance = instance;
      Put(table, record.id, std::move(copy), undo);
      ids.push_back(record.id);
    }
    return {};
  }
};

MemoryStore::MemoryStore() : tables_(std::make_unique<Tables>()) {}
MemoryStore::~MemoryStore() = default;

Result<void> MemoryStore::Commit(const Batch& batch) {
  UndoLog undo;
  auto result = tables_->Apply(batch, undo);
  if (!result) undo.Run();
  return result;
}

Result<void> MemoryStore::Tables::Apply(const Batch& batch, UndoLog& undo) {
  for (const InstanceWrite& write : batch.instances) {
    if (auto r = WriteInstance(write, undo); !r) return r;
  }
  if (auto r = WriteEngine(batch, undo); !r) return r;
  for (const EventRecord& event : batch.events) {
    if (event_instances.contains(event.seq)) {
      return Fail(ErrorCode::kConflict,
                  "event " + std::to_string(event.seq) + ": already stored");
    }
    Put(event_instances, event.seq, event.instance, undo);
    Put(events, {event.instance, event.seq}, event, undo);
  }
  if (batch.write_start_timers) {
    RemoveWork(0, undo);
    WorkIds ids;
    if (auto r =
            AddWork(timers, batch.start_timers, 0, ids.timers, "timer", undo);
        !r) {
      return r;
    }
    Put(work, 0, std::move(ids), undo);
  }
  for (const DefinitionsRecord& definitions_record : batch.definitions) {
    if (definitions.contains(definitions_record.id) ||
        definition_hashes.contains(definitions_record.hash)) {
      return Fail(ErrorCode::kConflict,
                  "definitions " + std::to_string(definitions_record.id) +
                      ": id or hash already stored");
    }
    Put(definitions, definitions_record.id, definitions_record, undo);
    Put(definition_hashes, definitions_record.hash, definitions_record.id,
        undo);
  }
  for (const ProcessRecord& process : batch.processes) {
    std::pair key{process.key, process.version};
    if (processes.contains(key)) {
      return Fail(ErrorCode::kConflict, "process " + process.key + " version " +
                                            std::to_string(process.version) +
                                            ": already stored");
    }
    Put(processes, key, process, undo);
  }
  for (const UserRecord& user : batch.users) Put(users, user.user, user, undo);
  for (const store::CalendarRecord& calendar : batch.calendars) {
    if (calendar.is_default) {
      for (auto& [name, record] : calendars) {
        if (!record.is_default) continue;
        store::CalendarRecord plain = record;
        plain.is_default = false;
        Put(calendars, name, plain, undo);
      }
    }
    store::CalendarRecord stored = calendar;
    if (auto it = calendars.find(calendar.name); it != calendars.end())
      stored.is_default = stored.is_default || it->second.is_default;
    Put(calendars, calendar.name, stored, undo);
  }
  for (const store::OutboxRecord& m : batch.outbox) {
    if (outbox.contains(m.id))
      return Fail(ErrorCode::kConflict,
                  "notification " + std::to_string(m.id) + ": already stored");
    Put(outbox, m.id, m, undo);
  }
  for (const store::SummaryRecord& summary : batch.summaries)
    Put(summaries, summary.instance, summary, undo);
  return {};
}

Result<void> MemoryStore::Tables::WriteInstance(const InstanceWrite& write,
                                                UndoLog& undo) {
  const Id id = write.instance.id;
  const std::string name = "instance " + std::to_string(id);
  if (id == 0) return Fail(ErrorCode::kInvalidArgument, "instance id 0");
  auto it = instances.find(id);
  if (write.expected_revision == 0) {
    if (it != instances.end()) {
      return Fail(ErrorCode::kConflict, name + ": already exists");
    }
  } else if (it == instances.end() ||
             it->second.revision != write.expected_revision) {
    return Fail(ErrorCode::kConflict, name + ": changed by another writer");
  }
  Put(instances, id, write.instance, undo);
  RemoveWork(id, undo);
  WorkIds ids;
  if (auto r = AddWork(tasks, write.tasks, id, ids.tasks, "task", undo); !r) {
    return r;
  }
  if (auto r = AddWork(timers, write.timers, id, ids.timers, "timer", undo);
      !r) {
    return r;
  }
  if (auto r = AddWork(jobs, write.jobs, id, ids.jobs, "job", undo); !r) {
    return r;
  }
  if (auto r = AddWork(subscriptions, write.subscriptions, id,
                       ids.subscriptions, "subscription", undo);
      !r) {
    return r;
  }
  if (auto r = AddWork(incidents, write.incidents, id, ids.incidents,
                       "incident", undo);
      !r) {
    return r;
  }
  Put(work, id, std::move(ids), undo);
  return {};
}

Result<void> MemoryStore::Tables::WriteEngine(const Batch& batch,
                                              UndoLog& undo) {
  if (!batch.engine_data) return {};
  const std::int64_t expected = batch.expected_engine_revision;
  if (expected == 0 ? engine.has_value()
                    : !engine || engine->revision != expected) {
    return Fail(ErrorCode::kConflict, "engine: changed by another writer");
  }
  undo.Add([this, old = engine] { engine = old; });
  engine = EngineRecord{*batch.engine_data, expected + 1};
  return {};
}

void MemoryStore::Tables::RemoveWork(Id instance, UndoLog& undo) {
  auto it = work.find(instance);
  if (it == work.end()) return;
  for (Id id : it->second.tasks) Erase(tasks, id, undo);
  for (Id id : it->second.timers) Erase(timers, id, undo);
  for (Id id : it->second.jobs) Erase(jobs, id, undo);
  for (Id id : it->second.subscriptions) Erase(subscriptions, id, undo);
  for (Id id : it->second.incidents) Erase(incidents, id, undo);
  Erase(work, instance, undo);
}

Result<StoredState> MemoryStore::Load(bool with_finished) {
  StoredState state;
  for (const auto& [id, record] : tables_->definitions) {
    state.definitions.push_back(record);
  }
  for (const auto& [key, record] : tables_->processes) {
    state.processes.push_back(record);
  }
  state.engine = tables_->engine;
  for (const auto& [name, record] : tables_->users) {
    state.users.push_back(record);
  }
  for (const auto& [name, record] : tables_->calendars) {
    state.calendars.push_back(record);
  }
  for (const auto& [id, record] : tables_->instances) {
    if (with_finished ||
        (record.state != "completed" && record.state != "terminated")) {
      state.instances.push_back(record);
    }
  }
  return state;
}

Result<std::optional<InstanceRecord>> MemoryStore::LoadInstance(Id id) {
  auto it = tables_->instances.find(id);
  if (it == tables_->instances.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<InstanceRecord>> MemoryStore::Instances(
    const std::string& state) {
  std::vector<InstanceRecord> result;
  for (const auto& [id, record] : tables_->instances) {
    if (state.empty() || record.state == state) result.push_back(record);
  }
  return result;
}

Result<std::vector<EventRecord>> MemoryStore::History(Id instance) {
  std::vector<EventRecord> result;
  if (instance == 0) {
    for (const auto& [seq, owner] : tables_->event_instances) {
      result.push_back(tables_->events.at({owner, seq}));
    }
    return result;
  }
  for (auto it = tables_->events.lower_bound({instance, 0});
       it != tables_->events.end() && it->first.first == instance; ++it) {
    result.push_back(it->second);
  }
  return result;
}

Result<std::vector<TaskRecord>> MemoryStore::Tasks(const TaskFilter& filter) {
  std::vector<TaskRecord> result;
  for (const auto& [id, task] : tables_->tasks) {
    if (!filter.role.empty() && !Contains(task.roles, filter.role)) continue;
    if (!filter.user.empty() && task.assignee != filter.user &&
        !Contains(task.candidate_users, filter.user)) {
      continue;
    }
    if (filter.instance != 0 && task.instance != filter.instance) continue;
    result.push_back(task);
  }
  return result;
}

Result<std::vector<TimerRecord>> MemoryStore::Timers(Id instance) {
  std::vector<TimerRecord> result;
  for (const auto& [id, timer] : tables_->timers) {
    if (instance == 0 || timer.instance == instance) result.push_back(timer);
  }
  std::stable_sort(
      result.begin(), result.end(),
      [](const TimerRecord& a, const TimerRecord& b) { return a.due < b.due; });
  return result;
}

Result<std::vector<JobRecord>> MemoryStore::Jobs(const std::string& type) {
  std::vector<JobRecord> result;
  for (const auto& [id, job] : tables_->jobs) {
    if (type.empty() || job.type == type) result.push_back(job);
  }
  return result;
}

Result<std::vector<IncidentRecord>> MemoryStore::Incidents() {
  std::vector<IncidentRecord> result;
  for (const auto& [id, incident] : tables_->incidents) {
    result.push_back(incident);
  }
  return result;
}

Result<std::vector<store::OutboxRecord>> MemoryStore::Outbox() {
  std::vector<store::OutboxRecord> result;
  for (const auto& [id, m] : tables_->outbox) result.push_back(m);
  return result;
}

Result<std::vector<store::SummaryRecord>> MemoryStore::Summaries(
    const std::string& key) {
  std::vector<store::SummaryRecord> result;
  for (const auto& [id, summary] : tables_->summaries)
    if (key.empty() || summary.key == key) result.push_back(summary);
  return result;
}

Result<std::vector<Id>> MemoryStore::FinishedWithoutSummary() {
  std::vector<Id> result;
  for (const auto& [id, instance] : tables_->instances) {
    if ((instance.state == "completed" || instance.state == "terminated") &&
        !tables_->summaries.contains(id))
      result.push_back(id);
  }
  return result;
}

Result<std::int64_t> MemoryStore::ExternalChanges() { return 0; }

}  // namespace bpmn::persistence
