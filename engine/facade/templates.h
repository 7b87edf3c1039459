// Text from Mustache templates over an instance: its root variables (as
// text) plus `task`, `element`, `process`, `instance`, `business_key` and
// whatever the caller adds. Used for notifications and generated documents.
// Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "bpmn/result.h"
#include "runtime/instance_state.h"

namespace bpmn::engine {

// An extension property of the element, else of its process; empty when
// neither has it.
std::string PropertyOf(const runtime::InstanceState& s, std::uint32_t node,
                       std::string_view name);

// Renders `text`; an error names what is wrong in the template.
Result<std::string> RenderTemplate(
    const std::string& text, const runtime::InstanceState& s,
    std::uint32_t node, const std::map<std::string, std::string>& extra = {});

}  // namespace bpmn::engine
