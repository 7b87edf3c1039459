// The durable engine: the interpreter (runtime::Runtime) on a Store. Every
// command runs in memory, then its events, the snapshots of the instances it
// touched and their work-item rows go to the store in one transaction; the
// command succeeds only once that commit does. A failed commit (conflict,
// full disk, I/O error) undoes the command: the engine reloads from the store,
// which still holds the state before it. On Open the engine reads back
// definitions, counters, timers and unfinished instances and continues, so a
// process killed at any moment loses nothing that was acknowledged.
//
// Single-threaded: one Engine is used by one thread at a time. Several
// engines (also in several processes) may share one store; a command built
// on stale state fails with kConflict and nothing is applied twice.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "bpmn/result.h"
#include "bpmn/store.h"
#include "facade/command_clock.h"
#include "runtime/instance_summary.h"
#include "runtime/runtime.h"

namespace bpmn::engine {

using runtime::Id;
using runtime::Variables;

struct EngineOptions {
  // Keep finished instances in memory after their last command (tests and
  // scenarios read them); a server leaves them to the store.
  bool keep_finished = false;
  // Keep every event in memory (log()), read back from the store on Open.
  bool keep_log = false;
  // Deploying arms the timers of timer start events; a scratch engine that
  // re-runs recorded instances (replay) starts them itself and leaves this
  // off.
  bool arm_start_timers = true;
};

// One process made startable by a deployment.
struct Deployment {
  std::string key;  // the process id
  std::int64_t version = 0;
  std::int64_t definitions_id = 0;
  bool new_version = false;  // false: identical XML was deployed before
  std::vector<std::string> warnings;  // e.g. a calendar the engine lacks
};

// What Engine::Migrate did with one instance.
struct MigrationOutcome {
  Id instance = 0;
  std::string business_key;
  bool moved = false;  // with a dry run: would move
  Error refusal;       // why not (kState naming the element, ...)
  // The elements its tokens wait at afterwards, in the version it runs.
  std::vector<std::string> waiting;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(store::Store& store,
                                              const Clock& clock,
                                              EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Parses, validates and stores a BPMN file; redeploying identical XML makes
  // no new version. `name` names the file in errors and listings.
  Result<std::vector<Deployment>> Deploy(const std::string& name,
                                         const std::string& xml);
  Result<void> SetUserRoles(const std::string& user,
                            std::vector<std::string> roles);
  // A working calendar from its YAML text (model/calendar.h), stored; with
  // `make_default` it is in force for processes that name none.
  Result<void> AddCalendar(const std::string& name, const std::string& yaml,
                           bool make_default);
  void RegisterJobHandler(const std::string& type, runtime::JobHandler handler);
  // Called with every notification once it is committed to the outbox (the
  // outbox stays the record; a notifier may send mail, post to a chat, ...).
  using Notifier = std::function<void(const store::OutboxRecord&)>;
  void SetNotifier(Notifier notifier) { notifier_ = std::move(notifier); }

  Result<Id> Start(const std::string& key, Variables variables,
                   std::string business_key = {},
                   const std::string& start_event_id = {});
  Result<void> ClaimTask(Id task, const std::string& user);
  Result<void> UnclaimTask(Id task, const std::string& user);
  Result<void> CompleteTask(Id task, const std::string& user,
                            Variables variables);
  Result<void> CorrelateMessage(
      const std::string& name, const std::string& key, Variables variables,
      std::chrono::milliseconds ttl = std::chrono::milliseconds(0));
  Result<int> BroadcastSignal(const std::string& name, Variables variables);
  Result<void> CompleteJob(Id job, Variables variables);
  Result<void> FailJob(Id job, const std::string& message);
  Result<void> ThrowJobError(Id job, const std::string& code,
                             Variables variables);
  Result<void> RetryJob(Id job, std::int64_t retries);
  // External workers: locks up to `max` open jobs of `type` for `worker`;
  // a job whose lock expired (its worker died) is handed out again.
  Result<std::vector<runtime::Runtime::ActivatedJob>> ActivateJobs(
      const std::string& type, const std::string& worker,
      std::chrono::milliseconds lock, std::size_t max);
  // Fires every timer due at the clock's time, in (due, id) order.
  Result<void> FireDue();
  std::optional<TimePoint> NextDue() const;

  // Group commit: after BeginGroup, commands run in memory and their writes
  // collect; CommitGroup writes them all in one transaction. Until it
  // returns success, no command of the group is acknowledged; when it fails,
  // all of them are undone. BeginGroup first catches up with other writers.
  Result<void> BeginGroup();
  Result<void> CommitGroup();

  // Reads one instance again from the store (as a server does after a
  // restart), or everything. A finished instance read back is not kept in
  // memory (unless keep_finished).
  Result<void> ReloadInstance(Id instance);
  Result<void> Reload();

  // Queries over the instances in memory: every unfinished one (and finished
  // ones with keep_finished).
  const runtime::Runtime& runtime() const { return *runtime_; }
  // Every event, oldest first (keep_log).
  const std::vector<runtime::Event>& log() const { return log_; }
  store::Store& store() { return store_; }
  // The definitions a stored definitions id names, parsed.
  std::shared_ptr<const model::Definitions> DefinitionsById(
      std::int64_t id) const;
  // Deployed process versions, oldest first.
  const std::vector<store::ProcessRecord>& processes() const {
    return processes_;
  }
  // The stored events of an instance in order; of every instance with 0.
  Result<std::vector<runtime::Event>> History(Id instance) const;
  // Any stored instance, finished or not, decoded from its snapshot.
  Result<std::unique_ptr<runtime::InstanceState>> ReadInstance(
      Id instance) const;
  // Where a stored instance's time went so far, from its history (finished
  // instances also have theirs stored: Store::Summaries).
  Result<runtime::InstanceSummary> Summarize(Id instance) const;
  // The key and version an instance runs.
  store::ProcessRecord ProcessOf(const runtime::InstanceState& s) const;

  // Instance migration (migration.cc): moves the unfinished instances of
  // process `key` version `from` to version `to`, each in a command of its
  // own (one transaction with its kInstanceMigrated event; its record's
  // version becomes `to`), and says per instance, in id order, whether it
  // moved or why not (Runtime::CheckMigration). `map`: old element id -> new
  // one. With `dry_run` nothing changes. kNotFound when a version or a mapped
  // element does not exist.
  Result<std::vector<MigrationOutcome>> Migrate(
      const std::string& key, std::int64_t from, std::int64_t to,
      const std::vector<std::pair<std::string, std::string>>& map,
      bool dry_run = false);
  // The definitions each event of one instance's history (as History gives
  // it) names its elements in: the ones it started on up to its first
  // kInstanceMigrated event (that one included), each migration's target
  // after it. `current`: the definitions it runs on now.
  std::vector<std::shared_ptr<const model::Definitions>> DefinitionsOfHistory(
      const std::vector<runtime::Event>& history,
      std::shared_ptr<const model::Definitions> current) const;
  // A stored instance rebuilt from its history alone (Apply from an empty
  // state on the definitions it started on); equals its snapshot.
  Result<std::unique_ptr<runtime::InstanceState>> ReplayHistory(
      Id instance) const;

 private:
  Engine(store::Store& store, const Clock& clock, EngineOptions options);

  template <typename T, typename F>
  Result<T> Command(F&& run);
  // One instance's migration as a command (Migrate, migration.cc).
  Result<void> MigrateInstance(Id instance,
                               const runtime::MigrationTarget& target);
  Result<void> Refresh();
  // After a failed commit and the reload: whether another writer changed an
  // instance the failed batch updated.
  bool TouchedInstanceChanged() const;
  Result<void> Flush();
  Result<void> LoadAll();
  store::InstanceWrite WriteOf(const runtime::InstanceState& s) const;
  Result<store::InstanceRecord> LoadRecord(Id instance) const;
  // Feeds the instance's builder (started here for a new instance) with
  // the events of the commit under way; for a finished instance, its
  // summary, from the builder or else from its history (Summarize).
  Result<std::optional<runtime::InstanceSummary>> SummaryOnCommit(
      const runtime::InstanceState& s, bool is_new,
      const std::vector<const runtime::Event*>& pending);
  // Its stored history, then events not yet committed.
  Result<runtime::InstanceSummary> Summarize(
      const runtime::InstanceState& s,
      const std::vector<const runtime::Event*>& pending) const;
  // A stored instance's snapshot, against the definitions it runs on.
  Result<std::unique_ptr<runtime::InstanceState>> Decode(
      const store::InstanceRecord& record) const;
  // The outbox message of a notification event, from the process's template.
  store::OutboxRecord OutboxOf(const runtime::Event& e) const;
  // Calendars the processes of `defs` name that the engine does not know.
  std::vector<std::string> MissingCalendars(
      const model::Definitions& defs) const;
  std::int64_t DefinitionsIdOf(const model::Definitions* d) const;

  store::Store& store_;
  const Clock& clock_;
  // What the runtime and the records see: one instant per command.
  CommandClock command_clock_{clock_};
  EngineOptions options_;
  std::unique_ptr<runtime::Runtime> runtime_;
  std::map<std::string, runtime::JobHandler> handlers_;
  // Parsed definitions by stored id; immutable, kept across reloads.
  std::map<std::int64_t, std::shared_ptr<const model::Definitions>> parsed_;
  std::vector<store::DefinitionsRecord> definitions_;  // without their XML
  std::vector<store::ProcessRecord> processes_;
  struct Stored {
    std::int64_t revision = 0;
    store::Millis started_at = 0;
    // The task rows this engine committed at `revision`, when it did.
    std::optional<std::vector<store::TaskRecord>> tasks;
  };
  std::map<Id, Stored> revisions_;  // of stored instances
  // Summaries under way of instances whose every committed event they saw.
  std::map<Id, runtime::SummaryBuilder> summaries_;
  std::vector<store::TimerRecord> written_start_timers_;
  std::string written_engine_data_;  // as last committed or loaded
  std::int64_t engine_revision_ = 0;
  std::int64_t external_ = 0;  // the store's change counter at the last load
  bool stale_ = false;         // memory may differ from the store: reload first
  std::map<std::int64_t, std::string> parsed_hash_;  // of parsed_'s XML
  // Not yet committed.
  store::Batch pending_;
  std::vector<runtime::Event> pending_events_;
  bool grouping_ = false;
  std::map<Id, std::int64_t> failed_updates_;  // instance -> revision expected
  std::vector<runtime::Event> log_;
  Notifier notifier_;
};

}  // namespace bpmn::engine
