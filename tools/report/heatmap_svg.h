// The report drawn on the diagram: a self-contained SVG (no scripts, no
// external files) of a process from its own layout (BPMN DI), each flow node
// coloured by the mean time spent there and labelled with its counts, each
// sequence flow with how often it was taken. `bpmnctl report --svg`.
// Pure function; thread-safe.
#pragma once

#include <string>

#include "bpmn/result.h"
#include "model/definitions.h"
#include "report/stage_report.h"

namespace bpmn::report {

// Fails (kInvalidArgument) when the diagram has no layout for the process.
Result<std::string> HeatmapSvg(const ProcessReport& report,
                               const model::Definitions& definitions);

}  // namespace bpmn::report
