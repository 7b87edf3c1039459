// The evaluator (evaluator.h). FEEL's rule throughout: an operation on values
// it is not defined for gives null, not an error. JUEL's rules where they
// differ: unknown names and impossible coercions are errors, null counts as
// false in logic and as 0 in arithmetic, lists index from 0.
#include "expr/evaluator.h"

#include <algorithm>

#include "expr/builtins.h"
#include "expr/temporal.h"

namespace bpmn::expr {
namespace {

using T = Value::Type;

bool IsTrue(const Value& v) { return v.type() == T::kBoolean && v.boolean(); }
bool IsFalse(const Value& v) { return v.type() == T::kBoolean && !v.boolean(); }

// Restores the local names to their size at construction.
class LocalScope {
 public:
  explicit LocalScope(std::vector<std::pair<std::string, Value>>& locals)
      : locals_(locals), mark_(locals.size()) {}
  ~LocalScope() { locals_.resize(mark_); }

 private:
  std::vector<std::pair<std::string, Value>>& locals_;
  std::size_t mark_;
};

// Items of a `for`/`some`/`every` collection: a list, or the whole numbers of a
// range.
bool Items(const Value& v, Evaluator& ev, List& out) {
  if (v.type() == T::kList) {
    out = v.list();
    return true;
  }
  if (v.type() == T::kRange) {
    const Range& r = v.range();
    if (r.low.type() != T::kNumber || r.high.type() != T::kNumber) return false;
    auto lo = r.low.number().ToInt64(), hi = r.high.number().ToInt64();
    if (!lo || !hi) return false;
    std::int64_t step = *lo <= *hi ? 1 : -1;
    std::int64_t first = *lo + (r.low_closed ? 0 : step);
    std::int64_t last = *hi - (r.high_closed ? 0 : step);
    std::uint64_t count = step > 0 ? (last >= first ? last - first + 1 : 0)
                                   : (first >= last ? first - last + 1 : 0);
    if (!ev.ChargeSteps(count)) return false;
    for (std::int64_t i = first;; i += step) {
      if (count-- == 0) break;
      out.emplace_back(i);
    }
    return ev.ChargeList(out);
  }
  out.push_back(v);  // a single value iterates once
  return true;
}

std::optional<Decimal> JuelNumber(const Value& v) {
  if (v.is_null()) return Decimal(0);
  if (v.type() == T::kNumber) return v.number();
  if (v.type() == T::kString) return Decimal::Parse(v.string());
  return std::nullopt;
}

}  // namespace

void Evaluator::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

bool Evaluator::ChargeSteps(std::uint64_t steps) {
  steps_ += steps;
  if (steps_ > options_.step_budget) {
    Fail("the evaluation needed more than " +
         std::to_string(options_.step_budget) + " steps and was stopped");
    return false;
  }
  return true;
}

bool Evaluator::ChargeValue(const Value& v) {
  bytes_ += sizeof(Value);
  if (v.type() == T::kString) bytes_ += v.string().size();
  if (bytes_ > options_.memory_budget) {
    Fail("the evaluation needed more than " +
         std::to_string(options_.memory_budget >> 20) + " MiB and was stopped");
    return false;
  }
  return true;
}

bool Evaluator::ChargeList(const List& list) {
  for (const auto& v : list)
    if (!ChargeValue(v)) return false;
  return true;
}

const Value* Evaluator::Lookup(std::string_view name) const {
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return variables_.Find(name);
}

Value Evaluator::Eval(const Node& n) {
  if (failed() || !ChargeSteps(1)) return {};
  switch (n.op) {
    case Op::kLiteral:
      return n.literal;
    case Op::kName:
      return EvalName(n);
    case Op::kPath:
      return EvalPath(n);
    case Op::kIndex:
      return EvalIndex(n);
    case Op::kCall: {
      std::vector<Value> args;
      args.reserve(n.kids.size());
      for (const auto& k : n.kids) args.push_back(Eval(*k));
      if (failed()) return {};
      return BuiltinAt(n.builtin).fn(args, *this);
    }
    case Op::kMethod:
      return EvalMethod(n);
    case Op::kNegate: {
      Value v = Eval(*n.kids[0]);
      if (n.dialect == Dialect::kJuel) {
        auto d = JuelNumber(v);
        if (!d) {
          Fail("cannot negate a " + std::string(TypeName(v.type())));
          return {};
        }
        return -*d;
      }
      if (v.type() == T::kNumber) return -v.number();
      if (v.type() == T::kDaysTimeDuration)
        return DaysTimeDuration{-v.days_time().ms};
      if (v.type() == T::kYearsMonthsDuration)
        return YearsMonthsDuration{-v.years_months().months};
      return {};
    }
    case Op::kNot: {
      auto b = JuelBoolean(Eval(*n.kids[0]));
      return b ? Value(!*b) : Value();
    }
    case Op::kEmpty: {
      Value v = Eval(*n.kids[0]);
      switch (v.type()) {
        case T::kNull:
          return true;
        case T::kString:
          return v.string().empty();
        case T::kList:
          return v.list().empty();
        case T::kContext:
          return v.context().empty();
        default:
          return false;
      }
    }
    case Op::kAnd:
    case Op::kOr:
      return EvalLogic(n);
    case Op::kAdd:
    case Op::kSubtract:
    case Op::kMultiply:
    case Op::kDivide:
    case Op::kPower:
    case Op::kRemainder:
      return EvalArithmetic(n);
    case Op::kEqual:
    case Op::kNotEqual:
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kGreater:
    case Op::kGreaterEqual:
      return EvalComparison(n);
    case Op::kIf: {
      Value c = Eval(*n.kids[0]);
      bool yes = n.dialect == Dialect::kJuel ? JuelBoolean(c).value_or(false)
                                             : IsTrue(c);
      return Eval(*n.kids[yes ? 1 : 2]);
    }
    case Op::kFor:
    case Op::kSome:
    case Op::kEvery:
      return EvalIteration(n);
    case Op::kBetween: {
      Value v = Eval(*n.kids[0]), lo = Eval(*n.kids[1]), hi = Eval(*n.kids[2]);
      auto a = Order(lo, v), b = Order(v, hi);
      if (!a || !b) return {};
      return *a <= 0 && *b <= 0;
    }
    case Op::kIn:
      return EvalIn(n);
    case Op::kUnaryTest:
      return {};  // only meaningful inside `in`
    case Op::kList: {
      List list;
      list.reserve(n.kids.size());
      for (const auto& k : n.kids) {
        list.push_back(Eval(*k));
        if (!ChargeValue(list.back())) return {};
      }
      return list;
    }
    case Op::kContext: {
      LocalScope scope(locals_);
      Context context;
      for (std::size_t i = 0; i < n.kids.size(); ++i) {
        Value v = Eval(*n.kids[i]);
        if (!ChargeValue(v)) return {};
        locals_.emplace_back(n.names[i],
                             v);  // later entries may use earlier ones
        context.emplace_back(n.names[i], std::move(v));
      }
      return context;
    }
    case Op::kRange: {
      auto r = std::make_shared<Range>();
      r->low = Eval(*n.kids[0]);
      r->high = Eval(*n.kids[1]);
      r->low_closed = n.low_closed;
      r->high_closed = n.high_closed;
      return std::shared_ptr<const Range>(std::move(r));
    }
    case Op::kInstanceOf:
      return EvalInstanceOf(n);
    case Op::kFunction: {
      auto f = std::make_shared<Function>();
      f->params = n.names;
      f->body = n.kids[0].get();
      f->root = root_;
      f->captured = locals_;
      return std::shared_ptr<const Function>(std::move(f));
    }
    case Op::kConcat:
      return EvalConcat(n);
  }
  return {};
}

Value Evaluator::Call(const Function& f, const std::vector<Value>& args) {
  if (failed()) return {};
  if (args.size() != f.params.size()) {
    Fail("the function takes " + std::to_string(f.params.size()) +
         " arguments, not " + std::to_string(args.size()));
    return {};
  }
  LocalScope scope(locals_);
  for (const auto& c : f.captured) locals_.push_back(c);
  for (std::size_t i = 0; i < args.size(); ++i)
    locals_.emplace_back(f.params[i], args[i]);
  return Eval(*f.body);
}

Value Evaluator::EvalName(const Node& n) {
  if (const Value* v = Lookup(n.name)) return *v;
  if (n.dialect == Dialect::kJuel) Fail("unknown variable '" + n.name + "'");
  return {};
}

Value Evaluator::EvalPath(const Node& n) {
  Value base = Eval(*n.kids[0]);
  switch (base.type()) {
    case T::kContext: {
      // A missing entry is null in both dialects (as Java EL reads a Map); only
      // an unknown top-level name is an error in JUEL.
      const Value* v = base.Find(n.name);
      return v ? *v : Value();
    }
    case T::kList: {
      // A path over a list of contexts is the list of their entries.
      List out;
      for (const auto& e : base.list()) {
        const Value* v = e.Find(n.name);
        out.push_back(v ? *v : Value());
      }
      if (!ChargeList(out)) return {};
      return out;
    }
    case T::kNull:
      return {};
    default:
      return temporal::Property(base, n.name);
  }
}

Value Evaluator::EvalIndex(const Node& n) {
  Value base = Eval(*n.kids[0]);
  if (failed()) return {};
  const Node& selector = *n.kids[1];
  if (n.dialect == Dialect::kJuel) {
    Value key = Eval(selector);
    if (base.type() == T::kContext && key.type() == T::kString) {
      const Value* v = base.Find(key.string());
      return v ? *v : Value();
    }
    if (base.type() == T::kList && key.type() == T::kNumber) {
      auto i = key.number().ToInt64();
      if (!i || *i < 0 || *i >= static_cast<std::int64_t>(base.list().size()))
        return {};
      return base.list()[static_cast<std::size_t>(*i)];
    }
    return {};
  }
  // FEEL: a number selects (1-based, negative from the end); anything else
  // filters.
  Value key = Eval(selector);
  if (failed()) return {};
  const List* list = base.type() == T::kList ? &base.list() : nullptr;
  List single;
  if (!list) {
    if (base.is_null()) return {};
    single.push_back(base);
    list = &single;
  }
  if (key.type() == T::kNumber) {
    auto i = key.number().ToInt64();
    auto size = static_cast<std::int64_t>(list->size());
    if (!i || *i == 0 || *i > size || *i < -size) return {};
    return (*list)[static_cast<std::size_t>(*i > 0 ? *i - 1 : size + *i)];
  }
  List out;
  for (const auto& item : *list) {
    LocalScope scope(locals_);
    locals_.emplace_back("item", item);
    if (item.type() == T::kContext) {
      for (const auto& entry : item.context()) locals_.push_back(entry);
    }
    if (IsTrue(Eval(selector))) {
      out.push_back(item);
      if (!ChargeValue(item)) return {};
    }
    if (failed()) return {};
  }
  return out;
}

Value Evaluator::EvalMethod(const Node& n) {
  Value self = Eval(*n.kids[0]);
  std::vector<Value> args;
  for (std::size_t i = 1; i < n.kids.size(); ++i)
    args.push_back(Eval(*n.kids[i]));
  if (failed()) return {};
  auto want = [&](std::size_t count) {
    if (args.size() == count) return true;
    Fail("method " + n.name + " takes " + std::to_string(count) + " arguments");
    return false;
  };
  auto str_arg = [&](std::size_t i) -> const std::string* {
    return args[i].type() == T::kString ? &args[i].string() : nullptr;
  };
  const std::string& m = n.name;
  if (self.is_null()) {
    Fail("cannot call " + m + "() on null");
    return {};
  }
  if (m == "equals") {
    if (!want(1)) return {};
    return Equal(self, args[0]).value_or(false);
  }
  if (self.type() == T::kString) {
    const std::string& s = self.string();
    if (m == "length") {
      if (!want(0)) return {};
      return BuiltinAt(FindBuiltin("string length")).fn({self}, *this);
    }
    if (m == "isEmpty") return want(0) ? Value(s.empty()) : Value();
    if (m == "trim") {
      if (!want(0)) return {};
      std::size_t b = s.find_first_not_of(" \t\r\n"),
                  e = s.find_last_not_of(" \t\r\n");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    }
    if (m == "toUpperCase")
      return want(0) ? BuiltinAt(FindBuiltin("upper case")).fn({self}, *this)
                     : Value();
    if (m == "toLowerCase")
      return want(0) ? BuiltinAt(FindBuiltin("lower case")).fn({self}, *this)
                     : Value();
    if (m == "contains" || m == "startsWith" || m == "endsWith") {
      if (!want(1)) return {};
      const std::string* a = str_arg(0);
      if (!a) {
        Fail(m + "() needs a string argument");
        return {};
      }
      if (m == "contains") return s.find(*a) != std::string::npos;
      if (m == "startsWith") return s.rfind(*a, 0) == 0;
      return s.size() >= a->size() &&
             s.compare(s.size() - a->size(), a->size(), *a) == 0;
    }
  }
  if (self.type() == T::kList || self.type() == T::kContext) {
    std::size_t size =
        self.type() == T::kList ? self.list().size() : self.context().size();
    if (m == "size")
      return want(0) ? Value(static_cast<std::int64_t>(size)) : Value();
    if (m == "isEmpty") return want(0) ? Value(size == 0) : Value();
    if (m == "contains") {
      if (!want(1)) return {};
      if (self.type() == T::kContext)
        return args[0].type() == T::kString &&
               self.Find(args[0].string()) != nullptr;
      for (const auto& e : self.list())
        if (Equal(e, args[0]).value_or(false)) return true;
      return false;
    }
  }
  Fail("a " + std::string(TypeName(self.type())) + " has no method " + m +
       "()");
  return {};
}

std::optional<bool> Evaluator::JuelBoolean(const Value& v) {
  if (v.is_null()) return false;
  if (v.type() == T::kBoolean) return v.boolean();
  if (v.type() == T::kString) {
    if (v.string() == "true") return true;
    if (v.string() == "false" || v.string().empty()) return false;
  }
  Fail("cannot use a " + std::string(TypeName(v.type())) + " as a boolean");
  return std::nullopt;
}

Value Evaluator::EvalLogic(const Node& n) {
  const bool is_and = n.op == Op::kAnd;
  if (n.dialect == Dialect::kJuel) {
    auto a = JuelBoolean(Eval(*n.kids[0]));
    if (!a) return {};
    if (is_and ? !*a : *a) return *a;  // short-circuit
    auto b = JuelBoolean(Eval(*n.kids[1]));
    return b ? Value(*b) : Value();
  }
  // FEEL's three-valued logic: false decides `and`, true decides `or`,
  // otherwise null.
  Value a = Eval(*n.kids[0]);
  if (is_and ? IsFalse(a) : IsTrue(a)) return a;
  Value b = Eval(*n.kids[1]);
  if (is_and ? IsFalse(b) : IsTrue(b)) return b;
  if (a.type() == T::kBoolean && b.type() == T::kBoolean) return a;
  return {};
}

Value Evaluator::EvalArithmetic(const Node& n) {
  Value a = Eval(*n.kids[0]);
  Value b = Eval(*n.kids[1]);
  if (failed()) return {};
  if (n.dialect == Dialect::kJuel) {
    auto x = JuelNumber(a), y = JuelNumber(b);
    if (!x || !y) {
      Fail("cannot compute with a " +
           std::string(TypeName((x ? b : a).type())) +
           " (JUEL arithmetic takes numbers)");
      return {};
    }
    switch (n.op) {
      case Op::kAdd:
        return *x + *y;
      case Op::kSubtract:
        return *x - *y;
      case Op::kMultiply:
        return *x * *y;
      case Op::kDivide:
      case Op::kRemainder:
        if (y->IsZero()) {
          Fail("division by zero");
          return {};
        }
        if (n.op == Op::kDivide) return *x / *y;
        return *x - *y * (*x / *y).Round(0, Decimal::Rounding::kDown);
      default:
        return {};
    }
  }
  if (a.type() == T::kNumber && b.type() == T::kNumber) {
    const Decimal &x = a.number(), &y = b.number();
    switch (n.op) {
      case Op::kAdd:
        return x + y;
      case Op::kSubtract:
        return x - y;
      case Op::kMultiply:
        return x * y;
      case Op::kDivide:
        return y.IsZero() ? Value() : Value(x / y);
      case Op::kPower: {
        auto p = x.Pow(y);
        return p ? Value(*p) : Value();
      }
      default:
        return {};
    }
  }
  if (n.op == Op::kAdd && a.type() == T::kString && b.type() == T::kString) {
    Value s(a.string() + b.string());
    if (!ChargeValue(s)) return {};
    return s;
  }
  if (n.op == Op::kAdd) return temporal::Add(a, b);
  if (n.op == Op::kSubtract) return temporal::Subtract(a, b);
  // Durations scale by numbers and divide by each other.
  auto scale = [&](const Value& d, const Decimal& f, bool divide) -> Value {
    if (divide && f.IsZero()) return {};
    if (d.type() == T::kDaysTimeDuration) {
      Decimal ms = divide ? Decimal(d.days_time().ms) / f
                          : Decimal(d.days_time().ms) * f;
      auto v = ms.Round(0, Decimal::Rounding::kHalfEven).ToInt64();
      return v ? Value(DaysTimeDuration{*v}) : Value();
    }
    if (d.type() == T::kYearsMonthsDuration) {
      Decimal m = divide ? Decimal(d.years_months().months) / f
                         : Decimal(d.years_months().months) * f;
      auto v = m.Round(0, Decimal::Rounding::kDown).ToInt64();
      return v ? Value(YearsMonthsDuration{*v}) : Value();
    }
    return {};
  };
  if (n.op == Op::kMultiply) {
    if (b.type() == T::kNumber) return scale(a, b.number(), false);
    if (a.type() == T::kNumber) return scale(b, a.number(), false);
  }
  if (n.op == Op::kDivide) {
    if (b.type() == T::kNumber) return scale(a, b.number(), true);
    if (a.type() == T::kDaysTimeDuration && b.type() == T::kDaysTimeDuration &&
        b.days_time().ms != 0)
      return Decimal(a.days_time().ms) / Decimal(b.days_time().ms);
    if (a.type() == T::kYearsMonthsDuration &&
        b.type() == T::kYearsMonthsDuration && b.years_months().months != 0)
      return Decimal(a.years_months().months) /
             Decimal(b.years_months().months);
  }
  return {};
}

Value Evaluator::EvalComparison(const Node& n) {
  Value a = Eval(*n.kids[0]);
  Value b = Eval(*n.kids[1]);
  if (failed()) return {};
  const bool juel = n.dialect == Dialect::kJuel;
  if (juel) {
    // EL coerces a string operand to the other side's number.
    if (a.type() == T::kNumber && b.type() == T::kString) {
      if (auto d = Decimal::Parse(b.string())) b = *d;
    } else if (a.type() == T::kString && b.type() == T::kNumber) {
      if (auto d = Decimal::Parse(a.string())) a = *d;
    }
  }
  if (n.op == Op::kEqual || n.op == Op::kNotEqual) {
    auto e = Equal(a, b);
    if (!e) {
      if (juel) return n.op == Op::kNotEqual;
      return {};
    }
    return n.op == Op::kEqual ? *e : !*e;
  }
  if (juel && (a.is_null() || b.is_null())) return false;
  auto o = Order(a, b);
  if (!o) {
    if (juel) {
      Fail("cannot compare a " + std::string(TypeName(a.type())) + " with a " +
           std::string(TypeName(b.type())));
    }
    return {};
  }
  switch (n.op) {
    case Op::kLess:
      return *o < 0;
    case Op::kLessEqual:
      return *o <= 0;
    case Op::kGreater:
      return *o > 0;
    case Op::kGreaterEqual:
      return *o >= 0;
    default:
      return {};
  }
}

Value Evaluator::EvalIteration(const Node& n) {
  Iteration it;
  if (!Iterate(n, 0, it)) return {};
  if (n.op == Op::kFor) return std::move(it.results);
  return n.op == Op::kSome ? it.any_true : it.all_true;
}

// One level of nested iteration per variable (the parser allows a handful);
// later collections may use earlier variables, so each level evaluates its
// collection inside the outer binding.
bool Evaluator::Iterate(const Node& n, std::size_t level, Iteration& it) {
  List items;
  if (!Items(Eval(*n.kids[level]), *this, items)) {
    if (!failed()) Fail("cannot iterate over this value");
    return false;
  }
  const bool innermost = level + 1 == n.names.size();
  for (const auto& item : items) {
    if (failed()) return false;
    LocalScope scope(locals_);
    locals_.emplace_back(n.names[level], item);
    if (!innermost) {
      if (!Iterate(n, level + 1, it)) return false;
      if (it.decided) return true;
      continue;
    }
    Value v = Eval(*n.kids[n.names.size()]);
    if (n.op == Op::kFor) {
      if (!ChargeValue(v)) return false;
      it.results.push_back(std::move(v));
    } else {
      it.any_true = it.any_true || IsTrue(v);
      it.all_true = it.all_true && IsTrue(v);
      it.decided = n.op == Op::kSome ? it.any_true : !it.all_true;
      if (it.decided) return true;
    }
  }
  return !failed();
}

Value Evaluator::EvalIn(const Node& n) {
  Value input = Eval(*n.kids[0]);
  bool unknown = false;
  for (std::size_t i = 1; i < n.kids.size(); ++i) {
    auto r = Test(input, *n.kids[i]);
    if (failed()) return {};
    if (r.value_or(false)) return true;
    unknown = unknown || !r;
  }
  return unknown ? Value() : Value(false);
}

std::optional<bool> Evaluator::Test(const Value& input, const Node& test) {
  if (test.op == Op::kUnaryTest) {
    Value endpoint = Eval(*test.kids[0]);
    if (test.compare == Op::kEqual) return Equal(input, endpoint);
    if (test.compare == Op::kNotEqual) {
      auto e = Equal(input, endpoint);
      return e ? std::optional<bool>(!*e) : std::nullopt;
    }
    auto o = Order(input, endpoint);
    if (!o) return std::nullopt;
    switch (test.compare) {
      case Op::kLess:
        return *o < 0;
      case Op::kLessEqual:
        return *o <= 0;
      case Op::kGreater:
        return *o > 0;
      default:
        return *o >= 0;
    }
  }
  Value v = Eval(test);
  if (v.type() == T::kRange) {
    const Range& r = v.range();
    if (!r.low.is_null()) {
      auto o = Order(input, r.low);
      if (!o) return std::nullopt;
      if (r.low_closed ? *o < 0 : *o <= 0) return false;
    }
    if (!r.high.is_null()) {
      auto o = Order(input, r.high);
      if (!o) return std::nullopt;
      if (r.high_closed ? *o > 0 : *o >= 0) return false;
    }
    return true;
  }
  if (v.type() == T::kList && input.type() != T::kList) {
    for (const auto& e : v.list())
      if (Equal(input, e).value_or(false)) return true;
    return false;
  }
  if (v.type() == T::kBoolean && input.type() != T::kBoolean)
    return v.boolean();
  return Equal(input, v);
}

Value Evaluator::EvalInstanceOf(const Node& n) {
  Value v = Eval(*n.kids[0]);
  const std::string& t = n.name;
  if (t == "Any") return !v.is_null();
  if (t == "Null") return v.is_null();
  return TypeName(v.type()) == t;
}

Value Evaluator::EvalConcat(const Node& n) {
  std::string out;
  for (const auto& k : n.kids) {
    Value v = Eval(*k);
    if (!v.is_null()) out += ToText(v);
  }
  Value s(std::move(out));
  if (!ChargeValue(s)) return {};
  return s;
}

}  // namespace bpmn::expr
