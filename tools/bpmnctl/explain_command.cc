// `bpmnctl explain FILE`: the compiled model as an analyst reads it: processes,
// flow nodes by lane and role, flows with their conditions, timers with their
// meaning, user tasks with roles, forms and due dates, boundary events with
// their hosts, then the diagnostics. Single-threaded.
#include <iostream>
#include <map>

#include "bpmnctl/commands.h"
#include "model/validate.h"
#include "parser/bpmn_reader.h"

namespace bpmnctl {
namespace {

using bpmn::model::Definitions;
using bpmn::model::ElementKind;
using bpmn::model::FlowNode;

std::string Label(const FlowNode& n) {
  std::string out = n.id;
  if (!n.name.empty()) out += " \"" + n.name + "\"";
  return out;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string EventSummary(const FlowNode& n) {
  std::string out;
  for (const auto& d : n.event_definitions) {
    std::string tag(bpmn::model::EventDefinitionTag(d.kind));
    out += " " + tag.substr(0, tag.find("EventDefinition"));
    if (!d.ref.empty()) out += "(" + d.ref + ")";
    if (!d.link_name.empty()) out += "(" + d.link_name + ")";
    if (d.timer) out += " " + d.timer->Describe();
    if (!d.condition.empty()) out += " when " + d.condition.text;
  }
  return out;
}

void ExplainNode(const Definitions& defs, const FlowNode& n,
                 const std::string& indent) {
  std::cout << indent << bpmn::model::ElementKindTag(n.kind);
  if (n.kind == ElementKind::kEventSubProcess)
    std::cout << " (event sub-process)";
  std::cout << " " << Label(n) << EventSummary(n);
  if (n.kind == ElementKind::kBoundaryEvent) {
    std::cout << (n.cancel_activity ? " interrupting" : " non-interrupting")
              << " on "
              << (n.attached_to != bpmn::model::kNoIndex
                      ? defs.node(n.attached_to).id
                      : n.attached_to_ref);
  }
  std::cout << "\n";
  if (n.user_task) {
    const auto& t = *n.user_task;
    std::vector<std::string> roles;
    for (const auto& g : t.candidate_groups)
      roles.push_back(bpmn::model::NormalizeRole(g));
    if (roles.empty() && !n.role.empty()) roles.push_back(n.role + " (lane)");
    std::cout << indent
              << "  roles: " << (roles.empty() ? "anyone" : Join(roles))
              << "\n";
    if (!t.assignee.empty())
      std::cout << indent << "  assignee: " << t.assignee.text << "\n";
    if (!t.candidate_users.empty())
      std::cout << indent << "  candidate users: " << Join(t.candidate_users)
                << "\n";
    if (!t.due_date.empty())
      std::cout << indent << "  due: " << t.due_date.text << "\n";
    if (!t.follow_up_date.empty())
      std::cout << indent << "  follow up: " << t.follow_up_date.text << "\n";
    if (!t.form_key.empty())
      std::cout << indent << "  form: " << t.form_key << "\n";
    for (const auto& f : t.form_fields) {
      std::cout << indent << "  field " << f.id
                << (f.label.empty() ? "" : " \"" + f.label + "\"") << " : "
                << (f.type.empty() ? "string" : f.type)
                << (f.required() ? " (required)" : "") << "\n";
    }
  }
  if (n.job) {
    std::cout << indent << "  job type: " << n.job->type;
    if (!n.job->retries.empty())
      std::cout << ", retries " << n.job->retries.text;
    std::cout << "\n";
  }
  if (n.script) {
    std::cout << indent << "  script ("
              << (n.script->format.empty() ? "?" : n.script->format)
              << "): " << n.script->script.text << "\n";
  }
  if (n.call)
    std::cout << indent << "  calls: " << n.call->called_element.text << "\n";
  if (n.loop.kind != bpmn::model::LoopKind::kNone) {
    static const char* kLoopNames[] = {"", "standard loop",
                                       "parallel multi-instance",
                                       "sequential multi-instance"};
    std::cout << indent << "  " << kLoopNames[static_cast<int>(n.loop.kind)];
    if (!n.loop.cardinality.empty())
      std::cout << " x " << n.loop.cardinality.text;
    if (!n.loop.collection.empty())
      std::cout << " over " << n.loop.collection.text;
    if (!n.loop.element_variable.empty())
      std::cout << " as " << n.loop.element_variable;
    if (!n.loop.loop_condition.empty())
      std::cout << " while " << n.loop.loop_condition.text;
    if (!n.loop.completion_condition.empty())
      std::cout << " until " << n.loop.completion_condition.text;
    std::cout << "\n";
  }
  for (auto fi : n.outgoing) {
    const auto& f = defs.flow(fi);
    std::cout << indent << "  -> " << defs.node(f.target).id;
    if (f.is_default) std::cout << " (default)";
    if (!f.condition.empty())
      std::cout << " when " << f.condition.text << " ["
                << bpmn::model::DialectName(f.condition.dialect) << "]";
    std::cout << "\n";
  }
  for (auto c : n.children) {
    if (defs.node(c).kind != ElementKind::kBoundaryEvent)
      ExplainNode(defs, defs.node(c), indent + "    ");
  }
  for (auto b : n.boundary_events)
    ExplainNode(defs, defs.node(b), indent + "  ");
}

void Explain(const std::string& file, const bpmn::parser::ReadResult& result) {
  const Definitions& defs = *result.definitions;
  std::cout << file << "\n";
  if (!defs.exporter().empty())
    std::cout << "drawn with " << defs.exporter() << " "
              << defs.exporter_version() << "\n";
  auto runs = bpmn::model::ExecutableProcesses(defs);
  for (const auto& p : defs.processes()) {
    std::cout << "\nprocess " << p.id
              << (p.name.empty() ? "" : " \"" + p.name + "\"")
              << (runs[p.index] ? " (executable)" : " (documentation only)")
              << ": " << p.nodes.size() << " flow nodes, " << p.flows.size()
              << " sequence flows\n";
    // Group top-level nodes by role, in the order lanes are declared; nodes
    // without a lane last.
    std::map<std::string, std::vector<std::uint32_t>> by_role;
    std::vector<std::string> order;
    for (auto i : p.top_level) {
      const FlowNode& n = defs.node(i);
      if (n.kind == ElementKind::kBoundaryEvent) continue;
      std::string key = n.role.empty() ? "(no lane)" : n.role;
      if (!by_role.count(key)) order.push_back(key);
      by_role[key].push_back(i);
    }
    for (const auto& role : order) {
      std::cout << "  role " << role << ":\n";
      for (auto i : by_role[role]) ExplainNode(defs, defs.node(i), "    ");
    }
  }
  if (!defs.messages().empty()) {
    std::cout << "\nmessages:";
    for (const auto& m : defs.messages())
      std::cout << " " << m.id << "(" << m.name << ")";
    std::cout << "\n";
  }
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : result.diagnostics)
    (d.severity == bpmn::Severity::kError ? errors : warnings)++;
  std::cout << "\n" << errors << " errors, " << warnings << " warnings\n";
  for (const auto& d : result.diagnostics)
    std::cout << bpmn::FormatDiagnostic(file, d) << "\n";
}

}  // namespace

void AddExplainCommand(CLI::App& app, int& exit_code) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Describe a diagram as the engine understands it");
  cmd->add_option("file", *file, "BPMN file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([file, &exit_code] {
    auto result = bpmn::parser::ReadBpmnFile(*file);
    if (!result.definitions) {
      for (const auto& d : result.diagnostics)
        std::cerr << bpmn::FormatDiagnostic(*file, d) << "\n";
      exit_code = kExitRefused;
      return;
    }
    Explain(*file, result);
    exit_code = bpmn::HasErrors(result.diagnostics) ? kExitRefused : kExitOk;
  });
}

}  // namespace bpmnctl
