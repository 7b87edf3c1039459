// Value comparisons, canonical JSON text, and JSON input with exact numbers
// (value.h). Pure functions; thread-safe.
#include "expr/value.h"

#include <nlohmann/json.hpp>

#include "expr/temporal.h"

namespace bpmn::expr {

const Value* Value::Find(std::string_view name) const {
  if (type() != Type::kContext) return nullptr;
  for (const auto& [key, value] : context()) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string_view TypeName(Value::Type type) {
  switch (type) {
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBoolean:
      return "boolean";
    case Value::Type::kNumber:
      return "number";
    case Value::Type::kString:
      return "string";
    case Value::Type::kList:
      return "list";
    case Value::Type::kContext:
      return "context";
    case Value::Type::kDate:
      return "date";
    case Value::Type::kTime:
      return "time";
    case Value::Type::kDateTime:
      return "date and time";
    case Value::Type::kDaysTimeDuration:
      return "days and time duration";
    case Value::Type::kYearsMonthsDuration:
      return "years and months duration";
    case Value::Type::kRange:
      return "range";
    case Value::Type::kFunction:
      return "function";
  }
  return "unknown";
}

namespace {

int Sign(std::int64_t d) { return d < 0 ? -1 : d > 0 ? 1 : 0; }

std::optional<int> CompareDateTimes(const DateTime& a, const DateTime& b) {
  if (a.offset_minutes.has_value() != b.offset_minutes.has_value())
    return std::nullopt;
  return Sign(a.InstantMs() - b.InstantMs());
}

}  // namespace

std::optional<int> Order(const Value& a, const Value& b) {
  using T = Value::Type;
  if (a.type() != b.type()) {
    // A date compares with a date and time at its midnight.
    if (a.type() == T::kDate && b.type() == T::kDateTime)
      return CompareDateTimes(temporal::AtMidnight(a.date()), b.date_time());
    if (a.type() == T::kDateTime && b.type() == T::kDate)
      return CompareDateTimes(a.date_time(), temporal::AtMidnight(b.date()));
    return std::nullopt;
  }
  switch (a.type()) {
    case T::kNumber:
      return Compare(a.number(), b.number());
    case T::kString: {
      int c = a.string().compare(b.string());
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case T::kDate:
      return Sign(std::int64_t{a.date().days} - b.date().days);
    case T::kTime: {
      const Time &x = a.time(), &y = b.time();
      if (x.offset_minutes.has_value() != y.offset_minutes.has_value())
        return std::nullopt;
      return Sign((x.ms - std::int64_t{x.offset_minutes.value_or(0)} * 60000) -
                  (y.ms - std::int64_t{y.offset_minutes.value_or(0)} * 60000));
    }
    case T::kDateTime:
      return CompareDateTimes(a.date_time(), b.date_time());
    case T::kDaysTimeDuration:
      return Sign(a.days_time().ms - b.days_time().ms);
    case T::kYearsMonthsDuration:
      return Sign(a.years_months().months - b.years_months().months);
    default:
      return std::nullopt;
  }
}

std::optional<bool> Equal(const Value& a, const Value& b) {
  using T = Value::Type;
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.type() != b.type()) {
    if (auto o = Order(a, b)) return *o == 0;
    return std::nullopt;
  }
  switch (a.type()) {
    case T::kBoolean:
      return a.boolean() == b.boolean();
    case T::kList: {
      const List &x = a.list(), &y = b.list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        auto e = Equal(x[i], y[i]);
        if (!e) return std::nullopt;
        if (!*e) return false;
      }
      return true;
    }
    case T::kContext: {
      const Context &x = a.context(), &y = b.context();
      if (x.size() != y.size()) return false;
      for (const auto& [key, value] : x) {
        const Value* other = b.Find(key);
        if (!other) return false;
        auto e = Equal(value, *other);
        if (!e) return std::nullopt;
        if (!*e) return false;
      }
      return true;
    }
    case T::kRange: {
      const Range &x = a.range(), &y = b.range();
      auto lo = Equal(x.low, y.low), hi = Equal(x.high, y.high);
      return lo.value_or(false) && hi.value_or(false) &&
             x.low_closed == y.low_closed && x.high_closed == y.high_closed;
    }
    case T::kFunction:
      return &a.function() == &b.function();
    default: {
      auto o = Order(a, b);
      if (!o) return std::nullopt;
      return *o == 0;
    }
  }
}

namespace {

// A JSON string; bytes that are not UTF-8 (only a caller's Value can hold them)
// become U+FFFD.
std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false,
                                nlohmann::json::error_handler_t::replace);
}

void AppendJson(std::string& out, const Value& v) {
  using T = Value::Type;
  switch (v.type()) {
    case T::kNull:
      out += "null";
      return;
    case T::kBoolean:
      out += v.boolean() ? "true" : "false";
      return;
    case T::kNumber:
      out += v.number().ToString();
      return;
    case T::kString:
      out += JsonString(v.string());
      return;
    case T::kList: {
      out += '[';
      bool first = true;
      for (const auto& e : v.list()) {
        if (!first) out += ',';
        first = false;
        AppendJson(out, e);
      }
      out += ']';
      return;
    }
    case T::kContext: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : v.context()) {
        if (!first) out += ',';
        first = false;
        out += JsonString(key);
        out += ':';
        AppendJson(out, value);
      }
      out += '}';
      return;
    }
    default:
      out += JsonString(ToText(v));
      return;
  }
}

// Builds Values from nlohmann's SAX events, keeping each number's own text.
class ValueBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return Put(Value()); }
  bool boolean(bool b) override { return Put(Value(b)); }
  bool number_integer(number_integer_t n) override {
    return Put(Value(std::int64_t{n}));
  }
  bool number_unsigned(number_unsigned_t n) override {
    auto d = Decimal::Parse(std::to_string(n));
    return Put(d ? Value(*d) : Value());
  }
  bool number_float(number_float_t, const string_t& text) override {
    auto d = Decimal::Parse(text);
    if (!d) return false;
    return Put(Value(*d));
  }
  bool string(string_t& s) override { return Put(Value(std::move(s))); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    frames_.push_back(Frame{true, {}, {}, {}});
    return frames_.size() < 200;
  }
  bool key(string_t& k) override {
    frames_.back().key = std::move(k);
    return true;
  }
  bool end_object() override {
    Value v(std::move(frames_.back().context));
    frames_.pop_back();
    return Put(std::move(v));
  }
  bool start_array(std::size_t) override {
    frames_.push_back(Frame{false, {}, {}, {}});
    return frames_.size() < 200;
  }
  bool end_array() override {
    Value v(std::move(frames_.back().list));
    frames_.pop_back();
    return Put(std::move(v));
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error_ =
        "invalid JSON at byte " + std::to_string(position) + ": " + e.what();
    return false;
  }

  std::optional<Value> result;
  std::string error_;

 private:
  struct Frame {
    bool is_object;
    std::string key;
    Context context;
    List list;
  };
  bool Put(Value v) {
    if (frames_.empty()) {
      result = std::move(v);
    } else if (frames_.back().is_object) {
      frames_.back().context.emplace_back(std::move(frames_.back().key),
                                          std::move(v));
    } else {
      frames_.back().list.push_back(std::move(v));
    }
    return true;
  }
  std::vector<Frame> frames_;
};

}  // namespace

std::string ToJson(const Value& value) {
  std::string out;
  AppendJson(out, value);
  return out;
}

std::string ToText(const Value& v) {
  using T = Value::Type;
  switch (v.type()) {
    case T::kString:
      return v.string();
    case T::kDate:
      return temporal::FormatDate(v.date());
    case T::kTime:
      return temporal::FormatTime(v.time());
    case T::kDateTime:
      return temporal::FormatDateTime(v.date_time());
    case T::kDaysTimeDuration:
      return temporal::FormatDaysTime(v.days_time());
    case T::kYearsMonthsDuration:
      return temporal::FormatYearsMonths(v.years_months());
    case T::kRange: {
      const Range& r = v.range();
      return std::string(r.low_closed ? "[" : "(") + ToText(r.low) + ".." +
             ToText(r.high) + (r.high_closed ? "]" : ")");
    }
    case T::kFunction:
      return "function";
    default:
      return ToJson(v);
  }
}

std::optional<Value> FromJson(std::string_view json, std::string* error) {
  ValueBuilder builder;
  bool ok =
      nlohmann::json::sax_parse(json.begin(), json.end(), &builder,
                                nlohmann::json::input_format_t::json, true);
  if (!ok || !builder.result) {
    if (error)
      *error = builder.error_.empty() ? "invalid JSON" : builder.error_;
    return std::nullopt;
  }
  return builder.result;
}

}  // namespace bpmn::expr
