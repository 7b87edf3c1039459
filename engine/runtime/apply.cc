// Apply (event.h): one case per event type, each a small, obvious change of
// state. Replaying an instance's events through Apply from an empty state gives
// the same state again.
#include "model/timer_spec.h"
#include "runtime/event.h"
#include "runtime/migration.h"

namespace bpmn::runtime {

Token* InstanceState::FindToken(Id id) {
  auto it = tokens.find(id);
  return it == tokens.end() ? nullptr : &it->second;
}

const Token* InstanceState::FindToken(Id id) const {
  auto it = tokens.find(id);
  return it == tokens.end() ? nullptr : &it->second;
}

Scope* InstanceState::FindScope(Id id) {
  for (auto& s : scopes)
    if (s.id == id) return &s;
  return nullptr;
}

const Scope* InstanceState::FindScope(Id id) const {
  for (const auto& s : scopes)
    if (s.id == id) return &s;
  return nullptr;
}

namespace {
template <typename T>
T* FindItem(std::vector<T>& items, Id id) {
  for (auto& i : items)
    if (i.id == id) return &i;
  return nullptr;
}
}  // namespace

void Apply(const Event& e, InstanceState& s) {
  switch (e.type) {
    case EventType::kInstanceStarted:
      s.status = InstanceStatus::kActive;
      s.business_key = e.text;
      s.parent_instance = e.parent;
      s.parent_token = e.item;
      return;
    case EventType::kInstanceCompleted:
      s.status = InstanceStatus::kCompleted;
      return;
    case EventType::kInstanceTerminated:
      s.status = InstanceStatus::kTerminated;
      return;
    case EventType::kTokenCreated:
      s.tokens.emplace(e.token, Token{e.token, e.node, e.scope,
                                      TokenState::kReady, e.flow, e.flag});
      for (auto j : s.definitions->InclusiveJoinsReachableFrom(e.node))
        ++s.join_reach[{j, e.scope}];
      return;
    case EventType::kTokenState: {
      Token* t = s.FindToken(e.token);
      if (!t) return;
      const TokenState before = t->state;
      t->state = e.state;
      if (e.state == TokenState::kJoined && t->via_flow != model::kNoIndex) {
        const auto& node = s.node(t->node);
        auto& join = s.joins[{t->node, t->scope}];
        join.by_flow.resize(node.incoming.size());
        auto& queue =
            join.by_flow[s.definitions->flow(t->via_flow).target_slot];
        if (queue.empty()) ++join.filled;
        queue.push_back(t->id);
      }
      if (e.state == TokenState::kDone) {
        if (before == TokenState::kJoined && t->via_flow != model::kNoIndex) {
          auto it = s.joins.find({t->node, t->scope});
          if (it != s.joins.end()) {
            auto& queue =
                it->second
                    .by_flow[s.definitions->flow(t->via_flow).target_slot];
            std::erase(queue, t->id);
            if (queue.empty()) --it->second.filled;
            if (it->second.filled == 0) s.joins.erase(it);
          }
        }
        for (auto j : s.definitions->InclusiveJoinsReachableFrom(t->node)) {
          auto it = s.join_reach.find({j, t->scope});
          if (it != s.join_reach.end() && --it->second == 0)
            s.join_reach.erase(it);
        }
        s.tokens.erase(e.token);
      }
      return;
    }
    case EventType::kElementCompleted:
      s.completed.push_back(e.node);
      return;
    case EventType::kFlowTaken:
      s.taken_flows.push_back(e.flow);
      return;
    case EventType::kScopeOpened: {
      Scope scope;
      scope.id = e.scope;
      scope.parent = e.parent;
      scope.node = e.node;
      scope.host_token = e.token;
      scope.multi_instance = e.flag;
      scope.local = e.number == 1;
      scope.items = e.value;
      s.scopes.push_back(std::move(scope));
      return;
    }
    case EventType::kScopeClosed:
      std::erase_if(s.scopes,
                    [&](const Scope& sc) { return sc.id == e.scope; });
      return;
    case EventType::kVariablesSet:
      if (Scope* scope = s.FindScope(e.scope)) {
        if (e.value.type() == expr::Value::Type::kContext) {
          for (const auto& [k, v] : e.value.context()) scope->variables[k] = v;
        }
      }
      return;
    case EventType::kTaskCreated: {
      UserTask t;
      t.id = e.item;
      t.token = e.token;
      t.node = e.node;
      t.roles = e.list;
      t.candidate_users = e.list2;
      t.assignee = e.text;
      t.created = e.at;
      if (e.flag) t.due = e.time;
      t.escalation_of = e.parent;
      if (e.parent != kNoId)
        s.escalations.push_back(
            {e.parent,
             e.node,
             e.at,
             "task for " + (e.list.empty() ? std::string() : e.list[0]),
             e.list,
             {},
             0});
      if (e.number2 != 0)
        t.follow_up = TimePoint(std::chrono::milliseconds(e.number2));
      s.tasks.push_back(std::move(t));
      return;
    }
    case EventType::kTaskClaimed:
      if (UserTask* t = FindItem(s.tasks, e.item)) t->assignee = e.text;
      return;
    case EventType::kTaskClosed:
      std::erase_if(s.tasks, [&](const UserTask& t) { return t.id == e.item; });
      return;
    case EventType::kJobCreated: {
      Job j;
      j.id = e.item;
      j.token = e.token;
      j.node = e.node;
      j.type = e.text;
      j.retries = e.number;
      s.jobs.push_back(std::move(j));
      return;
    }
    case EventType::kJobRetries:
      if (Job* j = FindItem(s.jobs, e.item)) {
        j->retries = e.number;
        j->lock_owner.clear();  // a failed attempt frees the job
        j->lock_expires = {};
      }
      return;
    case EventType::kJobLocked:
      if (Job* j = FindItem(s.jobs, e.item)) {
        j->lock_owner = e.text;
        j->lock_expires = e.time;
      }
      return;
    case EventType::kDeadlineArmed: {
      Timer t{e.item, e.token, e.node, e.time, 0, 0, true};
      t.task = e.parent;
      t.step = e.number;
      s.timers.push_back(std::move(t));
      return;
    }
    case EventType::kTaskOverdue:
      s.escalated.push_back(e.node);
      s.escalations.push_back(
          {e.item, e.node, e.at, "overdue", e.list, e.text, e.number});
      return;
    case EventType::kTaskReassigned:
      if (UserTask* t = FindItem(s.tasks, e.item)) {
        t->roles = e.list;
        t->assignee = e.text;
      }
      s.escalations.push_back(
          {e.item, e.node, e.at,
           "reassigned to " +
               (e.text.empty() ? (e.list.empty() ? std::string() : e.list[0])
                               : "user " + e.text),
           e.list, e.text, 0});
      return;
    case EventType::kInputReceived:  // a record; the events after it act
      return;
    case EventType::kInstanceMigrated:
      ApplyMigration(e, s);
      return;
    case EventType::kNotification:
      s.escalations.push_back(
          {e.parent, e.node, e.at, "notified " + e.text, {}, {}, e.number});
      return;
    case EventType::kJobClosed:
      std::erase_if(s.jobs, [&](const Job& j) { return j.id == e.item; });
      return;
    case EventType::kTimerScheduled: {
      if (Timer* existing = FindItem(s.timers, e.item)) {
        existing->due = e.time;
        existing->remaining = e.number;
        return;
      }
      s.timers.push_back(
          Timer{e.item, e.token, e.node, e.time, e.number, e.number2, true});
      return;
    }
    case EventType::kTimerClosed:
      std::erase_if(s.timers, [&](const Timer& t) { return t.id == e.item; });
      return;
    case EventType::kSubscriptionOpened:
      s.subscriptions.push_back(Subscription{e.item, e.token, e.node, e.flag,
                                             e.text, e.text2, true,
                                             e.number != 0, e.number == 2});
      return;
    case EventType::kSubscriptionClosed:
      std::erase_if(s.subscriptions,
                    [&](const Subscription& x) { return x.id == e.item; });
      return;
    case EventType::kIncidentRaised:
      s.incidents.push_back(Incident{e.item, e.token, e.node, e.text, true});
      s.status = InstanceStatus::kIncident;
      return;
    case EventType::kIncidentResolved:
      std::erase_if(s.incidents,
                    [&](const Incident& i) { return i.id == e.item; });
      if (s.incidents.empty() && s.status == InstanceStatus::kIncident)
        s.status = InstanceStatus::kActive;
      return;
    case EventType::kEscalationRaised:
      s.escalated.push_back(e.node);
      return;
    case EventType::kCompensationQueued: {
      auto& queue = s.compensation_queue[e.token];
      for (const auto& v : e.value.list())
        queue.push_back(
            static_cast<std::uint32_t>(v.number().ToInt64().value_or(0)));
      return;
    }
    case EventType::kCompensationStep: {
      auto& queue = s.compensation_queue[e.token];
      if (!queue.empty()) queue.erase(queue.begin());
      s.compensating[e.item] = e.token;
      return;
    }
    case EventType::kCompensationDone:
      if (e.item != kNoId) s.compensating.erase(e.item);
      if (auto it = s.compensation_queue.find(e.token);
          it != s.compensation_queue.end() && it->second.empty() &&
          e.item == kNoId) {
        s.compensation_queue.erase(it);
      }
      return;
  }
}

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kInstanceStarted:
      return "instance-started";
    case EventType::kInstanceCompleted:
      return "instance-completed";
    case EventType::kInstanceTerminated:
      return "instance-terminated";
    case EventType::kTokenCreated:
      return "token-created";
    case EventType::kTokenState:
      return "token-state";
    case EventType::kElementCompleted:
      return "element-completed";
    case EventType::kFlowTaken:
      return "flow-taken";
    case EventType::kScopeOpened:
      return "scope-opened";
    case EventType::kScopeClosed:
      return "scope-closed";
    case EventType::kVariablesSet:
      return "variables-set";
    case EventType::kTaskCreated:
      return "task-created";
    case EventType::kTaskClaimed:
      return "task-claimed";
    case EventType::kTaskClosed:
      return "task-closed";
    case EventType::kJobCreated:
      return "job-created";
    case EventType::kJobRetries:
      return "job-retries";
    case EventType::kJobLocked:
      return "job-locked";
    case EventType::kDeadlineArmed:
      return "deadline-armed";
    case EventType::kTaskOverdue:
      return "task-overdue";
    case EventType::kTaskReassigned:
      return "task-reassigned";
    case EventType::kNotification:
      return "notification";
    case EventType::kInputReceived:
      return "input-received";
    case EventType::kInstanceMigrated:
      return "instance-migrated";
    case EventType::kJobClosed:
      return "job-closed";
    case EventType::kTimerScheduled:
      return "timer-scheduled";
    case EventType::kTimerClosed:
      return "timer-closed";
    case EventType::kSubscriptionOpened:
      return "subscription-opened";
    case EventType::kSubscriptionClosed:
      return "subscription-closed";
    case EventType::kIncidentRaised:
      return "incident-raised";
    case EventType::kIncidentResolved:
      return "incident-resolved";
    case EventType::kEscalationRaised:
      return "escalation-raised";
    case EventType::kCompensationQueued:
      return "compensation-queued";
    case EventType::kCompensationStep:
      return "compensation-step";
    case EventType::kCompensationDone:
      return "compensation-done";
  }
  return "unknown";
}

std::string FormatEvent(const Event& e, const model::Definitions& d) {
  std::string out = std::to_string(e.seq) + " " + model::FormatTimePoint(e.at) +
                    " " + std::string(EventTypeName(e.type)) +
                    " instance=" + std::to_string(e.instance);
  if (e.token) out += " token=" + std::to_string(e.token);
  if (e.scope) out += " scope=" + std::to_string(e.scope);
  if (e.item) out += " item=" + std::to_string(e.item);
  if (e.node != model::kNoIndex) out += " element=" + d.node(e.node).id;
  if (e.flow != model::kNoIndex) out += " flow=" + d.flow(e.flow).id;
  if (e.type == EventType::kTokenState)
    out += " state=" + std::to_string(static_cast<int>(e.state));
  if (!e.text.empty()) out += " text=" + e.text;
  if (!e.text2.empty()) out += " text2=" + e.text2;
  if (e.type == EventType::kInstanceMigrated) {
    for (std::size_t i = 0; i < e.list.size() && i < e.list2.size(); ++i)
      out += " map=" + e.list[i] + "->" + e.list2[i];
  } else {
    for (const auto& l : e.list) out += " role=" + l;
  }
  if (e.number) out += " n=" + std::to_string(e.number);
  if (e.time.time_since_epoch().count())
    out += " time=" + model::FormatTimePoint(e.time);
  if (!e.value.is_null()) out += " value=" + expr::ToJson(e.value);
  return out;
}

}  // namespace bpmn::runtime
