// Escalation policies: what happens when a user task passes its due time, as
// a process or task extension property `escalation` (camunda:properties or
// zeebe:properties), for example
//   notify manager after due; reassign to manager after due + P1D
// Steps are separated by ';' (or ','); each is an action and when it happens:
//   notify ROLE | notify user NAME        a notification (outbox)
//   reassign to ROLE | reassign to user NAME
//   task for ROLE                         an escalation task for that role
//   throw CODE                            a BPMN escalation from the task,
//                                         caught by its escalation boundary
//   after due [+ ISO-8601 duration]       counted in working time when a
//                                         calendar is in force
// Plain value types; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bpmn/result.h"
#include "model/timer_spec.h"

namespace bpmn::model {

struct EscalationStep {
  enum class Action { kNotify, kReassign, kTask, kThrow };
  Action action = Action::kNotify;
  std::string
      target;         // a role (normalized), a user name, or an escalation code
  bool user = false;  // the target names a user
  Duration after;     // after the due time
  std::string text;   // the step as written, for logs and history
};

// The steps in the order written; an error names the step and what is wrong.
Result<std::vector<EscalationStep>> ParseEscalationPolicy(
    std::string_view text);

}  // namespace bpmn::model
