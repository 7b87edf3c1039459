// The report (stage_report.h) as a reader wants it: aligned text tables for
// a terminal, JSON for programs (the web page reads the same), CSV for a
// spreadsheet. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "report/stage_report.h"

namespace bpmn::report {

// "2d 4h", "3h 12m", "4m 10s", "12s", "350ms".
std::string FormatDuration(double ms);

std::string ReportText(const Report& report);
nlohmann::json ReportJson(const Report& report);
// One row per node, flow and role, told apart by the first column.
std::string ReportCsv(const Report& report);

}  // namespace bpmn::report
