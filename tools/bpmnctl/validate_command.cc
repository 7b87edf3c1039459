// `bpmnctl validate FILE...`: reads and validates each diagram and prints every
// finding as `FILE:LINE:COL: error|warning RULE [id] message`, or a JSON list
// with --json. Exit 0 without errors, 1 with any error. Single-threaded.
#include <iostream>
#include <nlohmann/json.hpp>

#include "bpmnctl/commands.h"
#include "parser/bpmn_reader.h"

namespace bpmnctl {

void AddValidateCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::vector<std::string> files;
    bool json = false;
    bool errors_only = false;
    std::size_t max_file_size = 16u << 20;
    std::uint32_t max_depth = 512;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("validate", "Check diagrams and report every problem");
  cmd->add_option("files", opts->files, "BPMN files")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", opts->json, "Print a JSON array of findings");
  cmd->add_flag("--errors-only", opts->errors_only, "Leave out warnings");
  cmd->add_option("--max-file-size", opts->max_file_size,
                  "Largest file accepted, in bytes")
      ->capture_default_str();
  cmd->add_option("--max-depth", opts->max_depth,
                  "Deepest element nesting accepted")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] {
    bpmn::parser::ReadOptions read_options;
    read_options.max_file_bytes = opts->max_file_size;
    read_options.max_depth = opts->max_depth;
    nlohmann::json findings = nlohmann::json::array();
    std::size_t errors = 0, warnings = 0;
    for (const auto& file : opts->files) {
      auto result = bpmn::parser::ReadBpmnFile(file, read_options);
      for (const auto& d : result.diagnostics) {
        const bool is_error = d.severity == bpmn::Severity::kError;
        (is_error ? errors : warnings)++;
        if (!is_error && opts->errors_only) continue;
        if (opts->json) {
          findings.push_back({{"file", file},
                              {"line", d.line},
                              {"column", d.column},
                              {"severity", is_error ? "error" : "warning"},
                              {"rule", d.rule},
                              {"element_id", d.element_id},
                              {"message", d.message}});
        } else {
          std::cout << bpmn::FormatDiagnostic(file, d) << "\n";
        }
      }
    }
    if (opts->json) {
      std::cout << findings.dump(2) << "\n";
    } else {
      std::cout << opts->files.size()
                << (opts->files.size() == 1 ? " file" : " files") << ", "
                << errors << (errors == 1 ? " error" : " errors") << ", "
                << warnings << (warnings == 1 ? " warning" : " warnings")
                << "\n";
    }
    exit_code = errors > 0 ? kExitRefused : kExitOk;
  });
}

}  // namespace bpmnctl
