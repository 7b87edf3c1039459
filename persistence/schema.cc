// The migration scripts of SqliteStore (schema.h). Every column is NOT NULL
// except tasks.due (NULL: no due date): the store writes empty strings and
// zeros, so a reader never has to tell NULL from empty. Lists of strings
// (tasks.roles, tasks.candidate_users, users.roles) are JSON arrays;
// task_roles repeats a task's roles one per row so that "tasks offered to
// role R" is an index lookup.
#include "persistence/schema.h"

#include <array>

namespace bpmn::persistence {
namespace {

// Migration 1: the tables.
constexpr std::string_view kTables = R"sql(
CREATE TABLE definitions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  xml TEXT NOT NULL,
  deployed_at INTEGER NOT NULL
);
CREATE TABLE processes (
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  definitions_id INTEGER NOT NULL,
  PRIMARY KEY (key, version)
);
CREATE TABLE instances (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  business_key TEXT NOT NULL,
  state TEXT NOT NULL,
  parent INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  snapshot BLOB NOT NULL
);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  instance INTEGER NOT NULL,
  at INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  instance INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  name TEXT NOT NULL,
  roles TEXT NOT NULL,
  candidate_users TEXT NOT NULL,
  assignee TEXT NOT NULL,
  created INTEGER NOT NULL,
  due INTEGER
);
CREATE TABLE task_roles (
  task_id INTEGER NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (task_id, role)
) WITHOUT ROWID;
CREATE TABLE timers (
  id INTEGER PRIMARY KEY,
  instance INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  due INTEGER NOT NULL
);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  instance INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  type TEXT NOT NULL,
  retries INTEGER NOT NULL,
  lock_owner TEXT NOT NULL,
  lock_expires INTEGER NOT NULL
);
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  instance INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  name TEXT NOT NULL,
  correlation_key TEXT NOT NULL,
  signal INTEGER NOT NULL
);
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  instance INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE TABLE engine (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  data BLOB NOT NULL,
  revision INTEGER NOT NULL
);
CREATE TABLE users (
  user TEXT PRIMARY KEY,
  roles TEXT NOT NULL
);
)sql";

// Migration 2: the indexes behind the queries, and behind the per-instance
// deletes every commit runs (without them a commit scans whole tables).
constexpr std::string_view kIndexes = R"sql(
CREATE INDEX instances_state ON instances (state);
CREATE INDEX instances_business_key ON instances (business_key);
CREATE INDEX events_instance ON events (instance, seq);
CREATE INDEX tasks_instance ON tasks (instance);
CREATE INDEX tasks_assignee ON tasks (assignee);
CREATE INDEX tasks_due ON tasks (due);
CREATE INDEX task_roles_role ON task_roles (role, task_id);
CREATE INDEX timers_due ON timers (due, id);
CREATE INDEX timers_instance ON timers (instance);
CREATE INDEX jobs_type ON jobs (type, id);
CREATE INDEX jobs_instance ON jobs (instance);
CREATE INDEX subscriptions_name ON subscriptions (name, correlation_key);
CREATE INDEX subscriptions_instance ON subscriptions (instance);
CREATE INDEX incidents_instance ON incidents (instance);
)sql";

// Migration 3: working calendars, the notification outbox, follow-up dates.
constexpr std::string_view kCalendarsAndOutbox = R"sql(
ALTER TABLE tasks ADD COLUMN follow_up INTEGER;
CREATE TABLE calendars (
  name TEXT PRIMARY KEY,
  yaml TEXT NOT NULL,
  is_default INTEGER NOT NULL
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  instance INTEGER NOT NULL,
  task INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL
);
)sql";

// Migration 4: a summary of each finished instance, for the report.
constexpr std::string_view kSummaries = R"sql(
CREATE TABLE summaries (
  instance INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  business_key TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX summaries_key ON summaries (key, started_at);
)sql";

constexpr std::array<std::string_view, 4> kMigrations = {
    kTables, kIndexes, kCalendarsAndOutbox, kSummaries};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

}  // namespace bpmn::persistence
