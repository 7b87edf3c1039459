// The interpreter: runs instances of deployed definitions in memory, token by
// token, until every token waits or ends. Commands (start, claim, complete,
// correlate, signal, job results, fire timers) go in; behaviours decide and
// emit Events, which Apply turns into state. Time comes from the injected
// Clock; ids come from counters, so a replayed run gives an identical event
// log. Single-threaded: one Runtime is used by one thread at a time.
#pragma once

#include <deque>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bpmn/clock.h"
#include "bpmn/result.h"
#include "model/calendar.h"
#include "model/definitions.h"
#include "runtime/event.h"
#include "runtime/instance_state.h"
#include "runtime/migration.h"

namespace bpmn::runtime {

// What an in-process job handler answers: complete with variables, or throw a
// BPMN error.
struct JobOutcome {
  Variables variables;
  std::string error_code;  // non-empty: a BPMN error with this code
};
using JobHandler =
    std::function<JobOutcome(const Job& job, const Variables& variables)>;

class Runtime {
 public:
  explicit Runtime(const Clock& clock) : clock_(clock) {}

  // Makes the executable processes of `definitions` (and those they call)
  // startable by id; a later deployment of the same id wins.
  // With `arm_start_timers` false, timer start events are not armed: an engine
  // restoring saved state restores their timers with RestoreGlobals.
  void Deploy(std::shared_ptr<const model::Definitions> definitions,
              bool arm_start_timers = true);
  // The identity table. While it is empty, no role is checked.
  void SetUserRoles(const std::string& user, std::vector<std::string> roles);
  void RegisterJobHandler(const std::string& type, JobHandler handler);
  // Working calendars by name. A process names its calendar with the
  // extension property `calendar` (or `dueDateCalendar`); without one, the
  // default calendar (when set) is in force. Due-date durations count working
  // time in the calendar in force; timer events do when the process names a
  // calendar with the property `timerCalendar`.
  void SetCalendar(std::shared_ptr<const model::Calendar> calendar);
  void SetDefaultCalendar(const std::string& name) { default_calendar_ = name; }
  const model::Calendar* FindCalendar(const std::string& name) const;
  // Keep the event log (default on). Benchmarks turn it off.
  void set_keep_log(bool keep) { keep_log_ = keep; }

  Result<Id> Start(const std::string& process_id, Variables variables,
                   std::string business_key = {},
                   const std::string& start_event_id = {});
  Result<void> ClaimTask(Id task, const std::string& user);
  // Gives a claimed task back to its roles; only its assignee may.
  Result<void> UnclaimTask(Id task, const std::string& user);
  Result<void> CompleteTask(Id task, const std::string& user,
                            Variables variables);
  // Delivers a message to one waiting subscription (or a message start event).
  // `key` empty matches any subscription of that name.
  // With `ttl` above zero, a message that finds no subscription is kept that
  // long and delivered to the first subscription that opens for it.
  Result<void> CorrelateMessage(
      const std::string& name, const std::string& key, Variables variables,
      std::chrono::milliseconds ttl = std::chrono::milliseconds(0));
  // Delivers a signal to every waiting catcher and signal start event; returns
  // how many.
  Result<int> BroadcastSignal(const std::string& name, Variables variables);
  Result<void> CompleteJob(Id job, Variables variables);
  Result<void> FailJob(Id job, const std::string& message);
  Result<void> ThrowJobError(Id job, const std::string& code,
                             Variables variables);
  // Locks up to `max` open jobs of `type` (unlocked, or whose lock expired)
  // for `worker` until now + `lock`, and returns them.
  struct ActivatedJob {
    Id instance;
    Job job;
  };
  Result<std::vector<ActivatedJob>> ActivateJobs(const std::string& type,
                                                 const std::string& worker,
                                                 std::chrono::milliseconds lock,
                                                 std::size_t max);
  // Gives a job `retries` more attempts and resolves the incident its last
  // failure raised.
  Result<void> RetryJob(Id job, std::int64_t retries);
  // Fires every timer due at the clock's time, in (due, id) order.
  void FireDue();
  std::optional<TimePoint> NextDue() const;
  // Migration to another version of the instance's process (migration.cc).
  // Refused (kState, naming the element; nothing changes) unless the instance
  // is active without incidents and every token waits, at no gateway, at an
  // element with a counterpart of the same kind in the counterpart of its
  // sub-process, and so does every work item. Called instances stay on
  // theirs. Boundary events and event sub-processes new in the target are
  // armed for the waiting tokens.
  Result<void> CheckMigration(Id instance, const MigrationTarget& target) const;
  Result<void> MigrateInstance(Id instance, const MigrationTarget& target);

  // Drops completed and terminated instances (their history stays in the log);
  // long runs in memory call this, the durable store will keep them instead.
  void EvictFinished();

  const InstanceState* Instance(Id id) const;
  std::vector<const InstanceState*> Instances() const;
  // The instance and every instance it called, transitively.
  std::vector<const InstanceState*> Family(Id id) const;
  // Elements where the instance's tokens wait (sub-processes excluded, their
  // content listed).
  std::vector<std::string> Waiting(Id instance) const;
  // Where the task of `instance` or of an instance it called is, and which.
  struct TaskRef {
    const InstanceState* instance;
    const UserTask* task;
  };
  std::vector<TaskRef> OpenTasks(Id instance) const;
  // Work lists: open tasks of a role; open tasks a user may work on (assigned
  // to them, or of a role they hold, or naming them as a candidate, and not
  // claimed by someone else).
  std::vector<TaskRef> TasksForRole(const std::string& role) const;
  std::vector<TaskRef> TasksForUser(const std::string& user) const;
  std::vector<const InstanceState*> InstancesWithStatus(
      InstanceStatus status) const;
  std::vector<const InstanceState*> InstancesWithBusinessKey(
      const std::string& key) const;
  std::vector<std::pair<const InstanceState*, const Job*>> OpenJobs(
      Id instance) const;
  const std::vector<Event>& log() const { return log_; }

  // For a durable engine: the events emitted since the last call, collected
  // while `set_journal(true)`.
  void set_journal(bool on) { journal_on_ = on; }
  // Moves the journal's events to the end of `into`; the journal keeps its
  // room for the next command's.
  void TakeJournal(std::vector<Event>& into) {
    into.insert(into.end(), std::make_move_iterator(journal_.begin()),
                std::make_move_iterator(journal_.end()));
    journal_.clear();
  }

  // State beside the instances, saved and restored by a durable engine.
  struct StartTimer {
    Id id;
    std::shared_ptr<const model::Definitions> definitions;
    std::uint32_t process, node;
    TimePoint due;
    std::int64_t remaining, interval_ms;
  };
  // Messages buffered with a time to live (CorrelateMessage).
  struct BufferedMessage {
    std::string name, key;
    Variables variables;
    TimePoint expires;
  };
  struct Globals {
    std::uint64_t next_id = 0;
    std::uint64_t next_seq = 0;
    std::vector<StartTimer> start_timers;
    std::vector<BufferedMessage> buffered;
  };
  Globals SaveGlobals() const;
  void RestoreGlobals(Globals globals);
  // Adds an instance read back from a store (its definitions deployed).
  void Restore(std::unique_ptr<InstanceState> instance);
  // Drops an instance from memory.
  void Forget(Id instance);
  // The instance's root variables.
  const Variables* RootVariables(Id instance) const;
  const model::Definitions* DefinitionsOf(Id instance) const;

 private:
  InstanceState* Find(Id id);
  // Whether `user` may claim or complete `t`: anyone while no users are
  // known; else its assignee, a candidate user, or a holder of one of its
  // roles (any known user when it names none).
  bool MayWorkOn(const UserTask& t, const std::string& user) const;
  // The open task and its instance, or nulls.
  std::pair<InstanceState*, UserTask*> FindTask(Id task_id);
  Id NextId() { return ++next_id_; }
  void Emit(InstanceState& s, Event e);
  void Drain();
  // Records an input from outside (kInputReceived) before the events it
  // causes.
  struct Input {
    std::string kind;
    std::string what;  // user, message or signal name, error code, ...
    Id item = kNoId;
    Id token = kNoId;
    std::uint32_t node = model::kNoIndex;
    std::string correlation_key;
  };
  void RecordInput(InstanceState& s, Input input, const Variables& variables);

  // Behaviours.
  void Activate(InstanceState& s, Id token);
  void Complete(InstanceState& s, Id token);
  void Leave(InstanceState& s, Id token);
  void TakeFlow(InstanceState& s, Id scope, std::uint32_t flow);
  std::vector<std::uint32_t> ChooseFlows(InstanceState& s,
                                         const model::FlowNode& n, Id scope);
  void Consume(InstanceState& s, Id token);
  void SetTokenState(InstanceState& s, Id token, TokenState state);
  void Wait(InstanceState& s, Id token);
  void CheckScope(InstanceState& s, Id scope);
  void CancelToken(InstanceState& s, Id token);
  void ArmBoundaries(InstanceState& s, Id token);
  void Disarm(InstanceState& s, Id token);
  void ArmCatch(InstanceState& s, Id token, std::uint32_t catch_node);
  void OpenScope(InstanceState& s, Id host_token, std::uint32_t node);
  void ActivateGateway(InstanceState& s, Id token);
  void TryInclusiveJoin(InstanceState& s, std::uint32_t node, Id scope);
  void ThrowError(InstanceState& s, Id token, const std::string& code,
                  bool from_end);
  void ThrowEscalation(InstanceState& s, Id token, const std::string& code);
  void Incident(InstanceState& s, Id token, std::string message);
  void FireTimer(InstanceState& s, const Timer& timer);
  void Trigger(InstanceState& s, Id waiting_token, std::uint32_t event_node,
               Variables vars);
  void StartChild(InstanceState& s, Id token);
  void ChildFinished(InstanceState& child);
  void SetVariables(InstanceState& s, Id scope, Variables vars,
                    bool nearest_definition);
  Id ScopeOfToken(InstanceState& s, Id token);
  Id CreateToken(InstanceState& s, std::uint32_t node, Id scope,
                 std::uint32_t flow, bool inner = false);
  // Multi-instance and standard loops (multi_instance.cc).
  void StartMultiInstance(InstanceState& s, Id host);
  void StartInner(InstanceState& s, Id body_scope, std::int64_t index);
  void InnerDone(InstanceState& s, Id inner_token);
  // Input and output mappings (io_mapping.cc): the host of a token working
  // inside its activity's own scope, or kNoId.
  Id MappingHost(const InstanceState& s, Id token) const;
  bool EnterMappedScope(InstanceState& s, Id token);
  void LeaveMappedScope(InstanceState& s, Id inner);
  // Delivers a signal without running the tokens it wakes (the caller's Drain
  // does).
  int DeliverSignal(const std::string& name, const Variables& variables);
  // Compensation and transaction cancel (compensation.cc).
  void StartCompensation(InstanceState& s, Id thrower,
                         const std::string& activity_ref);
  void RunNextCompensation(InstanceState& s, Id thrower);
  void CompensationHandlerDone(InstanceState& s, Id handler_token);
  // Event sub-processes (event_subprocess.cc).
  void ArmEventSubProcesses(InstanceState& s, Id scope,
                            const std::vector<std::uint32_t>& nodes);
  void TriggerEventSubProcess(InstanceState& s, Id listener,
                              std::uint32_t start_event, Variables vars);
  // A listener of `scope` whose start event catches this error or escalation
  // code, or 0.
  Id FindListener(InstanceState& s, Id scope, model::EventDefinitionKind kind,
                  const std::string& code);
  void TerminateScope(InstanceState& s, Id scope, Id except_token);
  Result<expr::Value> Evaluate(const InstanceState& s, Id scope,
                               const model::Expression& e);
  // `calendar` non-null: durations count its working time.
  std::optional<TimePoint> TimerDue(InstanceState& s, Id scope,
                                    const model::TimerSpec& spec,
                                    std::string* error,
                                    const model::Calendar* calendar = nullptr);
  // A user task's due or follow-up date (ISO 8601 date or duration, or an
  // expression giving either), in the calendar in force; nothing when unset
  // or unreadable.
  std::optional<TimePoint> TaskDate(InstanceState& s, Id scope,
                                    const model::Expression& date);
  // The calendar in force for due dates (`timers` false) or timer events.
  const model::Calendar* CalendarFor(const InstanceState& s, bool timers) const;
  // Deadlines of a user task (deadlines.cc): its due time and the steps of
  // its escalation policy, each a timer that fires once.
  void ArmDeadlines(InstanceState& s, const UserTask& task);
  void Deadline(InstanceState& s, const Timer& timer);
  std::string SignalName(const model::Definitions& d,
                         const std::string& ref) const;
  std::string MessageName(const model::Definitions& d,
                          const std::string& ref) const;
  Result<Id> StartInstance(std::shared_ptr<const model::Definitions> defs,
                           std::uint32_t process, Variables variables,
                           std::string business_key, std::uint32_t start_node,
                           Id parent_instance, Id parent_token);

  // Conditional events: re-evaluated after every command while any waits.
  // True when it delivered something (new tokens may be ready).
  bool EvaluateConditions();
  bool DeliverBuffered(InstanceState& s, const Subscription& sub);

  const Clock& clock_;
  std::vector<BufferedMessage> buffered_;
  std::vector<StartTimer> start_timers_;
  std::size_t conditional_waits_ = 0;
  // Instances with tokens waiting at an inclusive join that others could still
  // reach.
  std::set<Id> inclusive_waiting_;
  // Fires the inclusive joins that no token can reach any more; true when one
  // fired.
  bool CheckInclusiveJoins();
  std::map<std::string,
           std::pair<std::shared_ptr<const model::Definitions>, std::uint32_t>>
      processes_;
  std::map<std::string, std::vector<std::string>> users_;
  std::map<std::string, JobHandler> handlers_;
  std::map<std::string, std::shared_ptr<const model::Calendar>> calendars_;
  std::string default_calendar_;
  std::map<Id, std::unique_ptr<InstanceState>> instances_;
  // Task id -> the instance that opened it: a hint FindTask checks, so that
  // a command on a task does not look through every instance in memory.
  std::unordered_map<Id, Id> task_owner_;
  // Parent instance -> the instances its call activities started (in
  // memory), so that Family does not look through every instance.
  std::unordered_multimap<Id, Id> children_;
  // Every timer of the instances in memory as (due, timer id, instance), so
  // that NextDue and FireDue do not look through every instance (a server's
  // timer loop asks after every command). Kept by Emit (ApplyIndexed) for
  // the events that arm, move or close timers, and by Restore and Forget.
  std::set<std::tuple<TimePoint, Id, Id>> timers_by_due_;
  void IndexTimers(const InstanceState& s);
  void UnindexTimers(const InstanceState& s);
  void ApplyIndexed(const Event& e, InstanceState& s);
  std::deque<std::pair<Id, Id>> ready_;  // (instance, token)
  std::vector<Event> log_;
  std::vector<Event> journal_;
  bool journal_on_ = false;
  std::uint64_t next_id_ = 0;
  std::uint64_t next_seq_ = 0;
  bool keep_log_ = true;
};

}  // namespace bpmn::runtime
