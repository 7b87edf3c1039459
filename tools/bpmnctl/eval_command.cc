// `bpmnctl eval EXPRESSION [--vars JSON] [--now ISO] [--zone ZONE]`: compiles
// and evaluates one expression and prints the result as JSON (exit 0), or the
// error on stderr (exit 1). Single-threaded.
#include <iostream>

#include "bpmnctl/commands.h"
#include "expr/expression.h"
#include "model/iso8601.h"

namespace bpmnctl {

void AddEvalCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string expression;
    std::string vars = "{}";
    std::string now = "2026-01-05T09:00:00Z";
    std::string zone = "UTC";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Evaluate a FEEL (=..., or bare) or JUEL (${...}) expression");
  cmd->add_option("expression", opts->expression, "The expression")->required();
  cmd->add_option("--vars", opts->vars, "Variables as a JSON object")
      ->capture_default_str();
  cmd->add_option("--now", opts->now,
                  "The time now() and today() see (ISO 8601)")
      ->capture_default_str();
  cmd->add_option("--zone", opts->zone, "The time zone of now() and today()")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] {
    std::string json_error;
    auto vars = bpmn::expr::FromJson(opts->vars, &json_error);
    if (!vars || vars->type() != bpmn::expr::Value::Type::kContext) {
      std::cerr << "bpmnctl eval: --vars must be a JSON object"
                << (json_error.empty() ? "" : ": " + json_error) << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto now = bpmn::model::ParseIsoDateTime(opts->now);
    if (!now) {
      std::cerr << "bpmnctl eval: --now: " << now.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto compiled = bpmn::expr::Expression::Compile(opts->expression);
    if (!compiled) {
      std::cerr << "error: " << compiled.error().message << "\n";
      exit_code = kExitRefused;
      return;
    }
    bpmn::expr::EvalOptions options;
    options.now = *now;
    options.zone = opts->zone;
    bpmn::expr::ContextVariables variables(*vars);
    auto result = compiled->Evaluate(variables, options);
    if (!result) {
      std::cerr << "error: " << result.error().message << "\n";
      exit_code = kExitRefused;
      return;
    }
    std::cout << bpmn::expr::ToJson(*result) << "\n";
    exit_code = kExitOk;
  });
}

}  // namespace bpmnctl
