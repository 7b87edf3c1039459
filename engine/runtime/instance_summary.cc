// Folds an instance's events into visits. A token is created for every flow
// node it reaches, so a visit is a token's life at one node: it ends when the
// node completes, or when the token is cancelled (boundary event,
// terminate). Event sub-process listeners are not visits until triggered.
#include "runtime/instance_summary.h"

namespace bpmn::runtime {
namespace {
std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}
}  // namespace

void SummaryBuilder::Add(const Event& e, const model::Definitions& d) {
  auto visit_of_token = [&](Id token) -> Visit* {
    auto it = open_.find(token);
    return it == open_.end() ? nullptr : &summary_.visits[it->second];
  };
  auto visit_of_task = [&](Id task) -> Visit* {
    auto it = tasks_.find(task);
    return it == tasks_.end() ? nullptr : &summary_.visits[it->second];
  };
  auto visit_at_node = [&](std::uint32_t node) -> Visit* {
    auto it = last_at_node_.find(node);
    return it == last_at_node_.end() ? nullptr : &summary_.visits[it->second];
  };
  switch (e.type) {
    case EventType::kInstanceStarted:
      summary_.started = e.at;
      return;
    case EventType::kInstanceCompleted:
    case EventType::kInstanceTerminated:
      summary_.ended = e.at;
      return;
    case EventType::kScopeOpened:
      if (root_scope_ == kNoId) root_scope_ = e.scope;
      // An activity's own scope for its input/output mappings: the token
      // made inside it at the same node belongs to the activity's visit.
      if (e.number == 1) mapped_scopes_[e.scope] = e.token;
      return;
    case EventType::kVariablesSet:
      if (e.scope == root_scope_ &&
          e.value.type() == expr::Value::Type::kContext) {
        for (const auto& [k, v] : e.value.context()) summary_.variables[k] = v;
      }
      return;
    case EventType::kTokenCreated: {
      if (e.node == model::kNoIndex || e.node >= d.nodes().size()) return;
      if (e.flag) {
        // One instance of a multi-instance or loop activity: part of the
        // activity's visit (its tasks count there), which the body's token
        // opens and closes.
        if (auto it = last_at_node_.find(e.node); it != last_at_node_.end()) {
          open_[e.token] = it->second;
          inner_.insert(e.token);
        }
        return;
      }
      if (auto host = mapped_scopes_.find(e.scope);
          host != mapped_scopes_.end()) {
        if (auto it = open_.find(host->second); it != open_.end()) {
          open_[e.token] = it->second;
          inner_.insert(e.token);
          return;
        }
      }
      const model::FlowNode& n = d.node(e.node);
      Visit v;
      v.element_id = n.id;
      v.role = n.role;
      v.entered = e.at;
      open_[e.token] = summary_.visits.size();
      last_at_node_[e.node] = summary_.visits.size();
      summary_.visits.push_back(std::move(v));
      return;
    }
    case EventType::kTokenState: {
      auto it = open_.find(e.token);
      if (it == open_.end()) return;
      if (inner_.contains(e.token)) {
        if (e.state == TokenState::kDone) {
          open_.erase(it);
          inner_.erase(e.token);
        }
        return;
      }
      Visit& v = summary_.visits[it->second];
      v.waiting = e.state == TokenState::kWaiting;
      if (e.state == TokenState::kListening) {
        // A listener is no visit; it becomes one when its event comes.
        if (it->second + 1 == summary_.visits.size())
          summary_.visits.pop_back();
        open_.erase(it);
      } else if (e.state == TokenState::kDone) {
        if (v.left == TimePoint{}) v.left = e.at;
        open_.erase(it);
      }
      return;
    }
    case EventType::kElementCompleted:
      if (inner_.contains(e.token)) return;
      if (Visit* v = visit_of_token(e.token)) {
        v->left = e.at;
        v->completed = true;
        v->waiting = false;
      }
      return;
    case EventType::kFlowTaken:
      if (e.flow != model::kNoIndex && e.flow < d.flows().size())
        ++summary_.flows[d.flow(e.flow).id];
      return;
    case EventType::kTaskCreated:
      if (e.parent != kNoId) {  // a task made by an escalation policy
        if (Visit* v = visit_of_task(e.parent)) ++v->escalations;
        return;
      }
      if (auto it = open_.find(e.token); it != open_.end()) {
        Visit& v = summary_.visits[it->second];
        v.user_task = true;
        if (v.created == TimePoint{}) v.created = e.at;
        if (!e.list.empty()) v.role = Join(e.list);
        tasks_[e.item] = it->second;
      }
      return;
    case EventType::kTaskClaimed:
      if (Visit* v = visit_of_task(e.item);
          v && !e.text.empty() && v->claimed == TimePoint{})
        v->claimed = e.at;
      return;
    case EventType::kTaskOverdue:
      if (Visit* v = visit_of_task(e.item)) v->overdue = true;
      return;
    case EventType::kTaskReassigned:
      if (Visit* v = visit_of_task(e.item)) ++v->escalations;
      return;
    case EventType::kNotification:
      if (Visit* v = visit_of_task(e.parent)) ++v->escalations;
      return;
    case EventType::kEscalationRaised:
      if (Visit* v = visit_of_token(e.token)) {
        ++v->escalations;
      } else if (e.node != model::kNoIndex) {
        if (Visit* at = visit_at_node(e.node)) ++at->escalations;
      }
      return;
    default:
      return;
  }
}

InstanceSummary SummaryBuilder::Take() {
  InstanceSummary out = std::move(summary_);
  *this = SummaryBuilder();
  return out;
}

}  // namespace bpmn::runtime
