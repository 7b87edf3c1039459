// A flow node of a process (event, task, gateway, sub-process, call activity)
// with its graph links as dense indices into Definitions, its role, and its
// specs. Built by the reader, owned by an immutable Definitions; thread-safe to
// read.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/activity_specs.h"
#include "model/element_kind.h"
#include "model/expression.h"
#include "model/timer_spec.h"

namespace bpmn::model {

inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;

struct SourcePosition {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// One event definition on an event; an event with several is a "multiple"
// event.
struct EventDefinition {
  EventDefinitionKind kind = EventDefinitionKind::kMessage;
  std::string id;
  std::string
      ref;  // messageRef, signalRef, errorRef, escalationRef, activityRef
  std::string link_name;  // link events are paired by name
  std::optional<TimerSpec> timer;
  Expression condition;       // conditional events
  std::string variable_name;  // camunda:variableName on a conditional event
  Expression
      correlation_key;  // zeebe:subscription / message catch correlation key
  std::string error_code_variable;
  bool by_reference =
      false;  // copied from a document-level definition via eventDefinitionRef
  SourcePosition position;
};

// An extension attribute or element the engine does not interpret, kept as
// data.
struct ExtensionValue {
  std::string namespace_uri;
  std::string name;   // local name; "@attr" for an attribute
  std::string value;  // attribute value, or the element's text
};

struct FlowNode {
  std::string id;
  std::string name;
  ElementKind kind = ElementKind::kTask;
  std::uint32_t index = kNoIndex;    // position in Definitions::nodes()
  std::uint32_t process = kNoIndex;  // owning process
  std::uint32_t parent =
      kNoIndex;  // enclosing sub-process node, or kNoIndex at top level
  std::uint32_t lane = kNoIndex;  // innermost lane, or kNoIndex
  std::string role;               // from the lane, normalised; empty when none
  std::vector<std::uint32_t> incoming;  // sequence flow indices
  std::vector<std::uint32_t> outgoing;
  std::uint32_t default_flow = kNoIndex;
  std::vector<std::uint32_t> children;  // for sub-processes: direct child nodes
  std::vector<std::uint32_t>
      boundary_events;  // for activities: attached boundary events
  SourcePosition position;

  // Events
  std::vector<EventDefinition> event_definitions;
  std::uint32_t attached_to = kNoIndex;  // boundary events: the host activity
  std::string attached_to_ref;  // as written, for messages about dangling refs
  bool cancel_activity =
      true;  // boundary: interrupting; start events of event sub-processes too
  bool parallel_multiple = false;

  // Activities
  bool is_for_compensation = false;
  // The activity that compensates this one (through a compensation boundary
  // event and an association), or kNoIndex.
  std::uint32_t compensation_handler = kNoIndex;
  bool async_before = false;
  bool async_after = false;
  std::optional<UserTaskSpec> user_task;
  std::optional<JobSpec> job;
  std::optional<ScriptSpec> script;
  std::optional<CallSpec> call;
  LoopSpec loop;
  std::string message_ref;  // receive and send tasks
  std::vector<Mapping> inputs;
  std::vector<Mapping> outputs;
  Expression completion_condition;   // ad-hoc sub-process
  bool ordering_sequential = false;  // ad-hoc sub-process ordering

  // Gateways
  std::string gateway_direction;   // as written: Unspecified, Converging,
                                   // Diverging, Mixed
  bool instantiate = false;        // event-based gateway that starts a process
  std::string event_gateway_type;  // Exclusive / Parallel

  std::vector<std::pair<std::string, std::string>>
      properties;                          // camunda:/zeebe: properties
  std::vector<ExtensionValue> extensions;  // kept, not interpreted

  bool IsEventDriven() const { return !event_definitions.empty(); }
  // The first event definition of that kind, or null.
  const EventDefinition* FindEventDefinition(EventDefinitionKind k) const {
    for (const auto& d : event_definitions)
      if (d.kind == k) return &d;
    return nullptr;
  }
  bool HasEventDefinition(EventDefinitionKind k) const {
    return FindEventDefinition(k) != nullptr;
  }
};

}  // namespace bpmn::model
