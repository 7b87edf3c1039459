// Event sub-processes: while their enclosing scope (the instance, or a
// sub-process) runs, each waits on its start event through a listening token,
// which does not keep the scope open. When the event comes (timer, message,
// signal, or an error or escalation thrown inside the scope), an interrupting
// one cancels everything else in the scope first; a non-interrupting one runs
// beside it and keeps listening.
#include "runtime/runtime.h"

namespace bpmn::runtime {
namespace {

using model::ElementKind;
using model::EventDefinitionKind;

std::uint32_t StartEventOf(const InstanceState& s,
                           std::uint32_t event_sub_process) {
  for (auto c : s.node(event_sub_process).children)
    if (s.node(c).kind == ElementKind::kStartEvent) return c;
  return model::kNoIndex;
}

}  // namespace

void Runtime::ArmEventSubProcesses(InstanceState& s, Id scope,
                                   const std::vector<std::uint32_t>& nodes) {
  for (auto n : nodes) {
    if (s.node(n).kind != ElementKind::kEventSubProcess) continue;
    std::uint32_t start = StartEventOf(s, n);
    if (start == model::kNoIndex || s.node(start).event_definitions.empty())
      continue;
    Id listener = CreateToken(s, n, scope, model::kNoIndex);
    ready_.pop_back();  // it listens; it is never activated by a flow
    SetTokenState(s, listener, TokenState::kListening);
    ArmCatch(s, listener, start);
  }
}

Id Runtime::FindListener(InstanceState& s, Id scope, EventDefinitionKind kind,
                         const std::string& code) {
  for (const auto& [id, t] : s.tokens) {
    if (t.scope != scope || t.state != TokenState::kListening) continue;
    std::uint32_t start = StartEventOf(s, t.node);
    if (start == model::kNoIndex) continue;
    for (const auto& d : s.node(start).event_definitions) {
      if (d.kind != kind) continue;
      const model::RootElement* ref =
          kind == EventDefinitionKind::kError
              ? s.definitions->FindError(d.ref)
              : s.definitions->FindEscalation(d.ref);
      if (d.ref.empty() || !ref || ref->code.empty() || ref->code == code)
        return id;
    }
  }
  return kNoId;
}

void Runtime::TriggerEventSubProcess(InstanceState& s, Id listener,
                                     std::uint32_t start_event,
                                     Variables vars) {
  const Token token = *s.FindToken(listener);
  if (start_event == model::kNoIndex) start_event = StartEventOf(s, token.node);
  const bool interrupting = s.node(start_event).cancel_activity;
  if (interrupting) {
    // Everything else in the scope ends, other listeners included.
    std::vector<Id> others;
    for (const auto& [id, t] : s.tokens)
      if (t.scope == token.scope && id != listener) others.push_back(id);
    for (Id id : others) CancelToken(s, id);
    Disarm(s, listener);
    Consume(s, listener);
  } else if (s.node(start_event)
                 .HasEventDefinition(EventDefinitionKind::kConditional)) {
    // Keeps listening; re-armed while the condition holds, it waits for it to
    // turn true again.
    Disarm(s, listener);
    ArmCatch(s, listener, start_event);
  }
  // Other non-interrupting starts keep listening as they are: message and
  // signal subscriptions stay open, and a timer cycle was rescheduled by
  // FireTimer.
  Id host = CreateToken(s, token.node, token.scope, model::kNoIndex);
  ready_.pop_back();
  Wait(s, host);
  Event scope;
  scope.type = EventType::kScopeOpened;
  scope.scope = NextId();
  scope.parent = token.scope;
  scope.node = token.node;
  scope.token = host;
  Emit(s, scope);
  SetVariables(s, scope.scope, std::move(vars), true);
  ArmEventSubProcesses(s, scope.scope, s.node(token.node).children);
  Id start = CreateToken(s, start_event, scope.scope, model::kNoIndex);
  ready_.pop_back();
  Complete(s, start);
}

}  // namespace bpmn::runtime
