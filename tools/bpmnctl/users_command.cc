// `users add USER ROLE...` and `users list`: the identity table on a database
// file. Once it has a user, completing a task needs one of the task's roles.
// Single-threaded.
#include <iostream>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"

namespace bpmnctl {
namespace {

using nlohmann::json;

int AddUser(const DbOptions& o, const std::string& user,
            const std::vector<std::string>& roles) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  if (auto done = session->engine->SetUserRoles(user, roles); !done)
    return Refused(o, done.error());
  Print(o, json{{"user", user}, {"roles", roles}}, "user " + user + " added\n");
  return kExitOk;
}

int ListUsers(const DbOptions& o) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto state = session->store->Load(false);
  if (!state) return Refused(o, state.error());
  json out = json::array();
  std::string text;
  for (const auto& u : state->users) {
    out.push_back({{"user", u.user}, {"roles", u.roles}});
    std::string roles;
    for (const auto& r : u.roles) roles += (roles.empty() ? "" : ", ") + r;
    text += u.user + ": " + roles + "\n";
  }
  Print(o, out, text);
  return kExitOk;
}

}  // namespace

void AddUsersCommand(CLI::App& app, int& exit_code) {
  static DbOptions add_o, list_o;
  static std::string user;
  static std::vector<std::string> roles;
  auto* users = app.add_subcommand("users", "the identity table");
  users->require_subcommand(1);
  auto* add = users->add_subcommand("add", "add a user or replace their roles");
  AddDbOptions(add, add_o);
  add->add_option("user", user, "the user name")->required();
  add->add_option("roles", roles, "the roles the user holds")->required();
  add->callback([&] { exit_code = AddUser(add_o, user, roles); });
  auto* list = users->add_subcommand("list", "list the users and their roles");
  AddDbOptions(list, list_o);
  list->callback([&] { exit_code = ListUsers(list_o); });
}

}  // namespace bpmnctl
