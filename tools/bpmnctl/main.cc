// bpmnctl: the command line of the BPMN engine. Parses arguments with CLI11,
// runs one verb, and turns any escaped exception (a bug) into exit code 3.
// Single-threaded.
#include <exception>
#include <iostream>

#include "bpmnctl/commands.h"
#include "bpmnctl/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"bpmnctl: validate, explain and run BPMN 2.0 diagrams",
               "bpmnctl"};
  app.set_version_flag("--version", std::string("bpmnctl ") + BPMN_VERSION);
  app.require_subcommand(1);
  int exit_code = bpmnctl::kExitOk;
  bpmnctl::AddValidateCommand(app, exit_code);
  bpmnctl::AddExplainCommand(app, exit_code);
  bpmnctl::AddEvalCommand(app, exit_code);
  bpmnctl::AddTestCommand(app, exit_code);
  bpmnctl::AddInstanceCommands(app, exit_code);
  bpmnctl::AddWorkCommands(app, exit_code);
  bpmnctl::AddEventCommands(app, exit_code);
  bpmnctl::AddUsersCommand(app, exit_code);
  bpmnctl::AddRunCommand(app, exit_code);
  bpmnctl::AddCalendarCommands(app, exit_code);
  bpmnctl::AddDocumentsCommand(app, exit_code);
  bpmnctl::AddMigrateCommand(app, exit_code);
  bpmnctl::AddReplayCommand(app, exit_code);
  bpmnctl::AddReportCommand(app, exit_code);
  if (!bpmnctl::SetUpLogging("", "warn")) return bpmnctl::kExitUsage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? bpmnctl::kExitOk : bpmnctl::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "bpmnctl: internal error: " << e.what() << "\n";
    return bpmnctl::kExitInternal;
  }
  return exit_code;
}
