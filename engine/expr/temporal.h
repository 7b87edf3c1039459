// FEEL's temporal values: parsing from ISO 8601 text (also `@Zone` ids),
// canonical text, calendar arithmetic and time zones from the tz database
// (HowardHinnant date). Internal to the expression module. Pure functions;
// thread-safe (the tz database is read-only after its first load).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "expr/value.h"

namespace bpmn::expr::temporal {

std::optional<Date> ParseDate(std::string_view text);
std::optional<Time> ParseTime(std::string_view text);
// A date and time; a bare date is midnight local.
std::optional<DateTime> ParseDateTime(std::string_view text);
// "P1DT2H" -> days-time, "P1Y2M" -> years-months; mixed or invalid -> null
// Value.
Value ParseDuration(std::string_view text);

std::string FormatDate(const Date& d);
std::string FormatTime(const Time& t);
std::string FormatDateTime(const DateTime& t);
std::string FormatDaysTime(const DaysTimeDuration& d);
std::string FormatYearsMonths(const YearsMonthsDuration& d);

// Offset of `zone` (IANA name) at the wall-clock time `local_ms`; nothing for
// an unknown zone.
std::optional<std::int32_t> ZoneOffsetAtLocal(const std::string& zone,
                                              std::int64_t local_ms);
// Wall clock of `zone` at the instant `utc_ms`.
std::optional<DateTime> InZone(const std::string& zone, std::int64_t utc_ms);
bool IsKnownZone(const std::string& zone);

DateTime AtMidnight(const Date& d);
Date DateOf(const DateTime& t);
Time TimeOf(const DateTime& t);
DateTime Combine(const Date& d, const Time& t);

// Arithmetic; null when the operands do not fit (FEEL's null).
Value Add(const Value& a, const Value& b);
Value Subtract(const Value& a, const Value& b);

// A property of a temporal value (`year`, `weekday`, `hours`, ...); null when
// it has none.
Value Property(const Value& v, std::string_view name);

}  // namespace bpmn::expr::temporal
