// Text made safe to place in XML content or a double-quoted attribute (the
// JUnit report of `bpmnctl test`, the report's SVG heatmap). Pure function;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace bpmn {

// `&`, `<`, `>` and `"` as entities; everything else as it is.
std::string EscapeXml(std::string_view text);

}  // namespace bpmn
