// Engine::Migrate and the history helpers that know about migrations
// (engine.h): a migration moves each instance in a command of its own, so an
// instance that moved stays moved when a later one is refused or loses a race
// with another writer, and a long migration never holds the write lock for
// long. Called by bpmnctl migrate and the tests; single-threaded like Engine.
#include "runtime/migration.h"

#include <algorithm>

#include "facade/engine.h"

namespace bpmn::engine {

Result<std::vector<MigrationOutcome>> Engine::Migrate(
    const std::string& key, std::int64_t from, std::int64_t to,
    const std::vector<std::pair<std::string, std::string>>& map, bool dry_run) {
  if (grouping_)
    return Fail(ErrorCode::kInvalidArgument,
                "a migration commits per instance: not inside a group");
  if (auto fresh = Refresh(); !fresh) return tl::unexpected(fresh.error());
  runtime::MigrationTarget target;
  target.key = key;
  target.version = to;
  target.from_version = from;
  target.map = map;
  for (const auto& p : processes_) {
    if (p.key != key) continue;
    if (p.version == from) target.from_definitions_id = p.definitions_id;
    if (p.version == to) target.definitions_id = p.definitions_id;
  }
  for (auto [version, id] : {std::pair{from, target.from_definitions_id},
                             std::pair{to, target.definitions_id}}) {
    if (id == 0)
      return Fail(
          ErrorCode::kNotFound,
          "process '" + key + "' has no version " + std::to_string(version));
  }
  if (from == to)
    return Fail(ErrorCode::kInvalidArgument,
                "version " + std::to_string(from) + " is migrated to itself");
  const auto source = DefinitionsById(target.from_definitions_id);
  target.definitions = DefinitionsById(target.definitions_id);
  if (!source || !target.definitions)
    return Fail(ErrorCode::kIo, "the definitions of '" + key + "' are missing");
  if (auto ok = runtime::CheckElementMap(*source, *target.definitions, map);
      !ok)
    return tl::unexpected(ok.error());

  // The instances are chosen once; each command reads its instance afresh.
  std::vector<Id> ids;
  for (const runtime::InstanceState* s : runtime_->Instances())
    if (s->definitions == source &&
        s->definitions->process(s->process).id == key)
      ids.push_back(s->id);
  std::sort(ids.begin(), ids.end());
  std::vector<MigrationOutcome> out;
  for (Id id : ids) {
    MigrationOutcome outcome;
    outcome.instance = id;
    if (const auto* s = runtime_->Instance(id))
      outcome.business_key = s->business_key;
    Result<void> done = dry_run ? runtime_->CheckMigration(id, target)
                                : MigrateInstance(id, target);
    outcome.moved = done.has_value();
    if (!done) outcome.refusal = done.error();
    outcome.waiting = runtime_->Waiting(id);
    out.push_back(std::move(outcome));
  }
  return out;
}

std::vector<std::shared_ptr<const model::Definitions>>
Engine::DefinitionsOfHistory(
    const std::vector<runtime::Event>& history,
    std::shared_ptr<const model::Definitions> current) const {
  std::shared_ptr<const model::Definitions> at = current;
  for (const auto& e : history) {
    if (e.type != runtime::EventType::kInstanceMigrated) continue;
    if (auto d = DefinitionsById(runtime::MigratedFromDefinitions(e))) at = d;
    break;
  }
  std::vector<std::shared_ptr<const model::Definitions>> out;
  out.reserve(history.size());
  for (const auto& e : history) {
    out.push_back(at);
    if (e.type != runtime::EventType::kInstanceMigrated) continue;
    if (auto d = e.definitions ? e.definitions : DefinitionsById(e.number))
      at = d;
  }
  return out;
}

Result<std::unique_ptr<runtime::InstanceState>> Engine::ReplayHistory(
    Id instance) const {
  auto stored = ReadInstance(instance);
  if (!stored) return tl::unexpected(stored.error());
  auto history = History(instance);
  if (!history) return tl::unexpected(history.error());
  const auto& now = **stored;
  auto replay = std::make_unique<runtime::InstanceState>();
  replay->id = instance;
  replay->definitions = now.definitions;
  replay->process = now.process;
  auto defs = DefinitionsOfHistory(*history, now.definitions);
  if (!defs.empty() && defs.front() != now.definitions) {
    const std::string& key = now.definitions->process(now.process).id;
    const model::Process* p = defs.front()->FindProcess(key);
    if (!p)
      return Fail(ErrorCode::kIo, "instance " + std::to_string(instance) +
                                      " started on definitions without '" +
                                      key + "'");
    replay->definitions = defs.front();
    replay->process = p->index;
  }
  for (const auto& e : *history) runtime::Apply(e, *replay);
  return replay;
}

}  // namespace bpmn::engine
