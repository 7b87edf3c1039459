// The state of one process instance: its tokens, scopes with their variables,
// and the open work items (user tasks, jobs, timers, message and signal
// subscriptions, incidents). Changed only by Apply (apply.h); read by the
// executor and by queries. Single-threaded: one instance is touched by one
// thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "expr/value.h"
#include "model/definitions.h"

namespace bpmn::runtime {

using Id = std::uint64_t;
inline constexpr Id kNoId = 0;
using Variables = std::map<std::string, expr::Value, std::less<>>;

enum class TokenState : std::uint8_t {
  kReady,    // to be activated by the executor
  kWaiting,  // at a wait state (task, catch event, sub-process, call activity)
  kJoined,   // arrived at a joining gateway, waiting for the others
  kListening,  // an event sub-process waiting for its start event; does not
               // keep a scope open
  kDone,
};

struct Token {
  Id id = kNoId;
  std::uint32_t node = model::kNoIndex;
  Id scope = kNoId;
  TokenState state = TokenState::kReady;
  std::uint32_t via_flow = model::kNoIndex;  // the sequence flow it arrived by
  bool inner = false;  // one instance of a multi-instance or loop activity
};

// The root of an instance, or an embedded sub-process: where variables live.
struct Scope {
  Id id = kNoId;
  Id parent = kNoId;
  std::uint32_t node =
      model::kNoIndex;    // the sub-process; kNoIndex for the root
  Id host_token = kNoId;  // the token waiting at the sub-process
  Variables variables;
  bool open = true;
  // Multi-instance and loop activities: a body scope (holding nrOfInstances,
  // ... and the items) and one inner scope per instance (loopCounter and the
  // element variable).
  bool multi_instance = false;
  expr::Value items;
  // An activity's own scope for its input and output mappings: the activity's
  // token waits in the scope around it (as host), and a second token does the
  // activity's work inside.
  bool local = false;
};

struct UserTask {
  Id id = kNoId;
  Id token = kNoId;
  std::uint32_t node = model::kNoIndex;
  std::vector<std::string> roles;
  std::vector<std::string> candidate_users;
  std::string assignee;
  TimePoint created{};
  std::optional<TimePoint> due;
  std::optional<TimePoint> follow_up;
  bool open = true;
  // An escalation task an escalation policy created for the task with this
  // id; completing it does not move the token.
  Id escalation_of = kNoId;
};

struct Job {
  Id id = kNoId;
  Id token = kNoId;
  std::uint32_t node = model::kNoIndex;
  std::string type;
  std::int64_t retries = 3;
  bool open = true;
  // Activated by an external worker: nobody else gets the job until then.
  std::string lock_owner;
  TimePoint lock_expires{};
};

// A timer of a catch event, a boundary event, or a target of an event-based
// gateway.
struct Timer {
  Id id = kNoId;
  Id token = kNoId;  // the token that waits (host, gateway or catch)
  std::uint32_t node = model::kNoIndex;  // the timer event
  TimePoint due{};
  std::int64_t remaining = 0;  // further repetitions of a cycle; -1 unbounded
  std::int64_t interval_ms = 0;
  bool open = true;
  // A deadline of a user task (not a timer event): the task's due time
  // (step -1) or step `step` of its escalation policy.
  Id task = kNoId;
  std::int64_t step = -1;
};

// What the escalation of an overdue task did, for `show` and the report.
struct EscalationRecord {
  Id task = kNoId;
  std::uint32_t node = model::kNoIndex;
  TimePoint at{};
  std::string what;  // "overdue", "notified manager", ...
  // The task when it fell due: its roles, its assignee, how late (ms).
  std::vector<std::string> roles;
  std::string assignee;
  std::int64_t late_ms = 0;
};

struct Subscription {
  Id id = kNoId;
  Id token = kNoId;
  std::uint32_t node =
      model::kNoIndex;  // catch event, receive task, or boundary event
  bool signal = false;
  std::string name;  // message or signal name
  std::string correlation_key;
  bool open = true;
  bool conditional = false;  // waits for the event's condition to become true
  bool armed_true = false;   // the condition already held when it was armed
};

struct Incident {
  Id id = kNoId;
  Id token = kNoId;
  std::uint32_t node = model::kNoIndex;
  std::string message;
  bool open = true;
};

enum class InstanceStatus : std::uint8_t {
  kActive,
  kCompleted,
  kTerminated,
  kIncident
};

// "active", "completed", "terminated", "incident": the word stores, the
// command line and scenario files use.
inline std::string InstanceStatusName(InstanceStatus status) {
  switch (status) {
    case InstanceStatus::kCompleted:
      return "completed";
    case InstanceStatus::kTerminated:
      return "terminated";
    case InstanceStatus::kIncident:
      return "incident";
    case InstanceStatus::kActive:
      break;
  }
  return "active";
}

// Tokens waiting at one joining gateway in one scope, queued per incoming flow,
// so a parallel join decides in O(1) per arriving token.
struct JoinState {
  std::vector<std::vector<Id>>
      by_flow;  // by the flow's slot among the gateway's incoming flows
  std::size_t filled = 0;  // how many flows have at least one token
};

struct InstanceState {
  Id id = kNoId;
  std::shared_ptr<const model::Definitions> definitions;
  std::uint32_t process = model::kNoIndex;
  std::string business_key;
  InstanceStatus status = InstanceStatus::kActive;
  Id parent_instance = kNoId;  // for instances started by a call activity
  Id parent_token = kNoId;
  std::map<Id, Token> tokens;  // by id: creation order
  std::map<std::pair<std::uint32_t, Id>, JoinState> joins;  // (gateway, scope)
  // Per (inclusive join, scope): live tokens of the scope that could still
  // reach the join.
  std::map<std::pair<std::uint32_t, Id>, std::int64_t> join_reach;
  std::vector<Scope> scopes;
  std::vector<UserTask> tasks;
  std::vector<Job> jobs;
  std::vector<Timer> timers;
  std::vector<Subscription> subscriptions;
  std::vector<Incident> incidents;
  std::vector<std::uint32_t> completed;  // flow nodes in order of completion
  std::vector<std::uint32_t>
      escalated;  // flow nodes whose escalation was raised
  std::vector<EscalationRecord> escalations;
  std::vector<std::uint32_t> taken_flows;
  // Compensation in progress: handlers still to run per throwing token, and
  // which thrower each running handler token works for.
  std::map<Id, std::vector<std::uint32_t>> compensation_queue;
  std::map<Id, Id> compensating;

  Token* FindToken(Id id);
  const Token* FindToken(Id id) const;
  Scope* FindScope(Id id);
  const Scope* FindScope(Id id) const;
  const model::FlowNode& node(std::uint32_t index) const {
    return definitions->node(index);
  }
};

}  // namespace bpmn::runtime
