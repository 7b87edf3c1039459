// Instance migration (runtime.h: CheckMigration, MigrateInstance;
// migration.h): the checks that decide whether an instance can move to another
// version of its process, the kInstanceMigrated event, and its Apply. Called
// by the facade (Engine::Migrate) and by Apply; single-threaded like Runtime.
#include "runtime/migration.h"

#include <algorithm>
#include <set>

#include "runtime/event.h"
#include "runtime/runtime.h"

namespace bpmn::runtime {
namespace {

using model::ElementKind;
using model::EventDefinitionKind;
using model::kNoIndex;

tl::unexpected<Error> Refuse(const std::string& element, std::string message) {
  return Fail(ErrorCode::kState, std::move(message), element);
}

std::string Kind(ElementKind kind) {
  return std::string(model::ElementKindTag(kind));
}

void Split(const std::vector<std::pair<std::string, std::string>>& map,
           std::vector<std::string>& old_ids,
           std::vector<std::string>& new_ids) {
  for (const auto& [old_id, new_id] : map) {
    old_ids.push_back(old_id);
    new_ids.push_back(new_id);
  }
}

std::int64_t ContextNumber(const expr::Value& v, std::string_view name) {
  if (v.type() != expr::Value::Type::kContext) return 0;
  for (const auto& [k, x] : v.context())
    if (k == name && x.type() == expr::Value::Type::kNumber)
      return x.number().ToInt64().value_or(0);
  return 0;
}

// The name a message or signal reference resolves to, as the runtime
// subscribes with it.
std::string RootName(const model::RootElement* element,
                     const std::string& ref) {
  return element && !element->name.empty() ? element->name : ref;
}

// Whether the target's counterpart of a catching element still waits for
// the event a subscription stands for: the same kind, and for messages and
// signals the same name (the open subscription keeps its name; a renamed
// one would never be delivered).
bool CatchesSame(const model::Definitions& d, const model::FlowNode& target,
                 const Subscription& sub) {
  if (target.kind == ElementKind::kReceiveTask)
    return !sub.signal && !sub.conditional &&
           RootName(d.FindMessage(target.message_ref), target.message_ref) ==
               sub.name;
  if (sub.conditional)
    return target.HasEventDefinition(EventDefinitionKind::kConditional);
  for (const auto& def : target.event_definitions) {
    if (sub.signal && def.kind == EventDefinitionKind::kSignal &&
        RootName(d.FindSignal(def.ref), def.ref) == sub.name)
      return true;
    if (!sub.signal && def.kind == EventDefinitionKind::kMessage &&
        RootName(d.FindMessage(def.ref), def.ref) == sub.name)
      return true;
  }
  return false;
}

// The checks of one instance against one target; every method refuses with
// kState naming the element of the version the instance runs.
class Checker {
 public:
  Checker(const InstanceState& s, const MigrationTarget& target,
          const ElementMap& map, std::uint32_t process)
      : s_(s),
        from_(*s.definitions),
        to_(*target.definitions),
        map_(map),
        process_(process),
        where_(target.key + " version " + std::to_string(target.version)) {
    for (const auto& [old_id, new_id] : target.map) mapped_.insert(old_id);
  }

  // The counterpart of flow node `i`: there, of the same kind, in the
  // counterpart of its sub-process (attached to the counterpart of its host).
  Result<std::uint32_t> Counterpart(std::uint32_t i) const {
    const model::FlowNode& n = from_.node(i);
    const std::uint32_t k = map_.Node(i);
    if (k == kNoIndex) {
      return Refuse(n.id, "'" + n.id + "' has no counterpart in " + where_ +
                              (mapped_.count(n.id)
                                   ? ""
                                   : " (name one with --map " + n.id + "=ID)"));
    }
    const model::FlowNode& m = to_.node(k);
    if (m.kind != n.kind) {
      return Refuse(n.id, "'" + n.id + "' is a " + Kind(n.kind) +
                              " but its counterpart '" + m.id + "' in " +
                              where_ + " is a " + Kind(m.kind));
    }
    if (m.process != process_) {
      return Refuse(n.id, "the counterpart '" + m.id + "' of '" + n.id +
                              "' is not in the process of " + where_);
    }
    if (n.parent == kNoIndex && m.parent != kNoIndex) {
      return Refuse(n.id, "'" + n.id +
                              "' is at the top level of its process, but its "
                              "counterpart '" +
                              m.id + "' in " + where_ +
                              " lies in the sub-process '" +
                              to_.node(m.parent).id + "'");
    }
    if (n.parent != kNoIndex) {
      const model::FlowNode& p = from_.node(n.parent);
      const std::uint32_t q = map_.Node(n.parent);
      if (q == kNoIndex || m.parent != q) {
        return Refuse(n.id, "'" + n.id + "' lies in the sub-process '" + p.id +
                                "', but its counterpart '" + m.id + "' in " +
                                where_ +
                                " does not lie in the counterpart of '" + p.id +
                                "' (map the sub-process too)");
      }
    }
    if (n.attached_to != kNoIndex &&
        m.attached_to != map_.Node(n.attached_to)) {
      return Refuse(n.id, "the boundary event '" + n.id + "' of '" +
                              from_.node(n.attached_to).id +
                              "' has its counterpart '" + m.id + "' in " +
                              where_ + " on another activity");
    }
    return k;
  }

  Result<void> Tokens() const {
    for (const auto& [id, t] : s_.tokens) {
      const model::FlowNode& n = from_.node(t.node);
      if (t.state == TokenState::kReady) {
        return Refuse(n.id, "a token at '" + n.id +
                                "' is in the middle of running; migrate the "
                                "instance when it waits");
      }
      if (t.state == TokenState::kJoined || model::IsGateway(n.kind)) {
        return Refuse(n.id, "a token waits at the gateway '" + n.id +
                                "'; migrate the instance when it has gone on");
      }
      if (auto k = Counterpart(t.node); !k) return tl::unexpected(k.error());
    }
    return {};
  }

  Result<void> Scopes() const {
    for (const auto& sc : s_.scopes) {
      if (sc.node == kNoIndex) continue;  // the root
      auto k = Counterpart(sc.node);
      if (!k) return tl::unexpected(k.error());
      const model::FlowNode& n = from_.node(sc.node);
      if (sc.multi_instance && n.loop.kind != to_.node(*k).loop.kind) {
        return Refuse(n.id, "'" + n.id +
                                "' runs as a loop or multi-instance activity, "
                                "but its counterpart '" +
                                to_.node(*k).id + "' in " + where_ +
                                " is not one of the same sort");
      }
    }
    return {};
  }

  Result<void> WorkItems() const {
    for (const auto& t : s_.tasks)
      if (auto k = Counterpart(t.node); !k) return tl::unexpected(k.error());
    for (const auto& j : s_.jobs)
      if (auto k = Counterpart(j.node); !k) return tl::unexpected(k.error());
    for (const auto& t : s_.timers) {
      auto k = Counterpart(t.node);
      if (!k) return tl::unexpected(k.error());
      // A task's deadline belongs to the task; a timer event must still be
      // one.
      if (t.task == kNoId &&
          !to_.node(*k).HasEventDefinition(EventDefinitionKind::kTimer)) {
        return Refuse(from_.node(t.node).id,
                      "the timer of '" + from_.node(t.node).id +
                          "' has no timer at its counterpart '" +
                          to_.node(*k).id + "' in " + where_);
      }
    }
    for (const auto& x : s_.subscriptions) {
      auto k = Counterpart(x.node);
      if (!k) return tl::unexpected(k.error());
      if (!CatchesSame(to_, to_.node(*k), x)) {
        return Refuse(
            from_.node(x.node).id,
            "'" + from_.node(x.node).id + "' waits for " +
                (x.conditional
                     ? std::string("a condition")
                     : (x.signal ? "signal '" : "message '") + x.name + "'") +
                ", but its counterpart '" + to_.node(*k).id + "' in " + where_ +
                " does not");
      }
    }
    return {};
  }

 private:
  const InstanceState& s_;
  const model::Definitions& from_;
  const model::Definitions& to_;
  const ElementMap& map_;
  std::uint32_t process_;
  std::string where_;
  std::set<std::string> mapped_;
};

}  // namespace

// ---------------------------------------------------------------------------
// the element map

ElementMap::ElementMap(const model::Definitions& from,
                       const model::Definitions& to,
                       const std::vector<std::string>& old_ids,
                       const std::vector<std::string>& new_ids)
    : from_(from), to_(to) {
  for (std::size_t i = 0; i < old_ids.size() && i < new_ids.size(); ++i)
    explicit_.emplace(old_ids[i], new_ids[i]);
}

const std::string& ElementMap::TargetId(const std::string& id) const {
  auto it = explicit_.find(id);
  return it == explicit_.end() ? id : it->second;
}

std::uint32_t ElementMap::Node(std::uint32_t index) const {
  if (index >= from_.nodes().size()) return kNoIndex;
  const model::FlowNode* n = to_.FindNode(TargetId(from_.node(index).id));
  return n ? n->index : kNoIndex;
}

std::uint32_t ElementMap::Flow(std::uint32_t index) const {
  if (index >= from_.flows().size()) return kNoIndex;
  const model::SequenceFlow* f = to_.FindFlow(TargetId(from_.flow(index).id));
  return f ? f->index : kNoIndex;
}

Result<void> CheckElementMap(
    const model::Definitions& from, const model::Definitions& to,
    const std::vector<std::pair<std::string, std::string>>& map) {
  std::set<std::string> seen;
  for (const auto& [old_id, new_id] : map) {
    if (old_id.empty() || new_id.empty())
      return Fail(
          ErrorCode::kInvalidArgument,
          "a mapping needs two element ids: '" + old_id + "=" + new_id + "'");
    if (!seen.insert(old_id).second)
      return Fail(ErrorCode::kInvalidArgument,
                  "'" + old_id + "' is mapped twice", old_id);
    const bool node = from.FindNode(old_id) != nullptr;
    if (!node && !from.FindFlow(old_id))
      return Fail(ErrorCode::kNotFound,
                  "the version migrated from has no flow node or sequence "
                  "flow '" +
                      old_id + "'",
                  old_id);
    if (node ? !to.FindNode(new_id) : !to.FindFlow(new_id))
      return Fail(ErrorCode::kNotFound,
                  std::string("the target version has no ") +
                      (node ? "flow node" : "sequence flow") + " '" + new_id +
                      "' (mapped from '" + old_id + "')",
                  new_id);
  }
  return {};
}

std::int64_t MigratedFromDefinitions(const Event& e) {
  return ContextNumber(e.value, "from_definitions");
}

std::int64_t MigratedFromVersion(const Event& e) {
  return ContextNumber(e.value, "from_version");
}

// ---------------------------------------------------------------------------
// Apply

void ApplyMigration(const Event& e, InstanceState& s) {
  // Without its target (a history read back by code that did not set it)
  // the event cannot be applied; the state stays on its definitions.
  if (!e.definitions || !s.definitions) return;
  const model::Definitions& to = *e.definitions;
  const model::Process* process = to.FindProcess(e.text);
  if (!process) return;
  const ElementMap map(*s.definitions, to, e.list, e.list2);
  auto nodes = [&](std::vector<std::uint32_t>& list) {
    for (auto& i : list) i = map.Node(i);
    std::erase(list, kNoIndex);
  };
  for (auto& [id, t] : s.tokens) {
    t.node = map.Node(t.node);
    t.via_flow = map.Flow(t.via_flow);
  }
  // CheckMigration refuses tokens at a join, so no join waits.
  s.joins.clear();
  // Which inclusive joins each token could still reach is the target's
  // business now.
  s.join_reach.clear();
  for (const auto& [id, t] : s.tokens) {
    if (t.node == kNoIndex) continue;
    for (auto j : to.InclusiveJoinsReachableFrom(t.node))
      ++s.join_reach[{j, t.scope}];
  }
  for (auto& sc : s.scopes) sc.node = map.Node(sc.node);
  for (auto& t : s.tasks) t.node = map.Node(t.node);
  for (auto& j : s.jobs) j.node = map.Node(j.node);
  for (auto& t : s.timers) t.node = map.Node(t.node);
  for (auto& x : s.subscriptions) x.node = map.Node(x.node);
  for (auto& i : s.incidents) i.node = map.Node(i.node);
  // Work items without a counterpart exist only in a damaged history.
  std::erase_if(s.tasks, [](const UserTask& t) { return t.node == kNoIndex; });
  std::erase_if(s.jobs, [](const Job& j) { return j.node == kNoIndex; });
  std::erase_if(s.timers, [](const Timer& t) { return t.node == kNoIndex; });
  std::erase_if(s.subscriptions,
                [](const Subscription& x) { return x.node == kNoIndex; });
  nodes(s.completed);
  nodes(s.escalated);
  for (auto& f : s.taken_flows) f = map.Flow(f);
  std::erase(s.taken_flows, kNoIndex);
  for (auto& [thrower, queue] : s.compensation_queue) nodes(queue);
  for (auto& x : s.escalations) x.node = map.Node(x.node);
  std::erase_if(s.escalations,
                [](const EscalationRecord& x) { return x.node == kNoIndex; });
  s.definitions = e.definitions;
  s.process = process->index;
}

// ---------------------------------------------------------------------------
// the commands

Result<void> Runtime::CheckMigration(Id instance,
                                     const MigrationTarget& target) const {
  const InstanceState* s = Instance(instance);
  const std::string name = "instance " + std::to_string(instance);
  if (!s) return Fail(ErrorCode::kNotFound, "no " + name);
  if (!target.definitions)
    return Fail(ErrorCode::kInvalidArgument, "no target definitions");
  const model::Definitions& from = *s->definitions;
  const model::Definitions& to = *target.definitions;
  const std::string& key = from.process(s->process).id;
  if (key != target.key)
    return Fail(
        ErrorCode::kInvalidArgument,
        name + " runs the process '" + key + "', not '" + target.key + "'");
  const model::Process* process = to.FindProcess(target.key);
  if (!process)
    return Fail(ErrorCode::kNotFound,
                "the target has no process '" + target.key + "'");
  if (auto ok = CheckElementMap(from, to, target.map); !ok) return ok;
  switch (s->status) {
    case InstanceStatus::kCompleted:
    case InstanceStatus::kTerminated:
      return Refuse(
          {}, name + " has finished (" +
                  (s->status == InstanceStatus::kCompleted ? "completed"
                                                           : "terminated") +
                  "): it stays on the version it ran");
    case InstanceStatus::kIncident: {
      std::string element;
      std::string message;
      if (!s->incidents.empty()) {
        const auto& i = s->incidents.front();
        if (i.node != kNoIndex) element = from.node(i.node).id;
        message = i.message;
      }
      return Refuse(
          element, name + " has an open incident" +
                       (element.empty() ? "" : " at '" + element + "'") + ": " +
                       message + "; resolve it first");
    }
    case InstanceStatus::kActive:
      break;
  }
  if (!s->compensation_queue.empty() || !s->compensating.empty())
    return Refuse({}, name +
                          " is compensating; migrate it once compensation "
                          "is done");
  std::vector<std::string> old_ids, new_ids;
  Split(target.map, old_ids, new_ids);
  const ElementMap map(from, to, old_ids, new_ids);
  const Checker check(*s, target, map, process->index);
  if (auto ok = check.Tokens(); !ok) return ok;
  if (auto ok = check.Scopes(); !ok) return ok;
  return check.WorkItems();
}

Result<void> Runtime::MigrateInstance(Id instance,
                                      const MigrationTarget& target) {
  if (auto ok = CheckMigration(instance, target); !ok) return ok;
  InstanceState& s = *Find(instance);
  const std::shared_ptr<const model::Definitions> from = s.definitions;
  const model::Definitions& to = *target.definitions;
  std::vector<std::string> old_ids, new_ids;
  Split(target.map, old_ids, new_ids);
  // Elements of the target that stand for one of the old version; the others
  // are new in it.
  std::set<std::uint32_t> images;
  {
    const ElementMap map(*from, to, old_ids, new_ids);
    for (std::uint32_t i = 0; i < from->nodes().size(); ++i)
      if (auto k = map.Node(i); k != kNoIndex) images.insert(k);
  }
  Event e;
  e.type = EventType::kInstanceMigrated;
  e.text = target.key;
  e.number = target.definitions_id;
  e.number2 = target.version;
  e.list = std::move(old_ids);
  e.list2 = std::move(new_ids);
  e.value = expr::Value(
      expr::Context{{"from_definitions", target.from_definitions_id},
                    {"from_version", target.from_version}});
  e.definitions = target.definitions;
  Emit(s, std::move(e));
  // What the target adds around the waiting tokens is armed as if they had
  // just arrived (a timer counts from now): boundary events of the activities
  // they wait at, as Wait arms them, and event sub-processes of their scopes.
  std::vector<std::pair<Id, std::uint32_t>> boundaries;
  for (const auto& [id, t] : s.tokens) {
    if (t.state != TokenState::kWaiting || t.inner ||
        MappingHost(s, id) != kNoId)
      continue;
    for (auto b : to.node(t.node).boundary_events)
      if (!images.count(b)) boundaries.emplace_back(id, b);
  }
  for (const auto& [token, b] : boundaries) ArmCatch(s, token, b);
  std::vector<std::pair<Id, std::vector<std::uint32_t>>> listeners;
  for (const auto& sc : s.scopes) {
    if (sc.multi_instance || sc.local) continue;
    if (sc.node != kNoIndex && !model::IsSubProcess(to.node(sc.node).kind))
      continue;
    const auto& children = sc.node == kNoIndex ? to.process(s.process).top_level
                                               : to.node(sc.node).children;
    std::vector<std::uint32_t> added;
    for (auto c : children)
      if (to.node(c).kind == ElementKind::kEventSubProcess && !images.count(c))
        added.push_back(c);
    if (!added.empty()) listeners.emplace_back(sc.id, std::move(added));
  }
  for (const auto& [scope, added] : listeners)
    ArmEventSubProcesses(s, scope, added);
  Drain();  // a condition the target adds may hold already
  return {};
}

}  // namespace bpmn::runtime
