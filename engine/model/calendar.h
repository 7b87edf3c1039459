// Working calendars: a time zone, working hours per weekday, holidays, and
// dates whose hours differ from their weekday's (shortened pre-holiday days,
// working days moved to a weekend). A duration "in working time" is added by
// walking the working intervals day by day in local time and converting each
// interval to UTC through the tz database, so a due time across a DST change
// or a holiday is exact. Read from YAML (SCENARIOS.md, "Calendars").
// Immutable once made; thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bpmn/clock.h"
#include "bpmn/result.h"
#include "model/timer_spec.h"

namespace bpmn::model {

// A working interval of one day: minutes since local midnight, from < to.
struct WorkingHours {
  std::int32_t from = 0;
  std::int32_t to = 0;
};

struct CalendarData {
  std::string name;
  std::string zone = "UTC";  // IANA name
  // Monday first.
  std::array<std::vector<WorkingHours>, 7> week;
  std::set<std::int32_t> holidays;  // local dates, days since 1970-01-01
  std::map<std::int32_t, std::vector<WorkingHours>> dates;  // overrides
};

class Calendar {
 public:
  // Checks the zone and the intervals.
  static Result<std::shared_ptr<const Calendar>> Make(CalendarData data);
  // The YAML form:
  //   zone: Europe/Moscow
  //   week: { mon: "09:00-13:00, 14:00-18:00", ..., fri: "09:00-17:00" }
  //   holidays: [2026-01-01, 2026-01-02]
  //   dates: { 2026-04-30: "09:00-13:00, 14:00-17:00" }
  // Errors name the line and the key.
  static Result<std::shared_ptr<const Calendar>> FromYaml(std::string_view text,
                                                          std::string name);
  // Every hour of every day, in UTC: the "24x7" calendar.
  static std::shared_ptr<const Calendar> AlwaysOpen();

  const std::string& name() const { return data_.name; }
  const std::string& zone() const { return data_.zone; }

  // `start` plus `work` of working time. Nothing when the calendar has no
  // working time left within ten years.
  std::optional<TimePoint> AddWorkingTime(TimePoint start,
                                          std::chrono::milliseconds work) const;
  bool IsWorking(TimePoint t) const;
  // An ISO 8601 duration read as working time: a day is the longest
  // weekday's working hours (8 for a 5x8 calendar), a week the whole week's,
  // a month 21 working days, a year 12 months; hours and less as they are.
  std::chrono::milliseconds WorkingLength(const Duration& d) const;
  std::optional<TimePoint> AddWorking(TimePoint start,
                                      const Duration& d) const {
    return AddWorkingTime(start, WorkingLength(d));
  }

 private:
  explicit Calendar(CalendarData data, const void* zone)
      : data_(std::move(data)), zone_(zone) {}
  const std::vector<WorkingHours>& HoursOf(std::int32_t local_day) const;

  CalendarData data_;
  const void* zone_;  // the date::time_zone, kept out of this header
};

}  // namespace bpmn::model
