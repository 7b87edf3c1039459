// Events: the record of everything that happens to an instance. Behaviours
// decide and emit them; Apply (apply.h) turns each into a state change; the
// same list is the history a manager reads and, printed with FormatEvent, the
// log that two runs of one scenario must share byte for byte. Plain value
// types; thread-safe to read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/instance_state.h"

namespace bpmn::runtime {

enum class EventType : std::uint8_t {
  kInstanceStarted,  // instance, node (the start event), value: variables
  kInstanceCompleted,
  kInstanceTerminated,
  kTokenCreated,      // token, node, scope, flow
  kTokenState,        // token, state
  kElementCompleted,  // token, node
  kFlowTaken,         // flow
  kScopeOpened,       // scope, parent, node, token (host)
  kScopeClosed,       // scope
  kVariablesSet,      // scope, value: context of the variables set
  kTaskCreated,  // item, token, node, list: roles, text: assignee, time: due
                 // (flag: has one), number2: follow-up (ms since the
                 // epoch, 0: none), parent: the task it escalates
  kTaskClaimed,  // item, text: user
  kTaskClosed,   // item, text: user who completed it, or empty when cancelled
  kJobCreated,   // item, token, node, text: type, number: retries
  kJobRetries,   // item, number
  kJobClosed,    // item
  kTimerScheduled,  // item, token, node, time: due, number: remaining, number2:
                    // interval
  kTimerClosed,     // item
  kSubscriptionOpened,  // item, token, node, text: name, text2: correlation
                        // key, flag: signal
  kSubscriptionClosed,  // item
  kIncidentRaised,      // item, token, node, text: message
  kIncidentResolved,    // item
  kEscalationRaised,    // token, node, text: code
  kCompensationQueued,  // token: thrower, value: the handler nodes, in the
                        // order they run
  kCompensationStep,    // token: thrower, item: the handler's token (the first
                        // queued runs)
  kCompensationDone,    // token: thrower, item: the handler's token that
                        // finished, or 0
  kJobLocked,           // item, text: worker (empty: unlocked), time: until
  kDeadlineArmed,   // item (a timer), token, node, parent: task, number: step
                    // (-1: the due time), time: when
  kTaskOverdue,     // item: task, token, node, text: assignee, list: roles,
                    // number: how late, in ms
  kTaskReassigned,  // item: task, node, list: roles, text: assignee
  kNotification,    // item, token, node, parent: task, text: recipient
                    // (a role, or user:NAME), text2: the policy step
  kInputReceived,   // what came from outside, as given (the record replay
                    // re-runs): item: the task or job, token, node, text: kind
                    // (complete, message, signal, job-complete, job-fail,
                    // job-error), text2: the user, the message or signal
                    // name, the error code or the failure message, list:
                    // the correlation key (message), value: the variables
  kInstanceMigrated,  // the instance moves to another version of its process
                      // (runtime/migration.h): text: the process key,
                      // number: the target's definitions id, number2: its
                      // version, list/list2: the old and new element ids
                      // mapped explicitly, value: {from_definitions,
                      // from_version}; `definitions` holds the target
};

struct Event {
  std::uint64_t seq = 0;
  TimePoint at{};
  EventType type = EventType::kInstanceStarted;
  Id instance = kNoId;
  Id token = kNoId;
  Id scope = kNoId;
  Id parent = kNoId;
  Id item = kNoId;
  std::uint32_t node = model::kNoIndex;
  std::uint32_t flow = model::kNoIndex;
  TokenState state = TokenState::kReady;
  bool flag = false;
  std::int64_t number = 0;
  std::int64_t number2 = 0;
  TimePoint time{};
  std::string text;
  std::string text2;
  std::vector<std::string> list;
  std::vector<std::string> list2;
  expr::Value value;
  // kInstanceMigrated: the target definitions, which Apply switches the state
  // to. Not stored: whoever reads a history back sets it from `number`
  // (Engine::History does).
  std::shared_ptr<const model::Definitions> definitions;
};

// Journals and histories are vectors of events: they must grow by moving.
static_assert(std::is_nothrow_move_constructible_v<Event>);

std::string_view EventTypeName(EventType type);

// One line: "seq at type instance=.. element=.. ...", stable across runs.
std::string FormatEvent(const Event& e, const model::Definitions& definitions);

// The only code that changes an InstanceState.
void Apply(const Event& e, InstanceState& state);

}  // namespace bpmn::runtime
