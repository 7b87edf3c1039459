// SqliteStore: the Store on one SQLite file in WAL mode, its schema brought up
// to date on open (schema.h). Several SqliteStore objects, in this process or
// in others, may share a file: SQLite serializes their commits and the
// revisions turn a lost update into kConflict; ExternalChanges() tells one
// object that another has committed. Each object is used by one thread at a
// time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpmn/store.h"

namespace bpmn::persistence {

struct SqliteOptions {
  // PRAGMA synchronous: "FULL" (a commit survives a power cut), "NORMAL" (it
  // survives a crash of the process), "OFF", or "EXTRA".
  std::string synchronous = "FULL";
  // How long a commit waits for another connection's write lock before it
  // fails with kConflict "database is busy".
  int busy_timeout_ms = 5000;
  // Copy the write-ahead log back into the file on a thread of its own
  // (persistence/wal_checkpointer.h), a commit only finishing the last
  // frames; false copies it all inside the commit that fills the log past
  // 2,000 frames, as SQLite itself would past 1,000.
  bool checkpoint_in_background = true;
  // Hand each commit's write-ahead log frames to the file in one write
  // instead of two per page (persistence/wal_write_buffer.h). Only under
  // synchronous FULL or EXTRA, where every commit syncs the log; ignored
  // otherwise.
  bool gather_log_writes = true;
  // Test hook: the k-th statement executed inside Commit, counted from open
  // (1-based, BEGIN and COMMIT included), fails as an I/O error would. 0 means
  // never.
  std::int64_t fail_at_statement = 0;
};

class SqliteStore final : public store::Store {
 public:
  // Opens or creates the file and runs the migrations it lacks. Fails with
  // kIo when the file cannot be opened or was written by a newer schema, and
  // with kInvalidArgument for a bad option. The first Open in a process turns
  // SQLite's memory statistics off (sqlite3_config MEMSTATUS: a global mutex
  // on every allocation) unless SQLite is already in use there.
  static Result<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, const SqliteOptions& options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<void> BeginWrite() override;
  void EndWrite() override;
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
  // PRAGMA data_version: moves when another connection commits.
  Result<std::int64_t> ExternalChanges() override;

  // PRAGMA max_page_count: a commit that would grow the file beyond `pages`
  // fails with kIo "disk full" (SQLite never shrinks the limit below the
  // current size). Tests use it to simulate a full disk.
  Result<void> SetMaxPageCount(std::int64_t pages);
  // PRAGMA integrity_check: "ok", or the problems found, one per line.
  Result<std::string> IntegrityCheck();
  // Checkpoints since open: passes of the background checkpointer, and
  // checkpoints run inside a commit; and the frames the write-ahead log held
  // after the last commit.
  struct CheckpointStats {
    long background_passes = 0;
    long inline_checkpoints = 0;
    int wal_pages = 0;
  };
  CheckpointStats checkpoints() const;
  // Statements executed inside Commit since open (what fail_at_statement
  // counts).
  std::int64_t statements_executed() const;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bpmn::persistence
