// MemoryStore: the Store kept in std containers, for tests, scenarios and
// engines that need no durability; nothing outlives the object. A commit
// applies the batch in order and undoes what it applied when a check fails, so
// it is all or nothing and refuses what SqliteStore refuses (stale revisions,
// ids stored twice). Used by one thread at a time; ExternalChanges() is always
// 0, since one object has one writer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpmn/store.h"

namespace bpmn::persistence {

class MemoryStore final : public store::Store {
 public:
  MemoryStore();
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Result<void> Commit(const store::Batch& batch) override;
  Result<store::StoredState> Load(bool with_finished) override;
  Result<std::optional<store::InstanceRecord>> LoadInstance(
      store::Id id) override;
  Result<std::vector<store::InstanceRecord>> Instances(
      const std::string& state) override;
  Result<std::vector<store::EventRecord>> History(store::Id instance) override;
  Result<std::vector<store::TaskRecord>> Tasks(
      const store::TaskFilter& filter) override;
  Result<std::vector<store::TimerRecord>> Timers(store::Id instance) override;
  Result<std::vector<store::JobRecord>> Jobs(const std::string& type) override;
  Result<std::vector<store::IncidentRecord>> Incidents() override;
  Result<std::vector<store::OutboxRecord>> Outbox() override;
  Result<std::vector<store::SummaryRecord>> Summaries(
      const std::string& key) override;
  Result<std::vector<store::Id>> FinishedWithoutSummary() override;
  Result<std::int64_t> ExternalChanges() override;

 private:
  struct Tables;
  std::unique_ptr<Tables> tables_;
};

}  // namespace bpmn::persistence
