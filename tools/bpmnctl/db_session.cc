// The shared plumbing of the database verbs (db_session.h).
#include "bpmnctl/db_session.h"

#include <cstdlib>
#include <iostream>

#include "bpmnctl/commands.h"
#include "expr/value.h"
#include "model/iso8601.h"
#include "model/timer_spec.h"

namespace bpmnctl {

void AddDbOptions(CLI::App* verb, DbOptions& options) {
  const char* env = std::getenv("BPMN_DB");
  options.db = env && *env ? env : "bpmn.db";
  verb->add_option("--db", options.db,
                   "the database file (default ./bpmn.db, or $BPMN_DB)");
  verb->add_flag("--json", options.json, "print JSON");
  verb->add_flag("--fire-due", options.fire_due,
                 "fire the timers due now (real clock) before the command");
}

std::unique_ptr<Session> OpenSession(const DbOptions& options) {
  auto session = std::make_unique<Session>();
  auto store = bpmn::persistence::SqliteStore::Open(options.db);
  if (!store) {
    Refused(options, store.error());
    return nullptr;
  }
  session->store = std::move(*store);
  auto engine = bpmn::engine::Engine::Open(*session->store, session->clock);
  if (!engine) {
    Refused(options, engine.error());
    return nullptr;
  }
  session->engine = std::move(*engine);
  if (options.fire_due) {
    if (auto fired = session->engine->FireDue(); !fired) {
      Refused(options, fired.error());
      return nullptr;
    }
  }
  return session;
}

int Refused(const DbOptions& options, const bpmn::Error& error) {
  std::string kind(bpmn::ErrorCodeName(error.code));
  if (options.json) {
    nlohmann::json out = {{"error", kind}, {"message", error.message}};
    if (!error.element_id.empty()) out["element_id"] = error.element_id;
    std::cout << out.dump() << "\n";
  } else {
    std::cerr << "bpmnctl: refused (" << kind << "): " << error.ToString()
              << "\n";
  }
  return error.code == bpmn::ErrorCode::kInvalidArgument ? kExitUsage
                                                         : kExitRefused;
}

bpmn::Error UsageError(std::string message) {
  return bpmn::Error{
      bpmn::ErrorCode::kInvalidArgument, std::move(message), {}, 0, 0};
}

bpmn::Result<bpmn::runtime::Variables> ParseVars(const std::string& text) {
  bpmn::runtime::Variables vars;
  if (text.empty()) return vars;
  std::string error;
  auto value = bpmn::expr::FromJson(text, &error);
  if (!value) return tl::unexpected(UsageError(error));
  if (value->type() != bpmn::expr::Value::Type::kContext)
    return tl::unexpected(UsageError("--vars must be a JSON object"));
  for (const auto& [k, v] : value->context()) vars[k] = v;
  return vars;
}

bpmn::Result<std::chrono::milliseconds> ParseDurationOption(
    const std::string& option, const std::string& text) {
  auto d = bpmn::model::ParseIsoDuration(text);
  if (!d) return tl::unexpected(UsageError(option + ": " + d.error().message));
  return std::chrono::milliseconds(d->FixedMilliseconds());
}

std::string FormatMillis(bpmn::store::Millis ms) {
  return bpmn::model::FormatTimePoint(
      bpmn::TimePoint(std::chrono::milliseconds(ms)));
}

nlohmann::json ValueJson(const bpmn::expr::Value& v) {
  return nlohmann::json::parse(bpmn::expr::ToJson(v), nullptr, false);
}

nlohmann::json InstanceJson(const bpmn::store::InstanceRecord& r) {
  return {{"id", r.id},
          {"key", r.key},
          {"version", r.version},
          {"business_key", r.business_key},
          {"state", r.state},
          {"parent", r.parent},
          {"started_at", FormatMillis(r.started_at)},
          {"updated_at", FormatMillis(r.updated_at)}};
}

nlohmann::json TaskJson(const bpmn::store::TaskRecord& t) {
  return {{"id", t.id},
          {"instance_id", t.instance},
          {"element_id", t.element_id},
          {"name", t.name},
          {"roles", t.roles},
          {"candidate_users", t.candidate_users},
          {"assignee", t.assignee},
          {"created", FormatMillis(t.created)},
          {"due", t.due ? nlohmann::json(FormatMillis(*t.due))
                        : nlohmann::json(nullptr)},
          {"follow_up", t.follow_up ? nlohmann::json(FormatMillis(*t.follow_up))
                                    : nlohmann::json(nullptr)}};
}

void Print(const DbOptions& options, const nlohmann::json& json,
           const std::string& text) {
  if (options.json) {
    std::cout << json.dump() << "\n";
  } else {
    std::cout << text;
  }
}

}  // namespace bpmnctl
