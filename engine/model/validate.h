// Semantic validation of Definitions: the graph rules named like bpmnlint's and
// the engine's own execution rules. Rules that would stop a process from
// running are errors in executable processes (and what they call); in other
// processes every finding is a warning. Pure; thread-safe.
#pragma once

#include <vector>

#include "bpmn/diagnostic.h"
#include "model/definitions.h"

namespace bpmn::model {

std::vector<Diagnostic> Validate(const Definitions& definitions);

// Per process index: whether execution rules apply to it (isExecutable="true",
// or called by a call activity of a process they apply to).
std::vector<bool> ExecutableProcesses(const Definitions& definitions);

}  // namespace bpmn::model
