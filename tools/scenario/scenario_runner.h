// Runs scenario files (../shared/SCENARIOS.md): a scripted run of a diagram
// with a simulated clock, its steps and expectations checked against the
// interpreter. Used by `bpmnctl test`; AdvanceTo also by `bpmnctl replay`.
// Single-threaded.
#pragma once

#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "bpmn/result.h"

namespace bpmn::engine {
class Engine;
}  // namespace bpmn::engine

namespace bpmnctl {

struct ScenarioResult {
  std::string file;
  std::string name;
  bool passed = false;
  bool unusable = false;  // the file could not be read or understood at all
  std::vector<std::string> failures;  // "step 3 (line 17): ..." each
  std::vector<std::string> trace;     // every event, with --trace
  // For --coverage: diagram file -> ids of flow nodes and sequence flows
  // passed.
  std::vector<std::pair<std::string, std::vector<std::string>>> covered;
  double seconds = 0;
};

// Where the engine keeps its state while a scenario runs: in memory, in a
// SQLite file, or in a SQLite file closed and opened again after every step
// (a restart at every wait state). All three give the same event log.
enum class StoreMode { kMemory, kSqlite, kSqliteReopen };

struct ScenarioOptions {
  bool trace = false;
  StoreMode store = StoreMode::kMemory;
  // The SQLite file; empty for a temporary one removed after the run.
  std::string database;
};

ScenarioResult RunScenario(const std::string& path,
                           const ScenarioOptions& options);

// Moves `clock` forward to `target`, stopping at each due timer in turn and
// firing it, so a timer that a fired one sets fires too when it falls due
// before `target` (the steps `advance` and `advance_to`; `bpmnctl replay`
// between recorded inputs). The clock ends at `target` also when a firing
// failed; the first failure is returned.
bpmn::Result<void> AdvanceTo(bpmn::engine::Engine& engine,
                             bpmn::ManualClock& clock, bpmn::TimePoint target);

}  // namespace bpmnctl
