// Verbs about definitions and instances on a database file: `deploy FILE...`,
// `start KEY`, `instances [--state S]`, `show INSTANCE`, `history INSTANCE`.
// Single-threaded.
#include <fstream>
#include <iostream>
#include <sstream>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"
#include "expr/value.h"
#include "model/timer_spec.h"
#include "runtime/event.h"
#include "runtime/migration.h"

namespace bpmnctl {
namespace {

using nlohmann::json;

int Deploy(const DbOptions& o, const std::vector<std::string>& files) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  json out = json::array();
  std::string text;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
      return Refused(
          o,
          bpmn::Fail(bpmn::ErrorCode::kIo, file + ": cannot be read").value());
    std::ostringstream xml;
    xml << in.rdbuf();
    auto deployed = session->engine->Deploy(file, xml.str());
    if (!deployed) return Refused(o, deployed.error());
    for (const auto& d : *deployed) {
      out.push_back({{"file", file},
                     {"key", d.key},
                     {"version", d.version},
                     {"new_version", d.new_version},
                     {"warnings", d.warnings}});
      for (const auto& w : d.warnings)
        std::cerr << "bpmnctl: warning: " << w << "\n";
      text += file + ": " + d.key + " version " + std::to_string(d.version) +
              (d.new_version ? "" : " (unchanged)") + "\n";
    }
  }
  Print(o, out, text);
  return kExitOk;
}

std::string InstanceLine(const bpmn::store::InstanceRecord& r) {
  return std::to_string(r.id) + "  " + r.key + " v" +
         std::to_string(r.version) + "  " + r.state +
         (r.business_key.empty() ? "" : "  " + r.business_key) + "\n";
}

int Start(const DbOptions& o, const std::string& key, const std::string& vars,
          const std::string& business_key) {
  auto variables = ParseVars(vars);
  if (!variables) return Refused(o, variables.error());
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto id = session->engine->Start(key, *variables, business_key);
  if (!id) return Refused(o, id.error());
  auto record = session->store->LoadInstance(*id);
  if (!record || !*record)
    return Refused(
        o,
        bpmn::Fail(bpmn::ErrorCode::kNotFound, "instance not stored").value());
  Print(o, InstanceJson(**record), InstanceLine(**record));
  return kExitOk;
}

int Instances(const DbOptions& o, const std::string& state) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto list = session->store->Instances(state);
  if (!list) return Refused(o, list.error());
  json out = json::array();
  std::string text;
  for (const auto& r : *list) {
    out.push_back(InstanceJson(r));
    text += InstanceLine(r);
  }
  Print(o, out, text);
  return kExitOk;
}

int Show(const DbOptions& o, bpmn::runtime::Id id) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto record = session->store->LoadInstance(id);
  if (!record) return Refused(o, record.error());
  if (!*record)
    return Refused(o, bpmn::Fail(bpmn::ErrorCode::kNotFound,
                                 "no instance " + std::to_string(id))
                          .value());
  auto state = session->engine->ReadInstance(id);
  if (!state) return Refused(o, state.error());
  const auto& s = **state;
  json out = InstanceJson(**record);
  std::string text = InstanceLine(**record);
  json waiting = json::array();
  for (const auto& [tid, t] : s.tokens) {
    if (t.state == bpmn::runtime::TokenState::kWaiting ||
        t.state == bpmn::runtime::TokenState::kJoined) {
      waiting.push_back(s.node(t.node).id);
      text += "  waits at " + s.node(t.node).id + "\n";
    }
  }
  out["waiting"] = waiting;
  json vars = json::object();
  if (!s.scopes.empty())
    for (const auto& [k, v] : s.scopes.front().variables) {
      vars[k] = ValueJson(v);
      text += "  " + k + " = " + bpmn::expr::ToJson(v) + "\n";
    }
  out["variables"] = vars;
  bpmn::store::TaskFilter filter;
  filter.instance = id;
  json tasks = json::array();
  if (auto list = session->store->Tasks(filter))
    for (const auto& t : *list) {
      tasks.push_back(TaskJson(t));
      text += "  task " + std::to_string(t.id) + " " + t.element_id + "\n";
    }
  out["tasks"] = tasks;
  // Timer events, and the deadlines of tasks (due times, escalation steps).
  json timers = json::array();
  json deadlines = json::array();
  for (const auto& t : s.timers) {
    if (!t.open) continue;
    const std::string due = bpmn::model::FormatTimePoint(t.due);
    if (t.task == bpmn::runtime::kNoId) {
      timers.push_back(
          {{"id", t.id}, {"element_id", s.node(t.node).id}, {"due", due}});
      text += "  timer " + std::to_string(t.id) + " " + s.node(t.node).id +
              " due " + due + "\n";
    } else {
      deadlines.push_back({{"task_id", t.task},
                           {"element_id", s.node(t.node).id},
                           {"step", t.step},
                           {"at", due}});
      text += "  deadline of task " + std::to_string(t.task) + " at " + due +
              (t.step < 0 ? " (due)" : " (escalation step)") + "\n";
    }
  }
  out["timers"] = timers;
  out["deadlines"] = deadlines;
  json incidents = json::array();
  for (const auto& i : s.incidents) {
    std::string element =
        i.node == bpmn::model::kNoIndex ? "" : s.node(i.node).id;
    incidents.push_back(
        {{"id", i.id}, {"element_id", element}, {"message", i.message}});
    text += "  incident " + std::to_string(i.id) + " " + element + ": " +
            i.message + "\n";
  }
  out["incidents"] = incidents;
  json escalations = json::array();
  for (const auto& x : s.escalations) {
    escalations.push_back({{"task_id", x.task},
                           {"element_id", s.node(x.node).id},
                           {"at", bpmn::model::FormatTimePoint(x.at)},
                           {"what", x.what},
                           {"roles", x.roles},
                           {"assignee", x.assignee},
                           {"late_minutes", x.late_ms / 60000}});
    text += "  escalation " + s.node(x.node).id + " at " +
            bpmn::model::FormatTimePoint(x.at) + ": " + x.what + "\n";
  }
  out["escalations"] = escalations;
  Print(o, out, text);
  return kExitOk;
}

int History(const DbOptions& o, bpmn::runtime::Id id) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto state = session->engine->ReadInstance(id);
  if (!state) return Refused(o, state.error());
  auto events = session->engine->History(id);
  if (!events) return Refused(o, events.error());
  // Events before a migration name elements of the version it left.
  const auto definitions =
      session->engine->DefinitionsOfHistory(*events, (*state)->definitions);
  json out = json::array();
  std::string text;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const auto& e = (*events)[i];
    const bpmn::model::Definitions& defs = *definitions[i];
    std::string type(bpmn::runtime::EventTypeName(e.type));
    // Indices from the history are checked against the definitions.
    std::string element = e.node < defs.nodes().size()   ? defs.node(e.node).id
                          : e.flow < defs.flows().size() ? defs.flow(e.flow).id
                                                         : "";
    std::string at = bpmn::model::FormatTimePoint(e.at);
    json entry = {
        {"seq", e.seq}, {"type", type}, {"element_id", element}, {"at", at}};
    if (e.item) entry["item"] = e.item;
    if (e.token) entry["token"] = e.token;
    if (e.type == bpmn::runtime::EventType::kTaskClosed ||
        e.type == bpmn::runtime::EventType::kTaskClaimed ||
        e.type == bpmn::runtime::EventType::kIncidentRaised)
      entry["text"] = e.text;
    std::string detail;
    if (e.type == bpmn::runtime::EventType::kInstanceMigrated) {
      entry["from_version"] = bpmn::runtime::MigratedFromVersion(e);
      entry["to_version"] = e.number2;
      detail = "  " + e.text + " v" +
               std::to_string(bpmn::runtime::MigratedFromVersion(e)) + " -> v" +
               std::to_string(e.number2);
    }
    out.push_back(entry);
    text += std::to_string(e.seq) + "  " + at + "  " + type +
            (element.empty() ? "" : "  " + element) + detail + "\n";
  }
  Print(o, out, text);
  return kExitOk;
}

}  // namespace

void AddInstanceCommands(CLI::App& app, int& exit_code) {
  static DbOptions deploy_o, start_o, list_o, show_o, history_o;
  static std::vector<std::string> files;
  auto* deploy = app.add_subcommand("deploy", "deploy BPMN files");
  AddDbOptions(deploy, deploy_o);
  deploy->add_option("files", files, "BPMN files")->required();
  deploy->callback([&] { exit_code = Deploy(deploy_o, files); });

  static std::string key, vars, business_key;
  auto* start = app.add_subcommand("start", "start an instance of a process");
  AddDbOptions(start, start_o);
  start->add_option("key", key, "the process id")->required();
  start->add_option("--vars", vars, "variables as a JSON object");
  start->add_option("--business-key", business_key, "the business key");
  start->callback([&] { exit_code = Start(start_o, key, vars, business_key); });

  static std::string state;
  auto* list = app.add_subcommand("instances", "list instances");
  AddDbOptions(list, list_o);
  list->add_option("--state", state,
                   "active, completed, terminated or incident")
      ->check(CLI::IsMember({"active", "completed", "terminated", "incident"}));
  list->callback([&] { exit_code = Instances(list_o, state); });

  static bpmn::runtime::Id show_id = 0, history_id = 0;
  auto* show = app.add_subcommand(
      "show", "where an instance waits, its variables, tasks, timers");
  AddDbOptions(show, show_o);
  show->add_option("instance", show_id, "the instance id")->required();
  show->callback([&] { exit_code = Show(show_o, show_id); });

  auto* history =
      app.add_subcommand("history", "the events of an instance, in order");
  AddDbOptions(history, history_o);
  history->add_option("instance", history_id, "the instance id")->required();
  history->callback([&] { exit_code = History(history_o, history_id); });
}

}  // namespace bpmnctl
