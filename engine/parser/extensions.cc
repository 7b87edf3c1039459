// Vendor extensions read into flow nodes (extensions.h). The Camunda 7 family
// (camunda:, flowable:, activiti:) writes attributes and <camunda:*> elements;
// Camunda 8 writes <zeebe:*> elements. Both surfaces land in the same specs, so
// the runtime never asks which modeler drew a diagram.
#include "parser/extensions.h"

#include <cctype>

namespace bpmn::parser {
namespace {

using model::Expression;
using model::FlowNode;
using model::MakeExpression;

model::UserTaskSpec& UserTask(FlowNode& n) {
  if (!n.user_task) n.user_task.emplace();
  return *n.user_task;
}
model::JobSpec& Job(FlowNode& n) {
  if (!n.job) n.job.emplace();
  return *n.job;
}
model::CallSpec& Call(FlowNode& n) {
  if (!n.call) n.call.emplace();
  return *n.call;
}
model::ScriptSpec& Script(FlowNode& n) {
  if (!n.script) n.script.emplace();
  return *n.script;
}

const char* Attr(pugi::xml_node e, const char* name) {
  return e.attribute(name).value();
}

bool IsTrue(std::string_view v) { return v == "true"; }

// Iterates element children with their resolved names.
template <typename F>
void ForEachChild(pugi::xml_node parent, NamespaceScope& scope, F&& f) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard guard(scope, c);
    f(c, scope.Element(c.name()));
  }
}

void ReadFormField(pugi::xml_node field, NamespaceScope& scope,
                   model::FormField& out) {
  out.id = Attr(field, "id");
  out.label = Attr(field, "label");
  out.type = Attr(field, "type");
  out.default_value = Attr(field, "defaultValue");
  ForEachChild(field, scope, [&](pugi::xml_node c, QName q) {
    if (q.local == "validation") {
      ForEachChild(c, scope, [&](pugi::xml_node k, QName kq) {
        if (kq.local == "constraint")
          out.constraints.push_back({Attr(k, "name"), Attr(k, "config")});
      });
    } else if (q.local == "value") {
      out.enum_values.emplace_back(Attr(c, "id"), Attr(c, "name"));
    }
  });
}

// camunda:inputParameter / outputParameter: the value is the text, or a nested
// list/map/script kept as its text.
model::Mapping CamundaParameter(pugi::xml_node p) {
  model::Mapping m;
  m.target = Attr(p, "name");
  m.source = MakeExpression(TextOf(p));
  return m;
}

model::Mapping ZeebeMapping(pugi::xml_node p) {
  model::Mapping m;
  m.target = Attr(p, "target");
  m.source = MakeExpression(Attr(p, "source"));
  return m;
}

}  // namespace

std::string TextOf(pugi::xml_node element) {
  std::string text;
  for (pugi::xml_node c = element.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata)
      text += c.value();
  }
  std::size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return text.substr(b, e - b);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string_view part = text.substr(start, comma == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : comma - start);
    while (!part.empty() &&
           std::isspace(static_cast<unsigned char>(part.front())))
      part.remove_prefix(1);
    while (!part.empty() &&
           std::isspace(static_cast<unsigned char>(part.back())))
      part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool ReadVendorAttribute(Vendor vendor, std::string_view local,
                         std::string_view value, FlowNode& node) {
  if (vendor == Vendor::kZeebe)
    return false;  // Camunda 8 writes elements, not attributes
  using model::ElementKind;
  const bool user = node.kind == ElementKind::kUserTask;
  if (local == "asyncBefore" || local == "async") {
    node.async_before = IsTrue(value);
  } else if (local == "asyncAfter") {
    node.async_after = IsTrue(value);
  } else if (user && local == "assignee") {
    UserTask(node).assignee = MakeExpression(value);
  } else if (user && local == "candidateUsers") {
    UserTask(node).candidate_users = SplitList(value);
  } else if (user && local == "candidateGroups") {
    UserTask(node).candidate_groups = SplitList(value);
  } else if (user && local == "dueDate") {
    UserTask(node).due_date = MakeExpression(value);
  } else if (user && local == "followUpDate") {
    UserTask(node).follow_up_date = MakeExpression(value);
  } else if (user && local == "priority") {
    UserTask(node).priority = MakeExpression(value);
  } else if (local == "formKey") {
    UserTask(node).form_key = value;
  } else if (local == "topic") {
    Job(node).type = value;
  } else if (local == "type" || local == "class" ||
             local == "delegateExpression" || local == "expression") {
    Job(node).implementation = std::string(local) + ":" + std::string(value);
  } else if (local == "resultVariable" &&
             node.kind == ElementKind::kScriptTask) {
    Script(node).result_variable = value;
  } else if (local == "calledElementBinding") {
    Call(node).binding = value;
  } else if (local == "calledElementVersion") {
    Call(node).version = value;
  } else if (local == "collection") {
    node.loop.collection = MakeExpression(value);
  } else if (local == "elementVariable") {
    node.loop.element_variable = value;
  } else if (local == "errorCodeVariable") {
    if (!node.event_definitions.empty())
      node.event_definitions.back().error_code_variable = value;
  } else {
    return false;
  }
  return true;
}

bool ReadProperties(pugi::xml_node element, QName name, NamespaceScope& scope,
                    std::vector<std::pair<std::string, std::string>>& out) {
  if (VendorOf(name.ns) == Vendor::kNone) return false;
  if (name.local == "properties") {
    ForEachChild(element, scope, [&](pugi::xml_node p, QName q) {
      if (q.local == "property")
        out.emplace_back(Attr(p, "name"), Attr(p, "value"));
    });
    return true;
  }
  if (name.local == "taskHeaders") {
    ForEachChild(element, scope, [&](pugi::xml_node p, QName q) {
      if (q.local == "header")
        out.emplace_back(Attr(p, "key"), Attr(p, "value"));
    });
    return true;
  }
  return false;
}

bool ReadExtensionElement(pugi::xml_node e, QName name, NamespaceScope& scope,
                          FlowNode& node) {
  const Vendor vendor = VendorOf(name.ns);
  if (vendor == Vendor::kNone) return false;
  if (ReadProperties(e, name, scope, node.properties)) return true;
  std::string_view l = name.local;
  if (vendor == Vendor::kCamundaLike) {
    if (l == "formData") {
      ForEachChild(e, scope, [&](pugi::xml_node f, QName q) {
        if (q.local == "formField")
          ReadFormField(f, scope, UserTask(node).form_fields.emplace_back());
      });
    } else if (l == "inputOutput") {
      ForEachChild(e, scope, [&](pugi::xml_node p, QName q) {
        if (q.local == "inputParameter")
          node.inputs.push_back(CamundaParameter(p));
        if (q.local == "outputParameter")
          node.outputs.push_back(CamundaParameter(p));
      });
    } else if (l == "in" || l == "out") {
      auto& call = Call(node);
      if (std::string_view(Attr(e, "variables")) == "all") {
        (l == "in" ? call.in_all : call.out_all) = true;
      } else if (!e.attribute("businessKey").empty()) {
        call.business_key = Attr(e, "businessKey");
      } else {
        model::Mapping m;
        m.target = Attr(e, "target");
        m.source = e.attribute("sourceExpression").empty()
                       ? MakeExpression(Attr(e, "source"))
                       : MakeExpression(Attr(e, "sourceExpression"));
        (l == "in" ? call.in : call.out).push_back(std::move(m));
      }
    } else if (l == "failedJobRetryTimeCycle") {
      Job(node).retry_cycle = TextOf(e);
    } else {
      return false;  // listeners, connectors, ...: code hooks the engine does
                     // not run
    }
    return true;
  }
  // zeebe:
  if (l == "taskDefinition") {
    auto& job = Job(node);
    job.type = Attr(e, "type");
    if (!e.attribute("retries").empty())
      job.retries = MakeExpression(Attr(e, "retries"));
  } else if (l == "ioMapping") {
    ForEachChild(e, scope, [&](pugi::xml_node p, QName q) {
      if (q.local == "input") node.inputs.push_back(ZeebeMapping(p));
      if (q.local == "output") node.outputs.push_back(ZeebeMapping(p));
    });
  } else if (l == "calledElement") {
    auto& call = Call(node);
    call.called_element = MakeExpression(Attr(e, "processId"));
    call.propagate_all_child_variables =
        std::string_view(Attr(e, "propagateAllChildVariables")) != "false";
    call.propagate_all_parent_variables =
        std::string_view(Attr(e, "propagateAllParentVariables")) != "false";
  } else if (l == "assignmentDefinition") {
    auto& task = UserTask(node);
    if (!e.attribute("assignee").empty())
      task.assignee = MakeExpression(Attr(e, "assignee"));
    if (!e.attribute("candidateGroups").empty())
      task.candidate_groups = SplitList(Attr(e, "candidateGroups"));
    if (!e.attribute("candidateUsers").empty())
      task.candidate_users = SplitList(Attr(e, "candidateUsers"));
  } else if (l == "taskSchedule") {
    auto& task = UserTask(node);
    if (!e.attribute("dueDate").empty())
      task.due_date = MakeExpression(Attr(e, "dueDate"));
    if (!e.attribute("followUpDate").empty())
      task.follow_up_date = MakeExpression(Attr(e, "followUpDate"));
  } else if (l == "priorityDefinition") {
    UserTask(node).priority = MakeExpression(Attr(e, "priority"));
  } else if (l == "formDefinition") {
    auto& task = UserTask(node);
    task.form_key =
        e.attribute("formKey").empty() ? Attr(e, "formId") : Attr(e, "formKey");
  } else if (l == "userTask") {
    UserTask(node);  // marks a Camunda-8 native user task; nothing more to read
  } else if (l == "script") {
    auto& script = Script(node);
    script.format = "feel";
    script.script = MakeExpression(Attr(e, "expression"));
    script.result_variable = Attr(e, "resultVariable");
  } else if (l == "subscription") {
    for (auto& d : node.event_definitions) {
      if (d.kind == model::EventDefinitionKind::kMessage)
        d.correlation_key = MakeExpression(Attr(e, "correlationKey"));
    }
  } else if (l == "loopCharacteristics") {
    auto& loop = node.loop;
    loop.collection = MakeExpression(Attr(e, "inputCollection"));
    loop.element_variable = Attr(e, "inputElement");
    loop.output_collection = Attr(e, "outputCollection");
    loop.output_element = MakeExpression(Attr(e, "outputElement"));
  } else {
    return false;
  }
  return true;
}

}  // namespace bpmn::parser
