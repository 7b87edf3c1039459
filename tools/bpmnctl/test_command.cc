// `bpmnctl test PATH... [--junit FILE] [--coverage] [--trace] [--store S]`:
// runs every
// *.scenario.yaml named or found under the folders named, prints PASS/FAIL per
// scenario with each mismatch, and ends with `N passed, M failed`. Exit 0 when
// nothing failed, 1 when something did, 2 for unusable arguments or unreadable
// files. Single-threaded.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "bpmn/xml_escape.h"
#include "bpmnctl/commands.h"
#include "parser/bpmn_reader.h"
#include "scenario/scenario_runner.h"

namespace bpmnctl {
namespace {

namespace fs = std::filesystem;

void WriteJunit(const std::string& file,
                const std::vector<ScenarioResult>& results) {
  std::ofstream out(file);
  std::size_t failures =
      std::count_if(results.begin(), results.end(),
                    [](const ScenarioResult& r) { return !r.passed; });
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite "
         "name=\"scenarios\" tests=\""
      << results.size() << "\" failures=\"" << failures << "\">\n";
  for (const auto& r : results) {
    out << "  <testcase classname=\"" << bpmn::EscapeXml(r.file) << "\" name=\""
        << bpmn::EscapeXml(r.name) << "\" time=\"" << r.seconds << "\"";
    if (r.passed) {
      out << "/>\n";
      continue;
    }
    out << ">\n    <failure message=\""
        << bpmn::EscapeXml(r.failures.empty() ? "" : r.failures[0]) << "\">";
    for (const auto& f : r.failures) out << bpmn::EscapeXml(f) << "\n";
    out << "</failure>\n  </testcase>\n";
  }
  out << "</testsuite>\n";
}

void PrintCoverage(const std::vector<ScenarioResult>& results) {
  std::map<std::string, std::set<std::string>> covered;
  for (const auto& r : results)
    for (const auto& [file, ids] : r.covered)
      covered[file].insert(ids.begin(), ids.end());
  for (const auto& [file, ids] : covered) {
    auto read = bpmn::parser::ReadBpmnFile(file);
    if (!read.definitions) continue;
    std::vector<std::string> all, missed;
    for (const auto& n : read.definitions->nodes()) all.push_back(n.id);
    for (const auto& f : read.definitions->flows()) all.push_back(f.id);
    for (const auto& id : all)
      if (!ids.count(id)) missed.push_back(id);
    std::cout << "coverage " << file << ": " << (all.size() - missed.size())
              << " of " << all.size()
              << " flow nodes and sequence flows passed\n";
    for (const auto& id : missed) std::cout << "  never passed: " << id << "\n";
  }
}

}  // namespace

void AddTestCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::vector<std::string> paths;
    std::string junit;
    bool coverage = false;
    bool trace = false;
    std::string store = "memory";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("test", "Run scenario files (*.scenario.yaml)");
  cmd->add_option("paths", opts->paths, "Scenario files or folders")
      ->required();
  cmd->add_option("--junit", opts->junit, "Write JUnit XML to this file");
  cmd->add_flag("--coverage", opts->coverage,
                "Print which flow nodes and flows were passed");
  cmd->add_flag("--trace", opts->trace, "Print every event as it happens");
  cmd->add_option("--store", opts->store,
                  "memory (default), sqlite (a temporary file), or reopen "
                  "(sqlite, closed and opened again after every step)")
      ->check(CLI::IsMember({"memory", "sqlite", "reopen"}));
  cmd->callback([opts, &exit_code] {
    std::vector<std::string> files;
    for (const auto& p : opts->paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        for (const auto& e : fs::recursive_directory_iterator(p)) {
          std::string name = e.path().filename().string();
          if (e.is_regular_file() && name.size() > 14 &&
              name.substr(name.size() - 14) == ".scenario.yaml") {
            files.push_back(e.path().string());
          }
        }
      } else if (fs::is_regular_file(p, ec)) {
        files.push_back(p);
      } else {
        std::cerr << "bpmnctl test: no such file or folder: " << p << "\n";
        exit_code = kExitUsage;
        return;
      }
    }
    std::sort(files.begin(), files.end());
    std::vector<ScenarioResult> results;
    bool unusable = false;
    ScenarioOptions options;
    options.trace = opts->trace;
    options.store = opts->store == "sqlite"   ? StoreMode::kSqlite
                    : opts->store == "reopen" ? StoreMode::kSqliteReopen
                                              : StoreMode::kMemory;
    for (const auto& f : files) {
      ScenarioResult r = RunScenario(f, options);
      unusable = unusable || r.unusable;
      std::cout << (r.passed ? "PASS " : "FAIL ") << r.name << "\n";
      for (const auto& line : r.trace) std::cout << "  | " << line << "\n";
      for (const auto& failure : r.failures)
        std::cout << "  " << f << ": " << failure << "\n";
      results.push_back(std::move(r));
    }
    std::size_t failed =
        std::count_if(results.begin(), results.end(),
                      [](const ScenarioResult& r) { return !r.passed; });
    if (opts->coverage) PrintCoverage(results);
    if (!opts->junit.empty()) WriteJunit(opts->junit, results);
    std::cout << (results.size() - failed) << " passed, " << failed
              << " failed\n";
    exit_code = unusable ? kExitUsage : failed > 0 ? kExitRefused : kExitOk;
  });
}

}  // namespace bpmnctl
