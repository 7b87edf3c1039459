// The interpreter (runtime.h). Commands validate their input and change nothing
// when refused; then behaviours run: Activate decides what a token does at its
// flow node (one case per element kind), Complete and Leave move it on along
// sequence flows, and every state change goes through Emit -> Apply. Drain runs
// the ready tokens until every token waits or ends.
#include "runtime/runtime.h"

#include <algorithm>
#include <set>

#include "expr/expression.h"
#include "model/validate.h"

namespace bpmn::runtime {
namespace {

using model::ElementKind;
using model::EventDefinitionKind;
using model::FlowNode;
using model::kNoIndex;

// Variables seen from a scope: its own, then its parents', up to the root.
class ScopeVariables final : public expr::Variables {
 public:
  ScopeVariables(const InstanceState& s, Id scope) : s_(s), scope_(scope) {}
  const expr::Value* Find(std::string_view name) const override {
    for (Id id = scope_; id != kNoId;) {
      const Scope* sc = s_.FindScope(id);
      if (!sc) break;
      auto it = sc->variables.find(name);
      if (it != sc->variables.end()) return &it->second;
      id = sc->parent;
    }
    return nullptr;
  }

 private:
  const InstanceState& s_;
  Id scope_;
};

expr::Value ToContext(const Variables& vars) {
  expr::Context c;
  for (const auto& [k, v] : vars) c.emplace_back(k, v);
  return expr::Value(std::move(c));
}

bool Waits(const FlowNode& n) {
  return !model::IsSubProcess(
      n.kind);  // sub-processes list their content instead
}

}  // namespace

// -------------------------------------------------------------------------------
// plumbing

void Runtime::Deploy(std::shared_ptr<const model::Definitions> definitions,
                     bool arm_start_timers) {
  auto runs = model::ExecutableProcesses(*definitions);
  for (const auto& p : definitions->processes()) {
    if (!runs[p.index] && processes_.count(p.id)) continue;
    processes_[p.id] = {definitions, p.index};
    // Timer start events: the newest deployment's timers replace the older
    // ones.
    std::erase_if(start_timers_, [&](const StartTimer& t) {
      return t.definitions->process(t.process).id == p.id;
    });
    if (!runs[p.index] || !arm_start_timers) continue;
    for (auto i : p.top_level) {
      const FlowNode& n = definitions->node(i);
      const auto* d = n.FindEventDefinition(EventDefinitionKind::kTimer);
      if (n.kind != ElementKind::kStartEvent || !d || !d->timer ||
          !d->timer->literal)
        continue;
      const model::TimerSpec& spec = *d->timer;
      StartTimer t{NextId(), definitions, p.index, i, {}, 0, 0};
      if (spec.kind == model::TimerKind::kDate) {
        t.due = *spec.date;
      } else if (spec.kind == model::TimerKind::kDuration) {
        t.due = spec.duration.AddTo(clock_.Now());
      } else {
        t.due = spec.date ? *spec.date : spec.duration.AddTo(clock_.Now());
        t.remaining = spec.repetitions < 0
                          ? -1
                          : std::max<std::int64_t>(0, spec.repetitions - 1);
        t.interval_ms = spec.duration.FixedMilliseconds();
      }
      start_timers_.push_back(std::move(t));
    }
  }
}

void Runtime::SetUserRoles(const std::string& user,
                           std::vector<std::string> roles) {
  for (auto& r : roles) r = model::NormalizeRole(r);
  users_[user] = std::move(roles);
}

void Runtime::RegisterJobHandler(const std::string& type, JobHandler handler) {
  handlers_[type] = std::move(handler);
}

InstanceState* Runtime::Find(Id id) {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : it->second.get();
}

void Runtime::EvictFinished() {
  std::vector<Id> finished;
  for (const auto& [id, s] : instances_)
    if (s->status == InstanceStatus::kCompleted ||
        s->status == InstanceStatus::kTerminated)
      finished.push_back(id);
  for (Id id : finished) Forget(id);
}

const InstanceState* Runtime::Instance(Id id) const {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : it->second.get();
}

std::vector<const InstanceState*> Runtime::Instances() const {
  std::vector<const InstanceState*> out;
  for (const auto& [id, s] : instances_) out.push_back(s.get());
  return out;
}

std::vector<const InstanceState*> Runtime::Family(Id id) const {
  std::vector<const InstanceState*> out;
  if (const InstanceState* root = Instance(id)) out.push_back(root);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto [first, last] = children_.equal_range(out[i]->id);
    std::vector<Id> children;
    for (auto it = first; it != last; ++it) children.push_back(it->second);
    std::sort(children.begin(), children.end());  // id order, as before
    for (Id child : children)
      if (const InstanceState* s = Instance(child)) out.push_back(s);
  }
  return out;
}

const Variables* Runtime::RootVariables(Id instance) const {
  const InstanceState* s = Instance(instance);
  if (!s || s->scopes.empty()) return nullptr;
  return &s->scopes.front().variables;
}

const model::Definitions* Runtime::DefinitionsOf(Id instance) const {
  const InstanceState* s = Instance(instance);
  return s ? s->definitions.get() : nullptr;
}

void Runtime::RecordInput(InstanceState& s, Input input,
                          const Variables& variables) {
  Event e;
  e.type = EventType::kInputReceived;
  e.text = std::move(input.kind);
  e.text2 = std::move(input.what);
  e.item = input.item;
  e.token = input.token;
  e.node = input.node;
  if (!input.correlation_key.empty())
    e.list.push_back(std::move(input.correlation_key));
  if (!variables.empty()) e.value = ToContext(variables);
  Emit(s, std::move(e));
}

std::pair<InstanceState*, UserTask*> Runtime::FindTask(Id task_id) {
  auto in = [task_id](InstanceState& s) -> UserTask* {
    for (auto& t : s.tasks)
      if (t.id == task_id) return &t;
    return nullptr;
  };
  if (auto hint = task_owner_.find(task_id); hint != task_owner_.end()) {
    if (InstanceState* s = Find(hint->second))
      if (UserTask* t = in(*s)) return {s, t};
    task_owner_.erase(hint);  // stale: the task went another way
  }
  for (auto& [id, s] : instances_)  // not indexed: restored before it was
    if (UserTask* t = in(*s)) {
      task_owner_[task_id] = id;
      return {s.get(), t};
    }
  return {nullptr, nullptr};
}

void Runtime::IndexTimers(const InstanceState& s) {
  for (const Timer& t : s.timers) timers_by_due_.emplace(t.due, t.id, s.id);
}

void Runtime::UnindexTimers(const InstanceState& s) {
  for (const Timer& t : s.timers) timers_by_due_.erase({t.due, t.id, s.id});
}

void Runtime::Emit(InstanceState& s, Event e) {
  e.seq = ++next_seq_;
  e.at = clock_.Now();
  e.instance = s.id;
  ApplyIndexed(e, s);
  if (e.type == EventType::kTaskCreated) task_owner_[e.item] = s.id;
  if (e.type == EventType::kTaskClosed) task_owner_.erase(e.item);
  if (journal_on_) {
    if (keep_log_) log_.push_back(e);
    journal_.push_back(std::move(e));
  } else if (keep_log_) {
    log_.push_back(std::move(e));
  }
}

// The events that arm, move or close a timer change its entry in the index;
// a migration (which drops the timers of elements the target lacks) all of
// the instance's.
void Runtime::ApplyIndexed(const Event& e, InstanceState& s) {
  switch (e.type) {
    case EventType::kTimerScheduled:
    case EventType::kDeadlineArmed:
    case EventType::kTimerClosed: {
      auto entry = [&]() -> std::optional<std::tuple<TimePoint, Id, Id>> {
        for (const Timer& t : s.timers)
          if (t.id == e.item) return std::tuple(t.due, t.id, s.id);
        return std::nullopt;
      };
      if (auto before = entry()) timers_by_due_.erase(*before);
      Apply(e, s);
      if (auto after = entry()) timers_by_due_.insert(*after);
      return;
    }
    case EventType::kInstanceMigrated:
      UnindexTimers(s);
      Apply(e, s);
      IndexTimers(s);
      return;
    default:
      Apply(e, s);
  }
}

Id Runtime::CreateToken(InstanceState& s, std::uint32_t node, Id scope,
                        std::uint32_t flow, bool inner) {
  Event e;
  e.flag = inner;
  e.type = EventType::kTokenCreated;
  e.token = NextId();
  e.node = node;
  e.scope = scope;
  e.flow = flow;
  Emit(s, e);
  ready_.emplace_back(s.id, e.token);
  return e.token;
}

void Runtime::Drain() {
  // A diagram can loop without a wait state (a gateway flowing back to itself);
  // such a run is stopped with an incident instead of spinning forever.
  constexpr std::uint64_t kMaxActivationsPerCommand = 1'000'000;
  std::uint64_t activations = 0;
  while (!ready_.empty()) {
    auto [instance, token] = ready_.front();
    ready_.pop_front();
    InstanceState* s = Find(instance);
    if (!s) continue;
    Token* t = s->FindToken(token);
    if (!t || t->state != TokenState::kReady) continue;
    if (++activations > kMaxActivationsPerCommand) {
      Wait(*s, token);
      Incident(*s, token,
               "the instance ran " + std::to_string(kMaxActivationsPerCommand) +
                   " steps without reaching a wait state and was stopped");
      continue;
    }
    Activate(*s, token);
    // Once the command's tokens settle: inclusive joins nobody can reach any
    // more, conditional events and buffered messages (each may make more tokens
    // ready).
    if (ready_.empty() && (CheckInclusiveJoins() || EvaluateConditions()))
      continue;
  }
  if (CheckInclusiveJoins() || EvaluateConditions()) Drain();
}

bool Runtime::CheckInclusiveJoins() {
  for (auto it = inclusive_waiting_.begin(); it != inclusive_waiting_.end();) {
    InstanceState* s = Find(*it);
    bool pending = false;
    if (s) {
      for (const auto& [key, join] : s->joins) {
        if (s->node(key.first).kind != model::ElementKind::kInclusiveGateway)
          continue;
        if (!s->join_reach.count(key)) {
          TryInclusiveJoin(*s, key.first, key.second);
          return true;
        }
        pending = true;
      }
    }
    it = pending ? std::next(it) : inclusive_waiting_.erase(it);
  }
  return false;
}

// Conditional events whose condition now holds, and buffered messages that
// found a subscription, are delivered once the command's tokens have settled.
bool Runtime::EvaluateConditions() {
  if (conditional_waits_ == 0 && buffered_.empty())
    return false;  // the common case
  const TimePoint now = clock_.Now();
  std::erase_if(buffered_,
                [&](const BufferedMessage& m) { return m.expires <= now; });
  std::size_t open_conditions = 0;
  for (auto& [id, sp] : instances_) {
    InstanceState& s = *sp;
    for (const auto& sub : std::vector<Subscription>(s.subscriptions)) {
      if (!sub.conditional) {
        if (!sub.signal && !buffered_.empty() && DeliverBuffered(s, sub))
          return true;
        continue;
      }
      ++open_conditions;
      const model::FlowNode& n = s.node(sub.node);
      const model::EventDefinition* def = nullptr;
      for (const auto& d : n.event_definitions)
        if (d.kind == model::EventDefinitionKind::kConditional) def = &d;
      const Token* t = s.FindToken(sub.token);
      if (!def || !t) continue;
      // A catch event goes on as soon as its condition holds; a boundary event
      // or an event sub-process fires when the condition turns true, so not if
      // it already held when armed.
      if (sub.armed_true &&
          n.kind != model::ElementKind::kIntermediateCatchEvent) {
        // Armed while true: once the condition is false, it is armed again to
        // wait for true.
        auto v = Evaluate(s, t->scope, def->condition);
        if (v && v->type() == expr::Value::Type::kBoolean && v->boolean())
          continue;
        Event closed;
        closed.type = EventType::kSubscriptionClosed;
        closed.item = sub.id;
        Emit(s, closed);
        Event armed;
        armed.type = EventType::kSubscriptionOpened;
        armed.item = NextId();
        armed.token = sub.token;
        armed.node = sub.node;
        armed.number = 1;
        Emit(s, armed);
        continue;
      }
      auto v = Evaluate(s, t->scope, def->condition);
      if (v && v->type() == expr::Value::Type::kBoolean && v->boolean()) {
        Trigger(s, sub.token, sub.node, {});
        return true;
      }
    }
  }
  conditional_waits_ = open_conditions;
  return false;
}

bool Runtime::DeliverBuffered(InstanceState& s, const Subscription& sub) {
  for (auto it = buffered_.begin(); it != buffered_.end(); ++it) {
    if (it->name != sub.name) continue;
    if (!it->key.empty() && it->key != sub.correlation_key &&
        !(sub.correlation_key.empty() && s.business_key == it->key)) {
      continue;
    }
    Variables vars = std::move(it->variables);
    RecordInput(s, {"message", it->name, kNoId, sub.token, sub.node, it->key},
                vars);
    buffered_.erase(it);
    Trigger(s, sub.token, sub.node, std::move(vars));
    return true;
  }
  return false;
}

Id Runtime::ScopeOfToken(InstanceState& s, Id token) {
  Token* t = s.FindToken(token);
  return t ? t->scope : kNoId;
}

Result<expr::Value> Runtime::Evaluate(const InstanceState& s, Id scope,
                                      const model::Expression& e) {
  if (e.dialect == model::Dialect::kNone)
    return expr::Value();  // `<inputParameter name="x"/>`
  if (e.dialect == model::Dialect::kPlain) return expr::Value(e.text);
  if (!e.compiled) {
    return Fail(ErrorCode::kExpression,
                "'" + e.text + "' is in a language this engine does not run");
  }
  ScopeVariables vars(s, scope);
  expr::EvalOptions options;
  options.now = clock_.Now();
  return e.compiled->Evaluate(vars, options);
}

void Runtime::SetVariables(InstanceState& s, Id scope, Variables vars,
                           bool nearest_definition) {
  if (vars.empty()) return;
  // Each variable goes to the nearest scope that already has it, else to the
  // root (Camunda's rule for task completions), or all to `scope` when asked.
  std::map<Id, Variables> by_scope;
  for (auto& [k, v] : vars) {
    Id target = scope;
    if (nearest_definition) {
      target = s.scopes.front().id;
      for (Id id = scope; id != kNoId;) {
        const Scope* sc = s.FindScope(id);
        if (!sc) break;
        if (sc->variables.count(k)) {
          target = id;
          break;
        }
        id = sc->parent;
      }
    }
    by_scope[target].emplace(k, std::move(v));
  }
  for (auto& [target, values] : by_scope) {
    Event e;
    e.type = EventType::kVariablesSet;
    e.scope = target;
    e.value = ToContext(values);
    Emit(s, e);
  }
}

std::string Runtime::SignalName(const model::Definitions& d,
                                const std::string& ref) const {
  const model::RootElement* r = d.FindSignal(ref);
  return r && !r->name.empty() ? r->name : ref;
}

std::string Runtime::MessageName(const model::Definitions& d,
                                 const std::string& ref) const {
  const model::RootElement* r = d.FindMessage(ref);
  return r && !r->name.empty() ? r->name : ref;
}

// -------------------------------------------------------------------------------
// commands

Result<Id> Runtime::Start(const std::string& process_id, Variables variables,
                          std::string business_key,
                          const std::string& start_event_id) {
  auto it = processes_.find(process_id);
  if (it == processes_.end()) {
    return Fail(ErrorCode::kNotFound,
                "no deployed process '" + process_id + "'");
  }
  const auto& [defs, process] = it->second;
  std::uint32_t start = kNoIndex;
  for (auto i : defs->process(process).top_level) {
    const FlowNode& n = defs->node(i);
    if (n.kind != ElementKind::kStartEvent) continue;
    if (start_event_id.empty() ? n.event_definitions.empty()
                               : n.id == start_event_id) {
      start = i;
      break;
    }
  }
  if (start == kNoIndex && !start_event_id.empty()) {
    return Fail(ErrorCode::kNotFound,
                "no start event '" + start_event_id + "'");
  }
  auto id = StartInstance(defs, process, std::move(variables),
                          std::move(business_key), start, kNoId, kNoId);
  Drain();
  return id;
}

Result<Id> Runtime::StartInstance(
    std::shared_ptr<const model::Definitions> defs, std::uint32_t process,
    Variables variables, std::string business_key, std::uint32_t start_node,
    Id parent_instance, Id parent_token) {
  auto state = std::make_unique<InstanceState>();
  state->id = NextId();
  state->definitions = defs;
  state->process = process;
  InstanceState& s = *state;
  instances_[s.id] = std::move(state);
  if (parent_instance != kNoId) children_.emplace(parent_instance, s.id);
  Event started;
  started.type = EventType::kInstanceStarted;
  started.node = start_node;
  started.value = ToContext(variables);
  started.text = std::move(business_key);
  started.parent = parent_instance;
  started.item = parent_token;
  Emit(s, started);
  Event scope;
  scope.type = EventType::kScopeOpened;
  scope.scope = NextId();
  Emit(s, scope);
  SetVariables(s, scope.scope, std::move(variables), false);
  ArmEventSubProcesses(s, scope.scope, defs->process(process).top_level);
  if (start_node != kNoIndex) {
    CreateToken(s, start_node, scope.scope, kNoIndex);
  } else {
    // Implicit start (BPMN 2.0, 10.5.2): every flow node without incoming
    // flows.
    for (auto i : defs->process(process).top_level) {
      const FlowNode& n = defs->node(i);
      if (n.incoming.empty() && n.kind != ElementKind::kBoundaryEvent &&
          n.kind != ElementKind::kEventSubProcess && !n.is_for_compensation &&
          !(n.kind == ElementKind::kStartEvent &&
            !n.event_definitions.empty())) {
        CreateToken(s, i, scope.scope, kNoIndex);
      }
    }
  }
  CheckScope(s, scope.scope);
  return s.id;
}

namespace {
bool HasRole(const std::vector<std::string>& user_roles,
             const std::vector<std::string>& roles) {
  for (const auto& r : roles)
    if (std::find(user_roles.begin(), user_roles.end(), r) != user_roles.end())
      return true;
  return false;
}
}  // namespace

bool Runtime::MayWorkOn(const UserTask& t, const std::string& user) const {
  if (users_.empty()) return true;  // no identity table: anyone may
  if (t.assignee == user) return true;
  if (std::find(t.candidate_users.begin(), t.candidate_users.end(), user) !=
      t.candidate_users.end())
    return true;
  auto u = users_.find(user);
  return u != users_.end() && (t.roles.empty() || HasRole(u->second, t.roles));
}

Result<void> Runtime::ClaimTask(Id task_id, const std::string& user) {
  auto [s, found] = FindTask(task_id);
  if (found == nullptr)
    return Fail(ErrorCode::kNotFound,
                "no open task " + std::to_string(task_id));
  UserTask& t = *found;
  if (!MayWorkOn(t, user)) {
    return Fail(ErrorCode::kRole, "user '" + user +
                                      "' holds no role of task '" +
                                      s->node(t.node).id + "'");
  }
  if (!t.assignee.empty() && t.assignee != user) {
    return Fail(ErrorCode::kState, "task '" + s->node(t.node).id +
                                       "' is claimed by '" + t.assignee + "'");
  }
  Event e;
  e.type = EventType::kTaskClaimed;
  e.item = t.id;
  e.node = t.node;
  e.text = user;
  Emit(*s, e);
  return {};
}

Result<void> Runtime::UnclaimTask(Id task_id, const std::string& user) {
  auto [s, found] = FindTask(task_id);
  if (found == nullptr)
    return Fail(ErrorCode::kNotFound,
                "no open task " + std::to_string(task_id));
  UserTask& t = *found;
  if (t.assignee.empty())
    return Fail(ErrorCode::kState,
                "task '" + s->node(t.node).id + "' is not claimed");
  if (t.assignee != user) {
    return Fail(ErrorCode::kRole, "only '" + t.assignee + "' may give task '" +
                                      s->node(t.node).id + "' back");
  }
  Event e;
  e.type = EventType::kTaskClaimed;
  e.item = t.id;
  e.node = t.node;
  Emit(*s, e);
  return {};
}

Result<void> Runtime::CompleteTask(Id task_id, const std::string& user,
                                   Variables variables) {
  auto [owner, found] = FindTask(task_id);
  if (found == nullptr)
    return Fail(ErrorCode::kNotFound,
                "no open task " + std::to_string(task_id));
  InstanceState& s = *owner;
  UserTask& t = *found;
  const FlowNode& n = s.node(t.node);
  if (!MayWorkOn(t, user)) {
    std::string roles;
    for (const auto& r : t.roles) roles += (roles.empty() ? "" : ", ") + r;
    return Fail(ErrorCode::kRole, "user '" + user +
                                      "' holds no role of task '" + n.id +
                                      "' (" + roles + ")");
  }
  if (!t.assignee.empty() && t.assignee != user && !users_.empty()) {
    auto u = users_.find(user);
    if (u == users_.end() || !HasRole(u->second, t.roles)) {
      return Fail(ErrorCode::kRole,
                  "task '" + n.id + "' is assigned to '" + t.assignee + "'");
    }
  }
  if (t.escalation_of != kNoId) {  // the token moves with the task itself
    RecordInput(s, {"complete", user, t.id, t.token, t.node, {}}, variables);
    Event closed;
    closed.type = EventType::kTaskClosed;
    closed.item = t.id;
    closed.node = t.node;
    closed.text = user;
    Emit(s, closed);
    return {};
  }
  // Required form fields: given now, or already set in the instance.
  if (n.user_task) {
    ScopeVariables vars(s, ScopeOfToken(s, t.token));
    std::vector<std::string> missing;
    for (const auto& f : n.user_task->form_fields) {
      if (!f.required()) continue;
      auto given = variables.find(f.id);
      bool present = given != variables.end()
                         ? !given->second.is_null()
                         : (vars.Find(f.id) && !vars.Find(f.id)->is_null());
      if (!present) missing.push_back(f.id);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      return Fail(ErrorCode::kFields,
                  "task '" + n.id + "' needs the required fields: " + list,
                  n.id);
    }
  }
  Id token = t.token;
  Id task = t.id;
  RecordInput(s, {"complete", user, task, token, t.node, {}}, variables);
  Event closed;
  closed.type = EventType::kTaskClosed;
  closed.item = task;
  closed.node = t.node;
  closed.text = user;
  SetVariables(s, ScopeOfToken(s, token), std::move(variables), true);
  Emit(s, closed);
  // Escalation tasks made for this task end with it.
  std::vector<std::pair<Id, std::uint32_t>> escalations;
  for (const auto& other : s.tasks)
    if (other.open && other.escalation_of == task)
      escalations.emplace_back(other.id, other.node);
  for (const auto& [id, node] : escalations) {
    Event cancelled;
    cancelled.type = EventType::kTaskClosed;
    cancelled.item = id;
    cancelled.node = node;
    Emit(s, cancelled);
  }
  Disarm(s, token);
  Complete(s, token);
  Drain();
  return {};
}

Result<void> Runtime::CorrelateMessage(const std::string& name,
                                       const std::string& key,
                                       Variables variables,
                                       std::chrono::milliseconds ttl) {
  for (auto& [id, sp] : instances_) {
    InstanceState& s = *sp;
    for (const auto& sub : s.subscriptions) {
      if (sub.signal || sub.conditional || sub.name != name) continue;
      if (!key.empty() && sub.correlation_key != key &&
          !(sub.correlation_key.empty() && s.business_key == key)) {
        continue;
      }
      Subscription chosen = sub;
      RecordInput(s, {"message", name, kNoId, chosen.token, chosen.node, key},
                  variables);
      Trigger(s, chosen.token, chosen.node, std::move(variables));
      Drain();
      return {};
    }
  }
  // A message start event of a deployed process starts a new instance.
  for (const auto& [pid, entry] : processes_) {
    const auto& [defs, process] = entry;
    for (auto i : defs->process(process).top_level) {
      const FlowNode& n = defs->node(i);
      const auto* d = n.FindEventDefinition(EventDefinitionKind::kMessage);
      if (n.kind == ElementKind::kStartEvent && d &&
          MessageName(*defs, d->ref) == name) {
        auto started = StartInstance(defs, process, std::move(variables), key,
                                     i, kNoId, kNoId);
        Drain();
        if (!started) return tl::unexpected(started.error());
        return {};
      }
    }
  }
  if (ttl.count() > 0) {
    buffered_.push_back({name, key, std::move(variables), clock_.Now() + ttl});
    return {};
  }
  return Fail(ErrorCode::kNotFound,
              "no subscription waits for message '" + name + "'" +
                  (key.empty() ? "" : " with correlation key '" + key + "'"));
}

Result<int> Runtime::BroadcastSignal(const std::string& name,
                                     Variables variables) {
  int delivered = DeliverSignal(name, std::move(variables));
  Drain();
  return delivered;
}

int Runtime::DeliverSignal(const std::string& name,
                           const Variables& variables) {
  int delivered = 0;
  std::vector<std::pair<Id, Subscription>> targets;
  for (auto& [id, sp] : instances_) {
    for (const auto& sub : sp->subscriptions)
      if (sub.signal && sub.name == name) targets.emplace_back(id, sub);
  }
  for (auto& [id, sub] : targets) {
    InstanceState* s = Find(id);
    if (!s) continue;
    bool still_open =
        std::any_of(s->subscriptions.begin(), s->subscriptions.end(),
                    [&](const Subscription& x) { return x.id == sub.id; });
    if (!still_open) continue;
    RecordInput(*s, {"signal", name, kNoId, sub.token, sub.node, {}},
                variables);
    Trigger(*s, sub.token, sub.node, variables);
    ++delivered;
  }
  for (const auto& [pid, entry] : processes_) {
    const auto& [defs, process] = entry;
    for (auto i : defs->process(process).top_level) {
      const FlowNode& n = defs->node(i);
      const auto* d = n.FindEventDefinition(EventDefinitionKind::kSignal);
      if (n.kind == ElementKind::kStartEvent && d &&
          SignalName(*defs, d->ref) == name) {
        StartInstance(defs, process, variables, {}, i, kNoId, kNoId);
        ++delivered;
      }
    }
  }
  return delivered;
}

namespace {
template <typename F>
bool ForJob(std::map<Id, std::unique_ptr<InstanceState>>& instances, Id job,
            F&& f) {
  for (auto& [id, sp] : instances) {
    for (auto& j : sp->jobs) {
      if (j.id == job) {
        Job copy = j;
        f(*sp, copy);
        return true;
      }
    }
  }
  return false;
}
}  // namespace

Result<void> Runtime::CompleteJob(Id job, Variables variables) {
  bool found = ForJob(instances_, job, [&](InstanceState& s, const Job& j) {
    RecordInput(s, {"job-complete", "", j.id, j.token, j.node, {}}, variables);
    Event e;
    e.type = EventType::kJobClosed;
    e.item = j.id;
    e.node = j.node;
    SetVariables(s, ScopeOfToken(s, j.token), std::move(variables), true);
    Emit(s, e);
    Disarm(s, j.token);
    Complete(s, j.token);
  });
  if (!found)
    return Fail(ErrorCode::kNotFound, "no open job " + std::to_string(job));
  Drain();
  return {};
}

Result<void> Runtime::FailJob(Id job, const std::string& message) {
  bool found = ForJob(instances_, job, [&](InstanceState& s, const Job& j) {
    RecordInput(s, {"job-fail", message, j.id, j.token, j.node, {}}, {});
    Event e;
    e.type = EventType::kJobRetries;
    e.item = j.id;
    e.node = j.node;
    e.number = std::max<std::int64_t>(0, j.retries - 1);
    Emit(s, e);
    if (e.number == 0)
      Incident(s, j.token, "job failed with no retries left: " + message);
  });
  if (!found)
    return Fail(ErrorCode::kNotFound, "no open job " + std::to_string(job));
  return {};
}

Result<void> Runtime::ThrowJobError(Id job, const std::string& code,
                                    Variables variables) {
  bool found = ForJob(instances_, job, [&](InstanceState& s, const Job& j) {
    RecordInput(s, {"job-error", code, j.id, j.token, j.node, {}}, variables);
    Event e;
    e.type = EventType::kJobClosed;
    e.item = j.id;
    e.node = j.node;
    Emit(s, e);
    SetVariables(s, ScopeOfToken(s, j.token), std::move(variables), true);
    ThrowError(s, j.token, code, false);
  });
  if (!found)
    return Fail(ErrorCode::kNotFound, "no open job " + std::to_string(job));
  Drain();
  return {};
}

Result<std::vector<Runtime::ActivatedJob>> Runtime::ActivateJobs(
    const std::string& type, const std::string& worker,
    std::chrono::milliseconds lock, std::size_t max) {
  if (worker.empty())
    return Fail(ErrorCode::kInvalidArgument, "a worker name is required");
  if (lock.count() <= 0)
    return Fail(ErrorCode::kInvalidArgument, "the lock must last some time");
  std::vector<ActivatedJob> out;
  const TimePoint now = clock_.Now();
  for (auto& [id, sp] : instances_) {
    InstanceState& s = *sp;
    for (std::size_t i = 0; i < s.jobs.size() && out.size() < max; ++i) {
      const Job& j = s.jobs[i];
      if (!j.open || j.type != type || j.retries <= 0) continue;
      if (!j.lock_owner.empty() && j.lock_expires > now) continue;
      Event e;
      e.type = EventType::kJobLocked;
      e.item = j.id;
      e.node = j.node;
      e.text = worker;
      e.time = now + lock;
      Emit(s, e);
      out.push_back({s.id, s.jobs[i]});
    }
  }
  return out;
}

Result<void> Runtime::RetryJob(Id job, std::int64_t retries) {
  if (retries < 1)
    return Fail(ErrorCode::kInvalidArgument, "retries must be at least 1");
  bool found = ForJob(instances_, job, [&](InstanceState& s, const Job& j) {
    Event e;
    e.type = EventType::kJobRetries;
    e.item = j.id;
    e.node = j.node;
    e.number = retries;
    Emit(s, e);
    std::vector<Id> incidents;
    for (const auto& i : s.incidents)
      if (i.token == j.token) incidents.push_back(i.id);
    for (Id id : incidents) {
      Event resolved;
      resolved.type = EventType::kIncidentResolved;
      resolved.item = id;
      Emit(s, resolved);
    }
  });
  if (!found)
    return Fail(ErrorCode::kNotFound, "no open job " + std::to_string(job));
  return {};
}

Runtime::Globals Runtime::SaveGlobals() const {
  return Globals{next_id_, next_seq_, start_timers_, buffered_};
}

void Runtime::RestoreGlobals(Globals globals) {
  next_id_ = globals.next_id;
  next_seq_ = globals.next_seq;
  start_timers_ = std::move(globals.start_timers);
  buffered_ = std::move(globals.buffered);
}

void Runtime::Restore(std::unique_ptr<InstanceState> instance) {
  const Id id = instance->id;
  Forget(id);  // a restored copy replaces the one in memory
  for (const auto& sub : instance->subscriptions)
    if (sub.conditional) ++conditional_waits_;
  if (!instance->joins.empty()) inclusive_waiting_.insert(id);
  for (const auto& t : instance->tasks) task_owner_[t.id] = id;
  if (instance->parent_instance != kNoId)
    children_.emplace(instance->parent_instance, id);
  IndexTimers(*instance);
  instances_[id] = std::move(instance);
}

void Runtime::Forget(Id instance) {
  if (const InstanceState* s = Instance(instance)) {
    for (const auto& t : s->tasks) task_owner_.erase(t.id);
    UnindexTimers(*s);
    auto [first, last] = children_.equal_range(s->parent_instance);
    for (auto it = first; it != last; ++it) {
      if (it->second == instance) {
        children_.erase(it);
        break;
      }
    }
  }
  instances_.erase(instance);
  inclusive_waiting_.erase(instance);
}

std::optional<TimePoint> Runtime::NextDue() const {
  std::optional<TimePoint> next;
  for (const auto& t : start_timers_)
    if (!next || t.due < *next) next = t.due;
  if (!timers_by_due_.empty()) {
    const TimePoint first = std::get<0>(*timers_by_due_.begin());
    if (!next || first < *next) next = first;
  }
  return next;
}

void Runtime::FireDue() {
  // Timers armed by the ones fired now wait for the next call, and one call
  // fires at most kMaxFires, so a zero-length timer in a loop cannot keep it
  // running.
  const Id horizon = next_id_;
  constexpr int kMaxFires = 100000;
  for (int fires = 0; fires < kMaxFires; ++fires) {
    const TimePoint now = clock_.Now();
    // The earliest due timer across all instances and start events, ties by
    // id: deterministic order.
    InstanceState* owner = nullptr;
    const Timer* best = nullptr;
    for (const auto& [due, id, instance] : timers_by_due_) {
      if (due > now) break;
      if (id > horizon) continue;
      auto it = instances_.find(instance);
      if (it == instances_.end()) continue;
      for (const Timer& t : it->second->timers) {
        if (t.id == id && t.due == due) {
          best = &t;
          owner = it->second.get();
          break;
        }
      }
      if (best) break;
    }
    StartTimer* start = nullptr;
    for (auto& t : start_timers_) {
      if (t.due > now || t.id > horizon) continue;
      if (!start || t.due < start->due ||
          (t.due == start->due && t.id < start->id))
        start = &t;
    }
    if (start && (!best || start->due < best->due ||
                  (start->due == best->due && start->id < best->id))) {
      StartTimer fired = *start;
      if (fired.remaining != 0 && fired.interval_ms > 0) {
        start->due += std::chrono::milliseconds(fired.interval_ms);
        if (start->remaining > 0) --start->remaining;
      } else {
        std::erase_if(start_timers_,
                      [&](const StartTimer& t) { return t.id == fired.id; });
      }
      StartInstance(fired.definitions, fired.process, {}, {}, fired.node, kNoId,
                    kNoId);
      Drain();
      continue;
    }
    if (!best) return;
    Timer fired = *best;
    FireTimer(*owner, fired);
    Drain();
  }
}

// -------------------------------------------------------------------------------
// queries

std::vector<std::string> Runtime::Waiting(Id instance) const {
  std::vector<std::string> out;
  const InstanceState* s = Instance(instance);
  if (!s) return out;
  for (const auto& [id, t] : s->tokens) {
    if (t.state != TokenState::kWaiting) continue;
    const FlowNode& n = s->node(t.node);
    if (Waits(n)) out.push_back(n.id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()),
            out.end());  // a set of elements
  return out;
}

std::vector<Runtime::TaskRef> Runtime::OpenTasks(Id instance) const {
  std::vector<TaskRef> out;
  for (const InstanceState* s : Family(instance))
    for (const auto& t : s->tasks) out.push_back({s, &t});
  std::sort(out.begin(), out.end(), [](const TaskRef& a, const TaskRef& b) {
    return a.task->id < b.task->id;
  });
  return out;
}

std::vector<Runtime::TaskRef> Runtime::TasksForRole(
    const std::string& role) const {
  const std::string wanted = model::NormalizeRole(role);
  std::vector<TaskRef> out;
  for (const auto& [id, s] : instances_)
    for (const auto& t : s->tasks)
      if (std::find(t.roles.begin(), t.roles.end(), wanted) != t.roles.end())
        out.push_back({s.get(), &t});
  return out;
}

std::vector<Runtime::TaskRef> Runtime::TasksForUser(
    const std::string& user) const {
  auto u = users_.find(user);
  std::vector<TaskRef> out;
  for (const auto& [id, s] : instances_) {
    for (const auto& t : s->tasks) {
      bool candidate =
          std::find(t.candidate_users.begin(), t.candidate_users.end(), user) !=
          t.candidate_users.end();
      bool role = u != users_.end() && HasRole(u->second, t.roles);
      if (t.assignee == user || (t.assignee.empty() && (candidate || role)))
        out.push_back({s.get(), &t});
    }
  }
  return out;
}

std::vector<const InstanceState*> Runtime::InstancesWithStatus(
    InstanceStatus status) const {
  std::vector<const InstanceState*> out;
  for (const auto& [id, s] : instances_)
    if (s->status == status) out.push_back(s.get());
  return out;
}

std::vector<const InstanceState*> Runtime::InstancesWithBusinessKey(
    const std::string& key) const {
  std::vector<const InstanceState*> out;
  for (const auto& [id, s] : instances_)
    if (s->business_key == key) out.push_back(s.get());
  return out;
}

std::vector<std::pair<const InstanceState*, const Job*>> Runtime::OpenJobs(
    Id instance) const {
  std::vector<std::pair<const InstanceState*, const Job*>> out;
  for (const InstanceState* s : Family(instance))
    for (const auto& j : s->jobs) out.emplace_back(s, &j);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second->id < b.second->id;
  });
  return out;
}

}  // namespace bpmn::runtime
