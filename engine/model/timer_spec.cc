// Arithmetic and descriptions of ISO 8601 durations and timer specs
// (timer_spec.h). Pure functions; thread-safe.
#include "model/timer_spec.h"

#include <date/date.h>

namespace bpmn::model {
namespace {

void AppendUnit(std::string& out, std::int64_t n, const char* unit) {
  if (n == 0) return;
  if (!out.empty()) out += ' ';
  out += std::to_string(n) + ' ' + unit;
  if (n != 1) out += 's';
}

}  // namespace

std::int64_t Duration::FixedMilliseconds() const {
  std::int64_t ms =
      milliseconds +
      1000 * (60 * (minutes + 60 * (hours + 24 * (days + 7 * weeks))));
  return negative ? -ms : ms;
}

bool Duration::IsZero() const {
  return years == 0 && months == 0 && FixedMilliseconds() == 0;
}

std::string Duration::ToIso() const {
  std::string out = negative ? "-P" : "P";
  if (years) out += std::to_string(years) + "Y";
  if (months) out += std::to_string(months) + "M";
  if (weeks) out += std::to_string(weeks) + "W";
  if (days) out += std::to_string(days) + "D";
  if (hours || minutes || milliseconds) {
    out += "T";
    if (hours) out += std::to_string(hours) + "H";
    if (minutes) out += std::to_string(minutes) + "M";
    if (milliseconds) {
      out += std::to_string(milliseconds / 1000);
      if (milliseconds % 1000) {
        std::string frac = std::to_string(1000 + milliseconds % 1000).substr(1);
        while (frac.back() == '0') frac.pop_back();
        out += "." + frac;
      }
      out += "S";
    }
  }
  if (out.size() == 1 + (negative ? 1 : 0)) out += "T0S";
  return out;
}

std::string Duration::Describe() const {
  std::string out;
  AppendUnit(out, years, "year");
  AppendUnit(out, months, "month");
  AppendUnit(out, weeks, "week");
  AppendUnit(out, days, "day");
  AppendUnit(out, hours, "hour");
  AppendUnit(out, minutes, "minute");
  if (milliseconds % 1000 == 0) {
    AppendUnit(out, milliseconds / 1000, "second");
  } else {
    AppendUnit(out, milliseconds, "millisecond");
  }
  if (out.empty()) out = "0 seconds";
  return negative ? "minus " + out : out;
}

TimePoint Duration::AddTo(TimePoint start) const {
  const int sign = negative ? -1 : 1;
  TimePoint t = start;
  if (HasCalendarUnits()) {
    auto day = date::floor<date::days>(t);
    auto time_of_day = t - day;
    date::year_month_day ymd{day};
    ymd += date::months{sign * (years * 12 + months)};
    // Clamp to the month's last day (Jan 31 + P1M = Feb 28/29), as java.time
    // does.
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / date::last;
    t = TimePoint{date::sys_days{ymd}} + time_of_day;
  }
  Duration fixed = *this;
  fixed.years = fixed.months = 0;
  return t + std::chrono::milliseconds(fixed.FixedMilliseconds());
}

std::string FormatTimePoint(TimePoint t) {
  auto secs = date::floor<std::chrono::seconds>(t);
  if (secs == t) return date::format("%FT%TZ", secs);
  return date::format("%FT%TZ", t);
}

std::string TimerSpec::Describe() const {
  if (!literal) {
    std::string what = kind == TimerKind::kDate       ? "at the date"
                       : kind == TimerKind::kDuration ? "after the duration"
                                                      : "on the cycle";
    return what + " given by the " + std::string(DialectName(source.dialect)) +
           " expression " + source.text;
  }
  switch (kind) {
    case TimerKind::kDate:
      return "at " + FormatTimePoint(*date);
    case TimerKind::kDuration:
      return "after " + duration.Describe();
    case TimerKind::kCycle: {
      std::string out = "every " + duration.Describe();
      if (date) out += " from " + FormatTimePoint(*date);
      if (repetitions >= 0) {
        out += ", " + std::to_string(repetitions) +
               (repetitions == 1 ? " time" : " times");
      } else {
        out += ", without end";
      }
      if (end) out += ", until " + FormatTimePoint(*end);
      return out;
    }
  }
  return source.text;
}

}  // namespace bpmn::model
