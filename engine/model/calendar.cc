// Working calendars (calendar.h), on HowardHinnant date's tz database and
// yaml-cpp.
#include "model/calendar.h"

#include <date/tz.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>

namespace bpmn::model {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

const date::time_zone* Zone(const void* z) {
  return static_cast<const date::time_zone*>(z);
}

// "09:00-13:00, 14:00-18:00" (or "off"/"" for none).
std::optional<std::vector<WorkingHours>> ParseHours(std::string_view text) {
  std::vector<WorkingHours> out;
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  if (text.empty() || text == "off") return out;
  auto minute_of = [](std::string_view hm) -> std::optional<std::int32_t> {
    if (hm.size() != 5 || hm[2] != ':') return std::nullopt;
    int h = 0, m = 0;
    if (std::from_chars(hm.data(), hm.data() + 2, h).ec != std::errc() ||
        std::from_chars(hm.data() + 3, hm.data() + 5, m).ec != std::errc())
      return std::nullopt;
    if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
      return std::nullopt;
    return h * 60 + m;
  };
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view part = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view()
                                           : text.substr(comma + 1);
    std::size_t dash = part.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto from = minute_of(trim(part.substr(0, dash)));
    auto to = minute_of(trim(part.substr(dash + 1)));
    if (!from || !to || *from >= *to) return std::nullopt;
    out.push_back({*from, *to});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.from < b.from; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].from < out[i - 1].to) return std::nullopt;  // overlapping
  return out;
}

std::optional<std::int32_t> ParseDate(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  if (std::from_chars(text.data(), text.data() + 4, y).ec != std::errc() ||
      std::from_chars(text.data() + 5, text.data() + 7, m).ec != std::errc() ||
      std::from_chars(text.data() + 8, text.data() + 10, d).ec != std::errc())
    return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<std::int32_t>(
      date::sys_days(ymd).time_since_epoch().count());
}

}  // namespace

Result<std::shared_ptr<const Calendar>> Calendar::Make(CalendarData data) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(data.zone);
  } catch (const std::exception&) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "calendar '" + data.name + "': unknown time zone '" + data.zone + "'");
  }
  auto check = [&](const std::vector<WorkingHours>& hours) {
    for (const auto& h : hours)
      if (h.from < 0 || h.to > 24 * 60 || h.from >= h.to) return false;
    return true;
  };
  for (const auto& day : data.week)
    if (!check(day))
      return Fail(ErrorCode::kInvalidArgument,
                  "calendar '" + data.name + "': bad working hours");
  for (const auto& [d, hours] : data.dates)
    if (!check(hours))
      return Fail(ErrorCode::kInvalidArgument,
                  "calendar '" + data.name + "': bad working hours");
  return std::shared_ptr<const Calendar>(new Calendar(std::move(data), zone));
}

Result<std::shared_ptr<const Calendar>> Calendar::FromYaml(
    std::string_view text, std::string name) {
  CalendarData data;
  data.name = std::move(name);
  auto fail = [&](const YAML::Node& at, const std::string& what) {
    return Fail(ErrorCode::kInvalidArgument,
                "calendar '" + data.name + "', line " +
                    std::to_string(at.Mark().line + 1) + ": " + what);
  };
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    if (!doc.IsMap())
      return Fail(ErrorCode::kInvalidArgument,
                  "calendar '" + data.name + "': a calendar is a YAML map");
    static const char* kDays[] = {"mon", "tue", "wed", "thu",
                                  "fri", "sat", "sun"};
    for (const auto& kv : doc) {
      const std::string key = kv.first.as<std::string>();
      if (key == "zone") {
        data.zone = kv.second.as<std::string>();
      } else if (key == "week") {
        if (!kv.second.IsMap()) return fail(kv.second, "'week' is a map");
        for (const auto& day : kv.second) {
          const std::string d = day.first.as<std::string>();
          auto at = std::find(std::begin(kDays), std::end(kDays), d);
          if (at == std::end(kDays))
            return fail(day.first, "unknown day '" + d + "' (mon ... sun)");
          auto hours = ParseHours(day.second.as<std::string>());
          if (!hours)
            return fail(day.second, "hours are \"HH:MM-HH:MM[, ...]\"");
          data.week[static_cast<std::size_t>(at - std::begin(kDays))] = *hours;
        }
      } else if (key == "holidays") {
        if (!kv.second.IsSequence())
          return fail(kv.second, "'holidays' is a list of dates");
        for (const auto& h : kv.second) {
          auto d = ParseDate(h.as<std::string>());
          if (!d) return fail(h, "a date is YYYY-MM-DD");
          data.holidays.insert(*d);
        }
      } else if (key == "dates") {
        if (!kv.second.IsMap())
          return fail(kv.second, "'dates' maps a date to its hours");
        for (const auto& e : kv.second) {
          auto d = ParseDate(e.first.as<std::string>());
          if (!d) return fail(e.first, "a date is YYYY-MM-DD");
          auto hours = ParseHours(e.second.as<std::string>());
          if (!hours)
            return fail(e.second, "hours are \"HH:MM-HH:MM[, ...]\" or off");
          data.dates[*d] = *hours;
        }
      } else if (key != "name") {
        return fail(kv.first, "unknown key '" + key + "'");
      }
    }
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument,
                "calendar '" + data.name + "', line " +
                    std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return Make(std::move(data));
}

std::shared_ptr<const Calendar> Calendar::AlwaysOpen() {
  static const std::shared_ptr<const Calendar> always = [] {
    CalendarData data;
    data.name = "24x7";
    for (auto& day : data.week) day = {{0, 24 * 60}};
    return *Make(std::move(data));
  }();
  return always;
}

const std::vector<WorkingHours>& Calendar::HoursOf(
    std::int32_t local_day) const {
  static const std::vector<WorkingHours> kNone;
  if (auto it = data_.dates.find(local_day); it != data_.dates.end())
    return it->second;
  if (data_.holidays.count(local_day)) return kNone;
  // 1970-01-01 was a Thursday: Monday-first index 3.
  auto weekday = static_cast<std::size_t>(((local_day % 7) + 7 + 3) % 7);
  return data_.week[weekday];
}

std::optional<TimePoint> Calendar::AddWorkingTime(TimePoint start,
                                                  milliseconds work) const {
  if (work <= milliseconds(0)) return start;
  const date::time_zone* zone = Zone(zone_);
  auto local = zone->to_local(start);
  auto day = date::floor<date::days>(local);
  TimePoint cursor = start;
  for (int i = 0; i < 3660; ++i, day += date::days(1)) {
    auto index = static_cast<std::int32_t>(day.time_since_epoch().count());
    for (const auto& h : HoursOf(index)) {
      TimePoint from =
          zone->to_sys(day + minutes(h.from), date::choose::earliest);
      TimePoint to = zone->to_sys(day + minutes(h.to), date::choose::earliest);
      if (to <= cursor) continue;
      from = std::max(from, cursor);
      if (to - from >= work) return from + work;
      work -= std::chrono::duration_cast<milliseconds>(to - from);
      cursor = to;
    }
  }
  return std::nullopt;
}

std::chrono::milliseconds Calendar::WorkingLength(const Duration& d) const {
  auto total = [](const std::vector<WorkingHours>& hours) {
    std::int64_t m = 0;
    for (const auto& h : hours) m += h.to - h.from;
    return m;
  };
  std::int64_t day = 0, week = 0;
  for (const auto& hours : data_.week) {
    day = std::max(day, total(hours));
    week += total(hours);
  }
  const std::int64_t minute = 60000;
  std::int64_t ms = d.milliseconds + d.minutes * minute +
                    d.hours * 60 * minute + d.days * day * minute +
                    d.weeks * week * minute +
                    (d.months + 12 * d.years) * 21 * day * minute;
  return milliseconds(d.negative ? -ms : ms);
}

bool Calendar::IsWorking(TimePoint t) const {
  const date::time_zone* zone = Zone(zone_);
  auto local = zone->to_local(t);
  auto day = date::floor<date::days>(local);
  auto minute = std::chrono::duration_cast<minutes>(local - day).count();
  for (const auto& h :
       HoursOf(static_cast<std::int32_t>(day.time_since_epoch().count())))
    if (minute >= h.from && minute < h.to) return true;
  return false;
}

}  // namespace bpmn::model
