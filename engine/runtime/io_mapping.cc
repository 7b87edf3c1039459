// Input and output mappings of activities (camunda:inputOutput,
// zeebe:ioMapping). The token that reaches the activity waits there as its
// host, in the scope around it, with the boundary events armed; the activity's
// own scope receives the mapped inputs, and a second token does the work inside
// it. When that token leaves, the outputs are mapped out, the scope closes, and
// the host goes on.
#include "runtime/runtime.h"

namespace bpmn::runtime {

Id Runtime::MappingHost(const InstanceState& s, Id token_id) const {
  const Token* t = s.FindToken(token_id);
  if (!t) return kNoId;
  const Scope* scope = s.FindScope(t->scope);
  return scope && scope->local && scope->node == t->node ? scope->host_token
                                                         : kNoId;
}

// True when the token became the host of a mapped scope (the work goes on
// inside it).
bool Runtime::EnterMappedScope(InstanceState& s, Id token_id) {
  const Token token = *s.FindToken(token_id);
  const model::FlowNode& n = s.node(token.node);
  if ((n.inputs.empty() && n.outputs.empty()) ||
      MappingHost(s, token_id) != kNoId)
    return false;
  Variables local;
  for (const auto& m : n.inputs) {
    auto v = m.source.dialect == model::Dialect::kPlain
                 ? Result<expr::Value>(expr::Value(m.source.text))
                 : Evaluate(s, token.scope, m.source);
    if (!v) {
      Wait(s, token_id);
      Incident(s, token_id,
               "input mapping '" + m.target + "': " + v.error().message);
      return true;
    }
    local[m.target] = *v;
  }
  Wait(s, token_id);
  Event scope;
  scope.type = EventType::kScopeOpened;
  scope.scope = NextId();
  scope.parent = token.scope;
  scope.node = token.node;
  scope.token = token_id;
  scope.number = 1;
  Emit(s, scope);
  SetVariables(s, scope.scope, std::move(local), false);
  Id inside = CreateToken(s, token.node, scope.scope, token.via_flow);
  ready_.pop_back();
  Activate(s, inside);
  return true;
}

void Runtime::LeaveMappedScope(InstanceState& s, Id inner) {
  const Token token = *s.FindToken(inner);
  const Scope local = *s.FindScope(token.scope);
  Variables out;
  for (const auto& m : s.node(token.node).outputs) {
    Result<expr::Value> v = expr::Value();
    if (m.source.dialect == model::Dialect::kPlain) {
      // A variable of the activity's scope by name (zeebe:output source), or
      // else the text itself (a camunda:outputParameter constant).
      auto it = local.variables.find(m.source.text);
      v = it != local.variables.end() ? it->second : expr::Value(m.source.text);
    } else if (m.source.dialect != model::Dialect::kNone) {
      v = Evaluate(s, local.id, m.source);
    }
    if (!v) {
      Incident(s, inner,
               "output mapping '" + m.target + "': " + v.error().message);
      return;
    }
    out[m.target] = *v;
  }
  Consume(s, inner);
  Event closed;
  closed.type = EventType::kScopeClosed;
  closed.scope = local.id;
  Emit(s, closed);
  const Id host = local.host_token;
  if (!s.FindToken(host)) return;
  SetVariables(s, s.FindToken(host)->scope, std::move(out), true);
  Disarm(s, host);
  Complete(s, host);
}

}  // namespace bpmn::runtime
