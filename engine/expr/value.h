// Value: what an expression computes and what process variables hold. FEEL's
// types: null, boolean, number (exact Decimal), string, list, context (ordered
// name -> value), date, time, date and time, days-time duration, years-months
// duration, range, and function (for `sort`'s `precedes`). Lists and contexts
// are immutable and shared, so copies are cheap. Thread-safe to read; build a
// Value in one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "expr/decimal.h"

namespace bpmn::expr {

class Value;
using List = std::vector<Value>;
using Context = std::vector<std::pair<std::string, Value>>;

// Calendar date: days since 1970-01-01.
struct Date {
  std::int32_t days = 0;
};
// Time of day, with an offset or zone when one was given.
struct Time {
  std::int64_t ms = 0;  // since midnight, local
  std::optional<std::int32_t> offset_minutes;
  std::string zone;  // IANA name, or empty
};
// Date and time: wall-clock milliseconds since 1970-01-01T00:00 local, and the
// offset (fixed, or derived from the zone at that instant) when known.
struct DateTime {
  std::int64_t local_ms = 0;
  std::optional<std::int32_t> offset_minutes;
  std::string zone;
  // Milliseconds since the epoch in UTC; only meaningful with an offset.
  std::int64_t InstantMs() const {
    return local_ms - std::int64_t{offset_minutes.value_or(0)} * 60000;
  }
};
struct DaysTimeDuration {
  std::int64_t ms = 0;
};
struct YearsMonthsDuration {
  std::int64_t months = 0;
};
struct Range;
class Function;

class Value {
 public:
  enum class Type : std::uint8_t {
    kNull,
    kBoolean,
    kNumber,
    kString,
    kList,
    kContext,
    kDate,
    kTime,
    kDateTime,
    kDaysTimeDuration,
    kYearsMonthsDuration,
    kRange,
    kFunction,
  };

  Value() = default;        // null
  Value(bool b) : v_(b) {}  // NOLINT
  // A number that overflowed is FEEL's null, so no Value holds an infinity.
  Value(Decimal d) {  // NOLINT
    if (d.IsFinite()) v_ = std::move(d);
  }
  Value(std::int64_t n) : v_(Decimal(n)) {}       // NOLINT
  Value(int n) : v_(Decimal(std::int64_t{n})) {}  // NOLINT
  Value(std::string s) : v_(std::move(s)) {}      // NOLINT
  Value(const char* s) : v_(std::string(s)) {}    // NOLINT
  Value(List list)
      : v_(std::make_shared<const List>(std::move(list))) {}  // NOLINT
  Value(Context context)
      : v_(std::make_shared<const Context>(std::move(context))) {}  // NOLINT
  Value(Date d) : v_(d) {}                                          // NOLINT
  Value(Time t) : v_(std::move(t)) {}                               // NOLINT
  Value(DateTime t) : v_(std::move(t)) {}                           // NOLINT
  Value(DaysTimeDuration d) : v_(d) {}                              // NOLINT
  Value(YearsMonthsDuration d) : v_(d) {}                           // NOLINT
  Value(std::shared_ptr<const Range> r) : v_(std::move(r)) {}       // NOLINT
  Value(std::shared_ptr<const Function> f) : v_(std::move(f)) {}    // NOLINT

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }

  // Accessors; each requires the matching type().
  bool boolean() const { return std::get<bool>(v_); }
  const Decimal& number() const { return std::get<Decimal>(v_); }
  const std::string& string() const { return std::get<std::string>(v_); }
  const List& list() const {
    return *std::get<std::shared_ptr<const List>>(v_);
  }
  const Context& context() const {
    return *std::get<std::shared_ptr<const Context>>(v_);
  }
  const Date& date() const { return std::get<Date>(v_); }
  const Time& time() const { return std::get<Time>(v_); }
  const DateTime& date_time() const { return std::get<DateTime>(v_); }
  const DaysTimeDuration& days_time() const {
    return std::get<DaysTimeDuration>(v_);
  }
  const YearsMonthsDuration& years_months() const {
    return std::get<YearsMonthsDuration>(v_);
  }
  const Range& range() const {
    return *std::get<std::shared_ptr<const Range>>(v_);
  }
  const Function& function() const {
    return *std::get<std::shared_ptr<const Function>>(v_);
  }

  // A context entry by name, or null when absent (also when this is not a
  // context).
  const Value* Find(std::string_view name) const;

 private:
  std::variant<std::monostate, bool, Decimal, std::string,
               std::shared_ptr<const List>, std::shared_ptr<const Context>,
               Date, Time, DateTime, DaysTimeDuration, YearsMonthsDuration,
               std::shared_ptr<const Range>, std::shared_ptr<const Function>>
      v_;
};

struct Range {
  Value low, high;  // null for an open end (`< 5`)
  bool low_closed = true, high_closed = true;
};

std::string_view TypeName(Value::Type type);

// FEEL equality: deep, numbers by value, null equals only null. Nothing when
// the types cannot be compared (FEEL then gives null).
std::optional<bool> Equal(const Value& a, const Value& b);
// Ordering of numbers, strings, dates, times, date-times and durations of one
// kind; nothing for values that have no order between them.
std::optional<int> Order(const Value& a, const Value& b);

// JSON text, canonical: numbers as exact decimals, lists `[1,2]`, contexts
// `{"a":1}` in entry order, temporal values as ISO 8601 strings ("2026-03-02",
// "2026-03-02T09:00:00+03:00", "P1DT2H", "P1Y2M"), ranges as strings
// ("[1..10]").
std::string ToJson(const Value& value);
// The FEEL `string()` of a value: strings as they are, the rest as in ToJson.
std::string ToText(const Value& value);

// Reads JSON into a Value with numbers kept exact (from their text, not via
// double). On failure returns nothing and, when `error` is given, says what and
// where.
std::optional<Value> FromJson(std::string_view json,
                              std::string* error = nullptr);

}  // namespace bpmn::expr
