// SqliteStore (sqlite_store.h). Every statement is prepared once per
// connection and cached by its text; a Query borrows one, binds, steps, and
// resets it when it goes out of scope, so no statement holds a read snapshot
// between calls (a held snapshot would hide other writers' commits). Commit
// runs inside BEGIN IMMEDIATE: the write lock is taken before anything is read,
// so two writers queue on the busy timeout instead of failing on a lock
// upgrade, and the revision checks in the UPDATEs see the latest commit.
#include "persistence/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "bpmn/utf8.h"
#include "persistence/schema.h"
#include "persistence/wal_checkpointer.h"
#include "persistence/wal_write_buffer.h"

namespace bpmn::persistence {

using store::Batch;
using store::DefinitionsRecord;
using store::EngineRecord;
using store::EventRecord;
using store::Id;
using store::IncidentRecord;
using store::InstanceRecord;
using store::InstanceWrite;
using store::JobRecord;
using store::ProcessRecord;
using store::StoredState;
using store::SubscriptionRecord;
using store::TaskFilter;
using store::TaskRecord;
using store::TimerRecord;
using store::UserRecord;

namespace {

// One use of a cached prepared statement: bind in order, step, read columns.
// A failed bind is remembered and returned by Step.
class Query {
 public:
  explicit Query(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Query(Query&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)),
        index_(other.index_),
        rc_(other.rc_) {}
  Query& operator=(Query&&) = delete;
  ~Query() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  Query& Int(std::int64_t value) {
    Check(sqlite3_bind_int64(stmt_, ++index_, value));
    return *this;
  }
  // Ids are unsigned in the API and signed in SQLite; the cast round-trips.
  Query& Id(store::Id value) { return Int(static_cast<std::int64_t>(value)); }
  Query& Text(std::string_view value) {
    Check(sqlite3_bind_text64(stmt_, ++index_, value.data(), value.size(),
                              SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  Query& Blob(std::string_view value) {
    // A null pointer would bind NULL; an empty string_view may carry one.
    static constexpr char kEmpty = 0;
    Check(sqlite3_bind_blob64(stmt_, ++index_,
                              value.empty() ? &kEmpty : value.data(),
                              value.size(), SQLITE_TRANSIENT));
    return *this;
  }
  Query& OptionalInt(const std::optional<std::int64_t>& value) {
    if (value) return Int(*value);
    Check(sqlite3_bind_null(stmt_, ++index_));
    return *this;
  }

  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int Step() { return rc_ != SQLITE_OK ? rc_ : sqlite3_step(stmt_); }

  std::int64_t ColumnInt(int column) const {
    return sqlite3_column_int64(stmt_, column);
  }
  store::Id ColumnId(int column) const {
    return static_cast<store::Id>(ColumnInt(column));
  }
  std::optional<std::int64_t> ColumnOptionalInt(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return ColumnInt(column);
  }
  std::string ColumnText(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       sqlite3_column_bytes(stmt_, column));
  }
  std::string ColumnBlob(int column) const {
    const void* blob = sqlite3_column_blob(stmt_, column);
    if (blob == nullptr) return {};
    return std::string(static_cast<const char*>(blob),
                       sqlite3_column_bytes(stmt_, column));
  }

 private:
  void Check(int rc) {
    if (rc_ == SQLITE_OK) rc_ = rc;
  }

  sqlite3_stmt* stmt_;
  int index_ = 0;
  int rc_ = SQLITE_OK;
};

// String lists are JSON arrays in the database (persistence/README.md).
// Invalid UTF-8 cannot be JSON: such bytes become U+FFFD rather than failing
// a commit.
// Lists repeat: a process has a few lanes and candidate groups, so every
// task of a step offers the same roles as many before it. Each thread keeps
// the last lists it encoded and decoded (a W4 commit spent 5% of its
// instructions building and parsing the same JSON again).
constexpr std::size_t kRememberedLists = 64;

std::string EncodeList(const std::vector<std::string>& list) {
  thread_local std::map<std::vector<std::string>, std::string> remembered;
  if (auto it = remembered.find(list); it != remembered.end())
    return it->second;
  std::string text = nlohmann::json(list).dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (remembered.size() >= kRememberedLists) remembered.clear();
  remembered.emplace(list, text);
  return text;
}

Result<std::vector<std::string>> DecodeList(const std::string& text,
                                            const std::string& where) {
  thread_local std::unordered_map<std::string, std::vector<std::string>>
      remembered;
  if (auto it = remembered.find(text); it != remembered.end())
    return it->second;
  const auto json = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> list;
  if (json.is_array()) {
    for (const auto& item : json) {
      if (!item.is_string()) break;
      list.push_back(item.get<std::string>());
    }
    if (list.size() == json.size()) {
      if (remembered.size() >= kRememberedLists) remembered.clear();
      remembered.emplace(text, list);
      return list;
    }
  }
  return Fail(ErrorCode::kIo, where + ": not a JSON array of strings");
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return text;
}

// Row readers, one per table, in the column order of their SELECTs.
Result<InstanceRecord> ReadInstance(const Query& q) {
  return InstanceRecord{q.ColumnId(0),   q.ColumnText(1), q.ColumnInt(2),
                        q.ColumnText(3), q.ColumnText(4), q.ColumnId(5),
                        q.ColumnInt(6),  q.ColumnInt(7),  q.ColumnInt(8),
                        q.ColumnBlob(9)};
}

Result<EventRecord> ReadEvent(const Query& q) {
  return EventRecord{q.ColumnId(0), q.ColumnId(1), q.ColumnInt(2),
                     q.ColumnInt(3), q.ColumnBlob(4)};
}

constexpr std::string_view kTaskColumns =
    "t.id, t.instance, t.element_id, t.name, t.roles, t.candidate_users, "
    "t.assignee, t.created, t.due, t.follow_up";

Result<TaskRecord> ReadTask(const Query& q) {
  TaskRecord task;
  task.id = q.ColumnId(0);
  task.instance = q.ColumnId(1);
  task.element_id = q.ColumnText(2);
  task.name = q.ColumnText(3);
  const std::string where = "task " + std::to_string(task.id);
  auto roles = DecodeList(q.ColumnText(4), where + " roles");
  if (!roles) return tl::unexpected(roles.error());
  task.roles = std::move(*roles);
  auto users = DecodeList(q.ColumnText(5), where + " candidate users");
  if (!users) return tl::unexpected(users.error());
  task.candidate_users = std::move(*users);
  task.assignee = q.ColumnText(6);
  task.created = q.ColumnInt(7);
  task.due = q.ColumnOptionalInt(8);
  task.follow_up = q.ColumnOptionalInt(9);
  return task;
}

Result<TimerRecord> ReadTimer(const Query& q) {
  return TimerRecord{q.ColumnId(0), q.ColumnId(1), q.ColumnText(2),
                     q.ColumnInt(3)};
}

Result<JobRecord> ReadJob(const Query& q) {
  return JobRecord{q.ColumnId(0),   q.ColumnId(1),  q.ColumnText(2),
                   q.ColumnText(3), q.ColumnInt(4), q.ColumnText(5),
                   q.ColumnInt(6)};
}

Result<IncidentRecord> ReadIncident(const Query& q) {
  return IncidentRecord{q.ColumnId(0), q.ColumnId(1), q.ColumnText(2),
                        q.ColumnText(3)};
}

Result<DefinitionsRecord> ReadDefinitions(const Query& q) {
  return DefinitionsRecord{q.ColumnInt(0), q.ColumnText(1), q.ColumnText(2),
                           q.ColumnText(3), q.ColumnInt(4)};
}

Result<ProcessRecord> ReadProcess(const Query& q) {
  return ProcessRecord{q.ColumnText(0), q.ColumnInt(1), q.ColumnInt(2)};
}

Result<EngineRecord> ReadEngine(const Query& q) {
  return EngineRecord{q.ColumnBlob(0), q.ColumnInt(1)};
}

Result<store::CalendarRecord> ReadCalendar(const Query& q) {
  return store::CalendarRecord{q.ColumnText(0), q.ColumnText(1),
                               q.ColumnInt(2) != 0};
}

Result<store::OutboxRecord> ReadOutbox(const Query& q) {
  return store::OutboxRecord{q.ColumnId(0),   q.ColumnInt(1),  q.ColumnId(2),
                             q.ColumnId(3),   q.ColumnText(4), q.ColumnText(5),
                             q.ColumnText(6), q.ColumnText(7)};
}

Result<UserRecord> ReadUser(const Query& q) {
  UserRecord user{q.ColumnText(0), {}};
  auto roles = DecodeList(q.ColumnText(1), "user " + user.user + " roles");
  if (!roles) return tl::unexpected(roles.error());
  user.roles = std::move(*roles);
  return user;
}

}  // namespace

struct SqliteStore::Impl {
  sqlite3* db = nullptr;
  bool writing = false;  // inside BeginWrite's transaction
  std::string path;
  SqliteOptions options;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements;
  std::int64_t executed = 0;  // statements run inside Commit
  std::unique_ptr<WalCheckpointer> checkpointer;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    checkpointer.reset();  // before the last connection closes
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
  }

  tl::unexpected<Error> SqlError(int rc) const {
    const std::string detail = sqlite3_errmsg(db);
    switch (rc & 0xff) {
      case SQLITE_FULL:
        return Fail(ErrorCode::kIo, path + ": disk full (" + detail + ")");
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Fail(ErrorCode::kConflict, "database is busy: " + path);
      case SQLITE_CONSTRAINT:
        // An id or key stored twice: another writer got there first.
        return Fail(ErrorCode::kConflict, detail);
      default:
        return Fail(ErrorCode::kIo, path + ": " + detail);
    }
  }

  Result<Query> Prepare(std::string_view sql) {
    auto it = statements.find(sql);
    if (it == statements.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc =
          sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqlError(rc);
      it = statements.emplace(std::string(sql), stmt).first;
    }
    return Query(it->second);
  }

  // Runs a statement of Commit to its end and returns the rows it changed.
  // Counted, and failed on purpose at options.fail_at_statement.
  Result<int> Execute(Query& query) {
    if (auto counted = Count(); !counted)
      return tl::unexpected(counted.error());
    int rc = query.Step();
    while (rc == SQLITE_ROW) rc = query.Step();
    if (rc != SQLITE_DONE) return SqlError(rc);
    return sqlite3_changes(db);
  }

  Result<void> Execute(std::string_view sql) {
    auto query = Prepare(sql);
    if (!query) return tl::unexpected(query.error());
    auto changes = Execute(*query);
    if (!changes) return tl::unexpected(changes.error());
    return {};
  }

  // Counts a statement of Commit, and fails it on purpose at
  // options.fail_at_statement.
  Result<void> Count() {
    ++executed;
    if (executed == options.fail_at_statement) {
      return Fail(ErrorCode::kIo, path + ": injected I/O error at statement " +
                                      std::to_string(executed));
    }
    return {};
  }

  // Runs SQL outside Commit: not counted, not cached (pragmas, migrations).
  Result<void> Run(const std::string& sql) {
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqlError(rc);
    return {};
  }

  // The first column of every row of a pragma, as text.
  Result<std::vector<std::string>> Pragma(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqlError(rc);
    Result<std::vector<std::string>> result;
    {
      Query query(stmt);
      while ((rc = query.Step()) == SQLITE_ROW) {
        result->push_back(query.ColumnText(0));
      }
      if (rc != SQLITE_DONE) result = SqlError(rc);
    }
    sqlite3_finalize(stmt);
    return result;
  }

  // Ends a failed transaction; SQLite has already ended it after some
  // errors (a full disk among them).
  void Rollback() {
    if (sqlite3_get_autocommit(db) == 0) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

  template <typename Row>
  Result<std::vector<Row>> Rows(Query& query,
                                Result<Row> (*read)(const Query&)) {
    std::vector<Row> rows;
    int rc = SQLITE_OK;
    while ((rc = query.Step()) == SQLITE_ROW) {
      auto row = read(query);
      if (!row) return tl::unexpected(row.error());
      rows.push_back(std::move(*row));
    }
    if (rc != SQLITE_DONE) return SqlError(rc);
    return rows;
  }

  // Prepares `sql`, binds with `bind`, and reads every row with `read`.
  template <typename Row>
  Result<std::vector<Row>> Select(
      std::string_view sql, Result<Row> (*read)(const Query&),
      const std::function<void(Query&)>& bind = nullptr) {
    auto query = Prepare(sql);
    if (!query) return tl::unexpected(query.error());
    if (bind) bind(*query);
    return Rows(*query, read);
  }

  Result<std::int64_t> UserVersion() {
    auto rows = Pragma("PRAGMA user_version");
    if (!rows) return tl::unexpected(rows.error());
    return rows->empty() ? 0 : std::stoll(rows->front());
  }

  tl::unexpected<Error> TooNew(std::int64_t version) const {
    return Fail(ErrorCode::kIo,
                path + ": schema version " + std::to_string(version) +
                    " is newer than this program knows (latest " +
                    std::to_string(LatestSchemaVersion()) +
                    "); open it with a newer build");
  }

  // After each commit, with the frames the write-ahead log holds. Past
  // kCheckpointPages (twice SQLite's default) the background checkpointer is
  // asked to copy them back; once it has copied all but kFinishPages or
  // fewer, or has made two passes over this log (commits writing faster
  // than it copies), this thread copies the rest, after which SQLite starts
  // the log over. Should the log reach kInlinePages anyway, or no
  // checkpointer run, this thread does it all, as SQLite's automatic
  // checkpoint would. The threshold sets how often a commit pays for the
  // finish; the background passes bound what it pays.
  static constexpr int kCheckpointPages = 2000;
  static constexpr int kFinishPages = 250;
  static constexpr int kInlinePages = 4 * kCheckpointPages;
  int wal_pages = 0;  // after the last commit
  long inline_checkpoints = 0;
  static int OnWalCommit(void* arg, sqlite3* db, const char* name, int pages) {
    Impl& impl = *static_cast<Impl*>(arg);
    WalCheckpointer* checkpointer = impl.checkpointer.get();
    if (checkpointer != nullptr && pages < impl.wal_pages)
      checkpointer->LogRestarted();
    impl.wal_pages = pages;
    if (pages < kCheckpointPages) return SQLITE_OK;
    bool inline_now = checkpointer == nullptr || pages >= kInlinePages;
    if (!inline_now) {
      const auto status = checkpointer->status();
      if (status.busy) return SQLITE_OK;
      if (status.backfilled > 0 && (pages - status.backfilled <= kFinishPages ||
                                    status.passes_this_log >= 2))
        inline_now = true;
      else
        checkpointer->Request();
    }
    if (inline_now &&
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  nullptr) == SQLITE_OK)
      ++impl.inline_checkpoints;
    return SQLITE_OK;
  }

  Result<void> Migrate();
  Result<void> WriteBatch(const Batch& batch);
  Result<void> WriteInstance(const InstanceWrite& write);
  // The instance row; rows changed (0: the id exists, or the revision is
  // not the expected one).
  Result<std::int64_t> InsertInstance(const InstanceRecord& record);
  Result<std::int64_t> UpdateInstance(const InstanceWrite& write);
  Result<void> WriteEngine(const Batch& batch);
  // Deletes the instance's stored rows of the kinds named (InstanceWrite's
  // ItemKind bits).
  Result<void> DeleteWork(Id instance, unsigned kinds);
  Result<void> InsertTask(const TaskRecord& task, Id instance);
  Result<void> DeleteTask(Id task, const std::string& roles);
  // Makes the instance's stored task rows equal to `write.tasks`, touching
  // only the rows that differ (a new instance has none).
  Result<void> SyncTasks(const InstanceWrite& write, bool has_rows);
  Result<void> InsertTimer(const TimerRecord& timer, Id instance);
  Result<void> InsertJob(const JobRecord& job, Id instance);
  Result<void> InsertSubscription(const SubscriptionRecord& subscription,
                                  Id instance);
  Result<void> InsertIncident(const IncidentRecord& incident, Id instance);
  Result<StoredState> LoadState(bool with_finished);
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path, const SqliteOptions& options) {
  const std::string synchronous = Upper(options.synchronous);
  if (synchronous != "FULL" && synchronous != "NORMAL" &&
      synchronous != "OFF" && synchronous != "EXTRA") {
    return Fail(ErrorCode::kInvalidArgument,
                "synchronous must be FULL, NORMAL, OFF or EXTRA, not '" +
                    options.synchronous + "'");
  }
  if (options.busy_timeout_ms < 0) {
    return Fail(ErrorCode::kInvalidArgument, "busy_timeout_ms is negative");
  }
  // SQLite keeps allocation statistics behind a global mutex on every
  // malloc unless told otherwise before its first use; nothing here reads
  // them. Later calls (SQLite already in use) change nothing.
  static const bool kNoMemoryStatistics =
      sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)kNoMemoryStatistics;
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  // Log writes are gathered only where every commit syncs the log, and
  // then no transaction may write frames before its commit
  // (wal_write_buffer.h): the page cache does not spill.
  const char* vfs = options.gather_log_writes &&
                            (synchronous == "FULL" || synchronous == "EXTRA")
                        ? WalWriteBufferVfs()
                        : nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &impl->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    return Fail(ErrorCode::kIo,
                path + ": cannot open: " +
                    (impl->db != nullptr ? sqlite3_errmsg(impl->db)
                                         : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, options.busy_timeout_ms);
  if (vfs != nullptr) {
    if (auto r = impl->Pragma("PRAGMA cache_spill = OFF"); !r)
      return tl::unexpected(r.error());
  }
  // Refuse a newer file before changing anything in it.
  auto version = impl->UserVersion();
  if (!version) return tl::unexpected(version.error());
  if (*version > LatestSchemaVersion()) return impl->TooNew(*version);
  for (const std::string& pragma : {std::string("PRAGMA page_size = 1024"),
                                    std::string("PRAGMA journal_mode = WAL"),
                                    "PRAGMA synchronous = " + synchronous}) {
    if (auto r = impl->Pragma(pragma); !r) return tl::unexpected(r.error());
  }
  if (auto r = impl->Migrate(); !r) return tl::unexpected(r.error());
  if (options.checkpoint_in_background) {
    impl->checkpointer =
        WalCheckpointer::Start(path, options.busy_timeout_ms, synchronous);
  }
  sqlite3_wal_hook(impl->db, &Impl::OnWalCommit, impl.get());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

// Each migration runs in its own write transaction. The version is read again
// once the lock is held: another connection opening the same new file may have
// run the migration while this one waited.
Result<void> SqliteStore::Impl::Migrate() {
  const auto scripts = Migrations();
  for (;;) {
    auto version = UserVersion();
    if (!version) return tl::unexpected(version.error());
    if (*version > LatestSchemaVersion()) return TooNew(*version);
    if (*version == LatestSchemaVersion()) return {};
    if (auto r = Run("BEGIN IMMEDIATE"); !r) return r;
    auto locked = UserVersion();
    Result<void> step;
    if (!locked) {
      step = tl::unexpected(locked.error());
    } else if (*locked == *version) {
      step = Run(std::string(scripts[*version]));
      if (step) {
        step = Run("PRAGMA user_version = " + std::to_string(*version + 1));
      }
    }
    if (step) step = Run("COMMIT");
    if (!step) {
      Rollback();
      return Fail(step.error().code, "migration " +
                                         std::to_string(*version + 1) +
                                         " failed: " + step.error().message);
    }
  }
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

Result<void> SqliteStore::BeginWrite() {
  if (impl_->writing) return {};
  // Prepared once, like Commit's statements, but not counted among them.
  auto begin = impl_->Prepare("BEGIN IMMEDIATE");
  if (!begin) return tl::unexpected(begin.error());
  if (const int rc = begin->Step(); rc != SQLITE_DONE)
    return impl_->SqlError(rc);
  impl_->writing = true;
  return {};
}

void SqliteStore::EndWrite() {
  if (!impl_->writing) return;
  impl_->writing = false;
  impl_->Rollback();  // nothing was written since BeginWrite
}

Result<void> SqliteStore::Commit(const Batch& batch) {
  const bool locked = std::exchange(impl_->writing, false);
  if (batch.empty()) {
    if (locked) impl_->Rollback();
    return {};
  }
  Result<void> result;
  if (!locked) result = impl_->Execute("BEGIN IMMEDIATE");
  if (result) result = impl_->WriteBatch(batch);
  if (result) result = impl_->Execute("COMMIT");
  if (!result) impl_->Rollback();
  return result;
}

// Instances and the engine row first: their revision checks are what fails
// most often, and they fail before the rest is written.
Result<void> SqliteStore::Impl::WriteBatch(const Batch& batch) {
  for (const InstanceWrite& write : batch.instances) {
    if (auto r = WriteInstance(write); !r) return r;
  }
  if (auto r = WriteEngine(batch); !r) return r;
  for (const EventRecord& event : batch.events) {
    auto q = Prepare(
        "INSERT INTO events (seq, instance, at, count, data) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!q) return tl::unexpected(q.error());
    q->Id(event.seq)
        .Id(event.instance)
        .Int(event.at)
        .Int(event.count)
        .Blob(event.data);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  if (batch.write_start_timers) {
    if (auto r = Execute("DELETE FROM timers WHERE instance = 0"); !r) return r;
    for (const TimerRecord& timer : batch.start_timers) {
      if (auto r = InsertTimer(timer, 0); !r) return r;
    }
  }
  for (const DefinitionsRecord& definitions : batch.definitions) {
    auto q = Prepare(
        "INSERT INTO definitions (id, name, hash, xml, deployed_at) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!q) return tl::unexpected(q.error());
    q->Int(definitions.id)
        .Text(definitions.name)
        .Text(definitions.hash)
        .Text(definitions.xml)
        .Int(definitions.deployed_at);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  for (const ProcessRecord& process : batch.processes) {
    auto q = Prepare(
        "INSERT INTO processes (key, version, definitions_id) "
        "VALUES (?, ?, ?)");
    if (!q) return tl::unexpected(q.error());
    q->Text(process.key).Int(process.version).Int(process.definitions_id);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  for (const UserRecord& user : batch.users) {
    auto q =
        Prepare("INSERT OR REPLACE INTO users (user, roles) VALUES (?, ?)");
    if (!q) return tl::unexpected(q.error());
    q->Text(user.user).Text(EncodeList(user.roles));
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  for (const store::CalendarRecord& calendar : batch.calendars) {
    if (calendar.is_default) {
      if (auto r = Execute("UPDATE calendars SET is_default = 0"); !r) return r;
    }
    // Replacing a calendar's text without making it the default keeps
    // whatever it was.
    auto q = Prepare(
        "INSERT INTO calendars (name, yaml, is_default) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET yaml = excluded.yaml, "
        "is_default = MAX(is_default, excluded.is_default)");
    if (!q) return tl::unexpected(q.error());
    q->Text(calendar.name).Text(calendar.yaml).Int(calendar.is_default ? 1 : 0);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  for (const store::OutboxRecord& m : batch.outbox) {
    auto q = Prepare(
        "INSERT INTO outbox (id, at, instance, task, element_id, recipient, "
        "subject, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return tl::unexpected(q.error());
    q->Id(m.id)
        .Int(m.at)
        .Id(m.instance)
        .Id(m.task)
        .Text(m.element_id)
        .Text(m.recipient)
        .Text(m.subject)
        .Text(m.body);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  for (const store::SummaryRecord& s : batch.summaries) {
    auto q = Prepare(
        "INSERT OR REPLACE INTO summaries (instance, key, version, "
        "business_key, started_at, ended_at, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!q) return tl::unexpected(q.error());
    q->Id(s.instance)
        .Text(s.key)
        .Int(s.version)
        .Text(s.business_key)
        .Int(s.started_at)
        .Int(s.ended_at)
        .Blob(s.data);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  return {};
}

Result<std::int64_t> SqliteStore::Impl::InsertInstance(
    const InstanceRecord& record) {
  auto q = Prepare(
      "INSERT INTO instances (key, version, business_key, parent, "
      "started_at, state, updated_at, revision, snapshot, id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
  if (!q) return tl::unexpected(q.error());
  q->Text(record.key)
      .Int(record.version)
      .Text(record.business_key)
      .Id(record.parent)
      .Int(record.started_at)
      .Text(record.state)
      .Int(record.updated_at)
      .Int(record.revision)
      .Blob(record.snapshot)
      .Id(record.id);
  return Execute(*q);
}

// What an update can change: the rest of the row is fixed at the insert, so
// its indexes (business key) are not rewritten at every commit. The state
// (indexed too) is rewritten only when it changes: the first statement
// expects it unchanged, the second, run when the first finds no row (the
// instance finished, an incident), writes it. Both bind the same values.
Result<std::int64_t> SqliteStore::Impl::UpdateInstance(
    const InstanceWrite& write) {
  static constexpr std::string_view kUpdates[] = {
      "UPDATE instances SET updated_at = ?1, revision = ?2, snapshot = ?3 "
      "WHERE id = ?4 AND revision = ?5 AND state = ?6",
      "UPDATE instances SET updated_at = ?1, revision = ?2, snapshot = ?3, "
      "state = ?6 WHERE id = ?4 AND revision = ?5"};
  const InstanceRecord& record = write.instance;
  for (std::string_view sql : kUpdates) {
    auto q = Prepare(sql);
    if (!q) return tl::unexpected(q.error());
    q->Int(record.updated_at)
        .Int(record.revision)
        .Blob(record.snapshot)
        .Id(record.id)
        .Int(write.expected_revision)
        .Text(record.state);
    auto changes = Execute(*q);
    if (!changes || *changes != 0) return changes;
  }
  return 0;
}

Result<void> SqliteStore::Impl::WriteInstance(const InstanceWrite& write) {
  const InstanceRecord& record = write.instance;
  if (record.id == 0) return Fail(ErrorCode::kInvalidArgument, "instance id 0");
  const std::string name = "instance " + std::to_string(record.id);
  const bool is_new = write.expected_revision == 0;
  auto changes = is_new ? InsertInstance(record) : UpdateInstance(write);
  if (!changes) return tl::unexpected(changes.error());
  if (*changes == 0) {
    return Fail(
        ErrorCode::kConflict,
        name + (is_new ? ": already exists" : ": changed by another writer"));
  }
  if (!is_new && write.version_changed) {  // a migration, rare: its own row
    auto v = Prepare("UPDATE instances SET version = ? WHERE id = ?");
    if (!v) return tl::unexpected(v.error());
    v->Int(record.version).Id(record.id);
    if (auto r = Execute(*v); !r) return tl::unexpected(r.error());
  }
  // A new instance has no stored work items to replace.
  // Kinds the engine marks unchanged keep their rows.
  const unsigned rewrite = is_new ? 0u : ~write.unchanged;
  if (auto r = DeleteWork(record.id, rewrite); !r) return r;
  auto keep = [&](unsigned kind) { return (write.unchanged & kind) != 0; };
  using W = store::InstanceWrite;
  if (!keep(W::kTasks)) {
    if (auto r = SyncTasks(write, !is_new); !r) return r;
  }
  for (const TimerRecord& timer : write.timers) {
    if (keep(W::kTimers)) break;
    if (auto r = InsertTimer(timer, record.id); !r) return r;
  }
  for (const JobRecord& job : write.jobs) {
    if (keep(W::kJobs)) break;
    if (auto r = InsertJob(job, record.id); !r) return r;
  }
  for (const SubscriptionRecord& subscription : write.subscriptions) {
    if (keep(W::kSubscriptions)) break;
    if (auto r = InsertSubscription(subscription, record.id); !r) return r;
  }
  for (const IncidentRecord& incident : write.incidents) {
    if (keep(W::kIncidents)) break;
    if (auto r = InsertIncident(incident, record.id); !r) return r;
  }
  return {};
}

Result<void> SqliteStore::Impl::WriteEngine(const Batch& batch) {
  if (!batch.engine_data) return {};
  const std::int64_t expected = batch.expected_engine_revision;
  auto q =
      Prepare(expected == 0 ? "INSERT INTO engine (data, revision, id) "
                              "VALUES (?, ?, 1) ON CONFLICT (id) DO NOTHING"
                            : "UPDATE engine SET data = ?, revision = ? "
                              "WHERE id = 1 AND revision = ?");
  if (!q) return tl::unexpected(q.error());
  q->Blob(*batch.engine_data).Int(expected + 1);
  if (expected != 0) q->Int(expected);
  auto changes = Execute(*q);
  if (!changes) return tl::unexpected(changes.error());
  if (*changes == 0) {
    return Fail(ErrorCode::kConflict, "engine: changed by another writer");
  }
  return {};
}

Result<void> SqliteStore::Impl::DeleteWork(Id instance, unsigned kinds) {
  using W = store::InstanceWrite;
  static constexpr std::pair<unsigned, std::string_view> kDeletes[] = {
      {W::kTimers, "DELETE FROM timers WHERE instance = ?"},
      {W::kJobs, "DELETE FROM jobs WHERE instance = ?"},
      {W::kSubscriptions, "DELETE FROM subscriptions WHERE instance = ?"},
      {W::kIncidents, "DELETE FROM incidents WHERE instance = ?"},
  };
  for (auto [kind, sql] : kDeletes) {
    if ((kinds & kind) == 0) continue;
    auto q = Prepare(sql);
    if (!q) return tl::unexpected(q.error());
    q->Id(instance);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  return {};
}

Result<void> SqliteStore::Impl::InsertTask(const TaskRecord& task,
                                           Id instance) {
  {
    auto q = Prepare(
        "INSERT INTO tasks (id, instance, element_id, name, roles, "
        "candidate_users, assignee, created, due, follow_up) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return tl::unexpected(q.error());
    q->Id(task.id)
        .Id(instance)
        .Text(task.element_id)
        .Text(task.name)
        .Text(EncodeList(task.roles))
        .Text(EncodeList(task.candidate_users))
        .Text(task.assignee)
        .Int(task.created)
        .OptionalInt(task.due)
        .OptionalInt(task.follow_up);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  for (const std::string& role : task.roles) {
    // A role named twice in the list is one row. A role that is not UTF-8
    // is stored as the roles column reads back (U+FFFD for such bytes), so
    // that DeleteTask finds it from that column.
    const std::string as_stored =
        FindInvalidUtf8(role) == std::string::npos
            ? role
            : DecodeList(EncodeList({role}), "role").value().front();
    auto q = Prepare(
        "INSERT INTO task_roles (role, task_id) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!q) return tl::unexpected(q.error());
    q->Text(as_stored).Id(task.id);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  return {};
}

// A task's row and its role rows; `roles` is the row's JSON list.
Result<void> SqliteStore::Impl::DeleteTask(Id task, const std::string& roles) {
  auto list = DecodeList(roles, "task " + std::to_string(task) + " roles");
  if (!list) {  // a damaged row: find its role rows the slow way
    auto q = Prepare("DELETE FROM task_roles WHERE task_id = ?");
    if (!q) return tl::unexpected(q.error());
    q->Id(task);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  for (const std::string& role : list ? *list : std::vector<std::string>{}) {
    auto q = Prepare("DELETE FROM task_roles WHERE role = ? AND task_id = ?");
    if (!q) return tl::unexpected(q.error());
    q->Text(role).Id(task);
    if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  }
  auto row = Prepare("DELETE FROM tasks WHERE id = ?");
  if (!row) return tl::unexpected(row.error());
  row->Id(task);
  if (auto r = Execute(*row); !r) return tl::unexpected(r.error());
  return {};
}

// Most commits close one task and offer the next: comparing with the
// instance's few stored rows costs less than rewriting them and their index
// entries. The stored rows are those the writer says the expected revision
// stored, or else read (their ids and roles first; a row whose task is still
// open in full). A row is rewritten only when its task changed (a claim, a
// new due date).
Result<void> SqliteStore::Impl::SyncTasks(const InstanceWrite& write,
                                          bool has_rows) {
  const Id instance = write.instance.id;
  std::map<Id, const TaskRecord*> wanted;
  for (const TaskRecord& task : write.tasks) wanted[task.id] = &task;
  struct Stored {
    Id id;
    std::string roles;        // the row's JSON list
    const TaskRecord* known;  // the row as the writer knows it, or null
  };
  std::vector<Stored> stored;
  if (has_rows && write.stored_tasks) {
    for (const TaskRecord& task : *write.stored_tasks) {
      // A task named twice is one row (an instance has few).
      if (std::none_of(stored.begin(), stored.end(),
                       [&](const Stored& row) { return row.id == task.id; }))
        stored.push_back({task.id, EncodeList(task.roles), &task});
    }
  } else if (has_rows) {
    if (auto counted = Count(); !counted) return counted;
    auto q = Prepare("SELECT id, roles FROM tasks WHERE instance = ?");
    if (!q) return tl::unexpected(q.error());
    q->Id(instance);
    int rc = SQLITE_OK;
    while ((rc = q->Step()) == SQLITE_ROW)
      stored.push_back({q->ColumnId(0), q->ColumnText(1), nullptr});
    if (rc != SQLITE_DONE) return SqlError(rc);
  }
  for (const Stored& row : stored) {
    auto it = wanted.find(row.id);
    if (it != wanted.end()) {
      bool unchanged = false;
      if (row.known != nullptr) {
        unchanged = *row.known == *it->second;
      } else {
        if (auto counted = Count(); !counted) return counted;
        static const std::string kRow = std::string("SELECT ") +
                                        std::string(kTaskColumns) +
                                        " FROM tasks t WHERE t.id = ?";
        auto read = Select<TaskRecord>(kRow, ReadTask,
                                       [id = row.id](Query& q) { q.Id(id); });
        if (!read) return tl::unexpected(read.error());
        unchanged = read->size() == 1 && read->front() == *it->second;
      }
      if (unchanged) {
        wanted.erase(it);  // its rows and index entries stay
        continue;
      }
    }
    if (auto r = DeleteTask(row.id, row.roles); !r) return r;
  }
  for (const auto& [id, task] : wanted) {
    if (auto r = InsertTask(*task, instance); !r) return r;
  }
  return {};
}

Result<void> SqliteStore::Impl::InsertTimer(const TimerRecord& timer,
                                            Id instance) {
  auto q = Prepare(
      "INSERT INTO timers (id, instance, element_id, due) VALUES (?, ?, ?, ?)");
  if (!q) return tl::unexpected(q.error());
  q->Id(timer.id).Id(instance).Text(timer.element_id).Int(timer.due);
  if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  return {};
}

Result<void> SqliteStore::Impl::InsertJob(const JobRecord& job, Id instance) {
  auto q = Prepare(
      "INSERT INTO jobs (id, instance, element_id, type, retries, lock_owner, "
      "lock_expires) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!q) return tl::unexpected(q.error());
  q->Id(job.id)
      .Id(instance)
      .Text(job.element_id)
      .Text(job.type)
      .Int(job.retries)
      .Text(job.lock_owner)
      .Int(job.lock_expires);
  if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  return {};
}

Result<void> SqliteStore::Impl::InsertSubscription(
    const SubscriptionRecord& subscription, Id instance) {
  auto q = Prepare(
      "INSERT INTO subscriptions (id, instance, element_id, name, "
      "correlation_key, signal) VALUES (?, ?, ?, ?, ?, ?)");
  if (!q) return tl::unexpected(q.error());
  q->Id(subscription.id)
      .Id(instance)
      .Text(subscription.element_id)
      .Text(subscription.name)
      .Text(subscription.correlation_key)
      .Int(subscription.signal ? 1 : 0);
  if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  return {};
}

Result<void> SqliteStore::Impl::InsertIncident(const IncidentRecord& incident,
                                               Id instance) {
  auto q = Prepare(
      "INSERT INTO incidents (id, instance, element_id, message) "
      "VALUES (?, ?, ?, ?)");
  if (!q) return tl::unexpected(q.error());
  q->Id(incident.id)
      .Id(instance)
      .Text(incident.element_id)
      .Text(incident.message);
  if (auto r = Execute(*q); !r) return tl::unexpected(r.error());
  return {};
}

// Runs inside one read transaction, so every table is read at the same
// commit.
Result<StoredState> SqliteStore::Impl::LoadState(bool with_finished) {
  StoredState state;
  auto definitions = Select<DefinitionsRecord>(
      "SELECT id, name, hash, xml, deployed_at FROM definitions ORDER BY id",
      ReadDefinitions);
  if (!definitions) return tl::unexpected(definitions.error());
  state.definitions = std::move(*definitions);
  auto processes = Select<ProcessRecord>(
      "SELECT key, version, definitions_id FROM processes "
      "ORDER BY key, version",
      ReadProcess);
  if (!processes) return tl::unexpected(processes.error());
  state.processes = std::move(*processes);
  auto engine = Select<EngineRecord>(
      "SELECT data, revision FROM engine WHERE id = 1", ReadEngine);
  if (!engine) return tl::unexpected(engine.error());
  if (!engine->empty()) state.engine = std::move(engine->front());
  auto users = Select<UserRecord>("SELECT user, roles FROM users ORDER BY user",
                                  ReadUser);
  if (!users) return tl::unexpected(users.error());
  state.users = std::move(*users);
  auto calendars = Select<store::CalendarRecord>(
      "SELECT name, yaml, is_default FROM calendars ORDER BY name",
      ReadCalendar);
  if (!calendars) return tl::unexpected(calendars.error());
  state.calendars = std::move(*calendars);
  auto instances = Select<InstanceRecord>(
      with_finished
          ? "SELECT id, key, version, business_key, state, parent, "
            "started_at, updated_at, revision, snapshot FROM instances "
            "ORDER BY id"
          : "SELECT id, key, version, business_key, state, parent, "
            "started_at, updated_at, revision, snapshot FROM instances "
            "WHERE state NOT IN ('completed', 'terminated') ORDER BY id",
      ReadInstance);
  if (!instances) return tl::unexpected(instances.error());
  state.instances = std::move(*instances);
  return state;
}

Result<StoredState> SqliteStore::Load(bool with_finished) {
  // Inside BeginWrite's transaction the reads already see one state.
  if (impl_->writing) return impl_->LoadState(with_finished);
  if (auto r = impl_->Run("BEGIN"); !r) return tl::unexpected(r.error());
  auto state = impl_->LoadState(with_finished);
  impl_->Rollback();  // ends the read transaction; nothing was written
  return state;
}

Result<std::optional<InstanceRecord>> SqliteStore::LoadInstance(Id id) {
  auto rows = impl_->Select<InstanceRecord>(
      "SELECT id, key, version, business_key, state, parent, started_at, "
      "updated_at, revision, snapshot FROM instances WHERE id = ?",
      ReadInstance, [id](Query& q) { q.Id(id); });
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  return std::move(rows->front());
}

Result<std::vector<InstanceRecord>> SqliteStore::Instances(
    const std::string& state) {
  if (state.empty()) {
    return impl_->Select<InstanceRecord>(
        "SELECT id, key, version, business_key, state, parent, started_at, "
        "updated_at, revision, snapshot FROM instances ORDER BY id",
        ReadInstance);
  }
  return impl_->Select<InstanceRecord>(
      "SELECT id, key, version, business_key, state, parent, started_at, "
      "updated_at, revision, snapshot FROM instances WHERE state = ? "
      "ORDER BY id",
      ReadInstance, [&state](Query& q) { q.Text(state); });
}

Result<std::vector<EventRecord>> SqliteStore::History(Id instance) {
  if (instance == 0) {
    return impl_->Select<EventRecord>(
        "SELECT seq, instance, at, count, data FROM events "
        "ORDER BY seq",
        ReadEvent);
  }
  return impl_->Select<EventRecord>(
      "SELECT seq, instance, at, count, data FROM events "
      "WHERE instance = ? ORDER BY seq",
      ReadEvent, [instance](Query& q) { q.Id(instance); });
}

Result<std::vector<TaskRecord>> SqliteStore::Tasks(const TaskFilter& filter) {
  std::string sql = "SELECT ";
  sql += kTaskColumns;
  sql += " FROM tasks t";
  if (!filter.role.empty()) {
    sql += " JOIN task_roles r ON r.task_id = t.id AND r.role = ?";
  }
  sql += " WHERE 1";
  if (!filter.user.empty()) {
    sql +=
        " AND (t.assignee = ? OR EXISTS (SELECT 1 FROM "
        "json_each(t.candidate_users) c WHERE c.value = ?))";
  }
  if (filter.instance != 0) sql += " AND t.instance = ?";
  sql += " ORDER BY t.id";
  return impl_->Select<TaskRecord>(sql, ReadTask, [&filter](Query& q) {
    if (!filter.role.empty()) q.Text(filter.role);
    if (!filter.user.empty()) q.Text(filter.user).Text(filter.user);
    if (filter.instance != 0) q.Id(filter.instance);
  });
}

Result<std::vector<TimerRecord>> SqliteStore::Timers(Id instance) {
  if (instance == 0) {
    return impl_->Select<TimerRecord>(
        "SELECT id, instance, element_id, due FROM timers ORDER BY due, id",
        ReadTimer);
  }
  return impl_->Select<TimerRecord>(
      "SELECT id, instance, element_id, due FROM timers WHERE instance = ? "
      "ORDER BY due, id",
      ReadTimer, [instance](Query& q) { q.Id(instance); });
}

Result<std::vector<JobRecord>> SqliteStore::Jobs(const std::string& type) {
  if (type.empty()) {
    return impl_->Select<JobRecord>(
        "SELECT id, instance, element_id, type, retries, lock_owner, "
        "lock_expires FROM jobs ORDER BY id",
        ReadJob);
  }
  return impl_->Select<JobRecord>(
      "SELECT id, instance, element_id, type, retries, lock_owner, "
      "lock_expires FROM jobs WHERE type = ? ORDER BY id",
      ReadJob, [&type](Query& q) { q.Text(type); });
}

Result<std::vector<IncidentRecord>> SqliteStore::Incidents() {
  return impl_->Select<IncidentRecord>(
      "SELECT id, instance, element_id, message FROM incidents ORDER BY id",
      ReadIncident);
}

Result<std::vector<store::OutboxRecord>> SqliteStore::Outbox() {
  return impl_->Select<store::OutboxRecord>(
      "SELECT id, at, instance, task, element_id, recipient, subject, body "
      "FROM outbox ORDER BY id",
      ReadOutbox);
}

Result<std::vector<store::SummaryRecord>> SqliteStore::Summaries(
    const std::string& key) {
  auto read = [](const Query& q) -> Result<store::SummaryRecord> {
    return store::SummaryRecord{
        q.ColumnId(0),  q.ColumnText(1), q.ColumnInt(2), q.ColumnText(3),
        q.ColumnInt(4), q.ColumnInt(5),  q.ColumnBlob(6)};
  };
  constexpr const char* kColumns =
      "SELECT instance, key, version, business_key, started_at, ended_at, "
      "data FROM summaries ";
  if (key.empty()) {
    return impl_->Select<store::SummaryRecord>(
        std::string(kColumns) + "ORDER BY instance", read);
  }
  return impl_->Select<store::SummaryRecord>(
      std::string(kColumns) + "WHERE key = ? ORDER BY instance", read,
      [&key](Query& q) { q.Text(key); });
}

Result<std::vector<Id>> SqliteStore::FinishedWithoutSummary() {
  return impl_->Select<Id>(
      "SELECT id FROM instances WHERE state IN ('completed', 'terminated') "
      "AND id NOT IN (SELECT instance FROM summaries) ORDER BY id",
      [](const Query& q) -> Result<Id> { return q.ColumnId(0); });
}

Result<std::int64_t> SqliteStore::ExternalChanges() {
  auto q = impl_->Prepare("PRAGMA data_version");
  if (!q) return tl::unexpected(q.error());
  const int rc = q->Step();
  if (rc != SQLITE_ROW) return impl_->SqlError(rc);
  return q->ColumnInt(0);
}

Result<void> SqliteStore::SetMaxPageCount(std::int64_t pages) {
  if (pages < 1) {
    return Fail(ErrorCode::kInvalidArgument, "max page count must be >= 1");
  }
  auto rows = impl_->Pragma("PRAGMA max_page_count = " + std::to_string(pages));
  if (!rows) return tl::unexpected(rows.error());
  return {};
}

Result<std::string> SqliteStore::IntegrityCheck() {
  auto rows = impl_->Pragma("PRAGMA integrity_check");
  if (!rows) return tl::unexpected(rows.error());
  std::string result;
  for (const std::string& row : *rows) {
    if (!result.empty()) result += '\n';
    result += row;
  }
  return result;
}

SqliteStore::CheckpointStats SqliteStore::checkpoints() const {
  CheckpointStats stats;
  stats.inline_checkpoints = impl_->inline_checkpoints;
  if (impl_->checkpointer) {
    stats.background_passes = impl_->checkpointer->status().passes;
  }
  stats.wal_pages = impl_->wal_pages;
  return stats;
}

std::int64_t SqliteStore::statements_executed() const {
  return impl_->executed;
}

}  // namespace bpmn::persistence
