// ISO 8601 as BPMN timers and due dates write it: date-times with an offset or
// `Z`, durations
// (`P2DT4H`, `PT0.5S`, `P1W`), and repeating intervals (`R3/PT10H`,
// `R/2026-01-01T09:00:00Z/P1D`,
// `R2/2026-01-01T09:00:00Z/2026-01-03T09:00:00Z`). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bpmn/result.h"
#include "model/timer_spec.h"

namespace bpmn::model {

// A date-time; without an offset it is read as UTC. A bare date is midnight
// UTC.
Result<TimePoint> ParseIsoDateTime(std::string_view text);
Result<Duration> ParseIsoDuration(std::string_view text);
// Fills a literal TimerSpec of `kind` from `text`; the error says what was
// expected.
Result<TimerSpec> ParseTimer(TimerKind kind, std::string_view text);

}  // namespace bpmn::model
