// ISO 8601 date-time, duration and repeating-interval parsing (iso8601.h).
// Strict: every character must be consumed, fields must be in range. Pure
// functions; thread-safe.
#include "model/iso8601.h"

#include <date/date.h>

#include <cctype>
#include <charconv>
#include <vector>

namespace bpmn::model {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // Exactly `n` digits.
  bool Digits(int n, int& out) {
    if (i_ + n > s_.size()) return false;
    out = 0;
    for (int k = 0; k < n; ++k) {
      char c = s_[i_ + k];
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      out = out * 10 + (c - '0');
    }
    i_ += n;
    return true;
  }
  // One or more digits, with an optional fraction (`.` or `,`) scaled to
  // thousandths.
  bool Number(std::int64_t& whole, std::int64_t& thousandths,
              bool& has_fraction) {
    std::size_t start = i_;
    whole = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
      // Eight digits per field keep every sum of fields far inside int64
      // milliseconds.
      if (whole > 99999999) return false;
      whole = whole * 10 + (s_[i_++] - '0');
    }
    if (i_ == start) return false;
    thousandths = 0;
    has_fraction = false;
    if (peek() == '.' || peek() == ',') {
      ++i_;
      has_fraction = true;
      int scale = 100;
      std::size_t fstart = i_;
      while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
        thousandths += (s_[i_++] - '0') * scale;
        scale /= 10;
      }
      if (i_ == fstart) return false;
    }
    return true;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::string Quote(std::string_view text) {
  return "'" + std::string(text) + "'";
}

}  // namespace

Result<TimePoint> ParseIsoDateTime(std::string_view text) {
  auto bad = [&](const char* why) {
    return Fail(ErrorCode::kInvalidArgument,
                Quote(text) + " is not an ISO 8601 date-time (" + why +
                    "; expected e.g. 2026-03-02T09:00:00+03:00)");
  };
  Cursor c(text);
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!c.Digits(4, y) || !c.Eat('-') || !c.Digits(2, mo) || !c.Eat('-') ||
      !c.Digits(2, d))
    return bad("the date must be YYYY-MM-DD");
  date::year_month_day ymd{date::year{y},
                           date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad("no such calendar day");
  if (c.Eat('T')) {
    if (!c.Digits(2, h) || !c.Eat(':') || !c.Digits(2, mi))
      return bad("the time must be hh:mm[:ss]");
    if (c.Eat(':')) {
      if (!c.Digits(2, sec)) return bad("seconds must have two digits");
      if (c.peek() == '.' || c.peek() == ',') {
        c.Eat(c.peek());
        int scale = 100, digits = 0;
        while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
          int digit;
          c.Digits(1, digit);
          ms += digit * scale;
          scale /= 10;
          ++digits;
        }
        if (digits == 0) return bad("empty fraction of a second");
      }
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || ms)))
      return bad("hour, minute or second out of range");
  }
  int offset_minutes = 0;
  if (c.Eat('Z')) {
  } else if (c.peek() == '+' || c.peek() == '-') {
    int sign = c.peek() == '-' ? -1 : 1;
    c.Eat(c.peek());
    int oh, om = 0;
    if (!c.Digits(2, oh)) return bad("the offset must be +hh:mm");
    if (c.Eat(':')) {
      if (!c.Digits(2, om)) return bad("the offset must be +hh:mm");
    } else if (!c.done()) {
      if (!c.Digits(2, om)) return bad("the offset must be +hh:mm");
    }
    if (oh > 18 || om > 59) return bad("offset out of range");
    offset_minutes = sign * (oh * 60 + om);
  }
  if (!c.done()) return bad("unexpected characters at the end");
  TimePoint t = TimePoint{date::sys_days{ymd}} + std::chrono::hours(h) +
                std::chrono::minutes(mi - offset_minutes) +
                std::chrono::seconds(sec) + std::chrono::milliseconds(ms);
  return t;
}

Result<Duration> ParseIsoDuration(std::string_view text) {
  auto bad = [&](const char* why) {
    return Fail(ErrorCode::kInvalidArgument,
                Quote(text) + " is not an ISO 8601 duration (" + why +
                    "; expected e.g. P2DT4H, PT30M, P1W)");
  };
  Cursor c(text);
  Duration d;
  if (c.Eat('-')) d.negative = true;
  if (!c.Eat('P')) return bad("it must start with P");
  bool in_time = false, any = false, fraction_seen = false;
  // Units must come in order: Y M W D, then after T: H M S.
  const std::string_view date_units = "YMWD", time_units = "HMS";
  std::size_t next_unit = 0;
  while (!c.done()) {
    if (c.Eat('T')) {
      if (in_time) return bad("T appears twice");
      in_time = true;
      next_unit = 0;
      if (c.done()) return bad("nothing after T");
      continue;
    }
    if (fraction_seen) return bad("only the last field may have a fraction");
    std::int64_t n, frac;
    bool has_fraction;
    if (!c.Number(n, frac, has_fraction))
      return bad("a number must come before each unit");
    char unit = c.peek();
    std::string_view units = in_time ? time_units : date_units;
    std::size_t pos = units.find(unit);
    if (unit == '\0' || pos == std::string_view::npos)
      return bad("unknown or missing unit");
    if (pos < next_unit) return bad("units out of order");
    next_unit = pos + 1;
    c.Eat(unit);
    if (has_fraction && !(in_time && unit == 'S'))
      return bad("only seconds may have a fraction");
    fraction_seen = has_fraction;
    any = true;
    if (!in_time) {
      if (unit == 'Y') d.years = n;
      if (unit == 'M') d.months = n;
      if (unit == 'W') d.weeks = n;
      if (unit == 'D') d.days = n;
    } else {
      if (unit == 'H') d.hours = n;
      if (unit == 'M') d.minutes = n;
      if (unit == 'S') d.milliseconds = n * 1000 + frac;
    }
  }
  if (!any) return bad("no fields");
  // The calendar arithmetic counts months in an int and years in a short.
  if (d.years > 10000 || d.months > 120000) return bad("more than 10000 years");
  return d;
}

Result<TimerSpec> ParseTimer(TimerKind kind, std::string_view text) {
  TimerSpec spec;
  spec.kind = kind;
  spec.literal = true;
  spec.source = MakeExpression(text);
  std::string_view t = spec.source.text;
  switch (kind) {
    case TimerKind::kDate: {
      auto at = ParseIsoDateTime(t);
      if (!at) return tl::unexpected(at.error());
      spec.date = *at;
      return spec;
    }
    case TimerKind::kDuration: {
      auto d = ParseIsoDuration(t);
      if (!d) return tl::unexpected(d.error());
      if (d->negative)
        return Fail(ErrorCode::kInvalidArgument,
                    Quote(t) + " is a negative duration");
      spec.duration = *d;
      return spec;
    }
    case TimerKind::kCycle:
      break;
  }
  auto bad = [&](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument,
                Quote(t) + " is not an ISO 8601 repeating interval (" + why +
                    "; expected e.g. R3/PT10H or R/2026-01-01T09:00:00Z/P1D)");
  };
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = t.find('/', start);
    parts.push_back(t.substr(
        start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() ||
      parts[0][0] != 'R')
    return bad(
        "it must start with R and have two or three parts separated by /");
  std::string_view count = parts[0].substr(1);
  if (!count.empty()) {
    std::int64_t n = 0;
    auto [ptr, ec] =
        std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc() || ptr != count.data() + count.size() || n < 0)
      return bad("the repetition count after R must be a whole number");
    spec.repetitions = n;
  }
  auto is_duration = [](std::string_view p) {
    return !p.empty() && (p[0] == 'P' || p[0] == '-');
  };
  if (parts.size() == 2) {
    if (!is_duration(parts[1]))
      return bad("with two parts the second must be a duration");
    auto d = ParseIsoDuration(parts[1]);
    if (!d) return bad(d.error().message);
    spec.duration = *d;
  } else if (is_duration(parts[1])) {  // R/duration/end
    auto d = ParseIsoDuration(parts[1]);
    if (!d) return bad(d.error().message);
    auto e = ParseIsoDateTime(parts[2]);
    if (!e) return bad(e.error().message);
    spec.duration = *d;
    spec.end = *e;
  } else {  // R/start/duration or R/start/end
    auto s = ParseIsoDateTime(parts[1]);
    if (!s) return bad(s.error().message);
    spec.date = *s;
    if (is_duration(parts[2])) {
      auto d = ParseIsoDuration(parts[2]);
      if (!d) return bad(d.error().message);
      spec.duration = *d;
    } else {
      auto e = ParseIsoDateTime(parts[2]);
      if (!e) return bad(e.error().message);
      if (*e <= *s) return bad("the end must come after the start");
      spec.duration.milliseconds = (*e - *s).count();
    }
  }
  if (spec.duration.negative || spec.duration.IsZero())
    return bad("the interval must be longer than zero");
  return spec;
}

}  // namespace bpmn::model
