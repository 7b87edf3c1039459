// FEEL's built-in functions (builtins.h), one small function each, in one
// table. Arguments of the wrong type give null, as FEEL prescribes. Regular
// expressions use RE2: linear time, so a pattern from a diagram cannot stall
// the engine.
#include "expr/builtins.h"

#include <date/date.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <string>

#include "bpmn/utf8.h"
#include "expr/evaluator.h"
#include "expr/temporal.h"

namespace bpmn::expr {
namespace {

using T = Value::Type;
using Args = std::vector<Value>;

// ---------------------------------------------------------------- text helpers
std::u32string Decode(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80             ? 1
                      : (c & 0xE0) == 0xC0 ? 2
                      : (c & 0xF0) == 0xE0 ? 3
                                           : 4;
    if (i + len > s.size()) len = s.size() - i;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string Encode(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : s) AppendUtf8(out, cp);
  return out;
}

// Case mapping for the alphabets of our users: ASCII, Latin-1, Cyrillic (with
// Ё).
char32_t Upper(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}
char32_t Lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

bool Str(const Value& v) { return v.type() == T::kString; }
bool Num(const Value& v) { return v.type() == T::kNumber; }
bool Lst(const Value& v) { return v.type() == T::kList; }

std::optional<std::int64_t> Int(const Value& v) {
  return Num(v) ? v.number().ToInt64() : std::nullopt;
}

// XPath flags (i, s, m, x) as RE2 options; nothing for an unknown flag.
std::optional<RE2::Options> RegexOptions(const Args& a, std::size_t flags_at) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  if (a.size() > flags_at) {
    if (!Str(a[flags_at])) return std::nullopt;
    for (char f : a[flags_at].string()) {
      if (f == 'i')
        o.set_case_sensitive(false);
      else if (f == 's')
        o.set_dot_nl(true);
      else if (f == 'm')
        o.set_never_nl(false), o.set_posix_syntax(false);
      else if (f != 'x')
        return std::nullopt;
    }
  }
  return o;
}

Value Result(Evaluator& ev, Value v) {
  if (!ev.ChargeValue(v)) return {};
  return v;
}
Value ResultList(Evaluator& ev, List list) {
  if (!ev.ChargeList(list)) return {};
  return list;
}

// ---------------------------------------------------------------- string
Value StringLength(const Args& a, Evaluator&) {
  if (!Str(a[0])) return {};
  std::int64_t n = 0;
  for (unsigned char c : a[0].string()) n += (c & 0xC0) != 0x80;
  return n;
}
Value UpperCase(const Args& a, Evaluator& ev) {
  if (!Str(a[0])) return {};
  auto s = Decode(a[0].string());
  for (auto& c : s) c = Upper(c);
  return Result(ev, Encode(s));
}
Value LowerCase(const Args& a, Evaluator& ev) {
  if (!Str(a[0])) return {};
  auto s = Decode(a[0].string());
  for (auto& c : s) c = Lower(c);
  return Result(ev, Encode(s));
}
Value Substring(const Args& a, Evaluator& ev) {
  auto start = Int(a[1]);
  if (!Str(a[0]) || !start) return {};
  auto s = Decode(a[0].string());
  auto size = static_cast<std::int64_t>(s.size());
  std::int64_t from = *start > 0 ? *start - 1 : size + *start;
  if (*start == 0 || from < 0 || from > size) return {};
  std::int64_t len = size - from;
  if (a.size() > 2) {
    auto l = Int(a[2]);
    if (!l || *l < 0) return {};
    len = std::min(len, *l);
  }
  return Result(ev, Encode(s.substr(static_cast<std::size_t>(from),
                                    static_cast<std::size_t>(len))));
}
Value SubstringBefore(const Args& a, Evaluator&) {
  if (!Str(a[0]) || !Str(a[1])) return {};
  auto at = a[0].string().find(a[1].string());
  return at == std::string::npos ? std::string() : a[0].string().substr(0, at);
}
Value SubstringAfter(const Args& a, Evaluator&) {
  if (!Str(a[0]) || !Str(a[1])) return {};
  if (a[1].string().empty()) return a[0];
  auto at = a[0].string().find(a[1].string());
  return at == std::string::npos
             ? std::string()
             : a[0].string().substr(at + a[1].string().size());
}
Value Contains(const Args& a, Evaluator&) {
  if (!Str(a[0]) || !Str(a[1])) return {};
  return a[0].string().find(a[1].string()) != std::string::npos;
}
Value StartsWith(const Args& a, Evaluator&) {
  if (!Str(a[0]) || !Str(a[1])) return {};
  return a[0].string().rfind(a[1].string(), 0) == 0;
}
Value EndsWith(const Args& a, Evaluator&) {
  if (!Str(a[0]) || !Str(a[1])) return {};
  const auto &s = a[0].string(), &e = a[1].string();
  return s.size() >= e.size() &&
         s.compare(s.size() - e.size(), e.size(), e) == 0;
}
Value Matches(const Args& a, Evaluator& ev) {
  auto o = RegexOptions(a, 2);
  if (!Str(a[0]) || !Str(a[1]) || !o) return {};
  RE2 re(a[1].string(), *o);
  if (!re.ok()) {
    ev.Fail("invalid regular expression '" + a[1].string() +
            "': " + re.error());
    return {};
  }
  return RE2::PartialMatch(a[0].string(), re);
}
Value Replace(const Args& a, Evaluator& ev) {
  auto o = RegexOptions(a, 3);
  if (!Str(a[0]) || !Str(a[1]) || !Str(a[2]) || !o) return {};
  RE2 re(a[1].string(), *o);
  if (!re.ok()) {
    ev.Fail("invalid regular expression '" + a[1].string() +
            "': " + re.error());
    return {};
  }
  // XPath writes groups as $1; RE2 as \1, and a literal backslash must be
  // doubled for RE2.
  std::string rewrite;
  const std::string& r = a[2].string();
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r[i] == '$' && i + 1 < r.size() &&
        std::isdigit(static_cast<unsigned char>(r[i + 1]))) {
      rewrite += '\\';
    } else if (r[i] == '\\') {
      rewrite += "\\\\";
    } else {
      rewrite += r[i];
    }
  }
  std::string out = a[0].string();
  RE2::GlobalReplace(&out, re, rewrite);
  return Result(ev, std::move(out));
}
Value Split(const Args& a, Evaluator& ev) {
  if (!Str(a[0]) || !Str(a[1])) return {};
  RE2::Options o;
  o.set_log_errors(false);
  RE2 re(a[1].string(), o);
  if (!re.ok() || a[1].string().empty()) {
    ev.Fail("invalid delimiter '" + a[1].string() + "'");
    return {};
  }
  List out;
  re2::StringPiece rest(a[0].string());
  re2::StringPiece match;
  while (!rest.empty() &&
         re.Match(rest, 0, rest.size(), RE2::UNANCHORED, &match, 1)) {
    if (match.empty()) break;
    out.emplace_back(std::string(
        rest.data(), static_cast<std::size_t>(match.data() - rest.data())));
    rest.remove_prefix(static_cast<std::size_t>(match.data() - rest.data()) +
                       match.size());
  }
  out.emplace_back(std::string(rest));
  return ResultList(ev, std::move(out));
}
Value StringJoin(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  std::string delimiter;
  if (a.size() > 1) {
    if (!Str(a[1]) && !a[1].is_null()) return {};
    if (Str(a[1])) delimiter = a[1].string();
  }
  std::string out;
  bool first = true;
  for (const auto& e : a[0].list()) {
    if (e.is_null()) continue;
    if (!Str(e)) return {};
    if (!first) out += delimiter;
    first = false;
    out += e.string();
  }
  return Result(ev, std::move(out));
}
Value ToString(const Args& a, Evaluator& ev) {
  if (a[0].is_null()) return {};
  return Result(ev, ToText(a[0]));
}
Value ToNumber(const Args& a, Evaluator&) {
  if (Num(a[0])) return a[0];
  if (!Str(a[0])) return {};
  std::string s = a[0].string();
  if (a.size() > 1 && Str(a[1]) && !a[1].string().empty()) {
    std::string cleaned;
    for (char c : s)
      if (a[1].string().find(c) == std::string::npos) cleaned += c;
    s = cleaned;
  }
  if (a.size() > 2 && Str(a[2]))
    std::replace(s.begin(), s.end(), a[2].string()[0], '.');
  auto d = Decimal::Parse(s);
  return d ? Value(*d) : Value();
}
Value Not(const Args& a, Evaluator&) {
  if (a[0].type() != T::kBoolean) return {};
  return !a[0].boolean();
}

// ---------------------------------------------------------------- number
Value Abs(const Args& a, Evaluator&) {
  if (Num(a[0]))
    return a[0].number().IsNegative() ? -a[0].number() : a[0].number();
  if (a[0].type() == T::kDaysTimeDuration)
    return DaysTimeDuration{std::abs(a[0].days_time().ms)};
  if (a[0].type() == T::kYearsMonthsDuration)
    return YearsMonthsDuration{std::abs(a[0].years_months().months)};
  return {};
}
Value RoundWith(const Args& a, Decimal::Rounding mode, bool scale_required) {
  if (!Num(a[0])) return {};
  std::int64_t scale = 0;
  if (a.size() > 1) {
    auto s = Int(a[1]);
    if (!s || *s < -6111 || *s > 6176) return {};
    scale = *s;
  } else if (scale_required) {
    return {};
  }
  return a[0].number().Round(scale, mode);
}
Value Floor(const Args& a, Evaluator&) {
  return RoundWith(a, Decimal::Rounding::kFloor, false);
}
Value Ceiling(const Args& a, Evaluator&) {
  return RoundWith(a, Decimal::Rounding::kCeiling, false);
}
Value DecimalFn(const Args& a, Evaluator&) {
  return RoundWith(a, Decimal::Rounding::kHalfEven, true);
}
Value RoundUp(const Args& a, Evaluator&) {
  return RoundWith(a, Decimal::Rounding::kUp, true);
}
Value RoundDown(const Args& a, Evaluator&) {
  return RoundWith(a, Decimal::Rounding::kDown, true);
}
Value RoundHalfUp(const Args& a, Evaluator&) {
  return RoundWith(a, Decimal::Rounding::kHalfUp, true);
}
Value RoundHalfDown(const Args& a, Evaluator&) {
  return RoundWith(a, Decimal::Rounding::kHalfDown, true);
}
Value Modulo(const Args& a, Evaluator&) {
  if (!Num(a[0]) || !Num(a[1]) || a[1].number().IsZero()) return {};
  return a[0].number().Modulo(a[1].number());
}
Value Sqrt(const Args& a, Evaluator&) {
  if (!Num(a[0]) || a[0].number().IsNegative()) return {};
  return a[0].number().Sqrt();
}
Value Odd(const Args& a, Evaluator&) {
  auto i = Int(a[0]);
  if (!i) return {};
  return *i % 2 != 0;
}
Value Even(const Args& a, Evaluator&) {
  auto i = Int(a[0]);
  if (!i) return {};
  return *i % 2 == 0;
}

// min(list) or min(a, b, ...): the list of items either way.
const List* Items(const Args& a, List& scratch) {
  if (a.size() == 1 && Lst(a[0])) return &a[0].list();
  scratch = a;
  return &scratch;
}
Value Extreme(const Args& a, int sign) {
  List scratch;
  const List* items = Items(a, scratch);
  if (items->empty()) return {};
  const Value* best = &(*items)[0];
  for (const auto& v : *items) {
    auto o = Order(v, *best);
    if (!o) return {};
    if (*o * sign > 0) best = &v;
  }
  return *best;
}
Value Min(const Args& a, Evaluator&) { return Extreme(a, -1); }
Value Max(const Args& a, Evaluator&) { return Extreme(a, 1); }
Value Sum(const Args& a, Evaluator&) {
  List scratch;
  const List* items = Items(a, scratch);
  if (items->empty()) return {};
  Decimal total;
  for (const auto& v : *items) {
    if (!Num(v)) return {};
    total = total + v.number();
  }
  return total;
}
Value Product(const Args& a, Evaluator&) {
  List scratch;
  const List* items = Items(a, scratch);
  if (items->empty()) return {};
  Decimal total(1);
  for (const auto& v : *items) {
    if (!Num(v)) return {};
    total = total * v.number();
  }
  return total;
}
Value Mean(const Args& a, Evaluator& ev) {
  List scratch;
  const List* items = Items(a, scratch);
  if (items->empty()) return {};
  Value s = Sum(a, ev);
  if (s.is_null()) return {};
  return s.number() / Decimal(static_cast<std::int64_t>(items->size()));
}
Value Count(const Args& a, Evaluator&) {
  if (!Lst(a[0])) return {};
  return static_cast<std::int64_t>(a[0].list().size());
}

// ---------------------------------------------------------------- list
Value ListContains(const Args& a, Evaluator&) {
  if (!Lst(a[0])) return {};
  for (const auto& e : a[0].list())
    if (Equal(e, a[1]).value_or(false)) return true;
  return false;
}
Value Append(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out = a[0].list();
  out.insert(out.end(), a.begin() + 1, a.end());
  return ResultList(ev, std::move(out));
}
Value Concatenate(const Args& a, Evaluator& ev) {
  List out;
  for (const auto& l : a) {
    if (!Lst(l)) return {};
    out.insert(out.end(), l.list().begin(), l.list().end());
  }
  return ResultList(ev, std::move(out));
}
Value DistinctValues(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out;
  for (const auto& e : a[0].list()) {
    bool seen = false;
    for (const auto& o : out) seen = seen || Equal(e, o).value_or(false);
    if (!seen) out.push_back(e);
    if (!ev.ChargeSteps(out.size())) return {};
  }
  return ResultList(ev, std::move(out));
}
Value Union(const Args& a, Evaluator& ev) {
  Value all = Concatenate(a, ev);
  if (all.is_null()) return {};
  return DistinctValues({all}, ev);
}
void FlattenInto(const List& in, List& out, int depth) {
  for (const auto& e : in) {
    if (Lst(e) && depth < 64) {
      FlattenInto(e.list(), out, depth + 1);
    } else {
      out.push_back(e);
    }
  }
}
Value Flatten(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out;
  FlattenInto(a[0].list(), out, 0);
  return ResultList(ev, std::move(out));
}
Value Sort(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out = a[0].list();
  if (a.size() > 1) {
    if (a[1].type() != T::kFunction) return {};
    const Function& precedes = a[1].function();
    // A stable insertion sort: the user's function may not be a strict order,
    // and lists in diagrams are short; each comparison is charged against the
    // step budget.
    for (std::size_t i = 1; i < out.size(); ++i) {
      std::size_t j = i;
      while (j > 0) {
        Value before = ev.Call(precedes, {out[j], out[j - 1]});
        if (ev.failed() || !ev.ChargeSteps(1)) return {};
        if (!(before.type() == T::kBoolean && before.boolean())) break;
        std::swap(out[j], out[j - 1]);
        --j;
      }
    }
    return out;
  }
  bool comparable = true;
  std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
    auto o = Order(x, y);
    comparable = comparable && o.has_value();
    return o.value_or(0) < 0;
  });
  return comparable ? Value(std::move(out)) : Value();
}
Value IndexOf(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out;
  const List& l = a[0].list();
  for (std::size_t i = 0; i < l.size(); ++i)
    if (Equal(l[i], a[1]).value_or(false))
      out.emplace_back(static_cast<std::int64_t>(i + 1));
  return ResultList(ev, std::move(out));
}
Value Reverse(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out(a[0].list().rbegin(), a[0].list().rend());
  return ResultList(ev, std::move(out));
}
// 1-based position, negative from the end; nothing when out of range.
std::optional<std::size_t> Position(const List& l, const Value& p,
                                    bool allow_end) {
  auto i = Int(p);
  auto size = static_cast<std::int64_t>(l.size());
  if (!i || *i == 0) return std::nullopt;
  std::int64_t at = *i > 0 ? *i - 1 : size + *i;
  if (at < 0 || at > size || (at == size && !allow_end)) return std::nullopt;
  return static_cast<std::size_t>(at);
}
Value Sublist(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  const List& l = a[0].list();
  auto from = Position(l, a[1], false);
  if (!from) return {};
  std::size_t len = l.size() - *from;
  if (a.size() > 2) {
    auto n = Int(a[2]);
    if (!n || *n < 0) return {};
    len = std::min<std::size_t>(len, static_cast<std::size_t>(*n));
  }
  return ResultList(ev,
                    List(l.begin() + static_cast<std::ptrdiff_t>(*from),
                         l.begin() + static_cast<std::ptrdiff_t>(*from + len)));
}
Value InsertBefore(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out = a[0].list();
  auto at = Position(out, a[1], false);
  if (!at) return {};
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(*at), a[2]);
  return ResultList(ev, std::move(out));
}
Value Remove(const Args& a, Evaluator& ev) {
  if (!Lst(a[0])) return {};
  List out = a[0].list();
  auto at = Position(out, a[1], false);
  if (!at) return {};
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(*at));
  return ResultList(ev, std::move(out));
}

// ---------------------------------------------------------------- context
Value GetValue(const Args& a, Evaluator&) {
  if (a[0].type() != T::kContext || !Str(a[1])) return {};
  const Value* v = a[0].Find(a[1].string());
  return v ? *v : Value();
}
Value GetEntries(const Args& a, Evaluator& ev) {
  if (a[0].type() != T::kContext) return {};
  List out;
  for (const auto& [k, v] : a[0].context())
    out.emplace_back(Context{{"key", k}, {"value", v}});
  return ResultList(ev, std::move(out));
}
Value ContextPut(const Args& a, Evaluator& ev) {
  if (a[0].type() != T::kContext || !Str(a[1])) return {};
  Context out = a[0].context();
  bool replaced = false;
  for (auto& [k, v] : out) {
    if (k == a[1].string()) {
      v = a[2];
      replaced = true;
    }
  }
  if (!replaced) out.emplace_back(a[1].string(), a[2]);
  return Result(ev, Value(std::move(out)));
}
Value GetOrElse(const Args& a, Evaluator&) {
  return a[0].is_null() ? a[1] : a[0];
}

// ---------------------------------------------------------------- temporal
Value DateFn(const Args& a, Evaluator&) {
  if (a.size() == 3) {
    auto y = Int(a[0]), m = Int(a[1]), d = Int(a[2]);
    if (!y || !m || !d) return {};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld",
                  static_cast<long long>(*y), static_cast<long long>(*m),
                  static_cast<long long>(*d));
    auto date = temporal::ParseDate(buf);
    return date ? Value(*date) : Value();
  }
  if (a.size() != 1) return {};
  if (a[0].type() == T::kDate) return a[0];
  if (a[0].type() == T::kDateTime) return temporal::DateOf(a[0].date_time());
  if (!Str(a[0])) return {};
  auto d = temporal::ParseDate(a[0].string());
  return d ? Value(*d) : Value();
}
Value TimeFn(const Args& a, Evaluator&) {
  if (a.size() >= 3) {
    auto h = Int(a[0]), m = Int(a[1]);
    if (!h || !m || !Num(a[2]) || *h < 0 || *h > 23 || *m < 0 || *m > 59)
      return {};
    Decimal sec = a[2].number();
    if (sec.IsNegative() || !(sec < Decimal(60))) return {};
    Time t;
    auto ms =
        (sec * Decimal(1000)).Round(0, Decimal::Rounding::kDown).ToInt64();
    t.ms = (*h * 60 + *m) * 60000 + ms.value_or(0);
    if (a.size() == 4) {
      if (a[3].type() != T::kDaysTimeDuration) return {};
      t.offset_minutes = static_cast<std::int32_t>(a[3].days_time().ms / 60000);
    }
    return t;
  }
  if (a.size() != 1) return {};
  if (a[0].type() == T::kTime) return a[0];
  if (a[0].type() == T::kDateTime) return temporal::TimeOf(a[0].date_time());
  if (!Str(a[0])) return {};
  auto t = temporal::ParseTime(a[0].string());
  return t ? Value(*t) : Value();
}
Value DateAndTime(const Args& a, Evaluator&) {
  if (a.size() == 2) {
    if (a[1].type() != T::kTime) return {};
    if (a[0].type() == T::kDate)
      return temporal::Combine(a[0].date(), a[1].time());
    if (a[0].type() == T::kDateTime)
      return temporal::Combine(temporal::DateOf(a[0].date_time()), a[1].time());
    return {};
  }
  if (a[0].type() == T::kDateTime) return a[0];
  if (a[0].type() == T::kDate) return temporal::AtMidnight(a[0].date());
  if (!Str(a[0])) return {};
  auto t = temporal::ParseDateTime(a[0].string());
  return t ? Value(*t) : Value();
}
Value DurationFn(const Args& a, Evaluator&) {
  if (a[0].type() == T::kDaysTimeDuration ||
      a[0].type() == T::kYearsMonthsDuration)
    return a[0];
  if (!Str(a[0])) return {};
  return temporal::ParseDuration(a[0].string());
}
Value YearsAndMonthsDuration(const Args& a, Evaluator&) {
  auto as_date = [](const Value& v) -> std::optional<Date> {
    if (v.type() == T::kDate) return v.date();
    if (v.type() == T::kDateTime) return temporal::DateOf(v.date_time());
    return std::nullopt;
  };
  auto from = as_date(a[0]), to = as_date(a[1]);
  if (!from || !to) return {};
  // Whole months between the two dates, counted down toward zero.
  auto ymd = [](const Date& d) {
    return date::year_month_day{date::sys_days{date::days{d.days}}};
  };
  auto f = ymd(*from), t = ymd(*to);
  std::int64_t months =
      (static_cast<int>(t.year()) - static_cast<int>(f.year())) * 12 +
      (static_cast<int>(static_cast<unsigned>(t.month())) -
       static_cast<int>(static_cast<unsigned>(f.month())));
  if (months > 0 && t.day() < f.day()) --months;
  if (months < 0 && t.day() > f.day()) ++months;
  return YearsMonthsDuration{months};
}
Value Now(const Args&, Evaluator& ev) {
  auto t = temporal::InZone(ev.options().zone,
                            ev.options().now.time_since_epoch().count());
  if (!t) return {};
  if (ev.options().zone == "UTC") t->zone.clear();  // prints as ...Z
  return *t;
}
Value Today(const Args& a, Evaluator& ev) {
  Value n = Now(a, ev);
  return n.is_null() ? Value() : Value(temporal::DateOf(n.date_time()));
}
Value DayOfWeek(const Args& a, Evaluator&) {
  static const std::array<const char*, 7> kNames = {
      "Monday", "Tuesday",  "Wednesday", "Thursday",
      "Friday", "Saturday", "Sunday"};
  Value w = temporal::Property(a[0], "weekday");
  auto i = Int(w);
  if (!i) return {};
  return kNames[static_cast<std::size_t>(*i - 1)];
}

constexpr int kMany = 1 << 20;

const std::array<Builtin, 58> kBuiltins = {{
    {"string length", 1, 1, StringLength},
    {"upper case", 1, 1, UpperCase},
    {"lower case", 1, 1, LowerCase},
    {"substring", 2, 3, Substring},
    {"substring before", 2, 2, SubstringBefore},
    {"substring after", 2, 2, SubstringAfter},
    {"contains", 2, 2, Contains},
    {"starts with", 2, 2, StartsWith},
    {"ends with", 2, 2, EndsWith},
    {"matches", 2, 3, Matches},
    {"replace", 3, 4, Replace},
    {"split", 2, 2, Split},
    {"string join", 1, 2, StringJoin},
    {"string", 1, 1, ToString},
    {"number", 1, 3, ToNumber},
    {"not", 1, 1, Not},
    {"abs", 1, 1, Abs},
    {"floor", 1, 2, Floor},
    {"ceiling", 1, 2, Ceiling},
    {"decimal", 2, 2, DecimalFn},
    {"round up", 2, 2, RoundUp},
    {"round down", 2, 2, RoundDown},
    {"round half up", 2, 2, RoundHalfUp},
    {"round half down", 2, 2, RoundHalfDown},
    {"modulo", 2, 2, Modulo},
    {"sqrt", 1, 1, Sqrt},
    {"odd", 1, 1, Odd},
    {"even", 1, 1, Even},
    {"min", 1, kMany, Min},
    {"max", 1, kMany, Max},
    {"sum", 1, kMany, Sum},
    {"mean", 1, kMany, Mean},
    {"product", 1, kMany, Product},
    {"count", 1, 1, Count},
    {"list contains", 2, 2, ListContains},
    {"append", 1, kMany, Append},
    {"concatenate", 1, kMany, Concatenate},
    {"distinct values", 1, 1, DistinctValues},
    {"union", 1, kMany, Union},
    {"flatten", 1, 1, Flatten},
    {"sort", 1, 2, Sort},
    {"index of", 2, 2, IndexOf},
    {"reverse", 1, 1, Reverse},
    {"sublist", 2, 3, Sublist},
    {"insert before", 3, 3, InsertBefore},
    {"remove", 2, 2, Remove},
    {"get value", 2, 2, GetValue},
    {"get entries", 1, 1, GetEntries},
    {"context put", 3, 3, ContextPut},
    {"get or else", 2, 2, GetOrElse},
    {"date", 1, 3, DateFn},
    {"time", 1, 4, TimeFn},
    {"date and time", 1, 2, DateAndTime},
    {"duration", 1, 1, DurationFn},
    {"years and months duration", 2, 2, YearsAndMonthsDuration},
    {"now", 0, 0, Now},
    {"today", 0, 0, Today},
    {"day of week", 1, 1, DayOfWeek},
}};

}  // namespace

int FindBuiltin(std::string_view name) {
  for (std::size_t i = 0; i < kBuiltins.size(); ++i) {
    if (kBuiltins[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Builtin& BuiltinAt(int index) {
  return kBuiltins[static_cast<std::size_t>(index)];
}

}  // namespace bpmn::expr
