// What a token does at each kind of flow node (the behaviours of runtime.h),
// and how events (timers, messages, signals, errors, escalations) reach the
// tokens that wait for them. Token pointers are never held across Emit:
// creating or ending a token moves the others.
#include <algorithm>
#include <set>

#include "expr/expression.h"
#include "model/iso8601.h"
#include "runtime/runtime.h"

namespace bpmn::runtime {
namespace {

using model::ElementKind;
using model::EventDefinitionKind;
using model::FlowNode;
using model::kNoIndex;

// Emits `closing` for every work item (task, job, timer, subscription) owned by
// `token`; the ids are collected first, since each event removes an item.
template <typename Item, typename EmitFn>
void CloseOwnedBy(const std::vector<Item>& items, Id token, EventType closing,
                  EmitFn&& emit) {
  std::vector<Id> ids;
  for (const auto& x : items)
    if (x.token == token) ids.push_back(x.id);
  for (Id id : ids) {
    Event e;
    e.type = closing;
    e.item = id;
    emit(e);
  }
}

bool IsTrue(const Result<expr::Value>& v) {
  return v && v->type() == expr::Value::Type::kBoolean && v->boolean();
}

}  // namespace

void Runtime::Activate(InstanceState& s, Id token_id) {
  const Token token = *s.FindToken(token_id);
  const FlowNode& n = s.node(token.node);
  if (n.loop.kind != model::LoopKind::kNone && !token.inner) {
    StartMultiInstance(s, token_id);
    return;
  }
  if (EnterMappedScope(s, token_id)) return;
  switch (n.kind) {
    case ElementKind::kStartEvent:
    case ElementKind::kTask:
    case ElementKind::kManualTask:
      Complete(s, token_id);
      return;
    case ElementKind::kEndEvent: {
      Event done;
      done.type = EventType::kElementCompleted;
      done.token = token_id;
      done.node = token.node;
      Emit(s, done);
      if (const auto* d =
              n.FindEventDefinition(EventDefinitionKind::kCompensate)) {
        StartCompensation(s, token_id, d->ref);
        return;
      }
      if (n.FindEventDefinition(EventDefinitionKind::kCancel)) {
        StartCompensation(s, token_id, {});
        return;
      }
      if (n.FindEventDefinition(EventDefinitionKind::kTerminate)) {
        TerminateScope(s, token.scope, token_id);
      } else if (const auto* d =
                     n.FindEventDefinition(EventDefinitionKind::kError)) {
        const model::RootElement* err = s.definitions->FindError(d->ref);
        ThrowError(s, token_id, err ? err->code : std::string(), true);
        return;
      } else if (const auto* d =
                     n.FindEventDefinition(EventDefinitionKind::kEscalation)) {
        const model::RootElement* esc = s.definitions->FindEscalation(d->ref);
        ThrowEscalation(s, token_id, esc ? esc->code : std::string());
      } else if (const auto* d =
                     n.FindEventDefinition(EventDefinitionKind::kSignal)) {
        std::string name = SignalName(*s.definitions, d->ref);
        Id scope = token.scope;
        Consume(s, token_id);
        DeliverSignal(name, {});
        CheckScope(s, scope);
        return;
      }
      Id scope = token.scope;
      if (s.FindToken(token_id)) Consume(s, token_id);
      CheckScope(s, scope);
      return;
    }
    case ElementKind::kUserTask: {
      const auto& spec = *n.user_task;
      Event e;
      e.type = EventType::kTaskCreated;
      e.item = NextId();
      e.token = token_id;
      e.node = token.node;
      e.list2 = spec.candidate_users;
      for (const auto& g : spec.candidate_groups)
        e.list.push_back(model::NormalizeRole(g));
      if (e.list.empty() && !n.role.empty()) e.list.push_back(n.role);
      if (!spec.assignee.empty()) {
        auto a = Evaluate(s, token.scope, spec.assignee);
        if (a && a->type() == expr::Value::Type::kString) e.text = a->string();
      }
      if (auto due = TaskDate(s, token.scope, spec.due_date)) {
        e.flag = true;
        e.time = *due;
      }
      if (auto follow_up = TaskDate(s, token.scope, spec.follow_up_date))
        e.number2 = follow_up->time_since_epoch().count();
      Wait(s, token_id);
      Emit(s, e);
      for (const UserTask& task : s.tasks)
        if (task.id == e.item && task.due) ArmDeadlines(s, task);
      return;
    }
    case ElementKind::kServiceTask:
    case ElementKind::kSendTask:
    case ElementKind::kBusinessRuleTask: {
      const std::string type = n.job ? n.job->type : n.id;
      auto handler = handlers_.find(type);
      if (handler != handlers_.end()) {
        Job job;
        job.token = token_id;
        job.node = token.node;
        job.type = type;
        const Scope* root = s.FindScope(token.scope);
        JobOutcome outcome =
            handler->second(job, root ? root->variables : Variables{});
        if (!outcome.error_code.empty()) {
          ThrowError(s, token_id, outcome.error_code, false);
          return;
        }
        SetVariables(s, token.scope, std::move(outcome.variables), true);
        Complete(s, token_id);
        return;
      }
      Event e;
      e.type = EventType::kJobCreated;
      e.item = NextId();
      e.token = token_id;
      e.node = token.node;
      e.text = type;
      e.number = 3;
      if (n.job && !n.job->retries.empty()) {
        auto r = Evaluate(s, token.scope, n.job->retries);
        if (r && r->type() == expr::Value::Type::kNumber)
          e.number = r->number().ToInt64().value_or(3);
        if (r && r->type() == expr::Value::Type::kString)
          e.number = std::atoll(r->string().c_str());
      }
      Wait(s, token_id);
      Emit(s, e);
      return;
    }
    case ElementKind::kScriptTask: {
      if (!n.script || !n.script->script.compiled) {
        Wait(s, token_id);
        Incident(s, token_id,
                 "script language '" +
                     (n.script ? n.script->format : std::string()) +
                     "' is not run by this engine");
        return;
      }
      auto v = Evaluate(s, token.scope, n.script->script);
      if (!v) {
        Wait(s, token_id);
        Incident(s, token_id, v.error().message);
        return;
      }
      if (!n.script->result_variable.empty()) {
        SetVariables(s, token.scope, {{n.script->result_variable, *v}}, true);
      }
      Complete(s, token_id);
      return;
    }
    case ElementKind::kReceiveTask:
      Wait(s, token_id);
      ArmCatch(s, token_id, token.node);
      return;
    case ElementKind::kIntermediateCatchEvent:
      if (n.FindEventDefinition(EventDefinitionKind::kLink)) {
        Complete(s, token_id);
        return;
      }
      Wait(s, token_id);
      ArmCatch(s, token_id, token.node);
      return;
    case ElementKind::kIntermediateThrowEvent: {
      if (const auto* d = n.FindEventDefinition(EventDefinitionKind::kLink)) {
        std::string name = d->link_name.empty() ? n.name : d->link_name;
        for (auto i : s.definitions->process(s.process).nodes) {
          const FlowNode& c = s.node(i);
          const auto* cd = c.FindEventDefinition(EventDefinitionKind::kLink);
          if (c.kind == ElementKind::kIntermediateCatchEvent && cd &&
              c.parent == n.parent &&
              (cd->link_name.empty() ? c.name : cd->link_name) == name) {
            Event done;
            done.type = EventType::kElementCompleted;
            done.token = token_id;
            done.node = token.node;
            Emit(s, done);
            Consume(s, token_id);
            CreateToken(s, i, token.scope, kNoIndex);
            return;
          }
        }
        Incident(s, token_id, "no link catch event named '" + name + "'");
        return;
      }
      if (const auto* d = n.FindEventDefinition(EventDefinitionKind::kSignal)) {
        std::string name = SignalName(*s.definitions, d->ref);
        Complete(s, token_id);
        DeliverSignal(name, {});
        return;
      }
      if (const auto* d =
              n.FindEventDefinition(EventDefinitionKind::kCompensate)) {
        StartCompensation(s, token_id, d->ref);
        return;
      }
      if (const auto* d =
              n.FindEventDefinition(EventDefinitionKind::kEscalation)) {
        const model::RootElement* esc = s.definitions->FindEscalation(d->ref);
        ThrowEscalation(s, token_id, esc ? esc->code : std::string());
        if (s.FindToken(token_id)) Complete(s, token_id);
        return;
      }
      Complete(s, token_id);
      return;
    }
    case ElementKind::kExclusiveGateway:
    case ElementKind::kParallelGateway:
    case ElementKind::kInclusiveGateway:
    case ElementKind::kEventBasedGateway:
    case ElementKind::kComplexGateway:
      ActivateGateway(s, token_id);
      return;
    case ElementKind::kSubProcess:
    case ElementKind::kTransaction:
    case ElementKind::kAdHocSubProcess:
      Wait(s, token_id);
      OpenScope(s, token_id, token.node);
      return;
    case ElementKind::kEventSubProcess:
    case ElementKind::kBoundaryEvent:
      Complete(s, token_id);
      return;
    case ElementKind::kCallActivity:
      Wait(s, token_id);
      StartChild(s, token_id);
      return;
  }
}

void Runtime::Complete(InstanceState& s, Id token_id) {
  const Token token = *s.FindToken(token_id);
  Event done;
  done.type = EventType::kElementCompleted;
  done.token = token_id;
  done.node = token.node;
  Emit(s, done);
  Leave(s, token_id);
}

// Every outgoing flow without a condition or whose condition holds, the default
// only when none is (activities, inclusive gateways); an empty choice ends the
// path.
std::vector<std::uint32_t> Runtime::ChooseFlows(InstanceState& s,
                                                const FlowNode& n, Id scope) {
  std::vector<std::uint32_t> chosen;
  for (auto f : n.outgoing) {
    const auto& flow = s.definitions->flow(f);
    if (flow.is_default) continue;
    if (flow.condition.empty() || IsTrue(Evaluate(s, scope, flow.condition)))
      chosen.push_back(f);
  }
  if (chosen.empty() && n.default_flow != kNoIndex)
    chosen.push_back(n.default_flow);
  return chosen;
}

// Along the outgoing flows: unconditional ones and those whose condition holds;
// the default only when no other is taken. No outgoing flow ends the path here.
void Runtime::Leave(InstanceState& s, Id token_id) {
  const Token token = *s.FindToken(token_id);
  if (MappingHost(s, token_id) != kNoId) {
    LeaveMappedScope(s, token_id);  // outputs out, then the host goes on
    return;
  }
  if (token.inner) {
    InnerDone(
        s,
        token_id);  // one instance of a loop: its body decides what comes next
    return;
  }
  if (s.compensating.count(token_id)) {
    CompensationHandlerDone(s, token_id);
    return;
  }
  const FlowNode& n = s.node(token.node);
  std::vector<std::uint32_t> chosen = ChooseFlows(s, n, token.scope);
  Consume(s, token_id);
  for (auto f : chosen) TakeFlow(s, token.scope, f);
  if (chosen.empty()) CheckScope(s, token.scope);
}

void Runtime::TakeFlow(InstanceState& s, Id scope, std::uint32_t flow) {
  Event e;
  e.type = EventType::kFlowTaken;
  e.flow = flow;
  Emit(s, e);
  CreateToken(s, s.definitions->flow(flow).target, scope, flow);
}

void Runtime::Consume(InstanceState& s, Id token_id) {
  // An incident of a token that moves on anyway (its event-based gateway got
  // the other event) is resolved with it.
  std::vector<Id> incidents;
  for (const auto& i : s.incidents)
    if (i.token == token_id) incidents.push_back(i.id);
  for (Id id : incidents) {
    Event resolved;
    resolved.type = EventType::kIncidentResolved;
    resolved.item = id;
    Emit(s, resolved);
  }
  SetTokenState(s, token_id, TokenState::kDone);
}

void Runtime::SetTokenState(InstanceState& s, Id token_id, TokenState state) {
  Event e;
  e.type = EventType::kTokenState;
  e.token = token_id;
  e.state = state;
  Emit(s, e);
}

void Runtime::Wait(InstanceState& s, Id token_id) {
  SetTokenState(s, token_id, TokenState::kWaiting);
  // Boundary events belong to the whole activity: its multi-instance body or
  // the host of its mapped scope, not the token working inside.
  if (!s.FindToken(token_id)->inner && MappingHost(s, token_id) == kNoId)
    ArmBoundaries(s, token_id);
}

// A scope with no token left is done: the root ends the instance, a sub-process
// continues its host. Inclusive joins of the scope may now fire, since fewer
// tokens can reach them.
void Runtime::CheckScope(InstanceState& s, Id scope_id) {
  for (const auto& [t_id, t] : s.tokens) {
    if (t.scope != scope_id) continue;
    if (t.state == TokenState::kReady || t.state == TokenState::kWaiting)
      return;
  }
  bool any =
      std::any_of(s.tokens.begin(), s.tokens.end(), [&](const auto& entry) {
        return entry.second.scope == scope_id &&
               entry.second.state != TokenState::kListening;
      });
  if (any) return;  // tokens stuck at a parallel join: the scope waits
  // The scope is done: its event sub-processes stop listening.
  std::vector<Id> listeners;
  for (const auto& [id, t] : s.tokens)
    if (t.scope == scope_id && t.state == TokenState::kListening)
      listeners.push_back(id);
  for (Id id : listeners) {
    Disarm(s, id);
    Consume(s, id);
  }
  const Scope* scope = s.FindScope(scope_id);
  if (!scope || scope->multi_instance)
    return;  // loop bodies finish in InnerDone
  if (scope->parent == kNoId) {
    if (s.status != InstanceStatus::kActive) return;
    Event e;
    e.type = EventType::kInstanceCompleted;
    Emit(s, e);
    ChildFinished(s);
    return;
  }
  Id host = scope->host_token;
  Event closed;
  closed.type = EventType::kScopeClosed;
  closed.scope = scope_id;
  Emit(s, closed);
  if (s.FindToken(host)) {
    Disarm(s, host);
    Complete(s, host);
  }
}

void Runtime::OpenScope(InstanceState& s, Id host_token, std::uint32_t node) {
  const Token host = *s.FindToken(host_token);
  Event e;
  e.type = EventType::kScopeOpened;
  e.scope = NextId();
  e.parent = host.scope;
  e.node = node;
  e.token = host_token;
  Emit(s, e);
  const FlowNode& sub = s.node(node);
  ArmEventSubProcesses(s, e.scope, sub.children);
  bool started = false;
  for (auto c : sub.children) {
    const FlowNode& n = s.node(c);
    if (n.kind == ElementKind::kStartEvent && n.event_definitions.empty()) {
      CreateToken(s, c, e.scope, kNoIndex);
      started = true;
      break;
    }
  }
  if (!started) {
    for (auto c : sub.children) {
      const FlowNode& n = s.node(c);
      if (n.incoming.empty() && n.kind != ElementKind::kBoundaryEvent &&
          n.kind != ElementKind::kEventSubProcess &&
          n.kind != ElementKind::kStartEvent && !n.is_for_compensation) {
        CreateToken(s, c, e.scope, kNoIndex);
        started = true;
      }
    }
  }
  if (!started) CheckScope(s, e.scope);
}

void Runtime::ActivateGateway(InstanceState& s, Id token_id) {
  const Token token = *s.FindToken(token_id);
  const FlowNode& n = s.node(token.node);
  auto done = [&] {
    Event e;
    e.type = EventType::kElementCompleted;
    e.token = token_id;
    e.node = token.node;
    Emit(s, e);
  };
  switch (n.kind) {
    case ElementKind::kExclusiveGateway: {
      // The first flow in document order whose condition holds, else the
      // default.
      std::uint32_t chosen = kNoIndex;
      for (auto f : n.outgoing) {
        const auto& flow = s.definitions->flow(f);
        if (flow.is_default) continue;
        if (flow.condition.empty()) {
          chosen = f;
          break;
        }
        auto v = Evaluate(s, token.scope, flow.condition);
        if (!v) {
          Wait(s, token_id);
          Incident(s, token_id,
                   "condition of '" + flow.id + "': " + v.error().message);
          return;
        }
        if (v->type() == expr::Value::Type::kBoolean && v->boolean()) {
          chosen = f;
          break;
        }
      }
      if (chosen == kNoIndex) chosen = n.default_flow;
      if (chosen == kNoIndex && !n.outgoing.empty()) {
        Wait(s, token_id);
        Incident(s, token_id,
                 "no condition of the exclusive gateway '" + n.id +
                     "' is true and it has no default flow");
        return;
      }
      done();
      Consume(s, token_id);
      if (chosen != kNoIndex) {
        TakeFlow(s, token.scope, chosen);
      } else {
        CheckScope(s, token.scope);
      }
      return;
    }
    case ElementKind::kParallelGateway: {
      if (n.incoming.size() > 1) {
        SetTokenState(s, token_id, TokenState::kJoined);
        // One token per incoming flow fires the join.
        auto join = s.joins.find({token.node, token.scope});
        if (join == s.joins.end() || join->second.filled < n.incoming.size())
          return;
        std::vector<Id> use;
        for (const auto& queue : join->second.by_flow)
          use.push_back(queue.front());
        done();
        for (auto id : use) Consume(s, id);
      } else {
        done();
        Consume(s, token_id);
      }
      for (auto f : n.outgoing) TakeFlow(s, token.scope, f);
      if (n.outgoing.empty()) CheckScope(s, token.scope);
      return;
    }
    case ElementKind::kInclusiveGateway: {
      if (n.incoming.size() > 1) {
        SetTokenState(s, token_id, TokenState::kJoined);
        TryInclusiveJoin(s, token.node, token.scope);
        return;
      }
      done();
      Consume(s, token_id);
      std::vector<std::uint32_t> chosen = ChooseFlows(s, n, token.scope);
      if (chosen.empty() && !n.outgoing.empty()) {
        Id again = CreateToken(s, token.node, token.scope, token.via_flow);
        ready_.pop_back();
        Wait(s, again);
        Incident(
            s, again,
            "no condition of the inclusive gateway '" + n.id + "' is true");
        return;
      }
      for (auto f : chosen) TakeFlow(s, token.scope, f);
      if (chosen.empty()) CheckScope(s, token.scope);
      return;
    }
    case ElementKind::kEventBasedGateway: {
      Wait(s, token_id);
      for (auto f : n.outgoing)
        ArmCatch(s, token_id, s.definitions->flow(f).target);
      return;
    }
    default:
      Wait(s, token_id);
      Incident(s, token_id, "complex gateways are not executed");
      return;
  }
}

// The inclusive join fires when no token of the scope that is still moving can
// reach it.
void Runtime::TryInclusiveJoin(InstanceState& s, std::uint32_t node, Id scope) {
  const auto& defs = *s.definitions;
  // O(1): the number of live tokens of the scope that could still arrive is
  // kept by Apply.
  if (auto reach = s.join_reach.find({node, scope});
      reach != s.join_reach.end()) {
    inclusive_waiting_.insert(s.id);  // checked again once the command settles
    return;
  }
  std::vector<Id> joined;
  if (auto join = s.joins.find({node, scope}); join != s.joins.end()) {
    for (const auto& queue : join->second.by_flow)
      joined.insert(joined.end(), queue.begin(), queue.end());
  }
  if (joined.empty()) return;
  Event e;
  e.type = EventType::kElementCompleted;
  e.token = joined.front();
  e.node = node;
  Emit(s, e);
  for (auto id : joined) Consume(s, id);
  const FlowNode& n = defs.node(node);
  std::vector<std::uint32_t> chosen = ChooseFlows(s, n, scope);
  for (auto f : chosen) TakeFlow(s, scope, f);
  if (chosen.empty()) CheckScope(s, scope);
}

void Runtime::CancelToken(InstanceState& s, Id token_id) {
  Token* t = s.FindToken(token_id);
  if (!t) return;
  const Token token = *t;
  Disarm(s, token_id);
  // Open work of this token ends with it.
  CloseOwnedBy(s.tasks, token_id, EventType::kTaskClosed,
               [&](Event e) { Emit(s, e); });
  CloseOwnedBy(s.jobs, token_id, EventType::kJobClosed,
               [&](Event e) { Emit(s, e); });
  // A sub-process takes its content with it; a call activity its called
  // instance.
  for (const auto& sc : std::vector<Scope>(s.scopes)) {
    if (sc.host_token != token_id) continue;
    std::vector<Id> inner;
    for (const auto& [x_id, x] : s.tokens)
      if (x.scope == sc.id) inner.push_back(x.id);
    for (auto id : inner) CancelToken(s, id);
    Event closed;
    closed.type = EventType::kScopeClosed;
    closed.scope = sc.id;
    Emit(s, closed);
  }
  if (s.node(token.node).kind == ElementKind::kCallActivity) {
    for (auto& [id, child] : instances_) {
      if (child->parent_token != token_id ||
          child->status != InstanceStatus::kActive)
        continue;
      std::vector<Id> inner;
      for (const auto& [x_id, x] : child->tokens) inner.push_back(x.id);
      for (auto x : inner) CancelToken(*child, x);
      Event e;
      e.type = EventType::kInstanceTerminated;
      Emit(*child, e);
    }
  }
  Consume(s, token_id);
}

void Runtime::TerminateScope(InstanceState& s, Id scope, Id except_token) {
  std::vector<Id> inner;
  for (const auto& [t_id, t] : s.tokens)
    if (t.scope == scope && t.id != except_token) inner.push_back(t.id);
  for (auto id : inner) CancelToken(s, id);
  const Scope* sc = s.FindScope(scope);
  if (sc && sc->parent == kNoId) {
    if (s.FindToken(except_token)) Consume(s, except_token);
    Event e;
    e.type = EventType::kInstanceTerminated;
    Emit(s, e);
    ChildFinished(s);
  }
}

void Runtime::ArmBoundaries(InstanceState& s, Id token_id) {
  const Token token = *s.FindToken(token_id);
  for (auto b : s.node(token.node).boundary_events) ArmCatch(s, token_id, b);
}

// Timers and subscriptions for `catch_node` (a catch event, receive task,
// boundary event, or a target of an event-based gateway), owned by the waiting
// token.
void Runtime::ArmCatch(InstanceState& s, Id token_id,
                       std::uint32_t catch_node) {
  const Token token = *s.FindToken(token_id);
  const FlowNode& n = s.node(catch_node);
  if (n.kind == ElementKind::kReceiveTask) {
    Event e;
    e.type = EventType::kSubscriptionOpened;
    e.item = NextId();
    e.token = token_id;
    e.node = catch_node;
    e.text = MessageName(*s.definitions, n.message_ref);
    Emit(s, e);
    return;
  }
  for (const auto& d : n.event_definitions) {
    switch (d.kind) {
      case EventDefinitionKind::kTimer: {
        if (!d.timer) break;
        std::string error;
        auto due =
            TimerDue(s, token.scope, *d.timer, &error, CalendarFor(s, true));
        if (!due) {
          Incident(s, token_id, "timer of '" + n.id + "': " + error);
          break;
        }
        Event e;
        e.type = EventType::kTimerScheduled;
        e.item = NextId();
        e.token = token_id;
        e.node = catch_node;
        e.time = *due;
        if (d.timer->kind == model::TimerKind::kCycle) {
          e.number = d.timer->repetitions < 0
                         ? -1
                         : std::max<std::int64_t>(0, d.timer->repetitions - 1);
          e.number2 = d.timer->duration.FixedMilliseconds();
        }
        Emit(s, e);
        break;
      }
      case EventDefinitionKind::kConditional: {
        // Checked after every command (EvaluateConditions); `number` says
        // whether it was already true when armed.
        auto now = Evaluate(s, token.scope, d.condition);
        Event e;
        e.type = EventType::kSubscriptionOpened;
        e.item = NextId();
        e.token = token_id;
        e.node = catch_node;
        e.number =
            now && now->type() == expr::Value::Type::kBoolean && now->boolean()
                ? 2
                : 1;
        Emit(s, e);
        ++conditional_waits_;
        break;
      }
      case EventDefinitionKind::kMessage:
      case EventDefinitionKind::kSignal: {
        Event e;
        e.type = EventType::kSubscriptionOpened;
        e.item = NextId();
        e.token = token_id;
        e.node = catch_node;
        e.flag = d.kind == EventDefinitionKind::kSignal;
        e.text = e.flag ? SignalName(*s.definitions, d.ref)
                        : MessageName(*s.definitions, d.ref);
        model::Expression key = d.correlation_key;
        if (key.empty() && !e.flag) {
          if (const auto* m = s.definitions->FindMessage(d.ref))
            key = model::MakeExpression(m->correlation_key);
        }
        if (!key.empty()) {
          auto v = Evaluate(s, token.scope, key);
          if (v && !v->is_null()) e.text2 = expr::ToText(*v);
        }
        Emit(s, e);
        break;
      }
      default:
        break;
    }
  }
}

void Runtime::Disarm(InstanceState& s, Id token_id) {
  CloseOwnedBy(s.timers, token_id, EventType::kTimerClosed,
               [&](Event e) { Emit(s, e); });
  CloseOwnedBy(s.subscriptions, token_id, EventType::kSubscriptionClosed,
               [&](Event e) { Emit(s, e); });
}

std::optional<TimePoint> Runtime::TaskDate(InstanceState& s, Id scope,
                                           const model::Expression& date) {
  if (date.empty()) return std::nullopt;
  model::TimerSpec spec;
  spec.source = date;
  spec.kind = !date.text.empty() && date.text[0] == 'P'
                  ? model::TimerKind::kDuration
                  : model::TimerKind::kDate;
  if (date.dialect == model::Dialect::kPlain) {
    if (auto parsed = model::ParseTimer(spec.kind, date.text)) {
      spec = *parsed;
      spec.source = date;
    }
  }
  std::string error;
  return TimerDue(s, scope, spec, &error, CalendarFor(s, false));
}

std::optional<TimePoint> Runtime::TimerDue(InstanceState& s, Id scope,
                                           const model::TimerSpec& spec,
                                           std::string* error,
                                           const model::Calendar* calendar) {
  model::TimerSpec literal = spec;
  if (!spec.literal) {
    auto v = Evaluate(s, scope, spec.source);
    if (!v) {
      *error = v.error().message;
      return std::nullopt;
    }
    using T = expr::Value::Type;
    if (v->type() == T::kDaysTimeDuration) {
      const std::int64_t ms = v->days_time().ms;
      if (calendar) {  // days as working days, like a literal duration
        model::Duration d;
        d.days = ms / 86'400'000;
        d.milliseconds = ms % 86'400'000;
        return calendar->AddWorking(clock_.Now(), d);
      }
      return clock_.Now() + std::chrono::milliseconds(ms);
    }
    if (v->type() == T::kDateTime && v->date_time().offset_minutes)
      return TimePoint(std::chrono::milliseconds(v->date_time().InstantMs()));
    if (v->type() != T::kString) {
      *error = "the timer value is a " + std::string(expr::TypeName(v->type()));
      return std::nullopt;
    }
    std::string text = v->string();
    model::Expression plain = model::MakeExpression(text);
    if (plain.dialect != model::Dialect::kPlain) {
      *error = "the timer value '" + text + "' is not ISO 8601";
      return std::nullopt;
    }
    // Parsed by the same ISO 8601 reader as literal timers.
    auto parsed = model::ParseTimer(spec.kind, text);
    if (!parsed) {
      *error = parsed.error().message;
      return std::nullopt;
    }
    literal = *parsed;
  }
  const TimePoint now = clock_.Now();
  switch (literal.kind) {
    case model::TimerKind::kDate:
      return literal.date;
    case model::TimerKind::kDuration:
      if (calendar) return calendar->AddWorking(now, literal.duration);
      return literal.duration.AddTo(now);
    case model::TimerKind::kCycle: {
      TimePoint first =
          literal.date ? *literal.date : literal.duration.AddTo(now);
      return first;
    }
  }
  return std::nullopt;
}

void Runtime::FireTimer(InstanceState& s, const Timer& timer) {
  if (timer.task != kNoId) {
    Deadline(s, timer);
    return;
  }
  const FlowNode& n = s.node(timer.node);
  Token* waiting = s.FindToken(timer.token);
  if (!waiting) {
    Event e;
    e.type = EventType::kTimerClosed;
    e.item = timer.id;
    Emit(s, e);
    return;
  }
  // A cycle on a non-interrupting boundary repeats; everything else fires once.
  bool repeat = (n.kind == ElementKind::kBoundaryEvent ||
                 waiting->state == TokenState::kListening) &&
                !n.cancel_activity && timer.remaining != 0 &&
                timer.interval_ms > 0;
  Event e;
  if (repeat) {
    e.type = EventType::kTimerScheduled;
    e.item = timer.id;
    e.token = timer.token;
    e.node = timer.node;
    e.time = timer.due + std::chrono::milliseconds(timer.interval_ms);
    e.number = timer.remaining < 0 ? -1 : timer.remaining - 1;
    e.number2 = timer.interval_ms;
  } else {
    e.type = EventType::kTimerClosed;
    e.item = timer.id;
    e.node = timer.node;
  }
  Emit(s, e);
  Trigger(s, timer.token, timer.node, {});
}

// The event of `event_node` occurred for the token waiting on it: a catch event
// or receive task completes; a boundary event interrupts its host or runs
// beside it; an event-based gateway withdraws its other events.
void Runtime::Trigger(InstanceState& s, Id waiting_token,
                      std::uint32_t event_node, Variables vars) {
  Token* t = s.FindToken(waiting_token);
  if (!t) return;
  const Token token = *t;
  const FlowNode& n = s.node(event_node);
  if (token.state == TokenState::kListening) {
    TriggerEventSubProcess(s, waiting_token, event_node, std::move(vars));
    return;
  }
  if (n.kind == ElementKind::kBoundaryEvent) {
    if (n.cancel_activity) {
      CancelToken(s, waiting_token);
    } else {
      // Only the triggered subscription ends; timers were rescheduled by
      // FireTimer.
      std::vector<Id> subs;
      for (const auto& x : s.subscriptions)
        if (x.token == waiting_token && x.node == event_node)
          subs.push_back(x.id);
      for (auto id : subs) {
        Event e;
        e.type = EventType::kSubscriptionClosed;
        e.item = id;
        Emit(s, e);
      }
    }
    SetVariables(s, token.scope, std::move(vars), true);
    Id b = CreateToken(s, event_node, token.scope, kNoIndex);
    ready_.pop_back();
    Complete(s, b);
    if (n.cancel_activity) CheckScope(s, token.scope);
    return;
  }
  Disarm(s, waiting_token);
  SetVariables(s, token.scope, std::move(vars), true);
  if (token.node == event_node) {
    Complete(s, waiting_token);
    return;
  }
  // Event-based gateway: the gateway completes, then the event that won.
  Event gw;
  gw.type = EventType::kElementCompleted;
  gw.token = waiting_token;
  gw.node = token.node;
  Emit(s, gw);
  Consume(s, waiting_token);
  std::uint32_t via = kNoIndex;
  for (auto f : s.node(token.node).outgoing)
    if (s.definitions->flow(f).target == event_node) via = f;
  if (via != kNoIndex) {
    Event flow;
    flow.type = EventType::kFlowTaken;
    flow.flow = via;
    Emit(s, flow);
  }
  Id c = CreateToken(s, event_node, token.scope, via);
  ready_.pop_back();
  Complete(s, c);
}

// Errors go to the nearest boundary event that catches their code (or any
// code), walking out through sub-processes and call activities; uncaught, they
// are an incident.
void Runtime::ThrowError(InstanceState& s, Id token_id, const std::string& code,
                         bool from_end) {
  InstanceState* at = &s;
  Token* t = s.FindToken(token_id);
  if (!t) return;
  Id current = token_id;
  if (Id host = MappingHost(s, token_id))
    current = host;  // the activity, not its inner token
  bool check_own =
      !from_end;  // a failing task's own boundary events come first
  while (true) {
    const Token tok = *at->FindToken(current);
    if (check_own) {
      for (auto b : at->node(tok.node).boundary_events) {
        const auto* d =
            at->node(b).FindEventDefinition(EventDefinitionKind::kError);
        if (!d) continue;
        const model::RootElement* err = at->definitions->FindError(d->ref);
        if (d->ref.empty() || !err || err->code.empty() || err->code == code) {
          if (from_end && at == &s && s.FindToken(token_id) &&
              current != token_id)
            Consume(s, token_id);
          Trigger(*at, current, b, {});
          return;
        }
      }
    }
    check_own = true;
    // An error event sub-process of this scope catches before anything outside
    // it.
    if (Id listener =
            FindListener(*at, tok.scope, EventDefinitionKind::kError, code)) {
      TriggerEventSubProcess(*at, listener, kNoIndex, {});
      return;
    }
    const Scope* scope = at->FindScope(tok.scope);
    if (scope && scope->parent != kNoId) {
      if (from_end && at == &s && s.FindToken(token_id) &&
          current == token_id) {
        // the end event's own token ends before its scope is interrupted
      }
      current = scope->host_token;
      continue;
    }
    // The root of a called instance: continue at the call activity in the
    // parent.
    if (at->parent_instance != kNoId) {
      InstanceState* parent = Find(at->parent_instance);
      if (parent && parent->FindToken(at->parent_token)) {
        Id call_token = at->parent_token;
        for (const auto& b : parent->node(parent->FindToken(call_token)->node)
                                 .boundary_events) {
          const auto* d =
              parent->node(b).FindEventDefinition(EventDefinitionKind::kError);
          if (!d) continue;
          const model::RootElement* err =
              parent->definitions->FindError(d->ref);
          if (d->ref.empty() || !err || err->code.empty() ||
              err->code == code) {
            Trigger(*parent, call_token, b, {});
            return;
          }
        }
        at = parent;
        current = call_token;
        check_own = false;
        continue;
      }
    }
    break;
  }
  Token* thrower = s.FindToken(token_id);
  if (!thrower) return;
  if (thrower->state != TokenState::kWaiting) Wait(s, token_id);
  Incident(s, token_id, "BPMN error '" + code + "' was not caught");
}

// Escalations go to the nearest boundary event that catches them; uncaught,
// they are recorded and the flow goes on.
void Runtime::ThrowEscalation(InstanceState& s, Id token_id,
                              const std::string& code) {
  const Token token = *s.FindToken(token_id);
  Event raised;
  raised.type = EventType::kEscalationRaised;
  raised.token = token_id;
  raised.node = token.node;
  raised.text = code;
  Emit(s, raised);
  // Outward scope by scope: event sub-processes of the scope, then the boundary
  // events of the activity that holds it (a sub-process, or the call activity
  // of a called instance).
  InstanceState* at = &s;
  Id scope_id = token.scope;
  while (scope_id != kNoId) {
    if (Id listener = FindListener(*at, scope_id,
                                   EventDefinitionKind::kEscalation, code)) {
      TriggerEventSubProcess(*at, listener, kNoIndex, {});
      return;
    }
    const Scope* scope = at->FindScope(scope_id);
    if (!scope) return;
    InstanceState* holder = at;
    Id host = scope->host_token;
    Id outer = scope->parent;
    if (scope->parent ==
        kNoId) {  // the root: continue at the call activity, if any
      if (at->parent_instance == kNoId) return;
      holder = Find(at->parent_instance);
      host = at->parent_token;
      if (!holder || !holder->FindToken(host)) return;
      outer = holder->FindToken(host)->scope;
    }
    const Token* h = holder->FindToken(host);
    if (!h) return;
    for (auto b : holder->node(h->node).boundary_events) {
      const auto* d =
          holder->node(b).FindEventDefinition(EventDefinitionKind::kEscalation);
      if (!d) continue;
      const model::RootElement* esc =
          holder->definitions->FindEscalation(d->ref);
      if (d->ref.empty() || !esc || esc->code.empty() || esc->code == code) {
        if (holder->node(b).cancel_activity && s.FindToken(token_id))
          Consume(s, token_id);
        Trigger(*holder, host, b, {});
        return;
      }
    }
    at = holder;
    scope_id = outer;
  }
}

void Runtime::Incident(InstanceState& s, Id token_id, std::string message) {
  const Token* t = s.FindToken(token_id);
  Event e;
  e.type = EventType::kIncidentRaised;
  e.item = NextId();
  e.token = token_id;
  e.node = t ? t->node : kNoIndex;
  e.text = std::move(message);
  Emit(s, e);
}

void Runtime::StartChild(InstanceState& s, Id token_id) {
  const Token token = *s.FindToken(token_id);
  const FlowNode& n = s.node(token.node);
  std::string called;
  if (n.call) {
    auto v = Evaluate(s, token.scope, n.call->called_element);
    if (v && v->type() == expr::Value::Type::kString) called = v->string();
  }
  std::shared_ptr<const model::Definitions> defs;
  std::uint32_t process = kNoIndex;
  if (const model::Process* p = s.definitions->FindProcess(called)) {
    defs = s.definitions;
    process = p->index;
  } else if (auto it = processes_.find(called); it != processes_.end()) {
    defs = it->second.first;
    process = it->second.second;
  }
  if (!defs) {
    Incident(s, token_id, "called process '" + called + "' is not deployed");
    return;
  }
  Variables vars;
  bool all =
      !n.call || n.call->in_all || n.call->propagate_all_parent_variables;
  if (all) {
    for (Id id = token.scope; id != kNoId;) {
      const Scope* sc = s.FindScope(id);
      if (!sc) break;
      for (const auto& [k, v] : sc->variables) vars.emplace(k, v);
      id = sc->parent;
    }
  }
  if (n.call) {
    for (const auto& m : n.call->in) {
      auto v = m.source.dialect == model::Dialect::kPlain
                   ? Result<expr::Value>([&]() -> expr::Value {
                       const Scope* root = s.FindScope(token.scope);
                       auto it = root ? root->variables.find(m.source.text)
                                      : Variables::const_iterator();
                       return root && it != root->variables.end()
                                  ? it->second
                                  : expr::Value();
                     }())
                   : Evaluate(s, token.scope, m.source);
      if (v) vars[m.target.empty() ? m.source.text : m.target] = *v;
    }
  }
  std::uint32_t start = kNoIndex;
  for (auto i : defs->process(process).top_level) {
    if (defs->node(i).kind == ElementKind::kStartEvent &&
        defs->node(i).event_definitions.empty()) {
      start = i;
      break;
    }
  }
  StartInstance(defs, process, std::move(vars), s.business_key, start, s.id,
                token_id);
}

void Runtime::ChildFinished(InstanceState& child) {
  if (child.parent_instance == kNoId) return;
  InstanceState* parent = Find(child.parent_instance);
  if (!parent || !parent->FindToken(child.parent_token)) return;
  // A terminate end event ends the called instance, not its caller
  // (BPMN 2.0, 13.5.6): the call activity completes either way.
  if (child.status != InstanceStatus::kCompleted &&
      child.status != InstanceStatus::kTerminated)
    return;
  Id token = child.parent_token;
  const FlowNode& n = parent->node(parent->FindToken(token)->node);
  Variables out;
  bool all =
      !n.call || n.call->out_all || n.call->propagate_all_child_variables;
  const Variables& child_vars = child.scopes.front().variables;
  if (all) out = child_vars;
  if (n.call) {
    for (const auto& m : n.call->out) {
      auto it = child_vars.find(m.source.text);
      if (it != child_vars.end())
        out[m.target.empty() ? m.source.text : m.target] = it->second;
    }
  }
  SetVariables(*parent, parent->FindToken(token)->scope, std::move(out), true);
  Disarm(*parent, token);
  Complete(*parent, token);
}

}  // namespace bpmn::runtime
