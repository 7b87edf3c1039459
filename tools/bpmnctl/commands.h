// The verbs of bpmnctl, each registering itself on the CLI11 app and running
// when chosen. Called from main.cc only; single-threaded.
#pragma once

#include <CLI/CLI.hpp>

namespace bpmnctl {

// Exit codes shared by every verb (README, "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused =
    1;  // errors found, or the operation was refused
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// Each Add* returns a pointer to the verb's result, filled when the verb ran.
void AddValidateCommand(CLI::App& app, int& exit_code);
void AddExplainCommand(CLI::App& app, int& exit_code);
void AddEvalCommand(CLI::App& app, int& exit_code);
void AddTestCommand(CLI::App& app, int& exit_code);
// Verbs on a database file (--db): instance_commands.cc, work_commands.cc,
// event_commands.cc, users_command.cc, run_command.cc.
void AddInstanceCommands(CLI::App& app, int& exit_code);
void AddWorkCommands(CLI::App& app, int& exit_code);
void AddEventCommands(CLI::App& app, int& exit_code);
void AddUsersCommand(CLI::App& app, int& exit_code);
void AddRunCommand(CLI::App& app, int& exit_code);
void AddCalendarCommands(CLI::App& app, int& exit_code);
void AddDocumentsCommand(CLI::App& app, int& exit_code);
// migrate_command.cc
void AddMigrateCommand(CLI::App& app, int& exit_code);
// replay_command.cc
void AddReplayCommand(CLI::App& app, int& exit_code);
void AddReportCommand(CLI::App& app, int& exit_code);

}  // namespace bpmnctl
