// Engine: commands through the runtime, their writes through the store.
#include "facade/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "facade/codec.h"
#include "facade/templates.h"
#include "model/calendar.h"
#include "model/timer_spec.h"
#include "parser/bpmn_reader.h"

namespace bpmn::engine {
namespace {

store::Millis Ms(TimePoint t) { return t.time_since_epoch().count(); }

// FNV-1a, 64 bits, as 16 hex digits: identifies identical XML.
std::string HashOf(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = kHex[h & 15];
  return out;
}

// Visits a summary builder may hold before the engine lets it go.
constexpr std::size_t kMaxBuilderVisits = 500;

bool Finished(runtime::InstanceStatus status) {
  return status == runtime::InstanceStatus::kCompleted ||
         status == runtime::InstanceStatus::kTerminated;
}

Result<std::shared_ptr<const model::Definitions>> Parse(
    const std::string& name, const std::string& xml) {
  auto read = parser::ReadBpmnString(xml);
  for (const auto& d : read.diagnostics) {
    if (d.severity == Severity::kError)
      return Fail(ErrorCode::kValidation, FormatDiagnostic(name, d),
                  d.element_id, d.line, d.column);
  }
  if (!read.definitions)
    return Fail(ErrorCode::kParse, name + ": not a BPMN 2.0 document");
  return read.definitions;
}

// Logs committed events on the host's "engine" logger, when it has one: the
// life of instances, tasks, timers, jobs and incidents at info (ids only,
// never variable values), every event at trace.
void LogCommitted(const runtime::Runtime& rt,
                  const std::vector<runtime::Event>& events) {
  const auto log = spdlog::get("engine");
  if (!log || !log->should_log(spdlog::level::info)) return;
  using runtime::EventType;
  for (const auto& e : events) {
    const model::Definitions* defs = rt.DefinitionsOf(e.instance);
    std::string element =
        defs && e.node != model::kNoIndex ? defs->node(e.node).id : "";
    switch (e.type) {
      case EventType::kInstanceStarted:
      case EventType::kInstanceCompleted:
      case EventType::kInstanceTerminated:
      case EventType::kTaskCreated:
      case EventType::kTaskClaimed:
      case EventType::kTaskClosed:
      case EventType::kTimerClosed:
      case EventType::kJobCreated:
      case EventType::kJobClosed:
      case EventType::kIncidentRaised:
      case EventType::kIncidentResolved:
      case EventType::kTaskOverdue:
      case EventType::kTaskReassigned:
      case EventType::kNotification:
      case EventType::kInstanceMigrated:
        log->info("{} instance={} item={} element={}",
                  runtime::EventTypeName(e.type), e.instance, e.item, element);
        break;
      default:
        if (log->should_log(spdlog::level::trace) && defs)
          log->trace("{}", runtime::FormatEvent(e, *defs));
    }
  }
}

}  // namespace

Engine::Engine(store::Store& store, const Clock& clock, EngineOptions options)
    : store_(store), clock_(clock), options_(options) {}

Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(store::Store& store,
                                             const Clock& clock,
                                             EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(store, clock, options));
  if (auto loaded = engine->LoadAll(); !loaded)
    return tl::unexpected(loaded.error());
  return engine;
}

Result<void> Engine::LoadAll() {
  auto rt = std::make_unique<runtime::Runtime>(command_clock_);
  rt->set_journal(true);
  rt->set_keep_log(false);
  for (const auto& [type, handler] : handlers_)
    rt->RegisterJobHandler(type, handler);
  auto external = store_.ExternalChanges();
  if (!external) return tl::unexpected(external.error());
  auto state = store_.Load(options_.keep_finished);
  if (!state) return tl::unexpected(state.error());

  definitions_.clear();
  for (auto& record : state->definitions) {
    // The cache is keyed by id and checked by hash: a failed deploy may have
    // cached other XML under an id another writer then stored.
    if (!parsed_.count(record.id) || parsed_hash_[record.id] != record.hash) {
      auto defs = Parse(record.name, record.xml);
      if (!defs)
        return Fail(ErrorCode::kIo,
                    "stored definitions " + std::to_string(record.id) +
                        " cannot be read again: " + defs.error().message);
      parsed_[record.id] = *defs;
      parsed_hash_[record.id] = record.hash;
    }
    rt->Deploy(parsed_[record.id], /*arm_start_timers=*/false);
    record.xml.clear();
    definitions_.push_back(std::move(record));
  }
  processes_ = std::move(state->processes);
  for (const auto& user : state->users) rt->SetUserRoles(user.user, user.roles);
  for (const auto& record : state->calendars) {
    auto calendar = model::Calendar::FromYaml(record.yaml, record.name);
    if (!calendar)
      return Fail(ErrorCode::kIo,
                  "stored calendar: " + calendar.error().message);
    rt->SetCalendar(*calendar);
    if (record.is_default) rt->SetDefaultCalendar(record.name);
  }
  engine_revision_ = 0;
  written_engine_data_.clear();
  if (state->engine) {
    auto globals = DecodeGlobals(state->engine->data, [this](std::int64_t id) {
      return DefinitionsById(id);
    });
    if (!globals) return tl::unexpected(globals.error());
    rt->RestoreGlobals(std::move(*globals));
    engine_revision_ = state->engine->revision;
    written_engine_data_ = state->engine->data;
  }
  revisions_.clear();
  summaries_.clear();
  for (const auto& record : state->instances) {
    auto s = Decode(record);
    if (!s)
      return Fail(ErrorCode::kIo, "instance " + std::to_string(record.id) +
                                      ": " + s.error().message);
    rt->Restore(std::move(*s));
    revisions_[record.id] = {record.revision, record.started_at, std::nullopt};
  }
  log_.clear();
  if (options_.keep_log) {
    auto history = History(0);
    if (!history) return tl::unexpected(history.error());
    log_ = std::move(*history);
  }
  written_start_timers_.clear();
  for (const auto& t : rt->SaveGlobals().start_timers)
    written_start_timers_.push_back(
        {t.id, 0, t.definitions->node(t.node).id, Ms(t.due)});
  runtime_ = std::move(rt);
  external_ = *external;
  stale_ = false;
  pending_ = {};
  pending_events_.clear();
  return {};
}

Result<void> Engine::Reload() { return LoadAll(); }

Result<std::vector<runtime::Event>> Engine::History(Id instance) const {
  auto records = store_.History(instance);
  if (!records) return tl::unexpected(records.error());
  std::vector<runtime::Event> out;
  for (const auto& record : *records) {
    auto events = DecodeEvents(record);
    if (!events) return tl::unexpected(events.error());
    for (auto& e : *events) {
      if (e.type == runtime::EventType::kInstanceMigrated)
        e.definitions = DefinitionsById(e.number);  // Apply switches to it
      out.push_back(std::move(e));
    }
  }
  // One command's events for a calling and a called instance interleave.
  auto by_seq = [](const auto& a, const auto& b) { return a.seq < b.seq; };
  if (!std::is_sorted(out.begin(), out.end(), by_seq))
    std::stable_sort(out.begin(), out.end(), by_seq);
  return out;
}

Result<runtime::InstanceSummary> Engine::Summarize(
    const runtime::InstanceState& s,
    const std::vector<const runtime::Event*>& pending) const {
  auto history = History(s.id);
  if (!history) return tl::unexpected(history.error());
  // Events before a migration name elements of the version it left.
  const auto definitions = DefinitionsOfHistory(*history, s.definitions);
  runtime::SummaryBuilder builder;
  for (std::size_t i = 0; i < history->size(); ++i)
    builder.Add((*history)[i], *definitions[i]);
  for (const auto* e : pending) builder.Add(*e, *s.definitions);
  return builder.Take();
}

Result<std::optional<runtime::InstanceSummary>> Engine::SummaryOnCommit(
    const runtime::InstanceState& s, bool is_new,
    const std::vector<const runtime::Event*>& pending) {
  auto builder = summaries_.find(s.id);
  if (builder == summaries_.end() && is_new)
    builder = summaries_.try_emplace(s.id).first;
  if (builder != summaries_.end()) {
    for (const auto* e : pending) builder->second.Add(*e, *s.definitions);
    // A long-lived instance (a loop, a recurring reminder) is not held in
    // memory visit by visit: its history will do when it finishes.
    if (builder->second.visits() > kMaxBuilderVisits) {
      summaries_.erase(builder);
      builder = summaries_.end();
    }
  }
  if (!Finished(s.status)) return std::nullopt;
  if (builder == summaries_.end()) return Summarize(s, pending);
  runtime::InstanceSummary summary = builder->second.Take();
  summaries_.erase(builder);
  return summary;
}

Result<runtime::InstanceSummary> Engine::Summarize(Id instance) const {
  auto s = ReadInstance(instance);
  if (!s) return tl::unexpected(s.error());
  return Summarize(**s, {});
}

Result<std::unique_ptr<runtime::InstanceState>> Engine::Decode(
    const store::InstanceRecord& record) const {
  std::shared_ptr<const model::Definitions> defs;
  for (const auto& p : processes_)
    if (p.key == record.key && p.version == record.version)
      defs = DefinitionsById(p.definitions_id);
  return DecodeInstance(record.snapshot, defs);
}

Result<store::InstanceRecord> Engine::LoadRecord(Id instance) const {
  auto record = store_.LoadInstance(instance);
  if (!record) return tl::unexpected(record.error());
  if (!*record)
    return Fail(ErrorCode::kNotFound,
                "no instance " + std::to_string(instance));
  return std::move(**record);
}

Result<std::unique_ptr<runtime::InstanceState>> Engine::ReadInstance(
    Id instance) const {
  auto record = LoadRecord(instance);
  if (!record) return tl::unexpected(record.error());
  return Decode(*record);
}

Result<void> Engine::ReloadInstance(Id instance) {
  auto record = LoadRecord(instance);  // read once: W4 does this every step
  if (!record) return tl::unexpected(record.error());
  auto s = Decode(*record);
  if (!s) return tl::unexpected(s.error());
  runtime_->Forget(instance);
  // A builder fed with every commit stays good if nobody else committed.
  auto known = revisions_.find(instance);
  const bool changed =
      known == revisions_.end() || known->second.revision != record->revision;
  if (changed) summaries_.erase(instance);
  // Memory holds unfinished instances only (unless keep_finished): reading
  // back one that has finished must not bring it back for good.
  if (Finished((*s)->status) && !options_.keep_finished) {
    revisions_.erase(instance);
    summaries_.erase(instance);
    return {};
  }
  runtime_->Restore(std::move(*s));
  // The task rows this engine committed are still those stored, unless
  // another writer committed since.
  Stored& stored = revisions_[instance];
  if (changed) stored = {record->revision, record->started_at, std::nullopt};
  return {};
}

std::shared_ptr<const model::Definitions> Engine::DefinitionsById(
    std::int64_t id) const {
  auto it = parsed_.find(id);
  return it == parsed_.end() ? nullptr : it->second;
}

std::int64_t Engine::DefinitionsIdOf(const model::Definitions* d) const {
  for (const auto& [id, defs] : parsed_)
    if (defs.get() == d) return id;
  return 0;
}

store::ProcessRecord Engine::ProcessOf(const runtime::InstanceState& s) const {
  const std::string& key = s.definitions->process(s.process).id;
  std::int64_t defs = DefinitionsIdOf(s.definitions.get());
  for (const auto& p : processes_)
    if (p.key == key && p.definitions_id == defs) return p;
  return {key, 0, defs};
}

Result<void> Engine::Refresh() {
  auto external = store_.ExternalChanges();
  if (!external) return tl::unexpected(external.error());
  if (*external == external_ && !stale_) return {};
  return LoadAll();
}

template <typename T, typename F>
Result<T> Engine::Command(F&& run) {
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) {
      // Lost a race: this time hold the write lock from reading the state
      // to committing, so nobody can get in between.
      if (auto locked = store_.BeginWrite(); !locked)
        return tl::unexpected(locked.error());
    }
    if (!grouping_) {
      if (auto fresh = Refresh(); !fresh) {
        store_.EndWrite();
        return tl::unexpected(fresh.error());
      }
    }
    Result<T> out = [&] {
      CommandClock::Hold instant(command_clock_);
      return run();
    }();
    runtime_->TakeJournal(pending_events_);
    if (grouping_) return out;
    auto committed = Flush();
    store_.EndWrite();  // when Flush had nothing to commit
    if (committed) return out;
    // Another writer committed in the meantime (Flush has read its state).
    // If it changed an instance this command changed, the command was built
    // on a stale instance: a conflict, reported. Otherwise only ids or the
    // engine row collided: run the command again on the fresh state.
    const Error& error = committed.error();
    if (error.code == ErrorCode::kConflict && !TouchedInstanceChanged() &&
        attempt < 2)
      continue;
    return tl::unexpected(error);
  }
}

store::InstanceWrite Engine::WriteOf(const runtime::InstanceState& s) const {
  store::InstanceWrite w;
  auto stored = revisions_.find(s.id);
  auto process = ProcessOf(s);
  store::InstanceRecord& r = w.instance;
  r.id = s.id;
  r.key = process.key;
  r.version = process.version;
  r.business_key = s.business_key;
  r.state = runtime::InstanceStatusName(s.status);
  r.parent = s.parent_instance;
  r.updated_at = Ms(clock_.Now());
  r.started_at = r.updated_at;
  if (stored != revisions_.end()) {
    r.started_at = stored->second.started_at;
  } else {
    for (const auto& e : pending_events_)
      if (e.instance == s.id && e.type == runtime::EventType::kInstanceStarted)
        r.started_at = Ms(e.at);
  }
  w.expected_revision =
      stored == revisions_.end() ? 0 : stored->second.revision;
  r.revision = w.expected_revision + 1;
  r.snapshot = EncodeInstance(s);
  for (const auto& t : s.tasks) {
    if (!t.open) continue;
    const model::FlowNode& n = s.node(t.node);
    w.tasks.push_back(store::TaskRecord{
        t.id, s.id, n.id, n.name, t.roles, t.candidate_users, t.assignee,
        Ms(t.created),
        t.due ? std::optional<store::Millis>(Ms(*t.due)) : std::nullopt,
        t.follow_up ? std::optional<store::Millis>(Ms(*t.follow_up))
                    : std::nullopt});
  }
  for (const auto& t : s.timers)
    if (t.open) w.timers.push_back({t.id, s.id, s.node(t.node).id, Ms(t.due)});
  for (const auto& j : s.jobs)
    if (j.open)
      w.jobs.push_back({j.id, s.id, s.node(j.node).id, j.type, j.retries,
                        j.lock_owner, Ms(j.lock_expires)});
  for (const auto& x : s.subscriptions)
    if (x.open)
      w.subscriptions.push_back(
          {x.id, s.id, s.node(x.node).id, x.name, x.correlation_key, x.signal});
  for (const auto& i : s.incidents)
    if (i.open)
      w.incidents.push_back(
          {i.id, s.id,
           i.node == model::kNoIndex ? std::string() : s.node(i.node).id,
           i.message});
  return w;
}

Result<void> Engine::Flush() {
  // The engine's own state changes without events too (a message kept for a
  // later subscriber).
  auto globals = runtime_->SaveGlobals();
  std::string engine_data = EncodeGlobals(
      globals,
      [this](const model::Definitions* d) { return DefinitionsIdOf(d); });
  if (pending_.empty() && pending_events_.empty() &&
      engine_data == written_engine_data_)
    return {};
  store::Batch batch = std::exchange(pending_, {});
  std::set<Id> dirty;
  for (const auto& e : pending_events_) {
    if (e.instance != runtime::kNoId) dirty.insert(e.instance);
    if (e.type == runtime::EventType::kNotification)
      batch.outbox.push_back(OutboxOf(e));
  }
  // Work-item kinds no event of the commit touched keep their stored rows.
  // A migration rewrites them all (element ids may change) and the record's
  // version: a bit beside the kinds.
  constexpr unsigned kVersionChanged = 32;
  std::map<Id, unsigned> touched;
  for (const auto& e : pending_events_) {
    using T = runtime::EventType;
    using W = store::InstanceWrite;
    unsigned& kinds = touched[e.instance];
    switch (e.type) {
      case T::kTaskCreated:
      case T::kTaskClaimed:
      case T::kTaskReassigned:
      case T::kTaskClosed:
        kinds |= W::kTasks;
        break;
      case T::kTimerScheduled:
      case T::kDeadlineArmed:
      case T::kTimerClosed:
        kinds |= W::kTimers;
        break;
      case T::kJobCreated:
      case T::kJobRetries:
      case T::kJobLocked:
      case T::kJobClosed:
        kinds |= W::kJobs;
        break;
      case T::kSubscriptionOpened:
      case T::kSubscriptionClosed:
        kinds |= W::kSubscriptions;
        break;
      case T::kIncidentRaised:
      case T::kIncidentResolved:
        kinds |= W::kIncidents;
        break;
      case T::kInstanceMigrated:
        kinds |= W::kAllKinds | kVersionChanged;
        break;
      default:
        break;
    }
  }
  for (Id id : dirty) {
    if (const auto* s = runtime_->Instance(id)) {
      store::InstanceWrite& w = batch.instances.emplace_back(WriteOf(*s));
      const unsigned kinds = touched[id];
      w.unchanged = ~kinds & store::InstanceWrite::kAllKinds;
      w.version_changed = (kinds & kVersionChanged) != 0;
      // Handed over: a failed commit reloads everything anyway.
      if (auto stored = revisions_.find(id); stored != revisions_.end())
        w.stored_tasks = std::exchange(stored->second.tasks, std::nullopt);
    }
  }
  // One history record per instance and commit.
  std::map<Id, std::vector<const runtime::Event*>> by_instance;
  for (const auto& e : pending_events_) by_instance[e.instance].push_back(&e);
  for (const auto& [id, events] : by_instance)
    batch.events.push_back(EncodeEvents(events));
  // An instance that finishes leaves its summary for the report. One this
  // engine started, or has seen every commit of, has a builder fed at each
  // commit (a failed commit reloads and drops them all); the others are
  // summarized from their stored history.
  Result<void> summarized;
  for (const auto& w : batch.instances) {
    const auto* s = runtime_->Instance(w.instance.id);
    if (!s) continue;
    auto summary =
        SummaryOnCommit(*s, w.expected_revision == 0, by_instance[s->id]);
    if (!summary) {
      summarized = tl::unexpected(summary.error());
      break;
    }
    if (!*summary) continue;  // not finished
    batch.summaries.push_back({s->id, w.instance.key, w.instance.version,
                               s->business_key, w.instance.started_at,
                               Ms((*summary)->ended),
                               EncodeSummary(**summary)});
  }
  std::vector<store::TimerRecord> start_timers;
  for (const auto& t : globals.start_timers)
    start_timers.push_back(
        {t.id, 0, t.definitions->node(t.node).id, Ms(t.due)});
  batch.engine_data = engine_data;
  batch.expected_engine_revision = engine_revision_;
  bool timers_changed = start_timers.size() != written_start_timers_.size() ||
                        !std::equal(start_timers.begin(), start_timers.end(),
                                    written_start_timers_.begin(),
                                    [](const auto& a, const auto& b) {
                                      return a.id == b.id && a.due == b.due;
                                    });
  if (timers_changed) {
    batch.start_timers = start_timers;
    batch.write_start_timers = true;
  }

  auto committed = summarized ? store_.Commit(batch) : summarized;
  if (!committed) {
    failed_updates_.clear();
    for (const auto& w : batch.instances)
      if (w.expected_revision != 0)
        failed_updates_[w.instance.id] = w.expected_revision;
    if (auto log = spdlog::get("store"))
      log->warn("commit of {} events failed: {}", pending_events_.size(),
                committed.error().message);
    // The store still holds the state before: read it back. Until that
    // succeeds, nothing of the failed command may be committed later.
    pending_ = {};
    pending_events_.clear();
    stale_ = true;
    if (auto reloaded = LoadAll(); !reloaded)
      return Fail(committed.error().code,
                  committed.error().message +
                      "; reloading failed too: " + reloaded.error().message);
    return tl::unexpected(committed.error());
  }
  engine_revision_ = batch.expected_engine_revision + 1;
  written_engine_data_ = std::move(engine_data);
  written_start_timers_ = std::move(start_timers);
  for (auto& w : batch.instances) {
    // Task rows left alone are those stored before.
    const bool tasks_written =
        (w.unchanged & store::InstanceWrite::kTasks) == 0;
    revisions_[w.instance.id] = {w.instance.revision, w.instance.started_at,
                                 tasks_written
                                     ? std::optional(std::move(w.tasks))
                                     : std::move(w.stored_tasks)};
  }
  LogCommitted(*runtime_, pending_events_);
  if (notifier_)
    for (const auto& m : batch.outbox) notifier_(m);
  if (options_.keep_log)
    for (auto& e : pending_events_) log_.push_back(std::move(e));
  pending_events_.clear();
  if (!options_.keep_finished) {
    for (Id id : dirty) {
      const auto* s = runtime_->Instance(id);
      if (s && Finished(s->status)) {
        runtime_->Forget(id);
        revisions_.erase(id);
        summaries_.erase(id);
      }
    }
  }
  return {};
}

bool Engine::TouchedInstanceChanged() const {
  for (const auto& [id, revision] : failed_updates_) {
    auto now = revisions_.find(id);
    if (now == revisions_.end() || now->second.revision != revision)
      return true;
  }
  return false;
}

Result<void> Engine::BeginGroup() {
  if (auto fresh = Refresh(); !fresh) return fresh;
  grouping_ = true;
  return {};
}

Result<void> Engine::CommitGroup() {
  grouping_ = false;
  return Flush();
}

// ---------------------------------------------------------------------------
// commands

Result<std::vector<Deployment>> Engine::Deploy(const std::string& name,
                                               const std::string& xml) {
  return Command<std::vector<Deployment>>(
      [&]() -> Result<std::vector<Deployment>> {
        std::string hash = HashOf(xml);
        std::vector<Deployment> out;
        for (const auto& d : definitions_) {
          if (d.hash != hash) continue;
          for (const auto& p : processes_)
            if (p.definitions_id == d.id)
              out.push_back({p.key, p.version, d.id, false, {}});
          return out;
        }
        auto defs = Parse(name, xml);
        if (!defs) return tl::unexpected(defs.error());
        std::vector<std::string> warnings;
        for (const auto& missing : MissingCalendars(**defs)) {
          warnings.push_back(
              name + ": a process names the calendar '" + missing +
              "', which this engine does not know: until it is added, the "
              "default calendar (or plain time) counts its due dates");
          if (auto log = spdlog::get("engine"))
            log->warn("{}", warnings.back());
        }
        std::int64_t id = 1;
        for (const auto& d : definitions_) id = std::max(id, d.id + 1);
        store::DefinitionsRecord record{id, name, hash, xml,
                                        Ms(command_clock_.Now())};
        pending_.definitions.push_back(record);
        record.xml.clear();
        definitions_.push_back(std::move(record));
        parsed_[id] = *defs;
        parsed_hash_[id] = hash;
        for (const auto& p : (*defs)->processes()) {
          std::int64_t version = 1;
          for (const auto& known : processes_)
            if (known.key == p.id)
              version = std::max(version, known.version + 1);
          store::ProcessRecord process{p.id, version, id};
          pending_.processes.push_back(process);
          processes_.push_back(process);
          out.push_back({p.id, version, id, true, warnings});
        }
        runtime_->Deploy(*defs, options_.arm_start_timers);
        return out;
      });
}

Result<void> Engine::AddCalendar(const std::string& name,
                                 const std::string& yaml, bool make_default) {
  return Command<void>([&]() -> Result<void> {
    auto calendar = model::Calendar::FromYaml(yaml, name);
    if (!calendar) return tl::unexpected(calendar.error());
    runtime_->SetCalendar(*calendar);
    if (make_default) runtime_->SetDefaultCalendar(name);
    pending_.calendars.push_back({name, yaml, make_default});
    return {};
  });
}

std::vector<std::string> Engine::MissingCalendars(
    const model::Definitions& defs) const {
  std::vector<std::string> missing;
  for (const auto& p : defs.processes())
    for (const auto& [key, value] : p.properties)
      if ((key == "calendar" || key == "dueDateCalendar" ||
           key == "timerCalendar") &&
          !runtime_->FindCalendar(value))
        missing.push_back(value);
  return missing;
}

store::OutboxRecord Engine::OutboxOf(const runtime::Event& e) const {
  store::OutboxRecord m;
  m.id = e.item;
  m.at = Ms(e.at);
  m.instance = e.instance;
  m.task = e.parent;
  m.recipient = e.text;
  const runtime::InstanceState* s = runtime_->Instance(e.instance);
  if (!s) return m;
  m.element_id = s->node(e.node).id;
  std::string subject = PropertyOf(*s, e.node, "escalation.subject");
  std::string body = PropertyOf(*s, e.node, "escalation.template");
  if (subject.empty()) subject = "Просрочена задача «{{task}}»";
  if (body.empty())
    body =
        "Задача «{{task}}» процесса «{{process}}» ({{business_key}}) "
        "просрочена на {{late}}. Получатель: {{recipient}}. Шаг: {{step}}.";
  const std::int64_t minutes = e.number / 60000;
  const std::map<std::string, std::string> extra = {
      {"recipient", e.text},
      {"step", e.text2},
      {"late", minutes >= 60 ? std::to_string(minutes / 60) + " ч " +
                                   std::to_string(minutes % 60) + " мин"
                             : std::to_string(minutes) + " мин"}};
  // A broken template still notifies: with the template's own text.
  m.subject = RenderTemplate(subject, *s, e.node, extra).value_or(subject);
  m.body = RenderTemplate(body, *s, e.node, extra).value_or(body);
  return m;
}

Result<void> Engine::SetUserRoles(const std::string& user,
                                  std::vector<std::string> roles) {
  return Command<void>([&]() -> Result<void> {
    if (user.empty()) return Fail(ErrorCode::kInvalidArgument, "empty user");
    runtime_->SetUserRoles(user, roles);
    pending_.users.push_back({user, roles});
    return {};
  });
}

void Engine::RegisterJobHandler(const std::string& type,
                                runtime::JobHandler handler) {
  handlers_[type] = handler;
  runtime_->RegisterJobHandler(type, std::move(handler));
}

Result<Id> Engine::Start(const std::string& key, Variables variables,
                         std::string business_key,
                         const std::string& start_event_id) {
  return Command<Id>([&] {
    return runtime_->Start(key, variables, business_key, start_event_id);
  });
}

Result<void> Engine::ClaimTask(Id task, const std::string& user) {
  return Command<void>([&] { return runtime_->ClaimTask(task, user); });
}

Result<void> Engine::UnclaimTask(Id task, const std::string& user) {
  return Command<void>([&] { return runtime_->UnclaimTask(task, user); });
}

Result<void> Engine::CompleteTask(Id task, const std::string& user,
                                  Variables variables) {
  return Command<void>(
      [&] { return runtime_->CompleteTask(task, user, variables); });
}

Result<void> Engine::CorrelateMessage(const std::string& name,
                                      const std::string& key,
                                      Variables variables,
                                      std::chrono::milliseconds ttl) {
  return Command<void>(
      [&] { return runtime_->CorrelateMessage(name, key, variables, ttl); });
}

Result<int> Engine::BroadcastSignal(const std::string& name,
                                    Variables variables) {
  return Command<int>(
      [&] { return runtime_->BroadcastSignal(name, variables); });
}

Result<void> Engine::CompleteJob(Id job, Variables variables) {
  return Command<void>([&] { return runtime_->CompleteJob(job, variables); });
}

Result<void> Engine::FailJob(Id job, const std::string& message) {
  return Command<void>([&] { return runtime_->FailJob(job, message); });
}

Result<void> Engine::ThrowJobError(Id job, const std::string& code,
                                   Variables variables) {
  return Command<void>(
      [&] { return runtime_->ThrowJobError(job, code, variables); });
}

Result<std::vector<runtime::Runtime::ActivatedJob>> Engine::ActivateJobs(
    const std::string& type, const std::string& worker,
    std::chrono::milliseconds lock, std::size_t max) {
  return Command<std::vector<runtime::Runtime::ActivatedJob>>(
      [&] { return runtime_->ActivateJobs(type, worker, lock, max); });
}

Result<void> Engine::RetryJob(Id job, std::int64_t retries) {
  return Command<void>([&] { return runtime_->RetryJob(job, retries); });
}

Result<void> Engine::MigrateInstance(Id instance,
                                     const runtime::MigrationTarget& target) {
  return Command<void>(
      [&] { return runtime_->MigrateInstance(instance, target); });
}

Result<void> Engine::FireDue() {
  return Command<void>([&]() -> Result<void> {
    runtime_->FireDue();
    return {};
  });
}

std::optional<TimePoint> Engine::NextDue() const { return runtime_->NextDue(); }

}  // namespace bpmn::engine
