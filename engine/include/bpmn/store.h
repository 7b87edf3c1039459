// The Store port: where the engine keeps everything that must survive a
// restart. The engine hands it one Batch per command (or per group of
// commands) and the store commits it whole or not at all; on start the engine
// reads back what it needs to continue. Records are plain values: the engine
// encodes instance snapshots and events itself, the store only keeps them and
// the index rows beside them (tasks, timers, jobs, subscriptions, incidents)
// that queries use. Implementations: persistence/memory_store.h,
// persistence/sqlite_store.h. A store object is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bpmn/result.h"

namespace bpmn::store {

using Id = std::uint64_t;
using Millis = std::int64_t;  // milliseconds since the Unix epoch, UTC

// One deployed BPMN file.
struct DefinitionsRecord {
  std::int64_t id = 0;
  std::string name;  // the file name it was deployed from
  std::string hash;  // of the XML: identical XML is not deployed twice
  std::string xml;
  Millis deployed_at = 0;
};

// One version of one process: `key` is the process id in the XML.
struct ProcessRecord {
  std::string key;
  std::int64_t version = 0;  // 1, 2, ... per key
  std::int64_t definitions_id = 0;
};

// key, version, business_key, parent and started_at are written when the
// instance is stored first and never change (but the version, when an
// InstanceWrite says so: a migration); later writes update the rest.
struct InstanceRecord {
  Id id = 0;
  std::string key;           // the process id
  std::int64_t version = 0;  // the process version it runs
  std::string business_key;
  std::string state;  // active, completed, terminated, incident
  Id parent = 0;      // the calling instance, or 0
  Millis started_at = 0;
  Millis updated_at = 0;
  std::int64_t revision = 0;  // bumped at every commit (optimistic lock)
  std::string snapshot;       // the encoded instance state
};

// One entry of the append-only history: the events one commit (a command,
// or a group of them) added to one instance, in order. Stored so, the history
// takes a tenth of the rows and index entries one row per event would.
struct EventRecord {
  std::uint64_t seq = 0;  // of its first event; events are numbered across
                          // the store, so this orders the whole history
  Id instance = 0;
  Millis at = 0;
  std::int64_t count = 0;  // how many events `data` holds
  std::string data;        // the encoded events
};

struct TaskRecord {
  Id id = 0;
  Id instance = 0;
  std::string element_id;
  std::string name;
  std::vector<std::string> roles;
  std::vector<std::string> candidate_users;
  std::string assignee;
  Millis created = 0;
  std::optional<Millis> due;
  std::optional<Millis> follow_up;  // when to look at it again
  bool operator==(const TaskRecord&) const = default;
};

struct TimerRecord {
  Id id = 0;
  Id instance = 0;  // 0 for the timer of a process's start event
  std::string element_id;
  Millis due = 0;
};

struct JobRecord {
  Id id = 0;
  Id instance = 0;
  std::string element_id;
  std::string type;
  std::int64_t retries = 0;
  std::string lock_owner;  // empty when not locked
  Millis lock_expires = 0;
};

struct SubscriptionRecord {
  Id id = 0;
  Id instance = 0;
  std::string element_id;
  std::string name;  // message or signal name
  std::string correlation_key;
  bool signal = false;
};

struct IncidentRecord {
  Id id = 0;
  Id instance = 0;
  std::string element_id;
  std::string message;
};

// A changed instance with its open work items, which replace the ones stored
// before.
struct InstanceWrite {
  InstanceRecord instance;
  // The revision the engine read; 0 for a new instance. A stored row with
  // another revision means a concurrent writer won: the batch fails with
  // kConflict.
  std::int64_t expected_revision = 0;
  std::vector<TaskRecord> tasks;
  std::vector<TimerRecord> timers;
  std::vector<JobRecord> jobs;
  std::vector<SubscriptionRecord> subscriptions;
  std::vector<IncidentRecord> incidents;
  // The lists above are always complete. Kinds named here (a bit per kind)
  // are known to equal what is stored, so a store may leave their rows alone.
  enum ItemKind : unsigned {
    kTasks = 1,
    kTimers = 2,
    kJobs = 4,
    kSubscriptions = 8,
    kIncidents = 16,
    kAllKinds = 31
  };
  unsigned unchanged = 0;
  // The task rows the expected revision stored, when the writer knows them
  // (it wrote that revision itself): a store may compare `tasks` with these
  // instead of reading its rows. Unset: the store reads what it holds.
  std::optional<std::vector<TaskRecord>> stored_tasks;
  // The instance moved to another version of its process: the store writes
  // `instance.version` too.
  bool version_changed = false;
};

// The engine's own state: id counters, timers of start events, buffered
// messages. Guarded like an instance by a revision.
struct EngineRecord {
  std::string data;
  std::int64_t revision = 0;
};

struct UserRecord {
  std::string user;
  std::vector<std::string> roles;
};

// A notification waiting in the outbox for whoever delivers it (a worker,
// the web page).
struct OutboxRecord {
  Id id = 0;
  Millis at = 0;
  Id instance = 0;
  Id task = 0;
  std::string element_id;
  std::string recipient;  // a role, or user:NAME
  std::string subject;
  std::string body;
};

// A working calendar as its YAML text (model/calendar.h).
struct CalendarRecord {
  std::string name;
  std::string yaml;
  bool is_default = false;  // in force where a process names none
};

// Where a finished instance's time went (engine-encoded: visits of flow
// nodes, flows taken, root variables), written in the commit that finishes
// it, so a report over many instances reads one row each.
struct SummaryRecord {
  Id instance = 0;
  std::string key;
  std::int64_t version = 0;
  std::string business_key;
  Millis started_at = 0;
  Millis ended_at = 0;
  std::string data;
};

struct Batch {
  std::vector<DefinitionsRecord> definitions;
  std::vector<ProcessRecord> processes;
  std::vector<InstanceWrite> instances;
  std::vector<EventRecord> events;
  std::vector<TimerRecord> start_timers;  // replace all stored start timers
  bool write_start_timers = false;
  std::optional<std::string> engine_data;  // written when set
  std::int64_t expected_engine_revision = 0;
  std::vector<UserRecord> users;          // added or replaced
  std::vector<CalendarRecord> calendars;  // added or replaced; a default one
                                          // makes the others not default
  std::vector<OutboxRecord> outbox;       // appended
  std::vector<SummaryRecord> summaries;   // added or replaced

  bool empty() const {
    return definitions.empty() && processes.empty() && instances.empty() &&
           events.empty() && !engine_data && users.empty() &&
           !write_start_timers && calendars.empty() && outbox.empty() &&
           summaries.empty();
  }
};

// What the engine reads when it opens.
struct StoredState {
  std::vector<DefinitionsRecord> definitions;
  std::vector<ProcessRecord> processes;
  std::optional<EngineRecord> engine;
  std::vector<UserRecord> users;
  std::vector<CalendarRecord> calendars;
  std::vector<InstanceRecord> instances;  // see Store::Load
};

struct TaskFilter {
  std::string role;  // tasks offered to this role
  std::string user;  // assigned to this user, or naming them as a candidate
  Id instance = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Takes the store's write lock ahead of the next Commit, so that nobody
  // else commits between reading the state and writing the command built on
  // it; Commit releases it, and so does EndWrite when nothing was committed.
  // The engine does this when a command lost a race. Default: no lock (a
  // store with one writer).
  virtual Result<void> BeginWrite() { return {}; }
  virtual void EndWrite() {}

  // Writes the whole batch in one transaction, or nothing. Fails with
  // kConflict when an expected revision does not match the stored one (the
  // message says "instance N" or "engine"), kIo when the medium fails.
  virtual Result<void> Commit(const Batch& batch) = 0;
  // Definitions, processes, engine state, users, and the instances that are
  // not finished (all instances with `with_finished`).
  virtual Result<StoredState> Load(bool with_finished) = 0;
  virtual Result<std::optional<InstanceRecord>> LoadInstance(Id id) = 0;
  // Instances in id order; `state` empty for all.
  virtual Result<std::vector<InstanceRecord>> Instances(
      const std::string& state) = 0;
  // Events of one instance in order; all events with instance 0.
  virtual Result<std::vector<EventRecord>> History(Id instance) = 0;
  virtual Result<std::vector<TaskRecord>> Tasks(const TaskFilter& filter) = 0;
  virtual Result<std::vector<TimerRecord>> Timers(Id instance) = 0;
  // Jobs of a type; all with `type` empty.
  virtual Result<std::vector<JobRecord>> Jobs(const std::string& type) = 0;
  virtual Result<std::vector<IncidentRecord>> Incidents() = 0;
  // The outbox, oldest first.
  virtual Result<std::vector<OutboxRecord>> Outbox() = 0;
  // Summaries of finished instances of a process (of all with `key` empty),
  // in instance order.
  virtual Result<std::vector<SummaryRecord>> Summaries(
      const std::string& key) = 0;
  // Finished instances without a summary (finished before the store kept
  // them), in id order.
  virtual Result<std::vector<Id>> FinishedWithoutSummary() = 0;
  // A number that changes whenever another writer commits to the same store,
  // so an engine knows its loaded state is stale.
  virtual Result<std::int64_t> ExternalChanges() = 0;
};

}  // namespace bpmn::store
