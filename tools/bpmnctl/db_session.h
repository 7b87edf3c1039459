// What every verb on a database file shares: the options `--db FILE` (default
// ./bpmn.db, or $BPMN_DB), `--json` and `--fire-due`; opening the SQLite store
// and the engine on the real clock; reading `--vars JSON`; printing records as
// text or JSON; and turning an engine error into its exit code (1, with the
// error kind) . Single-threaded.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bpmn/clock.h"
#include "bpmn/result.h"
#include "facade/engine.h"
#include "persistence/sqlite_store.h"

namespace bpmnctl {

struct DbOptions {
  std::string db;
  bool json = false;
  bool fire_due = false;
};

// Adds --db, --json and --fire-due to a verb.
void AddDbOptions(CLI::App* verb, DbOptions& options);

// An open database: the store and the engine on it.
struct Session {
  std::unique_ptr<bpmn::persistence::SqliteStore> store;
  std::unique_ptr<bpmn::engine::Engine> engine;
  bpmn::SystemClock clock;
};

// Opens the database (creating it when new) and, with --fire-due, fires the
// timers that are due. On failure prints the error and returns nothing.
std::unique_ptr<Session> OpenSession(const DbOptions& options);

// Prints the error (text on stderr, or {"error": kind, "message": ...} on
// stdout with --json) and returns the exit code for it.
int Refused(const DbOptions& options, const bpmn::Error& error);

// `--vars` JSON text (an object) as variables; a usage error
// (kInvalidArgument) when it is not.
bpmn::Result<bpmn::runtime::Variables> ParseVars(const std::string& text);
// An ISO 8601 duration option (`--ttl`, `--lock-for`) in milliseconds.
bpmn::Result<std::chrono::milliseconds> ParseDurationOption(
    const std::string& option, const std::string& text);
// A usage error with this message.
bpmn::Error UsageError(std::string message);

// Records as JSON.
nlohmann::json InstanceJson(const bpmn::store::InstanceRecord& r);
nlohmann::json TaskJson(const bpmn::store::TaskRecord& t);
nlohmann::json ValueJson(const bpmn::expr::Value& v);
std::string FormatMillis(bpmn::store::Millis ms);

// Prints JSON with --json, or else the text.
void Print(const DbOptions& options, const nlohmann::json& json,
           const std::string& text);

}  // namespace bpmnctl
