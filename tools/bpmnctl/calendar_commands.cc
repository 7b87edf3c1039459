// `calendars add FILE [--name N] [--default]`, `calendars list`: the working
// calendars of a database (model/calendar.h), and `outbox`: the
// notifications escalation policies wrote. Single-threaded.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"

namespace bpmnctl {
namespace {

using nlohmann::json;

int AddCalendar(const DbOptions& o, const std::string& file, std::string name,
                bool make_default) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return Refused(
        o, bpmn::Fail(bpmn::ErrorCode::kIo, file + ": cannot be read").value());
  std::ostringstream text;
  text << in.rdbuf();
  if (name.empty()) name = std::filesystem::path(file).stem().string();
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  if (auto added = session->engine->AddCalendar(name, text.str(), make_default);
      !added)
    return Refused(o, added.error());
  Print(o, json{{"calendar", name}, {"default", make_default}},
        "calendar " + name + (make_default ? " (default)" : "") + " added\n");
  return kExitOk;
}

int ListCalendars(const DbOptions& o) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto state = session->store->Load(false);
  if (!state) return Refused(o, state.error());
  json out = json::array();
  std::string text;
  for (const auto& c : state->calendars) {
    out.push_back({{"name", c.name}, {"default", c.is_default}});
    text += c.name + (c.is_default ? " (default)" : "") + "\n";
  }
  Print(o, out, text);
  return kExitOk;
}

int Outbox(const DbOptions& o) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto list = session->store->Outbox();
  if (!list) return Refused(o, list.error());
  json out = json::array();
  std::string text;
  for (const auto& m : *list) {
    out.push_back({{"id", m.id},
                   {"at", FormatMillis(m.at)},
                   {"instance_id", m.instance},
                   {"task_id", m.task},
                   {"element_id", m.element_id},
                   {"recipient", m.recipient},
                   {"subject", m.subject},
                   {"body", m.body}});
    text += FormatMillis(m.at) + "  to " + m.recipient + ": " + m.subject +
            "\n  " + m.body + "\n";
  }
  Print(o, out, text);
  return kExitOk;
}

}  // namespace

void AddCalendarCommands(CLI::App& app, int& exit_code) {
  static DbOptions add_o, list_o, outbox_o;
  static std::string file, name;
  static bool make_default = false;
  auto* calendars = app.add_subcommand("calendars", "working calendars");
  calendars->require_subcommand(1);
  auto* add = calendars->add_subcommand(
      "add", "add or replace a calendar from its YAML file");
  AddDbOptions(add, add_o);
  add->add_option("file", file, "the calendar's YAML file")->required();
  add->add_option("--name", name, "its name (default: the file's name)");
  add->add_flag("--default", make_default,
                "in force for processes that name no calendar");
  add->callback(
      [&] { exit_code = AddCalendar(add_o, file, name, make_default); });
  auto* list = calendars->add_subcommand("list", "list the calendars");
  AddDbOptions(list, list_o);
  list->callback([&] { exit_code = ListCalendars(list_o); });

  auto* outbox = app.add_subcommand(
      "outbox", "notifications written by escalation policies");
  AddDbOptions(outbox, outbox_o);
  outbox->callback([&] { exit_code = Outbox(outbox_o); });
}

}  // namespace bpmnctl
