// Tag names and classification of element kinds (element_kind.h). Constant
// tables; thread-safe.
#include "model/element_kind.h"

#include <array>

namespace bpmn::model {
namespace {

constexpr std::array<std::string_view, kElementKindCount> kKindTags = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "scriptTask",
    "businessRuleTask",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
    "subProcess",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "callActivity",
};
static_assert(static_cast<std::size_t>(ElementKind::kCallActivity) + 1 ==
                  kElementKindCount,
              "every ElementKind needs a tag");

constexpr std::array<std::string_view, kEventDefinitionKindCount>
    kDefinitionTags = {
        "messageEventDefinition",    "timerEventDefinition",
        "signalEventDefinition",     "errorEventDefinition",
        "escalationEventDefinition", "conditionalEventDefinition",
        "linkEventDefinition",       "compensateEventDefinition",
        "cancelEventDefinition",     "terminateEventDefinition",
};
static_assert(static_cast<std::size_t>(EventDefinitionKind::kTerminate) + 1 ==
                  kEventDefinitionKindCount,
              "every EventDefinitionKind needs a tag");

}  // namespace

std::string_view ElementKindTag(ElementKind kind) {
  return kKindTags[static_cast<std::size_t>(kind)];
}

std::optional<ElementKind> ElementKindFromTag(std::string_view tag) {
  for (std::size_t i = 0; i < kElementKindCount; ++i) {
    // kEventSubProcess shares "subProcess"; the reader picks it from
    // triggeredByEvent.
    if (kKindTags[i] == tag) return static_cast<ElementKind>(i);
  }
  return std::nullopt;
}

bool IsEvent(ElementKind kind) { return kind <= ElementKind::kBoundaryEvent; }

bool IsGateway(ElementKind kind) {
  return kind >= ElementKind::kExclusiveGateway &&
         kind <= ElementKind::kComplexGateway;
}

bool IsActivity(ElementKind kind) {
  return (kind >= ElementKind::kTask &&
          kind <= ElementKind::kBusinessRuleTask) ||
         kind >= ElementKind::kSubProcess;
}

bool IsSubProcess(ElementKind kind) {
  return kind >= ElementKind::kSubProcess &&
         kind <= ElementKind::kAdHocSubProcess;
}

std::string_view EventDefinitionTag(EventDefinitionKind kind) {
  return kDefinitionTags[static_cast<std::size_t>(kind)];
}

std::optional<EventDefinitionKind> EventDefinitionFromTag(
    std::string_view tag) {
  for (std::size_t i = 0; i < kEventDefinitionKindCount; ++i) {
    if (kDefinitionTags[i] == tag) return static_cast<EventDefinitionKind>(i);
  }
  return std::nullopt;
}

}  // namespace bpmn::model
