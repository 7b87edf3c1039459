// Compensation and transaction cancel. Throwing compensation runs the handlers
// of the completed activities of the thrower's scope (those with a compensation
// boundary event and a handler), in reverse order of completion, one after the
// other; the throwing event waits for them. A cancel end event in a transaction
// compensates the transaction's completed activities, then takes the
// transaction's cancel boundary event.
#include "runtime/runtime.h"

namespace bpmn::runtime {
namespace {

using model::ElementKind;
using model::EventDefinitionKind;
using model::kNoIndex;

}  // namespace

void Runtime::StartCompensation(InstanceState& s, Id thrower,
                                const std::string& activity_ref) {
  const Token token = *s.FindToken(thrower);
  // The scope whose activities are compensated: the thrower's, or, from inside
  // an event sub-process, the scope around it.
  std::uint32_t container = s.node(token.node).parent;
  if (container != kNoIndex &&
      s.node(container).kind == ElementKind::kEventSubProcess)
    container = s.node(container).parent;
  expr::List handlers;
  for (auto it = s.completed.rbegin(); it != s.completed.rend(); ++it) {
    const model::FlowNode& done = s.node(*it);
    if (done.compensation_handler == kNoIndex || done.parent != container)
      continue;
    if (!activity_ref.empty() && done.id != activity_ref) continue;
    handlers.emplace_back(static_cast<std::int64_t>(done.compensation_handler));
  }
  Wait(s, thrower);
  Event queued;
  queued.type = EventType::kCompensationQueued;
  queued.token = thrower;
  queued.node = token.node;
  queued.value = expr::Value(std::move(handlers));
  Emit(s, queued);
  RunNextCompensation(s, thrower);
}

void Runtime::RunNextCompensation(InstanceState& s, Id thrower) {
  const Token token = *s.FindToken(thrower);
  auto queued = s.compensation_queue.find(thrower);
  if (queued != s.compensation_queue.end() && !queued->second.empty()) {
    const auto& queue = queued->second;
    // Handlers run in the scope of the activities they compensate.
    Id scope = token.scope;
    const Scope* sc = s.FindScope(scope);
    if (sc && sc->node != kNoIndex &&
        s.node(sc->node).kind == ElementKind::kEventSubProcess)
      scope = sc->parent;
    Id handler = CreateToken(s, queue.front(), scope, kNoIndex);
    Event step;
    step.type = EventType::kCompensationStep;
    step.token = thrower;
    step.item = handler;
    Emit(s, step);
    return;
  }
  Event done;
  done.type = EventType::kCompensationDone;
  done.token = thrower;
  Emit(s, done);
  const model::FlowNode& n = s.node(token.node);
  if (n.kind != ElementKind::kEndEvent) {
    Complete(s, thrower);
    return;
  }
  if (n.HasEventDefinition(EventDefinitionKind::kCancel)) {
    // The transaction is left through its cancel boundary event.
    const Scope* sc = s.FindScope(token.scope);
    Id host = sc ? sc->host_token : kNoId;
    const Token* h = s.FindToken(host);
    if (h) {
      for (auto b : s.node(h->node).boundary_events) {
        if (!s.node(b).HasEventDefinition(EventDefinitionKind::kCancel))
          continue;
        Consume(s, thrower);
        Trigger(s, host, b, {});
        return;
      }
    }
    Incident(
        s, thrower,
        "cancel end event outside a transaction with a cancel boundary event");
    return;
  }
  Id scope = token.scope;
  Consume(s, thrower);
  CheckScope(s, scope);
}

void Runtime::CompensationHandlerDone(InstanceState& s, Id handler_token) {
  auto entry = s.compensating.find(handler_token);
  if (entry == s.compensating.end()) return;
  Id thrower = entry->second;
  Consume(s, handler_token);
  Event done;
  done.type = EventType::kCompensationDone;
  done.token = thrower;
  done.item = handler_token;
  Emit(s, done);
  if (s.FindToken(thrower)) RunNextCompensation(s, thrower);
}

}  // namespace bpmn::runtime
