// The kinds of flow node the model knows, one per BPMN element that tokens can
// visit, and the kinds of event definition an event may carry. The runtime's
// behaviour table is indexed by ElementKind. Constants only; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bpmn::model {

enum class ElementKind : std::uint8_t {
  kStartEvent,
  kEndEvent,
  kIntermediateCatchEvent,
  kIntermediateThrowEvent,
  kBoundaryEvent,
  kTask,
  kUserTask,
  kManualTask,
  kServiceTask,
  kSendTask,
  kReceiveTask,
  kScriptTask,
  kBusinessRuleTask,
  kExclusiveGateway,
  kParallelGateway,
  kInclusiveGateway,
  kEventBasedGateway,
  kComplexGateway,
  kSubProcess,
  kEventSubProcess,  // a subProcess with triggeredByEvent="true"
  kTransaction,
  kAdHocSubProcess,
  kCallActivity,
};
inline constexpr std::size_t kElementKindCount = 23;

// The BPMN XML local name of a kind ("userTask"; "subProcess" for
// kEventSubProcess).
std::string_view ElementKindTag(ElementKind kind);
// The kind for a BPMN XML local name, or nothing when the name is not a flow
// node.
std::optional<ElementKind> ElementKindFromTag(std::string_view tag);

bool IsEvent(ElementKind kind);
bool IsGateway(ElementKind kind);
// Tasks, sub-processes of every sort and call activities: what can host
// boundary events.
bool IsActivity(ElementKind kind);
bool IsSubProcess(ElementKind kind);  // every kind that contains flow nodes

enum class EventDefinitionKind : std::uint8_t {
  kMessage,
  kTimer,
  kSignal,
  kError,
  kEscalation,
  kConditional,
  kLink,
  kCompensate,
  kCancel,
  kTerminate,
};
inline constexpr std::size_t kEventDefinitionKindCount = 10;

// "messageEventDefinition", ...
std::string_view EventDefinitionTag(EventDefinitionKind kind);
std::optional<EventDefinitionKind> EventDefinitionFromTag(std::string_view tag);

}  // namespace bpmn::model
