// Multi-instance (parallel and sequential) and standard loop activities. The
// token that reaches the activity waits as its body; a body scope holds
// nrOfInstances, nrOfCompletedInstances and nrOfActiveInstances; each instance
// runs in an inner scope with loopCounter and the element variable. When an
// instance completes, the body counts it, gathers its output, checks the
// completion (or loop) condition, and starts the next instance or completes the
// activity.
#include "expr/decimal.h"
#include "expr/expression.h"
#include "runtime/runtime.h"

namespace bpmn::runtime {
namespace {

using model::LoopKind;

bool IsTrue(const Result<expr::Value>& v) {
  return v && v->type() == expr::Value::Type::kBoolean && v->boolean();
}

std::int64_t IntOf(const Variables& vars, const char* name) {
  auto it = vars.find(name);
  if (it == vars.end() || it->second.type() != expr::Value::Type::kNumber)
    return 0;
  return it->second.number().ToInt64().value_or(0);
}

}  // namespace

void Runtime::StartMultiInstance(InstanceState& s, Id host) {
  const Token token = *s.FindToken(host);
  const model::FlowNode& n = s.node(token.node);
  const model::LoopSpec& loop = n.loop;
  Wait(s, host);
  expr::List items;
  std::int64_t count = 0;
  if (loop.kind == LoopKind::kStandard) {
    count = -1;  // decided by the loop condition after each round
  } else if (!loop.collection.empty()) {
    Result<expr::Value> v =
        loop.collection.dialect == model::Dialect::kPlain
            ? Evaluate(s, token.scope,
                       model::MakeExpression("=" + loop.collection.text))
            : Evaluate(s, token.scope, loop.collection);
    if (!v || v->type() != expr::Value::Type::kList) {
      Incident(s, host,
               "the multi-instance collection of '" + n.id + "' is not a list" +
                   (v ? "" : ": " + v.error().message));
      return;
    }
    items = v->list();
    count = static_cast<std::int64_t>(items.size());
  } else {
    auto v = Evaluate(s, token.scope, loop.cardinality);
    std::optional<std::int64_t> c;
    if (v && v->type() == expr::Value::Type::kNumber) {
      c = v->number().ToInt64();
    } else if (v && v->type() == expr::Value::Type::kString) {
      // A bare `<loopCardinality>3</loopCardinality>`, as Camunda 7 and
      // SpiffWorkflow diagrams write it: the literal text is the number.
      if (auto d = expr::Decimal::Parse(v->string())) c = d->ToInt64();
    }
    if (!c || *c < 0) {
      Incident(s, host,
               "the loop cardinality of '" + n.id + "' is not a whole number");
      return;
    }
    count = *c;
  }
  constexpr std::int64_t kMaxInstances = 100000;
  if (count > kMaxInstances) {
    Incident(s, host,
             "'" + n.id + "' would run " + std::to_string(count) +
                 " instances; the limit is " + std::to_string(kMaxInstances));
    return;
  }
  Event body;
  body.type = EventType::kScopeOpened;
  body.scope = NextId();
  body.parent = token.scope;
  body.node = token.node;
  body.token = host;
  body.flag = true;
  body.value = expr::Value(std::move(items));
  Emit(s, body);
  Variables counters = {
      {"nrOfInstances", expr::Value(std::max<std::int64_t>(count, 0))},
      {"nrOfCompletedInstances", expr::Value(0)},
      {"nrOfActiveInstances", expr::Value(0)}};
  if (!loop.output_collection.empty())
    counters[loop.output_collection] = expr::Value(expr::List{});
  SetVariables(s, body.scope, std::move(counters), false);
  if (count == 0 || (loop.kind == LoopKind::kStandard && loop.test_before &&
                     !loop.loop_condition.empty() &&
                     !IsTrue(Evaluate(s, body.scope, loop.loop_condition)))) {
    Event closed;
    closed.type = EventType::kScopeClosed;
    closed.scope = body.scope;
    Emit(s, closed);
    Disarm(s, host);
    Complete(s, host);
    return;
  }
  if (loop.kind == LoopKind::kParallel) {
    SetVariables(s, body.scope, {{"nrOfActiveInstances", expr::Value(count)}},
                 false);
    for (std::int64_t i = 0; i < count; ++i) StartInner(s, body.scope, i);
  } else {
    SetVariables(s, body.scope, {{"nrOfActiveInstances", expr::Value(1)}},
                 false);
    StartInner(s, body.scope, 0);
  }
}

void Runtime::StartInner(InstanceState& s, Id body_scope, std::int64_t index) {
  const Scope body = *s.FindScope(body_scope);
  const model::FlowNode& n = s.node(body.node);
  Event inner;
  inner.type = EventType::kScopeOpened;
  inner.scope = NextId();
  inner.parent = body_scope;
  inner.node = body.node;
  inner.token = body.host_token;
  inner.flag = true;
  Emit(s, inner);
  Variables vars = {{"loopCounter", expr::Value(index + 1)}};
  if (!n.loop.element_variable.empty() &&
      body.items.type() == expr::Value::Type::kList &&
      index < static_cast<std::int64_t>(body.items.list().size())) {
    vars[n.loop.element_variable] =
        body.items.list()[static_cast<std::size_t>(index)];
  }
  SetVariables(s, inner.scope, std::move(vars), false);
  CreateToken(s, body.node, inner.scope, model::kNoIndex, true);
}

void Runtime::InnerDone(InstanceState& s, Id inner_token) {
  const Token token = *s.FindToken(inner_token);
  const Scope inner = *s.FindScope(token.scope);
  const Scope body = *s.FindScope(inner.parent);
  const model::FlowNode& n = s.node(body.node);
  const model::LoopSpec& loop = n.loop;
  Variables counters = body.variables;
  // The instance's output joins the output collection, in loopCounter order.
  if (!loop.output_collection.empty()) {
    expr::Value out;
    if (!loop.output_element.empty()) {
      auto v =
          loop.output_element.dialect == model::Dialect::kPlain
              ? Evaluate(s, inner.id,
                         model::MakeExpression("=" + loop.output_element.text))
              : Evaluate(s, inner.id, loop.output_element);
      if (v) out = *v;
    } else if (auto it = inner.variables.find(loop.element_variable);
               it != inner.variables.end()) {
      out = it->second;
    }
    expr::List list;
    if (auto it = counters.find(loop.output_collection);
        it != counters.end() && it->second.type() == expr::Value::Type::kList) {
      list = it->second.list();
    }
    auto at = inner.variables.find("loopCounter");
    std::size_t slot = at != inner.variables.end()
                           ? static_cast<std::size_t>(
                                 at->second.number().ToInt64().value_or(1) - 1)
                           : list.size();
    if (list.size() <= slot) list.resize(slot + 1);
    list[slot] = out;
    counters[loop.output_collection] = expr::Value(std::move(list));
  }
  Consume(s, inner_token);
  Event closed;
  closed.type = EventType::kScopeClosed;
  closed.scope = inner.id;
  Emit(s, closed);
  const std::int64_t total = IntOf(counters, "nrOfInstances");
  const std::int64_t completed = IntOf(counters, "nrOfCompletedInstances") + 1;
  const std::int64_t active = IntOf(counters, "nrOfActiveInstances") - 1;
  Variables update = {
      {"nrOfCompletedInstances", expr::Value(completed)},
      {"nrOfActiveInstances", expr::Value(std::max<std::int64_t>(active, 0))}};
  if (!loop.output_collection.empty())
    update[loop.output_collection] = counters[loop.output_collection];
  if (loop.kind == LoopKind::kStandard)
    update["nrOfInstances"] = expr::Value(completed);
  SetVariables(s, body.id, std::move(update), false);

  bool finished;
  if (loop.kind == LoopKind::kStandard) {
    bool again = !loop.loop_condition.empty() &&
                 IsTrue(Evaluate(s, body.id, loop.loop_condition));
    if (loop.loop_maximum && completed >= *loop.loop_maximum) again = false;
    finished = !again;
    if (again) {
      SetVariables(s, body.id, {{"nrOfActiveInstances", expr::Value(1)}},
                   false);
      StartInner(s, body.id, completed);
      return;
    }
  } else {
    finished = completed >= total ||
               (!loop.completion_condition.empty() &&
                IsTrue(Evaluate(s, body.id, loop.completion_condition)));
  }
  if (!finished) {
    if (loop.kind == LoopKind::kSequential) {
      SetVariables(s, body.id, {{"nrOfActiveInstances", expr::Value(1)}},
                   false);
      StartInner(s, body.id, completed);
    }
    return;
  }
  // Done (all instances, or the completion condition): cancel those still
  // running.
  std::vector<Id> running;
  for (const auto& [id, t] : s.tokens) {
    const Scope* sc = s.FindScope(t.scope);
    if (t.inner && sc && sc->parent == body.id) running.push_back(id);
  }
  for (Id id : running) {
    Id scope = s.FindToken(id)->scope;
    CancelToken(s, id);
    Event inner_closed;
    inner_closed.type = EventType::kScopeClosed;
    inner_closed.scope = scope;
    Emit(s, inner_closed);
  }
  Variables out;
  if (!loop.output_collection.empty()) {
    const Scope* b = s.FindScope(body.id);
    if (auto it = b->variables.find(loop.output_collection);
        it != b->variables.end())
      out[loop.output_collection] = it->second;
  }
  Event body_closed;
  body_closed.type = EventType::kScopeClosed;
  body_closed.scope = body.id;
  Emit(s, body_closed);
  SetVariables(s, ScopeOfToken(s, body.host_token), std::move(out), true);
  Disarm(s, body.host_token);
  Complete(s, body.host_token);
}

}  // namespace bpmn::runtime
