// The SQLite schema of SqliteStore as numbered migrations: script N takes a
// database from `PRAGMA user_version` N-1 to N. SqliteStore::Open runs the
// missing ones, each in its own transaction; tests run them by hand to build
// old databases. Constant data; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace bpmn::persistence {

// The migration scripts in order: Migrations()[0] is migration 1. A script that
// has shipped is never edited; a change of schema is a new script at the end.
std::span<const std::string_view> Migrations();

// The user_version of a database that has run every migration.
inline int LatestSchemaVersion() {
  return static_cast<int>(Migrations().size());
}

}  // namespace bpmn::persistence
