// History replay (history_replay.h): Read turns the event log of an instance
// and the instances it called into its inputs and path; Replay runs those
// inputs in a scratch engine, firing timers on a ManualClock between them as
// the scenario runner's `advance_to` does, and compares the paths.
#include "replay/history_replay.h"

#include <algorithm>
#include <set>
#include <utility>

#include "facade/engine.h"
#include "model/timer_spec.h"
#include "persistence/memory_store.h"
#include "runtime/event.h"
#include "runtime/runtime.h"
#include "scenario/scenario_runner.h"

namespace bpmnctl {
namespace {

using bpmn::ErrorCode;
using bpmn::Fail;
using bpmn::runtime::Event;
using bpmn::runtime::EventType;
using bpmn::runtime::Id;
using Kind = RecordedInput::Kind;

bpmn::runtime::Variables ToVariables(const bpmn::expr::Value& value) {
  bpmn::runtime::Variables vars;
  if (value.type() != bpmn::expr::Value::Type::kContext) return vars;
  for (const auto& [name, v] : value.context()) vars[name] = v;
  return vars;
}

// An element id from an event's node index; indices from the log are checked
// against the definitions.
std::string ElementId(const bpmn::model::Definitions& d, std::uint32_t node) {
  return node < d.nodes().size() ? d.node(node).id : std::string();
}

std::optional<Kind> KindOf(const std::string& recorded) {
  static const std::pair<const char*, Kind> kKinds[] = {
      {"complete", Kind::kComplete}, {"message", Kind::kMessage},
      {"signal", Kind::kSignal},     {"job-complete", Kind::kJobComplete},
      {"job-fail", Kind::kJobFail},  {"job-error", Kind::kJobError},
  };
  for (const auto& [name, kind] : kKinds)
    if (recorded == name) return kind;
  return std::nullopt;
}

// The start event Engine::Start uses when it is given none: the process's
// first none start event, or kNoIndex for an implicit start.
std::uint32_t DefaultStart(const bpmn::model::Definitions& d,
                           const std::string& key) {
  const bpmn::model::Process* p = d.FindProcess(key);
  if (!p) return bpmn::model::kNoIndex;
  for (auto i : p->top_level) {
    const auto& n = d.node(i);
    if (n.kind == bpmn::model::ElementKind::kStartEvent &&
        n.event_definitions.empty())
      return i;
  }
  return bpmn::model::kNoIndex;
}

// What the scratch engine did for the replayed instance and those it called:
// the tasks and jobs created per element (to find the one a recorded input
// reached by its ordinal), and the signal deliveries not yet matched with a
// recorded one (a signal thrown inside the family reaches its catchers
// without an input from outside, so its recorded delivery is not sent
// again).
class Tracker {
 public:
  Tracker(const bpmn::engine::Engine& engine, Id root)
      : engine_(engine), root_(root) {}

  void Scan() {
    const auto& log = engine_.log();
    std::set<Id> family;
    for (const auto* s : engine_.runtime().Family(root_)) family.insert(s->id);
    for (; seen_ < log.size(); ++seen_) {
      const Event& e = log[seen_];
      if (!family.count(e.instance)) continue;
      const auto* defs = engine_.runtime().DefinitionsOf(e.instance);
      if (!defs) continue;
      if (e.type == EventType::kTaskCreated) {
        tasks_[{ElementId(*defs, e.node), e.parent != bpmn::runtime::kNoId}]
            .push_back(e.item);
      } else if (e.type == EventType::kJobCreated) {
        jobs_[ElementId(*defs, e.node)].push_back(e.item);
      } else if (e.type == EventType::kInputReceived && e.text == "signal") {
        ++signals_[e.text2];
      } else if (e.type == EventType::kElementCompleted) {
        path_.push_back(ElementId(*defs, e.node));
      }
    }
  }

  // The task a recorded input reached: the one created as the same ordinal
  // at its element while it is open, else the oldest open one there.
  Id FindTask(const RecordedInput& input) const {
    std::vector<Id> open;
    for (const auto& ref : engine_.runtime().OpenTasks(root_)) {
      if (ref.instance->node(ref.task->node).id == input.element &&
          (ref.task->escalation_of != bpmn::runtime::kNoId) ==
              input.escalation_task)
        open.push_back(ref.task->id);
    }
    auto created = tasks_.find({input.element, input.escalation_task});
    return Pick(open, created == tasks_.end() ? nullptr : &created->second,
                input.ordinal);
  }

  Id FindJob(const RecordedInput& input) const {
    std::vector<Id> open;
    for (const auto& [s, j] : engine_.runtime().OpenJobs(root_))
      if (s->node(j->node).id == input.element) open.push_back(j->id);
    auto created = jobs_.find(input.element);
    return Pick(open, created == jobs_.end() ? nullptr : &created->second,
                input.ordinal);
  }

  // Takes one unmatched delivery of the signal; false when there is none.
  bool TakeSignal(const std::string& name) {
    auto it = signals_.find(name);
    if (it == signals_.end() || it->second == 0) return false;
    --it->second;
    return true;
  }

  const std::vector<std::string>& path() const { return path_; }

 private:
  // `open` is in id order, so its front is the oldest.
  static Id Pick(const std::vector<Id>& open, const std::vector<Id>* created,
                 std::size_t ordinal) {
    if (open.empty()) return bpmn::runtime::kNoId;
    if (created && ordinal < created->size() &&
        std::find(open.begin(), open.end(), (*created)[ordinal]) != open.end())
      return (*created)[ordinal];
    return open.front();
  }

  const bpmn::engine::Engine& engine_;
  Id root_;
  std::size_t seen_ = 0;
  std::map<std::pair<std::string, bool>, std::vector<Id>> tasks_;
  std::map<std::string, std::vector<Id>> jobs_;
  std::map<std::string, int> signals_;
  std::vector<std::string> path_;
};

// Applies one recorded input to the replayed instances: true when it ran a
// command, false when the replay had delivered it itself already.
bpmn::Result<bool> ApplyInput(bpmn::engine::Engine& engine, Tracker& tracker,
                              const RecordedInput& input) {
  tracker.Scan();
  bpmn::runtime::Variables vars = input.variables;
  bpmn::Result<void> done;
  switch (input.kind) {
    case Kind::kComplete:
    case Kind::kClaim:
    case Kind::kUnclaim: {
      Id task = tracker.FindTask(input);
      if (!task)
        return Fail(ErrorCode::kNotFound,
                    std::string("no open ") +
                        (input.escalation_task ? "escalation task" : "task") +
                        " at '" + input.element + "'");
      if (input.kind == Kind::kComplete)
        done = engine.CompleteTask(task, input.text, std::move(vars));
      else if (input.kind == Kind::kClaim)
        done = engine.ClaimTask(task, input.text);
      else
        done = engine.UnclaimTask(task, input.text);
      break;
    }
    case Kind::kMessage:
      done = engine.CorrelateMessage(input.text, input.correlation_key,
                                     std::move(vars));
      break;
    case Kind::kSignal: {
      if (tracker.TakeSignal(input.text)) return false;
      auto sent = engine.BroadcastSignal(input.text, std::move(vars));
      if (!sent) return tl::unexpected(sent.error());
      tracker.Scan();
      if (!tracker.TakeSignal(input.text))
        return Fail(
            ErrorCode::kNotFound,
            "nothing of the instance waits for signal '" + input.text + "'");
      return true;
    }
    case Kind::kJobComplete:
    case Kind::kJobFail:
    case Kind::kJobError:
    case Kind::kJobRetry: {
      Id job = tracker.FindJob(input);
      if (!job)
        return Fail(ErrorCode::kNotFound,
                    "no open job at '" + input.element + "'");
      if (input.kind == Kind::kJobComplete)
        done = engine.CompleteJob(job, std::move(vars));
      else if (input.kind == Kind::kJobFail)
        done = engine.FailJob(job, input.text);
      else if (input.kind == Kind::kJobError)
        done = engine.ThrowJobError(job, input.text, std::move(vars));
      else
        done = engine.RetryJob(job, input.retries);
      break;
    }
  }
  if (!done) return tl::unexpected(done.error());
  return true;
}

// Deploys the latest stored version of each process the target's call
// activities name literally that neither the target nor the recorded
// definitions hold (a call the recorded instance never made).
bpmn::Result<void> DeployCalledProcesses(bpmn::engine::Engine& scratch,
                                         const bpmn::model::Definitions& target,
                                         const bpmn::engine::Engine& stored,
                                         const HistoryReplay& replay) {
  std::set<std::string> deployed;
  for (const auto& p : scratch.processes()) deployed.insert(p.key);
  for (const auto& n : target.nodes()) {
    if (!n.call ||
        n.call->called_element.dialect != bpmn::model::Dialect::kPlain)
      continue;
    const std::string& key = n.call->called_element.text;
    if (key.empty() || target.FindProcess(key) || deployed.count(key)) continue;
    std::int64_t latest = 0;
    for (const auto& p : stored.processes())
      if (p.key == key) latest = p.definitions_id;
    const auto* record = replay.StoredDefinitions(latest);
    if (!record) continue;  // the replay raises the incident the call would
    auto d = scratch.Deploy(record->name, record->xml);
    if (!d) return tl::unexpected(d.error());
    for (const auto& p : *d) deployed.insert(p.key);
  }
  return {};
}

}  // namespace

std::string_view InputKindName(RecordedInput::Kind kind) {
  switch (kind) {
    case Kind::kComplete:
      return "complete";
    case Kind::kClaim:
      return "claim";
    case Kind::kUnclaim:
      return "unclaim";
    case Kind::kMessage:
      return "message";
    case Kind::kSignal:
      return "signal";
    case Kind::kJobComplete:
      return "job-complete";
    case Kind::kJobFail:
      return "job-fail";
    case Kind::kJobError:
      return "job-error";
    case Kind::kJobRetry:
      return "job-retry";
  }
  return "?";
}

std::string DescribeInput(const RecordedInput& input) {
  std::string out(InputKindName(input.kind));
  switch (input.kind) {
    case Kind::kComplete:
    case Kind::kClaim:
    case Kind::kUnclaim:
      out += " " + input.element +
             (input.escalation_task ? " (escalation)" : "") + " by " +
             input.text;
      break;
    case Kind::kMessage:
    case Kind::kSignal:
      out += " " + input.text;
      if (!input.correlation_key.empty())
        out += " (correlation " + input.correlation_key + ")";
      break;
    case Kind::kJobComplete:
    case Kind::kJobFail:
      out += " " + input.element;
      break;
    case Kind::kJobError:
      out += " " + input.element + " (code " + input.text + ")";
      break;
    case Kind::kJobRetry:
      out += " " + input.element + " (" + std::to_string(input.retries) +
             " retries)";
      break;
  }
  return out + " at " + bpmn::model::FormatTimePoint(input.at);
}

bpmn::Result<std::unique_ptr<HistoryReplay>> HistoryReplay::Open(
    bpmn::engine::Engine& engine) {
  std::unique_ptr<HistoryReplay> replay(new HistoryReplay(engine));
  // The engine keeps parsed definitions only; the XML the scratch engine
  // deploys, and the calendars, come from the store.
  auto stored = engine.store().Load(false);
  if (!stored) return tl::unexpected(stored.error());
  for (auto& d : stored->definitions) replay->definitions_[d.id] = std::move(d);
  replay->calendars_ = std::move(stored->calendars);
  auto list = engine.store().Instances("");
  if (!list) return tl::unexpected(list.error());
  replay->instances_ = std::move(*list);
  for (std::size_t i = 0; i < replay->instances_.size(); ++i) {
    auto& r = replay->instances_[i];
    r.snapshot.clear();
    replay->index_[r.id] = i;
    if (r.parent != 0) replay->children_.emplace(r.parent, r.id);
  }
  return replay;
}

const bpmn::store::InstanceRecord* HistoryReplay::FindInstance(Id id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &instances_[it->second];
}

Id HistoryReplay::RootOf(Id id) const {
  std::set<Id> seen;  // a stored cycle must not loop
  const auto* r = FindInstance(id);
  while (r && r->parent != 0 && seen.insert(r->id).second) {
    const auto* parent = FindInstance(r->parent);
    if (!parent) break;
    r = parent;
  }
  return r ? r->id : id;
}

const bpmn::store::DefinitionsRecord* HistoryReplay::StoredDefinitions(
    std::int64_t definitions_id) const {
  auto it = definitions_.find(definitions_id);
  return it == definitions_.end() ? nullptr : &it->second;
}

std::shared_ptr<const bpmn::model::Definitions>
HistoryReplay::ParsedDefinitions(std::int64_t definitions_id) const {
  return engine_.DefinitionsById(definitions_id);
}

const std::vector<bpmn::store::ProcessRecord>& HistoryReplay::processes()
    const {
  return engine_.processes();
}

std::int64_t HistoryReplay::DefinitionsIdOf(const std::string& key,
                                            std::int64_t version) const {
  for (const auto& p : engine_.processes())
    if (p.key == key && p.version == version) return p.definitions_id;
  return 0;
}

bpmn::Result<Recording> HistoryReplay::Read(Id instance) const {
  const auto* root = FindInstance(instance);
  if (!root)
    return Fail(ErrorCode::kNotFound,
                "no instance " + std::to_string(instance));
  if (root->parent != 0)
    return Fail(ErrorCode::kState, "instance " + std::to_string(instance) +
                                       " was started by instance " +
                                       std::to_string(root->parent) +
                                       "; it is replayed with " +
                                       std::to_string(RootOf(instance)));
  Recording r;
  r.instance = instance;
  r.key = root->key;
  r.version = root->version;
  r.business_key = root->business_key;
  r.state = root->state;
  r.definitions_id = DefinitionsIdOf(root->key, root->version);

  // The family: the instance and every instance it called, transitively.
  std::vector<Id> family = {instance};
  for (std::size_t i = 0; i < family.size(); ++i) {
    auto [from, to] = children_.equal_range(family[i]);
    for (auto it = from; it != to; ++it)
      if (std::find(family.begin(), family.end(), it->second) == family.end())
        family.push_back(it->second);
  }
  // Each event with the definitions it names elements of: an instance
  // migrated to another version names the old one's before the migration.
  std::map<std::uint64_t, std::shared_ptr<const bpmn::model::Definitions>>
      defs_of;  // by event seq
  std::vector<Event> events;
  for (Id id : family) {
    const auto* record = FindInstance(id);
    std::int64_t defs_id = DefinitionsIdOf(record->key, record->version);
    auto defs = engine_.DefinitionsById(defs_id);
    if (!defs)
      return Fail(ErrorCode::kIo, "the definitions of instance " +
                                      std::to_string(id) + " are not stored");
    if (id != instance && std::find(r.definitions.begin(), r.definitions.end(),
                                    defs_id) == r.definitions.end())
      r.definitions.push_back(defs_id);
    auto history = engine_.History(id);
    if (!history) return tl::unexpected(history.error());
    const auto per_event = engine_.DefinitionsOfHistory(*history, defs);
    for (std::size_t k = 0; k < history->size(); ++k) {
      defs_of[(*history)[k].seq] = per_event[k];
      events.push_back(std::move((*history)[k]));
    }
  }
  std::erase(r.definitions, r.definitions_id);
  r.definitions.push_back(r.definitions_id);
  std::stable_sort(
      events.begin(), events.end(),
      [](const Event& a, const Event& b) { return a.seq < b.seq; });

  std::map<std::pair<std::string, bool>, std::size_t> tasks_at;
  std::map<Id, std::pair<std::size_t, bool>> task_ordinal;
  std::map<std::string, std::size_t> jobs_at;
  std::map<Id, std::size_t> job_ordinal;
  std::map<Id, const Event*> previous;  // per instance
  std::size_t user_completions = 0, recorded_inputs = 0;
  for (const Event& e : events) {
    const bpmn::model::Definitions& d = *defs_of[e.seq];
    const std::string element = ElementId(d, e.node);
    r.last_event = std::max(r.last_event, e.at);
    RecordedInput input;
    input.at = e.at;
    input.seq = e.seq;
    input.instance = e.instance;
    input.element = element;
    bool is_input = false;
    switch (e.type) {
      case EventType::kInstanceStarted:
        if (e.instance == instance) {
          r.started = e.at;
          r.variables = ToVariables(e.value);
          r.start_event = element;
          r.default_start = e.node == DefaultStart(d, r.key);
          r.none_start =
              element.empty() || d.node(e.node).event_definitions.empty();
        }
        break;
      case EventType::kTaskCreated: {
        bool escalation = e.parent != bpmn::runtime::kNoId;
        task_ordinal[e.item] = {tasks_at[{element, escalation}]++, escalation};
        break;
      }
      case EventType::kJobCreated:
        job_ordinal[e.item] = jobs_at[element]++;
        break;
      case EventType::kElementCompleted:
        r.path.push_back(element);
        break;
      case EventType::kTaskClaimed:
        is_input = true;
        input.kind = e.text.empty() ? Kind::kUnclaim : Kind::kClaim;
        input.text = e.text;
        break;
      case EventType::kJobRetries: {
        // FailJob records its input just before; RetryJob records none.
        auto prev = previous.find(e.instance);
        bool after_failure = prev != previous.end() &&
                             prev->second->type == EventType::kInputReceived &&
                             prev->second->text == "job-fail" &&
                             prev->second->item == e.item;
        if (!after_failure) {
          is_input = true;
          input.kind = Kind::kJobRetry;
          input.retries = e.number;
        }
        break;
      }
      case EventType::kInstanceMigrated:
        r.not_replayable = "instance " + std::to_string(e.instance) +
                           " was migrated between versions; a replay runs "
                           "one version from the start";
        break;
      case EventType::kTaskClosed:
        if (!e.text.empty()) ++user_completions;
        break;
      case EventType::kInputReceived: {
        ++recorded_inputs;
        auto kind = KindOf(e.text);
        if (!kind)
          return Fail(ErrorCode::kState,
                      "instance " + std::to_string(e.instance) +
                          ": unknown input kind '" + e.text + "' (event " +
                          std::to_string(e.seq) + ")");
        is_input = true;
        input.kind = *kind;
        input.text = e.text2;
        input.variables = ToVariables(e.value);
        if (!e.list.empty()) input.correlation_key = e.list.front();
        break;
      }
      default:
        break;
    }
    if (is_input) {
      if (auto t = task_ordinal.find(e.item);
          t != task_ordinal.end() &&
          (input.kind == Kind::kComplete || input.kind == Kind::kClaim ||
           input.kind == Kind::kUnclaim)) {
        input.ordinal = t->second.first;
        input.escalation_task = t->second.second;
      }
      if (auto j = job_ordinal.find(e.item);
          j != job_ordinal.end() &&
          (input.kind == Kind::kJobComplete || input.kind == Kind::kJobFail ||
           input.kind == Kind::kJobError || input.kind == Kind::kJobRetry))
        input.ordinal = j->second;
      r.inputs.push_back(std::move(input));
    }
    previous[e.instance] = &e;
  }

  if (r.not_replayable.empty() && user_completions > 0 && recorded_inputs == 0)
    r.not_replayable =
        "its history was written before the engine recorded inputs";
  // Where the root waits now: the runtime's own rule, on the stored
  // snapshot.
  auto state = engine_.ReadInstance(instance);
  if (!state) return tl::unexpected(state.error());
  bpmn::ManualClock clock(r.last_event);
  bpmn::runtime::Runtime rt(clock);
  rt.Deploy((*state)->definitions, /*arm_start_timers=*/false);
  rt.Restore(std::move(*state));
  r.waiting = rt.Waiting(instance);
  return r;
}

bpmn::Result<ReplayOutcome> HistoryReplay::Replay(
    const Recording& recording, const ReplayDiagram* target) const {
  bpmn::ManualClock clock(recording.started);
  bpmn::persistence::MemoryStore store;
  bpmn::engine::EngineOptions options;
  options.keep_finished = true;
  options.keep_log = true;
  // Timer start events would start instances nobody recorded.
  options.arm_start_timers = false;
  auto opened = bpmn::engine::Engine::Open(store, clock, options);
  if (!opened) return tl::unexpected(opened.error());
  bpmn::engine::Engine& engine = **opened;
  // Calendars as stored; the default one last, as it stays the default.
  for (bool defaults : {false, true}) {
    for (const auto& c : calendars_) {
      if (c.is_default != defaults) continue;
      if (auto added = engine.AddCalendar(c.name, c.yaml, c.is_default); !added)
        return tl::unexpected(added.error());
    }
  }
  // The definitions the called instances ran on, then the target, so that
  // the target's processes win.
  for (std::size_t i = 0; i + 1 < recording.definitions.size(); ++i) {
    const auto* d = StoredDefinitions(recording.definitions[i]);
    if (!d) continue;
    if (auto deployed = engine.Deploy(d->name, d->xml); !deployed)
      return tl::unexpected(deployed.error());
  }
  const auto* stored_root = StoredDefinitions(recording.definitions_id);
  if (!target && !stored_root)
    return Fail(ErrorCode::kIo, "the definitions of instance " +
                                    std::to_string(recording.instance) +
                                    " are not stored");
  // A changed diagram goes over the recorded one: it may hold the root's
  // process, or only a process the root calls.
  if (target && stored_root) {
    if (auto root = engine.Deploy(stored_root->name, stored_root->xml); !root)
      return tl::unexpected(root.error());
  }
  const std::string& name = target ? target->name : stored_root->name;
  const std::string& xml = target ? target->xml : stored_root->xml;
  auto deployed = engine.Deploy(name, xml);
  if (!deployed) return tl::unexpected(deployed.error());
  if (!deployed->empty()) {
    auto defs = engine.DefinitionsById(deployed->front().definitions_id);
    if (defs) {
      if (auto called = DeployCalledProcesses(engine, *defs, engine_, *this);
          !called)
        return tl::unexpected(called.error());
    }
  }

  ReplayOutcome out;
  out.applied.assign(recording.inputs.size(), false);
  auto root = engine.Start(recording.key, recording.variables,
                           recording.business_key, recording.start_event);
  if (!root && !recording.start_event.empty() && recording.none_start &&
      root.error().code == ErrorCode::kNotFound) {
    // The start event was renamed: start where the target starts, and let
    // the paths show it.
    root = engine.Start(recording.key, recording.variables,
                        recording.business_key);
  }
  Id root_id = bpmn::runtime::kNoId;
  if (!root) {
    out.failed_input = recording.inputs.size();
    out.failure = "start: " + root.error().message;
  } else {
    root_id = *root;
    Tracker tracker(engine, root_id);
    for (std::size_t i = 0; i < recording.inputs.size(); ++i) {
      const RecordedInput& input = recording.inputs[i];
      auto applied = AdvanceTo(engine, clock, input.at).and_then([&] {
        return ApplyInput(engine, tracker, input);
      });
      if (!applied) {
        out.failed_input = i;
        out.failure = applied.error().message;
        break;
      }
      out.applied[i] = *applied;
    }
    if (!out.failed_input) {
      if (auto advanced = AdvanceTo(engine, clock, recording.last_event);
          !advanced)
        out.failure =
            "timers after the last input: " + advanced.error().message;
    }
    tracker.Scan();
    out.path = tracker.path();
    const auto* s = engine.runtime().Instance(root_id);
    out.state = s ? bpmn::runtime::InstanceStatusName(s->status) : "missing";
    out.waiting = engine.runtime().Waiting(root_id);
  }

  const auto& a = recording.path;
  const auto& b = out.path;
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i < a.size() || i < b.size()) {
    out.diverges_at = i;
    out.recorded_element = i < a.size() ? a[i] : "";
    out.replayed_element = i < b.size() ? b[i] : "";
  }
  out.same = !out.failed_input && out.failure.empty() && !out.diverges_at &&
             out.state == recording.state && out.waiting == recording.waiting;
  return out;
}

}  // namespace bpmnctl
