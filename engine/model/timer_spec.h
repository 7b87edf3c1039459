// Timer values parsed from ISO 8601 at deploy time: a date-time, a duration, or
// a repeating cycle (`R3/PT10H`, `R/2026-01-01T09:00:00Z/P1D`), or an
// expression evaluated later. Plain value types; thread-safe to read.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "model/expression.h"

namespace bpmn::model {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// An ISO 8601 duration, field by field: months and years are calendar units and
// only turn into milliseconds against a start date.
struct Duration {
  std::int64_t years = 0, months = 0, weeks = 0, days = 0;
  std::int64_t hours = 0, minutes = 0;
  std::int64_t milliseconds = 0;  // seconds and their fraction
  bool negative = false;

  bool HasCalendarUnits() const { return years != 0 || months != 0; }
  // The length in milliseconds, counting a day as 24 hours; years and months
  // are not counted.
  std::int64_t FixedMilliseconds() const;
  bool IsZero() const;
  // Back to ISO 8601 ("P1DT2H").
  std::string ToIso() const;
  // "2 days 4 hours" for people.
  std::string Describe() const;
  // `start` plus this duration, calendar units applied on the UTC calendar.
  TimePoint AddTo(TimePoint start) const;
};

enum class TimerKind : std::uint8_t { kDate, kDuration, kCycle };

struct TimerSpec {
  TimerKind kind = TimerKind::kDuration;
  Expression source;  // the text as written, with its dialect
  // Filled when the source is a literal (not an expression):
  bool literal = false;
  std::optional<TimePoint> date;  // kDate, and a cycle's start
  std::optional<TimePoint> end;   // a cycle's end
  Duration duration;              // kDuration, and a cycle's interval
  std::int64_t repetitions = -1;  // a cycle's count; -1 for unbounded

  // "at 2026-03-02 06:00:00 UTC", "after 2 days", "every 1 day from ..., 3
  // times"
  std::string Describe() const;
};

std::string FormatTimePoint(
    TimePoint t);  // ISO 8601 in UTC, "2026-03-02T06:00:00Z"

}  // namespace bpmn::model
