// The migration scripts of SqliteStore (schema.h). Every column is NOT NULL
// except tasks.due (NULL: no due date): the store writes empty strings and
// zeros, so a reader never has to tell NULL from empty. Lists of strings
// (tasks.roles, tasks.candidate_users, users.roles) are JSON arrays;
// task_roles repeats a task's roles one per row, keyed by role, so that
// "tasks offered to role R" is an index lookup.
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

// Migration 5: fewer index entries per task. Task roles are keyed by role
// (the work-list lookup) and deleted by (role, task) from the task row's own
// list, so they need no second index; assignee and due are indexed only for
// tasks that have them (most open tasks are unclaimed and many have no due
// date).
constexpr std::string_view kLeanerTaskIndexes = R"sql(
CREATE TABLE task_roles_by_role (
  role TEXT NOT NULL,
  task_id INTEGER NOT NULL,
  PRIMARY KEY (role, task_id)
) WITHOUT ROWID;
INSERT INTO task_roles_by_role (role, task_id)
  SELECT role, task_id FROM task_roles;
DROP TABLE task_roles;
ALTER TABLE task_roles_by_role RENAME TO task_roles;
DROP INDEX tasks_assignee;
CREATE INDEX tasks_assignee ON tasks (assignee) WHERE assignee <> '';
DROP INDEX tasks_due;
CREATE INDEX tasks_due ON tasks (due) WHERE due IS NOT NULL;
)sql";

constexpr std::array<std::string_view, 5> kMigrations = {
    kTables, kIndexes, kCalendarsAndOutbox, kSummaries, kLeanerTaskIndexes};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

}  // namespace bpmn::persistence
