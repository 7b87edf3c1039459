// Temporal parsing, formatting and arithmetic (temporal.h). Calendar math and
// zones come from HowardHinnant date; this file only decides FEEL's rules:
// which combinations are defined and what text they print as.
#include "expr/temporal.h"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace bpmn::expr::temporal {
namespace {

using std::chrono::milliseconds;
constexpr std::int64_t kDayMs = 86400000;

bool Digits(std::string_view s, std::size_t at, int n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[at + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

std::optional<Date> DateAt(std::string_view s, std::size_t& at) {
  int y, m, d;
  if (!Digits(s, at, 4, y) || s.size() < at + 10 || s[at + 4] != '-' ||
      !Digits(s, at + 5, 2, m) || s[at + 7] != '-' ||
      !Digits(s, at + 8, 2, d)) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  at += 10;
  return Date{static_cast<std::int32_t>(
      date::sys_days{ymd}.time_since_epoch().count())};
}

// hh:mm:ss[.fff] and an optional suffix: Z, +hh:mm, @Zone, [Zone].
struct ClockPart {
  std::int64_t ms = 0;
  std::optional<std::int32_t> offset;
  std::string zone;
  bool z = false;
};

std::optional<ClockPart> ClockAt(std::string_view s, std::size_t at) {
  ClockPart c;
  int h, m, sec = 0;
  if (!Digits(s, at, 2, h) || at + 5 > s.size() || s[at + 2] != ':' ||
      !Digits(s, at + 3, 2, m))
    return std::nullopt;
  at += 5;
  std::int64_t frac_ms = 0;
  if (at < s.size() && s[at] == ':') {
    if (!Digits(s, at + 1, 2, sec)) return std::nullopt;
    at += 3;
    if (at < s.size() && s[at] == '.') {
      ++at;
      int scale = 100, count = 0;
      while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) {
        frac_ms += (s[at] - '0') * scale;
        scale /= 10;
        ++at;
        ++count;
      }
      if (count == 0) return std::nullopt;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return std::nullopt;
  c.ms = ((h * 60LL + m) * 60 + sec) * 1000 + frac_ms;
  if (at == s.size()) return c;
  if (s[at] == 'Z' && at + 1 == s.size()) {
    c.offset = 0;
    c.z = true;
    return c;
  }
  if (s[at] == '+' || s[at] == '-') {
    int sign = s[at] == '-' ? -1 : 1, oh, om;
    if (!Digits(s, at + 1, 2, oh) || at + 6 != s.size() || s[at + 3] != ':' ||
        !Digits(s, at + 4, 2, om) || oh > 18 || om > 59) {
      return std::nullopt;
    }
    c.offset = sign * (oh * 60 + om);
    return c;
  }
  std::string zone;
  if (s[at] == '@') {
    zone = std::string(s.substr(at + 1));
  } else if (s[at] == '[' && s.back() == ']') {
    zone = std::string(s.substr(at + 1, s.size() - at - 2));
  } else {
    return std::nullopt;
  }
  if (!IsKnownZone(zone)) return std::nullopt;
  c.zone = zone;
  return c;
}

std::string Two(std::int64_t n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(n));
  return buf;
}

std::string ClockText(std::int64_t ms) {
  std::string out = Two(ms / 3600000) + ":" + Two(ms / 60000 % 60) + ":" +
                    Two(ms / 1000 % 60);
  if (ms % 1000) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld",
                  static_cast<long long>(ms % 1000));
    out += buf;
  }
  return out;
}

std::string OffsetText(std::int32_t minutes, bool z_for_zero) {
  if (minutes == 0 && z_for_zero) return "Z";
  char sign = minutes < 0 ? '-' : '+';
  int m = std::abs(minutes);
  return std::string(1, sign) + Two(m / 60) + ":" + Two(m % 60);
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

DateTime AddMonths(const DateTime& t, std::int64_t months) {
  std::int64_t day = FloorDiv(t.local_ms, kDayMs);
  std::int64_t time = t.local_ms - day * kDayMs;
  date::year_month_day ymd{date::sys_days{date::days{day}}};
  ymd += date::months{months};
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / date::last;
  DateTime out = t;
  out.local_ms = date::sys_days{ymd}.time_since_epoch().count() * kDayMs + time;
  if (!out.zone.empty())
    out.offset_minutes = ZoneOffsetAtLocal(out.zone, out.local_ms);
  return out;
}

DateTime AddMs(const DateTime& t, std::int64_t ms) {
  if (!t.zone.empty()) {
    // Exact time on the zone's timeline: 24 hours across a DST switch move the
    // wall clock by 23 or 25.
    auto moved = InZone(t.zone, t.InstantMs() + ms);
    if (moved) return *moved;
  }
  DateTime out = t;
  out.local_ms += ms;
  return out;
}

// Both with an offset, or both local: comparable and subtractable.
bool SameKind(const DateTime& a, const DateTime& b) {
  return a.offset_minutes.has_value() == b.offset_minutes.has_value();
}

}  // namespace

bool IsKnownZone(const std::string& zone) {
  try {
    return date::locate_zone(zone) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<std::int32_t> ZoneOffsetAtLocal(const std::string& zone,
                                              std::int64_t local_ms) {
  try {
    const date::time_zone* tz = date::locate_zone(zone);
    date::local_time<milliseconds> local{milliseconds{local_ms}};
    auto sys = tz->to_sys(local, date::choose::earliest);
    return static_cast<std::int32_t>(
        (local_ms - sys.time_since_epoch().count()) / 60000);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<DateTime> InZone(const std::string& zone, std::int64_t utc_ms) {
  try {
    const date::time_zone* tz = date::locate_zone(zone);
    date::sys_time<milliseconds> sys{milliseconds{utc_ms}};
    auto info = tz->get_info(sys);
    DateTime t;
    t.zone = zone;
    t.offset_minutes = static_cast<std::int32_t>(info.offset.count() / 60);
    t.local_ms = utc_ms + info.offset.count() * 1000;
    return t;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<Date> ParseDate(std::string_view text) {
  std::size_t at = 0;
  auto d = DateAt(text, at);
  if (!d || at != text.size()) return std::nullopt;
  return d;
}

std::optional<Time> ParseTime(std::string_view text) {
  auto c = ClockAt(text, 0);
  if (!c) return std::nullopt;
  Time t;
  t.ms = c->ms;
  t.zone = c->zone;
  t.offset_minutes = c->offset;
  if (!t.zone.empty()) t.offset_minutes.reset();
  return t;
}

std::optional<DateTime> ParseDateTime(std::string_view text) {
  std::size_t at = 0;
  auto d = DateAt(text, at);
  if (!d) return std::nullopt;
  if (at == text.size()) return AtMidnight(*d);
  if (text[at] != 'T') return std::nullopt;
  auto c = ClockAt(text, at + 1);
  if (!c) return std::nullopt;
  DateTime t;
  t.local_ms = std::int64_t{d->days} * kDayMs + c->ms;
  t.zone = c->zone;
  t.offset_minutes = c->offset;
  if (!t.zone.empty()) t.offset_minutes = ZoneOffsetAtLocal(t.zone, t.local_ms);
  return t;
}

Value ParseDuration(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') negative = true, ++i;
  if (i >= text.size() || text[i] != 'P') return {};
  ++i;
  std::int64_t years = 0, months = 0, days = 0, ms = 0;
  bool time = false, any = false, ym = false, dt = false;
  std::string order = "YMWD";
  std::size_t next = 0;
  while (i < text.size()) {
    if (text[i] == 'T') {
      if (time) return {};
      time = true;
      order = "HMS";
      next = 0;
      ++i;
      continue;
    }
    std::int64_t n = 0, frac = 0;
    std::size_t start = i;
    while (i < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (n > 99999999) return {};
      n = n * 10 + (text[i++] - '0');
    }
    if (i == start) return {};
    bool has_frac = false;
    if (i < text.size() && text[i] == '.') {
      has_frac = true;
      ++i;
      int scale = 100;
      while (i < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[i]))) {
        frac += (text[i++] - '0') * scale;
        scale /= 10;
      }
    }
    if (i >= text.size()) return {};
    char unit = text[i++];
    std::size_t pos = order.find(unit);
    if (pos == std::string::npos || pos < next) return {};
    next = pos + 1;
    if (has_frac && !(time && unit == 'S')) return {};
    any = true;
    if (!time) {
      if (unit == 'Y') years = n, ym = true;
      if (unit == 'M') months = n, ym = true;
      if (unit == 'W') days += 7 * n, dt = true;
      if (unit == 'D') days += n, dt = true;
    } else {
      dt = true;
      if (unit == 'H') ms += n * 3600000;
      if (unit == 'M') ms += n * 60000;
      if (unit == 'S') ms += n * 1000 + frac;
    }
  }
  if (!any || (ym && dt)) return {};
  int sign = negative ? -1 : 1;
  if (ym) return YearsMonthsDuration{sign * (years * 12 + months)};
  return DaysTimeDuration{sign * (days * kDayMs + ms)};
}

std::string FormatDate(const Date& d) {
  date::year_month_day ymd{date::sys_days{date::days{d.days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string FormatTime(const Time& t) {
  std::string out = ClockText(t.ms);
  if (!t.zone.empty()) return out + "@" + t.zone;
  if (t.offset_minutes) out += OffsetText(*t.offset_minutes, true);
  return out;
}

std::string FormatDateTime(const DateTime& t) {
  std::int64_t day = FloorDiv(t.local_ms, kDayMs);
  std::string out = FormatDate(Date{static_cast<std::int32_t>(day)}) + "T" +
                    ClockText(t.local_ms - day * kDayMs);
  if (!t.zone.empty()) return out + "@" + t.zone;
  if (t.offset_minutes) out += OffsetText(*t.offset_minutes, true);
  return out;
}

std::string FormatDaysTime(const DaysTimeDuration& d) {
  std::int64_t ms = d.ms < 0 ? -d.ms : d.ms;
  std::string out = d.ms < 0 ? "-P" : "P";
  std::int64_t days = ms / kDayMs, rest = ms % kDayMs;
  if (days) out += std::to_string(days) + "D";
  if (rest || !days) {
    out += "T";
    std::int64_t h = rest / 3600000, m = rest / 60000 % 60,
                 s = rest / 1000 % 60, f = rest % 1000;
    if (h) out += std::to_string(h) + "H";
    if (m) out += std::to_string(m) + "M";
    if (s || f || (!h && !m)) {
      out += std::to_string(s);
      if (f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(f));
        std::string frac = buf;
        while (frac.back() == '0') frac.pop_back();
        out += frac;
      }
      out += "S";
    }
  }
  return out;
}

std::string FormatYearsMonths(const YearsMonthsDuration& d) {
  std::int64_t m = d.months < 0 ? -d.months : d.months;
  std::string out = d.months < 0 ? "-P" : "P";
  if (m / 12) out += std::to_string(m / 12) + "Y";
  if (m % 12 || m == 0) out += std::to_string(m % 12) + "M";
  return out;
}

DateTime AtMidnight(const Date& d) {
  DateTime t;
  t.local_ms = std::int64_t{d.days} * kDayMs;
  return t;
}

Date DateOf(const DateTime& t) {
  return Date{static_cast<std::int32_t>(FloorDiv(t.local_ms, kDayMs))};
}

Time TimeOf(const DateTime& t) {
  Time out;
  out.ms = t.local_ms - FloorDiv(t.local_ms, kDayMs) * kDayMs;
  out.zone = t.zone;
  if (t.zone.empty()) out.offset_minutes = t.offset_minutes;
  return out;
}

DateTime Combine(const Date& d, const Time& t) {
  DateTime out;
  out.local_ms = std::int64_t{d.days} * kDayMs + t.ms;
  out.zone = t.zone;
  out.offset_minutes = t.offset_minutes;
  if (!out.zone.empty())
    out.offset_minutes = ZoneOffsetAtLocal(out.zone, out.local_ms);
  return out;
}

Value Add(const Value& a, const Value& b) {
  using T = Value::Type;
  T ta = a.type(), tb = b.type();
  if (ta == T::kDaysTimeDuration && tb == T::kDaysTimeDuration)
    return DaysTimeDuration{a.days_time().ms + b.days_time().ms};
  if (ta == T::kYearsMonthsDuration && tb == T::kYearsMonthsDuration)
    return YearsMonthsDuration{a.years_months().months +
                               b.years_months().months};
  // Commutative forms: put the point in time first.
  if ((ta == T::kDaysTimeDuration || ta == T::kYearsMonthsDuration) &&
      (tb == T::kDate || tb == T::kDateTime || tb == T::kTime)) {
    return Add(b, a);
  }
  if (ta == T::kDateTime) {
    if (tb == T::kDaysTimeDuration)
      return AddMs(a.date_time(), b.days_time().ms);
    if (tb == T::kYearsMonthsDuration)
      return AddMonths(a.date_time(), b.years_months().months);
  }
  if (ta == T::kDate) {
    if (tb == T::kDaysTimeDuration)
      return DateOf(AddMs(AtMidnight(a.date()), b.days_time().ms));
    if (tb == T::kYearsMonthsDuration)
      return DateOf(AddMonths(AtMidnight(a.date()), b.years_months().months));
  }
  if (ta == T::kTime && tb == T::kDaysTimeDuration) {
    Time t = a.time();
    std::int64_t ms = (t.ms + b.days_time().ms) % kDayMs;
    t.ms = ms < 0 ? ms + kDayMs : ms;
    return t;
  }
  return {};
}

Value Subtract(const Value& a, const Value& b) {
  using T = Value::Type;
  T ta = a.type(), tb = b.type();
  if (tb == T::kDaysTimeDuration)
    return Add(a, DaysTimeDuration{-b.days_time().ms});
  if (tb == T::kYearsMonthsDuration)
    return Add(a, YearsMonthsDuration{-b.years_months().months});
  if (ta == T::kDateTime && tb == T::kDateTime) {
    if (!SameKind(a.date_time(), b.date_time())) return {};
    return DaysTimeDuration{a.date_time().InstantMs() -
                            b.date_time().InstantMs()};
  }
  if (ta == T::kDate && tb == T::kDate)
    return DaysTimeDuration{(std::int64_t{a.date().days} - b.date().days) *
                            kDayMs};
  if (ta == T::kDate && tb == T::kDateTime)
    return Subtract(AtMidnight(a.date()), b);
  if (ta == T::kDateTime && tb == T::kDate)
    return Subtract(a, AtMidnight(b.date()));
  if (ta == T::kTime && tb == T::kTime) {
    std::int64_t x =
        a.time().ms - std::int64_t{a.time().offset_minutes.value_or(0)} * 60000;
    std::int64_t y =
        b.time().ms - std::int64_t{b.time().offset_minutes.value_or(0)} * 60000;
    return DaysTimeDuration{x - y};
  }
  return {};
}

Value Property(const Value& v, std::string_view name) {
  using T = Value::Type;
  auto date_parts = [&](const Date& d) -> Value {
    date::sys_days day{date::days{d.days}};
    date::year_month_day ymd{day};
    if (name == "year")
      return static_cast<std::int64_t>(static_cast<int>(ymd.year()));
    if (name == "month")
      return static_cast<std::int64_t>(static_cast<unsigned>(ymd.month()));
    if (name == "day")
      return static_cast<std::int64_t>(static_cast<unsigned>(ymd.day()));
    if (name == "weekday")
      return static_cast<std::int64_t>(date::weekday{day}.iso_encoding());
    return {};
  };
  auto clock_parts = [&](std::int64_t ms) -> Value {
    if (name == "hour") return ms / 3600000;
    if (name == "minute") return ms / 60000 % 60;
    if (name == "second") return ms / 1000 % 60;
    return {};
  };
  switch (v.type()) {
    case T::kDate:
      return date_parts(v.date());
    case T::kDateTime: {
      const DateTime& t = v.date_time();
      Value p = date_parts(DateOf(t));
      if (!p.is_null()) return p;
      p = clock_parts(TimeOf(t).ms);
      if (!p.is_null()) return p;
      if (name == "time offset" && t.offset_minutes)
        return DaysTimeDuration{std::int64_t{*t.offset_minutes} * 60000};
      if (name == "timezone" && !t.zone.empty()) return t.zone;
      return {};
    }
    case T::kTime: {
      Value p = clock_parts(v.time().ms);
      if (!p.is_null()) return p;
      if (name == "time offset" && v.time().offset_minutes)
        return DaysTimeDuration{std::int64_t{*v.time().offset_minutes} * 60000};
      if (name == "timezone" && !v.time().zone.empty()) return v.time().zone;
      return {};
    }
    case T::kDaysTimeDuration: {
      std::int64_t ms = v.days_time().ms;
      if (name == "days") return ms / kDayMs;
      if (name == "hours") return ms % kDayMs / 3600000;
      if (name == "minutes") return ms % 3600000 / 60000;
      if (name == "seconds") return ms % 60000 / 1000;
      return {};
    }
    case T::kYearsMonthsDuration: {
      std::int64_t m = v.years_months().months;
      if (name == "years") return m / 12;
      if (name == "months") return m % 12;
      return {};
    }
    default:
      return {};
  }
}

}  // namespace bpmn::expr::temporal
