// Writes a recorded instance out as a scenario file (../shared/SCENARIOS.md)
// that `bpmnctl test` passes: production history becomes a regression test.
// Used by `bpmnctl replay --to-scenario` and its tests. Single-threaded.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "bpmn/result.h"
#include "replay/history_replay.h"

namespace bpmnctl {

struct WrittenScenario {
  std::vector<std::string> files;  // every file written, the scenario first
  std::size_t steps = 0;
  // What a scenario cannot say and was left out, one line each (also written
  // into the file as comments).
  std::vector<std::string> notes;
};

// Writes `recording` to `path` (replaced when it exists). `stored` is its
// replay against the recorded version: an input that replay did not run as a
// command (a signal thrown by the instance itself) is no step. `diagram` is
// the diagram file the scenario names (relative to it); when empty, the
// stored XML is written next to the scenario as KEY.vN.bpmn, and so are the
// definitions of called processes and the working calendar in force. A file
// beside it that exists with other content is refused (kConflict); an
// instance that started at a start event a scenario cannot name (a message,
// timer or second none start event) is refused (kState).
bpmn::Result<WrittenScenario> WriteScenario(const HistoryReplay& replay,
                                            const Recording& recording,
                                            const ReplayOutcome& stored,
                                            const std::string& path,
                                            const std::string& diagram);

}  // namespace bpmnctl
