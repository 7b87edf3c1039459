// Deadlines of user tasks and their escalation: the due time in the working
// calendar in force, the overdue record, and the steps of an escalation
// policy (model/escalation_policy.h). Each deadline is a timer of the task's
// token: it fires once, in (due, id) order with every other timer, and closes
// with the task, so every step happens exactly once, also across restarts.
#include <algorithm>

#include "model/escalation_policy.h"
#include "runtime/runtime.h"

namespace bpmn::runtime {
namespace {

using model::EscalationStep;

// The policy of a task: its own property, else its process's.
std::vector<EscalationStep> PolicyOf(const InstanceState& s,
                                     std::uint32_t node) {
  const std::string* text =
      model::NodeProperty(*s.definitions, node, "escalation");
  if (!text) return {};
  auto steps = model::ParseEscalationPolicy(*text);
  return steps ? *steps : std::vector<EscalationStep>{};
}

const UserTask* OpenTask(const InstanceState& s, Id id) {
  for (const auto& t : s.tasks)
    if (t.id == id && t.open) return &t;
  return nullptr;
}

}  // namespace

void Runtime::SetCalendar(std::shared_ptr<const model::Calendar> calendar) {
  const std::string name = calendar->name();
  calendars_[name] = std::move(calendar);
}

const model::Calendar* Runtime::FindCalendar(const std::string& name) const {
  if (name == "24x7") return model::Calendar::AlwaysOpen().get();
  auto it = calendars_.find(name);
  return it == calendars_.end() ? nullptr : it->second.get();
}

const model::Calendar* Runtime::CalendarFor(const InstanceState& s,
                                            bool timers) const {
  const model::Process& process = s.definitions->process(s.process);
  if (timers) {
    const std::string* name = model::ProcessProperty(process, "timerCalendar");
    return name ? FindCalendar(*name) : nullptr;
  }
  const std::string* name = model::ProcessProperty(process, "calendar");
  if (!name) name = model::ProcessProperty(process, "dueDateCalendar");
  if (name) {
    if (const model::Calendar* named = FindCalendar(*name)) return named;
  }
  // No calendar named, or one not added yet (Deploy warned): the default.
  return default_calendar_.empty() ? nullptr : FindCalendar(default_calendar_);
}

void Runtime::ArmDeadlines(InstanceState& s, const UserTask& task) {
  if (!task.due || task.escalation_of != kNoId) return;
  const UserTask copy = task;
  auto arm = [&](std::int64_t step, TimePoint when) {
    Event e;
    e.type = EventType::kDeadlineArmed;
    e.item = NextId();
    e.token = copy.token;
    e.node = copy.node;
    e.parent = copy.id;
    e.number = step;
    e.time = when;
    Emit(s, e);
  };
  arm(-1, *copy.due);
  const model::Calendar* calendar = CalendarFor(s, false);
  auto steps = PolicyOf(s, copy.node);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::optional<TimePoint> when =
        calendar ? calendar->AddWorking(*copy.due, steps[i].after)
                 : std::optional<TimePoint>(steps[i].after.AddTo(*copy.due));
    if (when) arm(static_cast<std::int64_t>(i), *when);
  }
}

void Runtime::Deadline(InstanceState& s, const Timer& timer) {
  Event closed;
  closed.type = EventType::kTimerClosed;
  closed.item = timer.id;
  closed.node = timer.node;
  Emit(s, closed);
  const UserTask* open = OpenTask(s, timer.task);
  if (!open) return;
  const UserTask task = *open;
  const TimePoint now = clock_.Now();
  if (timer.step < 0) {
    Event e;
    e.type = EventType::kTaskOverdue;
    e.item = task.id;
    e.token = task.token;
    e.node = task.node;
    e.text = task.assignee;
    e.list = task.roles;
    e.number = task.due ? (now - *task.due).count() : 0;
    Emit(s, e);
    return;
  }
  auto steps = PolicyOf(s, task.node);
  if (timer.step >= static_cast<std::int64_t>(steps.size())) return;
  const EscalationStep& step = steps[static_cast<std::size_t>(timer.step)];
  switch (step.action) {
    case EscalationStep::Action::kNotify: {
      Event e;
      e.type = EventType::kNotification;
      e.item = NextId();
      e.token = task.token;
      e.node = task.node;
      e.parent = task.id;
      e.text = step.user ? "user:" + step.target : step.target;
      e.text2 = step.text;
      e.number = task.due ? (now - *task.due).count() : 0;
      Emit(s, e);
      return;
    }
    case EscalationStep::Action::kReassign: {
      Event e;
      e.type = EventType::kTaskReassigned;
      e.item = task.id;
      e.node = task.node;
      if (step.user) {
        e.list = task.roles;
        e.text = step.target;
      } else {
        e.list = {step.target};
      }
      Emit(s, e);
      return;
    }
    case EscalationStep::Action::kTask: {
      // One escalation task per step, for the task's current token.
      Event e;
      e.type = EventType::kTaskCreated;
      e.item = NextId();
      e.token = task.token;
      e.node = task.node;
      e.parent = task.id;
      e.list = {step.target};
      Emit(s, e);
      return;
    }
    case EscalationStep::Action::kThrow: {
      // From the token that waits at the activity (not one working inside
      // its own mapped or multi-instance scope): its escalation boundary
      // first, then outward.
      Id host = task.token;
      for (;;) {
        const Token* t = s.FindToken(host);
        const Scope* scope = t ? s.FindScope(t->scope) : nullptr;
        if (!scope || scope->node != t->node || scope->host_token == kNoId)
          break;
        host = scope->host_token;
      }
      for (auto b : s.node(task.node).boundary_events) {
        const auto* d = s.node(b).FindEventDefinition(
            model::EventDefinitionKind::kEscalation);
        if (!d) continue;
        const model::RootElement* esc = s.definitions->FindEscalation(d->ref);
        if (d->ref.empty() || !esc || esc->code.empty() ||
            esc->code == step.target) {
          Event raised;
          raised.type = EventType::kEscalationRaised;
          raised.token = host;
          raised.node = task.node;
          raised.text = step.target;
          Emit(s, raised);
          Trigger(s, host, b, {});
          return;
        }
      }
      ThrowEscalation(s, host, step.target);
      return;
    }
  }
}

}  // namespace bpmn::runtime
