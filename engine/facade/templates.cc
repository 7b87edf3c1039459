// Mustache through kainjow::mustache (templates.h). Output is plain text, so
// nothing is HTML-escaped.
#include "facade/templates.h"

#include <kainjow/mustache.hpp>

#include "expr/value.h"

namespace bpmn::engine {

std::string PropertyOf(const runtime::InstanceState& s, std::uint32_t node,
                       std::string_view name) {
  for (const auto& [k, v] : s.node(node).properties)
    if (k == name) return v;
  for (const auto& [k, v] : s.definitions->process(s.process).properties)
    if (k == name) return v;
  return "";
}

Result<std::string> RenderTemplate(
    const std::string& text, const runtime::InstanceState& s,
    std::uint32_t node, const std::map<std::string, std::string>& extra) {
  const model::FlowNode& n = s.node(node);
  const auto& process = s.definitions->process(s.process);
  kainjow::mustache::data data;
  if (!s.scopes.empty())
    for (const auto& [k, v] : s.scopes.front().variables)
      data.set(k, expr::ToText(v));
  data.set("task", n.name.empty() ? n.id : n.name);
  data.set("element", n.id);
  data.set("process", process.name.empty() ? process.id : process.name);
  data.set("instance", std::to_string(s.id));
  data.set("business_key", s.business_key);
  for (const auto& [k, v] : extra) data.set(k, v);
  kainjow::mustache::mustache tmpl(text);
  tmpl.set_custom_escape([](const std::string& t) { return t; });
  if (!tmpl.is_valid())
    return Fail(ErrorCode::kInvalidArgument,
                "template of '" + n.id + "': " + tmpl.error_message());
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid())
    return Fail(ErrorCode::kInvalidArgument,
                "template of '" + n.id + "': " + tmpl.error_message());
  return out;
}

}  // namespace bpmn::engine
