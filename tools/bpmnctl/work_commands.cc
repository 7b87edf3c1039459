// Verbs about user tasks on a database file: `tasks [--role R] [--user U]
// [--instance I]`, `claim TASK --by U`, `complete TASK --by U [--vars JSON]`.
// `--role` and `--instance` read the store's task index; `--user` asks the
// engine for the user's work list (tasks assigned to them, offered to a role
// they hold, or naming them as a candidate). Single-threaded.
#include <iostream>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"
#include "model/definitions.h"

namespace bpmnctl {
namespace {

using nlohmann::json;

std::string TaskLine(const bpmn::store::TaskRecord& t) {
  std::string roles;
  for (const auto& r : t.roles) roles += (roles.empty() ? "" : ",") + r;
  return std::to_string(t.id) + "  instance " + std::to_string(t.instance) +
         "  " + t.element_id + (t.name.empty() ? "" : " (" + t.name + ")") +
         "  roles=" + roles +
         (t.assignee.empty() ? "" : "  assignee=" + t.assignee) +
         (t.due ? "  due " + FormatMillis(*t.due) : "") + "\n";
}

int Tasks(const DbOptions& o, const std::string& role, const std::string& user,
          bpmn::runtime::Id instance, bool overdue) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  std::vector<bpmn::store::TaskRecord> tasks;
  if (!user.empty()) {
    for (const auto& ref : session->engine->runtime().TasksForUser(user)) {
      const auto& t = *ref.task;
      const auto& n = ref.instance->node(t.node);
      if (instance && ref.instance->id != instance) continue;
      if (!role.empty() &&
          std::find(t.roles.begin(), t.roles.end(),
                    bpmn::model::NormalizeRole(role)) == t.roles.end())
        continue;
      tasks.push_back(
          {t.id, ref.instance->id, n.id, n.name, t.roles, t.candidate_users,
           t.assignee, t.created.time_since_epoch().count(),
           t.due ? std::optional<bpmn::store::Millis>(
                       t.due->time_since_epoch().count())
                 : std::nullopt,
           t.follow_up ? std::optional<bpmn::store::Millis>(
                             t.follow_up->time_since_epoch().count())
                       : std::nullopt});
    }
  } else {
    bpmn::store::TaskFilter filter;
    filter.role = role.empty() ? role : bpmn::model::NormalizeRole(role);
    filter.instance = instance;
    auto list = session->store->Tasks(filter);
    if (!list) return Refused(o, list.error());
    tasks = std::move(*list);
  }
  if (overdue) {
    const auto now = session->clock.Now().time_since_epoch().count();
    std::erase_if(tasks, [&](const bpmn::store::TaskRecord& t) {
      return !t.due || *t.due >= now;
    });
  }
  json out = json::array();
  std::string text;
  for (const auto& t : tasks) {
    out.push_back(TaskJson(t));
    text += TaskLine(t);
  }
  Print(o, out, text);
  return kExitOk;
}

int Claim(const DbOptions& o, bpmn::runtime::Id task, const std::string& by) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  if (auto done = session->engine->ClaimTask(task, by); !done)
    return Refused(o, done.error());
  Print(o, json{{"task", task}, {"assignee", by}},
        "task " + std::to_string(task) + " claimed by " + by + "\n");
  return kExitOk;
}

int Complete(const DbOptions& o, bpmn::runtime::Id task, const std::string& by,
             const std::string& vars) {
  auto variables = ParseVars(vars);
  if (!variables) return Refused(o, variables.error());
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  if (auto done = session->engine->CompleteTask(task, by, *variables); !done)
    return Refused(o, done.error());
  Print(o, json{{"task", task}, {"completed_by", by}},
        "task " + std::to_string(task) + " completed by " + by + "\n");
  return kExitOk;
}

}  // namespace

void AddWorkCommands(CLI::App& app, int& exit_code) {
  static DbOptions tasks_o, claim_o, complete_o;
  static std::string role, user;
  static bpmn::runtime::Id instance = 0;
  auto* tasks = app.add_subcommand("tasks", "list open user tasks");
  AddDbOptions(tasks, tasks_o);
  tasks->add_option("--role", role, "offered to this role");
  tasks->add_option("--user", user, "the work list of this user");
  tasks->add_option("--instance", instance, "of this instance");
  static bool overdue = false;
  tasks->add_flag("--overdue", overdue, "only tasks past their due time");
  tasks->callback(
      [&] { exit_code = Tasks(tasks_o, role, user, instance, overdue); });

  static bpmn::runtime::Id claim_task = 0, complete_task = 0;
  static std::string claim_by, complete_by, vars;
  auto* claim = app.add_subcommand("claim", "claim a user task");
  AddDbOptions(claim, claim_o);
  claim->add_option("task", claim_task, "the task id")->required();
  claim->add_option("--by", claim_by, "the user")->required();
  claim->callback([&] { exit_code = Claim(claim_o, claim_task, claim_by); });

  auto* complete = app.add_subcommand("complete", "complete a user task");
  AddDbOptions(complete, complete_o);
  complete->add_option("task", complete_task, "the task id")->required();
  complete->add_option("--by", complete_by, "the user")->required();
  complete->add_option("--vars", vars, "variables as a JSON object");
  complete->callback([&] {
    exit_code = Complete(complete_o, complete_task, complete_by, vars);
  });
}

}  // namespace bpmnctl
