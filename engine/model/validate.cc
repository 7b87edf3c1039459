// The validator (validate.h): one pass over every scope (a process or a
// sub-process) for the rules about start and end events, and one pass over
// every flow node for the rules about its flows. Rule names follow bpmnlint
// where one exists. Pure; thread-safe.
#include "model/validate.h"

#include <map>
#include <string>
#include <tuple>

#include "model/escalation_policy.h"

namespace bpmn::model {
namespace {

class Validator {
 public:
  explicit Validator(const Definitions& defs)
      : defs_(defs), runs_(ExecutableProcesses(defs)) {}

  std::vector<Diagnostic> Run() {
    for (const auto& p : defs_.processes()) {
      CheckScope(p.top_level, nullptr, p);
      CheckDuplicateFlows(p);
      CheckPolicy(p.properties, p.index, p.id, p.position);
    }
    for (const auto& n : defs_.nodes()) {
      if (IsSubProcess(n.kind))
        CheckScope(n.children, &n, defs_.process(n.process));
      CheckNode(n);
      CheckPolicy(n.properties, n.process, n.id, n.position);
    }
    return std::move(out_);
  }

 private:
  // The `escalation` extension property (escalation_policy.h).
  void CheckPolicy(
      const std::vector<std::pair<std::string, std::string>>& properties,
      std::uint32_t process, const std::string& id, SourcePosition at) {
    for (const auto& [key, value] : properties) {
      if (key != "escalation") continue;
      if (auto steps = ParseEscalationPolicy(value); !steps)
        Report(Severity::kError, "escalation-policy", process, id, at,
               steps.error().message);
    }
  }

  void Report(Severity severity, const char* rule, std::uint32_t process,
              const std::string& id, SourcePosition at, std::string message) {
    if (!runs_[process]) severity = Severity::kWarning;
    out_.push_back(
        Diagnostic{severity, rule, id, at.line, at.column, std::move(message)});
  }
  void Report(Severity severity, const char* rule, const FlowNode& n,
              std::string message) {
    Report(severity, rule, n.process, n.id, n.position, std::move(message));
  }

  // Start and end events of one scope. `owner` is the sub-process, or null for
  // the process.
  void CheckScope(const std::vector<std::uint32_t>& members,
                  const FlowNode* owner, const Process& process) {
    if (members.empty())
      return;  // an empty pool or collapsed sub-process: nothing runs there
    const std::string& id = owner ? owner->id : process.id;
    const SourcePosition at = owner ? owner->position : process.position;
    const char* what = owner ? "sub-process" : "process";
    std::vector<const FlowNode*> starts, blank_starts;
    bool has_end = false;
    for (auto i : members) {
      const FlowNode& n = defs_.node(i);
      if (n.kind == ElementKind::kStartEvent) {
        starts.push_back(&n);
        if (n.event_definitions.empty()) blank_starts.push_back(&n);
      }
      if (n.kind == ElementKind::kEndEvent) has_end = true;
    }
    const ElementKind kind = owner ? owner->kind : ElementKind::kTask;
    if (kind == ElementKind::kAdHocSubProcess) return;
    if (kind == ElementKind::kEventSubProcess) {
      // An event sub-process without exactly one triggered start event never
      // fires: dead, not broken, so a warning.
      if (starts.size() == 1 && starts[0]->event_definitions.empty()) {
        Report(Severity::kWarning, "event-subprocess-start", *starts[0],
               "the start event of an event sub-process needs an event "
               "definition (message, "
               "timer, signal, error, escalation, conditional, compensation); "
               "this one never "
               "fires");
      } else if (starts.size() != 1) {
        Report(Severity::kWarning, "event-subprocess-start", process.index, id,
               at,
               "an event sub-process needs exactly one start event with an "
               "event definition "
               "(message, timer, signal, error, escalation, conditional, "
               "compensation); this one "
               "never starts");
      }
      return;
    }
    // BPMN 2.0, 10.5.2: start and end events are optional, but a scope with an
    // end event must have a start event; without both, the scope starts at
    // every element without incoming flows and ends when no token is left
    // (implicit start and end).
    if (starts.empty() && has_end) {
      Report(
          Severity::kError, "start-event-required", process.index, id, at,
          std::string("the ") + what + " has an end event but no start event");
    }
    if (blank_starts.size() > 1) {
      Report(Severity::kWarning, "single-blank-start-event", process.index, id,
             at,
             std::string("the ") + what + " '" + id +
                 "' has more than one start event without an event definition; "
                 "an instance "
                 "starts at the first one unless the caller names another");
    }
    if (!starts.empty() && !has_end) {
      Report(Severity::kWarning, "end-event-required", process.index, id, at,
             std::string("the ") + what +
                 " has a start event but no end event (paths end implicitly)");
    }
  }

  void CheckDuplicateFlows(const Process& p) {
    std::map<std::tuple<std::uint32_t, std::uint32_t, std::string>,
             const SequenceFlow*>
        seen;
    for (auto i : p.flows) {
      const SequenceFlow& f = defs_.flow(i);
      if (f.source == kNoIndex || f.target == kNoIndex) continue;
      auto [it, inserted] = seen.emplace(
          std::make_tuple(f.source, f.target, f.condition.text), &f);
      if (!inserted) {
        Report(Severity::kWarning, "no-duplicate-sequence-flows", p.index, f.id,
               f.position,
               "duplicates sequence flow '" + it->second->id +
                   "' (same source, target and "
                   "condition): every token would be doubled");
      }
    }
  }

  void CheckNode(const FlowNode& n) {
    const std::size_t in = n.incoming.size(), out = n.outgoing.size();
    const bool in_ad_hoc =
        n.parent != kNoIndex &&
        defs_.node(n.parent).kind == ElementKind::kAdHocSubProcess;
    if ((n.kind == ElementKind::kStartEvent ||
         n.kind == ElementKind::kBoundaryEvent) &&
        in > 0) {
      Report(Severity::kError, "start-event-incoming", n,
             std::string("a ") + std::string(ElementKindTag(n.kind)) +
                 " cannot have incoming sequence flows");
    }
    if (n.kind == ElementKind::kEndEvent && out > 0) {
      Report(Severity::kError, "end-event-outgoing", n,
             "an end event cannot have outgoing sequence flows");
    }
    if ((n.kind == ElementKind::kExclusiveGateway ||
         n.kind == ElementKind::kInclusiveGateway) &&
        out > 1) {
      for (auto fi : n.outgoing) {
        const SequenceFlow& f = defs_.flow(fi);
        if (f.condition.empty() && !f.is_default) {
          Report(Severity::kWarning, "conditional-flows", n.process, f.id,
                 f.position,
                 "sequence flow leaves the splitting gateway '" + n.id +
                     "' without a condition and is not its default flow; it "
                     "counts as always "
                     "true");
        }
      }
    }
    if (n.kind == ElementKind::kEventBasedGateway) CheckEventGateway(n);
    if (n.kind == ElementKind::kIntermediateThrowEvent &&
        n.HasEventDefinition(EventDefinitionKind::kLink)) {
      CheckLinkPair(n);
    }
    const bool exempt_disconnected = n.kind == ElementKind::kBoundaryEvent ||
                                     n.kind == ElementKind::kEventSubProcess ||
                                     n.is_for_compensation || in_ad_hoc;
    if (in == 0 && out == 0 && !exempt_disconnected) {
      Report(Severity::kWarning, "no-disconnected", n,
             "the element has neither incoming nor outgoing sequence flows");
    }
    if (n.kind == ElementKind::kBoundaryEvent && out == 0 &&
        !n.HasEventDefinition(EventDefinitionKind::kCompensate)) {
      Report(Severity::kWarning, "boundary-event-outgoing", n,
             "the boundary event has no outgoing sequence flow: when it fires, "
             "its path ends");
    }
    if (IsGateway(n.kind)) {
      if (in > 1 && out > 1) {
        Report(Severity::kWarning, "no-gateway-join-fork", n,
               "the gateway both joins and forks; split it into two gateways");
      }
      if (in == 1 && out == 1 && n.kind != ElementKind::kEventBasedGateway) {
        Report(Severity::kWarning, "superfluous-gateway", n,
               "the gateway has one incoming and one outgoing flow and does "
               "nothing");
      }
      return;
    }
    if (out > 1) {
      std::size_t unconditional = 0;
      for (auto fi : n.outgoing) {
        const auto& f = defs_.flow(fi);
        if (f.condition.empty() && !f.is_default) ++unconditional;
      }
      if (unconditional > 1) {
        Report(Severity::kWarning, "no-implicit-split", n,
               "several unconditional outgoing flows: this runs as a parallel "
               "split; draw a "
               "parallel gateway to say so");
      }
    }
    if (in > 1 &&
        (IsEvent(n.kind) || (n.kind >= ElementKind::kTask &&
                             n.kind <= ElementKind::kBusinessRuleTask))) {
      Report(Severity::kWarning, "fake-join", n,
             "several incoming flows: the element runs once per arriving "
             "token; draw a gateway "
             "to join");
    }
  }

  void CheckEventGateway(const FlowNode& n) {
    if (n.outgoing.size() < 2) {
      Report(
          Severity::kError, "event-based-gateway-target", n,
          "an event-based gateway needs at least two outgoing flows to events");
    }
    for (auto fi : n.outgoing) {
      const auto& f = defs_.flow(fi);
      if (f.target == kNoIndex) continue;
      const FlowNode& t = defs_.node(f.target);
      bool ok = t.kind == ElementKind::kReceiveTask;
      if (t.kind == ElementKind::kIntermediateCatchEvent) {
        for (const auto& d : t.event_definitions) {
          ok = ok || d.kind == EventDefinitionKind::kMessage ||
               d.kind == EventDefinitionKind::kTimer ||
               d.kind == EventDefinitionKind::kSignal ||
               d.kind == EventDefinitionKind::kConditional;
        }
      }
      if (!ok) {
        Report(Severity::kError, "event-based-gateway-target", n,
               "the event-based gateway leads to '" + t.id + "', a " +
                   std::string(ElementKindTag(t.kind)) +
                   "; only intermediate catch events (message, timer, signal, "
                   "conditional) and "
                   "receive tasks may follow it");
      }
    }
  }

  void CheckLinkPair(const FlowNode& thrower) {
    std::string name;
    for (const auto& d : thrower.event_definitions)
      if (d.kind == EventDefinitionKind::kLink)
        name = d.link_name.empty() ? thrower.name : d.link_name;
    for (auto i : defs_.process(thrower.process).nodes) {
      const FlowNode& c = defs_.node(i);
      if (c.kind != ElementKind::kIntermediateCatchEvent ||
          c.parent != thrower.parent)
        continue;
      for (const auto& d : c.event_definitions) {
        if (d.kind == EventDefinitionKind::kLink &&
            (d.link_name.empty() ? c.name : d.link_name) == name)
          return;
      }
    }
    Report(Severity::kError, "link-event-pair", thrower,
           "no link catch event named '" + name + "' in the same scope");
  }

  const Definitions& defs_;
  std::vector<bool> runs_;
  std::vector<Diagnostic> out_;
};

}  // namespace

std::vector<bool> ExecutableProcesses(const Definitions& defs) {
  std::vector<bool> runs(defs.processes().size(), false);
  for (const auto& p : defs.processes()) runs[p.index] = p.executable;
  // What an executable process calls must run too; repeat until nothing
  // changes.
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto& n : defs.nodes()) {
      if (!runs[n.process] || !n.call ||
          n.call->called_element.dialect != Dialect::kPlain)
        continue;
      const Process* callee = defs.FindProcess(n.call->called_element.text);
      if (callee && !runs[callee->index]) {
        runs[callee->index] = true;
        changed = true;
      }
    }
  }
  return runs;
}

std::vector<Diagnostic> Validate(const Definitions& definitions) {
  return Validator(definitions).Run();
}

}  // namespace bpmn::model
