// The parser (parser.h): one recursive-descent grammar per dialect over the
// shared tokens. FEEL follows DMN 1.3 chapter 10 for the parts process diagrams
// use; JUEL follows the Unified EL operators, and admits only an allow-list of
// methods so that nothing reaches a host.
#include "expr/parser.h"

#include <algorithm>
#include <array>

#include "expr/builtins.h"
#include "expr/lexer.h"
#include "expr/temporal.h"

namespace bpmn::expr {
namespace {

using NodePtr = std::unique_ptr<Node>;

// JUEL methods an analyst may call; everything else (getClass, forName, wait,
// ...) is refused.
constexpr std::array<std::string_view, 10> kJuelMethods = {
    "contains", "length", "size",        "isEmpty",     "startsWith",
    "endsWith", "equals", "toUpperCase", "toLowerCase", "trim"};

const std::array<std::string_view, 13> kTypeNames = {
    "number",
    "string",
    "boolean",
    "date",
    "time",
    "date and time",
    "days and time duration",
    "years and months duration",
    "list",
    "context",
    "function",
    "Any",
    "Null"};

class Parser {
 public:
  Parser(std::vector<Token> tokens, Dialect dialect)
      : t_(std::move(tokens)), dialect_(dialect) {}

  Result<NodePtr> Run() {
    NodePtr root = dialect_ == Dialect::kFeel ? Expression() : JuelExpression();
    if (!error_.empty())
      return Fail(ErrorCode::kExpression, error_, {}, 0, error_column_);
    if (Peek().kind != Tok::kEnd) {
      return Fail(ErrorCode::kExpression, Expected("the end of the expression"),
                  {}, 0, Peek().column);
    }
    return root;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    return t_[std::min(pos_ + ahead, t_.size() - 1)];
  }
  bool IsSymbol(std::string_view s, std::size_t ahead = 0) const {
    return Peek(ahead).kind == Tok::kSymbol && Peek(ahead).text == s;
  }
  bool IsWord(std::string_view s, std::size_t ahead = 0) const {
    return Peek(ahead).kind == Tok::kName && Peek(ahead).text == s;
  }
  bool EatSymbol(std::string_view s) {
    if (!IsSymbol(s)) return false;
    ++pos_;
    return true;
  }
  bool EatWord(std::string_view s) {
    if (!IsWord(s)) return false;
    ++pos_;
    return true;
  }
  std::string Expected(const std::string& what) const {
    const Token& t = Peek();
    std::string found = t.kind == Tok::kEnd ? "the end" : "'" + t.text + "'";
    return "expected " + what + " but found " + found + " at column " +
           std::to_string(t.column);
  }
  NodePtr Error(const std::string& message) {
    if (error_.empty()) {
      error_ = message;
      error_column_ = Peek().column;
    }
    return Make(Op::kLiteral);
  }
  NodePtr ExpectSymbol(std::string_view s) {
    if (EatSymbol(s)) return nullptr;
    return Error(Expected("'" + std::string(s) + "'"));
  }
  bool Failed() const { return !error_.empty(); }

  NodePtr Make(Op op) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->dialect = dialect_;
    n->column = Peek().column;
    return n;
  }
  NodePtr Binary(Op op, NodePtr a, NodePtr b) {
    auto n = Make(op);
    n->column = a->column;
    Adopt(*n, std::move(a));
    Adopt(*n, std::move(b));
    return n;
  }

  // Adds a child and keeps the tree's height bounded: chains such as 1+1+1+...
  // or a.b.c... grow in loops, not recursion, and would otherwise make
  // evaluation recurse without limit.
  void Adopt(Node& parent, NodePtr kid) {
    parent.height = std::max<std::uint16_t>(parent.height, kid->height + 1);
    parent.kids.push_back(std::move(kid));
    if (parent.height > kMaxTreeHeight && error_.empty()) {
      error_ = "the expression is nested or chained deeper than " +
               std::to_string(kMaxTreeHeight) + " operations";
      error_column_ = Peek().column;
    }
  }
  static constexpr std::uint16_t kMaxTreeHeight = 1000;

  // Depth guard for every recursive entry.
  struct Depth {
    explicit Depth(Parser& p) : p_(p) { ++p_.depth_; }
    ~Depth() { --p_.depth_; }
    bool TooDeep() const { return p_.depth_ > kMaxNesting; }
    Parser& p_;
  };

  // ---------------------------------------------------------------- FEEL
  NodePtr Expression() {
    Depth d(*this);
    if (d.TooDeep())
      return Error("the expression nests deeper than " +
                   std::to_string(kMaxNesting) + " levels");
    if (Failed()) return Make(Op::kLiteral);
    if (IsWord("if")) return If();
    if (IsWord("for")) return Iteration(Op::kFor, "return");
    if (IsWord("some")) return Iteration(Op::kSome, "satisfies");
    if (IsWord("every")) return Iteration(Op::kEvery, "satisfies");
    if (IsWord("function") && IsSymbol("(", 1)) return FunctionDefinition();
    return Disjunction();
  }

  NodePtr If() {
    auto n = Make(Op::kIf);
    EatWord("if");
    Adopt(*n, Expression());
    if (!EatWord("then")) return Error(Expected("'then'"));
    Adopt(*n, Expression());
    if (!EatWord("else")) return Error(Expected("'else'"));
    Adopt(*n, Expression());
    return n;
  }

  NodePtr Iteration(Op op, std::string_view body_word) {
    auto n = Make(op);
    ++pos_;
    std::vector<NodePtr> collections;
    do {
      if (Peek().kind != Tok::kName && Peek().kind != Tok::kBacktick)
        return Error(Expected("a variable name"));
      n->names.push_back(Peek().text);
      ++pos_;
      if (!EatWord("in")) return Error(Expected("'in'"));
      NodePtr c = Expression();
      if (EatSymbol("..")) {  // for i in 1..3
        auto range = Make(Op::kRange);
        Adopt(*range, std::move(c));
        Adopt(*range, Expression());
        c = std::move(range);
      }
      collections.push_back(std::move(c));
      if (collections.size() > 16)
        return Error("more than 16 iteration variables");
    } while (EatSymbol(","));
    if (!EatWord(body_word))
      return Error(Expected("'" + std::string(body_word) + "'"));
    for (auto& c : collections) Adopt(*n, std::move(c));
    Adopt(*n, Expression());
    return n;
  }

  NodePtr FunctionDefinition() {
    auto n = Make(Op::kFunction);
    EatWord("function");
    EatSymbol("(");
    if (!IsSymbol(")")) {
      do {
        if (Peek().kind != Tok::kName && Peek().kind != Tok::kBacktick)
          return Error(Expected("a parameter name"));
        n->names.push_back(Peek().text);
        ++pos_;
      } while (EatSymbol(","));
    }
    if (auto e = ExpectSymbol(")")) return e;
    Adopt(*n, Expression());
    return n;
  }

  NodePtr Disjunction() {
    NodePtr left = Conjunction();
    while (!Failed() && EatWord("or"))
      left = Binary(Op::kOr, std::move(left), Conjunction());
    return left;
  }

  NodePtr Conjunction() {
    NodePtr left = Comparison();
    while (!Failed() && EatWord("and"))
      left = Binary(Op::kAnd, std::move(left), Comparison());
    return left;
  }

  static std::optional<Op> CompareOp(const Token& t) {
    if (t.kind != Tok::kSymbol) return std::nullopt;
    if (t.text == "=") return Op::kEqual;
    if (t.text == "!=") return Op::kNotEqual;
    if (t.text == "<") return Op::kLess;
    if (t.text == "<=") return Op::kLessEqual;
    if (t.text == ">") return Op::kGreater;
    if (t.text == ">=") return Op::kGreaterEqual;
    return std::nullopt;
  }

  NodePtr Comparison() {
    NodePtr left = Additive();
    if (Failed()) return left;
    if (auto op = CompareOp(Peek())) {
      ++pos_;
      return Binary(*op, std::move(left), Additive());
    }
    if (EatWord("between")) {
      auto n = Make(Op::kBetween);
      Adopt(*n, std::move(left));
      Adopt(*n, Additive());
      if (!EatWord("and")) return Error(Expected("'and' of between"));
      Adopt(*n, Additive());
      return n;
    }
    if (EatWord("in")) {
      auto n = Make(Op::kIn);
      Adopt(*n, std::move(left));
      UnaryTests(*n);
      return n;
    }
    if (IsWord("instance") && IsWord("of", 1)) {
      pos_ += 2;
      auto n = Make(Op::kInstanceOf);
      Adopt(*n, std::move(left));
      n->name = TypeName();
      if (n->name.empty()) return Error(Expected("a type name"));
      return n;
    }
    return left;
  }

  std::string TypeName() {
    // Multi-word type names are several name tokens.
    for (auto type : kTypeNames) {
      std::size_t words =
          static_cast<std::size_t>(std::count(type.begin(), type.end(), ' ')) +
          1;
      std::string joined;
      for (std::size_t k = 0; k < words; ++k) {
        if (Peek(k).kind != Tok::kName) {
          joined.clear();
          break;
        }
        joined += (k ? " " : "") + Peek(k).text;
      }
      if (joined == type) {
        pos_ += words;
        return joined;
      }
    }
    return {};
  }

  // The right side of `in`: one test, or a parenthesized list of tests.
  void UnaryTests(Node& in) {
    if (IsSymbol("(")) {
      std::size_t save = pos_;
      ++pos_;
      // `(1..10)` and `(1..10]` are ranges, not test lists.
      NodePtr first = UnaryTest();
      if (!Failed() && EatSymbol("..")) {
        pos_ = save;
        Adopt(in, Additive());
        return;
      }
      Adopt(in, std::move(first));
      while (!Failed() && EatSymbol(",")) Adopt(in, UnaryTest());
      ExpectSymbol(")");
      return;
    }
    Adopt(in, UnaryTest());
  }

  NodePtr UnaryTest() {
    if (auto op = CompareOp(Peek())) {
      auto n = Make(Op::kUnaryTest);
      ++pos_;
      n->compare = *op;
      Adopt(*n, Additive());
      return n;
    }
    return Additive();
  }

  NodePtr Additive() {
    NodePtr left = Multiplicative();
    while (!Failed()) {
      if (EatSymbol("+")) {
        left = Binary(Op::kAdd, std::move(left), Multiplicative());
      } else if (IsSymbol("-")) {
        ++pos_;
        left = Binary(Op::kSubtract, std::move(left), Multiplicative());
      } else {
        break;
      }
    }
    return left;
  }

  NodePtr Multiplicative() {
    NodePtr left = Power();
    while (!Failed()) {
      if (EatSymbol("*")) {
        left = Binary(Op::kMultiply, std::move(left), Power());
      } else if (EatSymbol("/")) {
        left = Binary(Op::kDivide, std::move(left), Power());
      } else {
        break;
      }
    }
    return left;
  }

  NodePtr Power() {
    NodePtr left = Unary();
    while (!Failed() && EatSymbol("**"))
      left = Binary(Op::kPower, std::move(left), Unary());
    return left;
  }

  NodePtr Unary() {
    if (IsSymbol("-")) {
      Depth d(*this);
      if (d.TooDeep())
        return Error("the expression nests deeper than " +
                     std::to_string(kMaxNesting) + " levels");
      auto n = Make(Op::kNegate);
      ++pos_;
      Adopt(*n, Unary());
      return n;
    }
    return Postfix(Primary());
  }

  NodePtr Postfix(NodePtr base) {
    while (!Failed()) {
      if (IsSymbol(".") &&
          (Peek(1).kind == Tok::kName || Peek(1).kind == Tok::kBacktick)) {
        auto n = Make(Op::kPath);
        pos_ += 1;
        n->name = Peek().text;
        ++pos_;
        // Multi-word properties: `time offset`.
        if (n->name == "time" && IsWord("offset")) {
          n->name = "time offset";
          ++pos_;
        }
        Adopt(*n, std::move(base));
        base = std::move(n);
      } else if (IsSymbol("[")) {
        auto n = Make(Op::kIndex);
        ++pos_;
        Adopt(*n, std::move(base));
        Adopt(*n, Expression());
        if (auto e = ExpectSymbol("]")) return e;
        base = std::move(n);
      } else {
        break;
      }
    }
    return base;
  }

  NodePtr Primary() {
    const Token& t = Peek();
    if (Failed()) return Make(Op::kLiteral);
    switch (t.kind) {
      case Tok::kNumber: {
        auto n = Make(Op::kLiteral);
        auto d = Decimal::Parse(t.text);
        if (!d)
          return Error("bad number '" + t.text + "' at column " +
                       std::to_string(t.column));
        n->literal = *d;
        ++pos_;
        return n;
      }
      case Tok::kString: {
        auto n = Make(Op::kLiteral);
        n->literal = t.text;
        ++pos_;
        return n;
      }
      case Tok::kTemporal: {
        // @"..." is a date and time, date, time or duration, whichever the text
        // is.
        auto n = Make(Op::kLiteral);
        const std::string& text = t.text;
        if (auto dt = text.find('T') != std::string::npos && text[0] != 'P' &&
                              text[0] != '-'
                          ? temporal::ParseDateTime(text)
                          : std::nullopt) {
          n->literal = *dt;
        } else if (auto d = temporal::ParseDate(text)) {
          n->literal = *d;
        } else if (auto tm = temporal::ParseTime(text)) {
          n->literal = *tm;
        } else {
          n->literal = temporal::ParseDuration(text);
        }
        if (n->literal.is_null()) {
          return Error("'@\"" + text +
                       "\"' is not a date, time or duration at column " +
                       std::to_string(t.column));
        }
        ++pos_;
        return n;
      }
      case Tok::kBacktick: {
        auto n = Make(Op::kName);
        n->name = t.text;
        ++pos_;
        return n;
      }
      case Tok::kName:
        return NameOrCall();
      case Tok::kSymbol:
        break;
      case Tok::kEnd:
        return Error(Expected("a value"));
    }
    if (IsSymbol("(")) {
      std::size_t open_column = t.column;
      ++pos_;
      NodePtr inner = Expression();
      if (EatSymbol(".."))
        return RangeRest(std::move(inner), false, open_column);
      if (auto e = ExpectSymbol(")")) return e;
      return inner;
    }
    if (IsSymbol("[")) return ListOrRange();
    if (IsSymbol("{")) return ContextLiteral();
    if (IsSymbol("]")) {  // ]1..10] : open low end, ISO style
      ++pos_;
      NodePtr low = Expression();
      if (!EatSymbol("..")) return Error(Expected("'..'"));
      return RangeRest(std::move(low), false, t.column);
    }
    return Error(Expected("a value"));
  }

  NodePtr RangeRest(NodePtr low, bool low_closed, std::uint32_t column) {
    auto n = Make(Op::kRange);
    n->column = column;
    n->low_closed = low_closed;
    Adopt(*n, std::move(low));
    Adopt(*n, Expression());
    if (EatSymbol("]")) {
      n->high_closed = true;
    } else if (EatSymbol(")") || EatSymbol("[")) {
      n->high_closed = false;
    } else {
      return Error(Expected("']' or ')' closing the range"));
    }
    return n;
  }

  NodePtr ListOrRange() {
    std::uint32_t column = Peek().column;
    ++pos_;
    auto list = Make(Op::kList);
    list->column = column;
    if (EatSymbol("]")) return list;
    NodePtr first = Expression();
    if (EatSymbol("..")) return RangeRest(std::move(first), true, column);
    Adopt(*list, std::move(first));
    while (!Failed() && EatSymbol(",")) Adopt(*list, Expression());
    if (auto e = ExpectSymbol("]")) return e;
    return list;
  }

  NodePtr ContextLiteral() {
    auto n = Make(Op::kContext);
    ++pos_;
    if (EatSymbol("}")) return n;
    do {
      const Token& key = Peek();
      if (key.kind != Tok::kName && key.kind != Tok::kString &&
          key.kind != Tok::kBacktick)
        return Error(Expected("a context key"));
      std::string name = key.text;
      ++pos_;
      // Keys may have several words: {order amount: 5}.
      while (key.kind == Tok::kName && Peek().kind == Tok::kName) {
        name += " " + Peek().text;
        ++pos_;
      }
      if (auto e = ExpectSymbol(":")) return e;
      n->names.push_back(std::move(name));
      Adopt(*n, Expression());
    } while (!Failed() && EatSymbol(","));
    if (auto e = ExpectSymbol("}")) return e;
    return n;
  }

  NodePtr NameOrCall() {
    const Token& t = Peek();
    if (t.text == "true" || t.text == "false") {
      auto n = Make(Op::kLiteral);
      n->literal = t.text == "true";
      ++pos_;
      return n;
    }
    if (t.text == "null") {
      ++pos_;
      return Make(Op::kLiteral);
    }
    if (IsSymbol("(", 1)) return Call();
    auto n = Make(Op::kName);
    n->name = t.text;
    ++pos_;
    // DMN names may have spaces: `Vacation Approval Status` is one name. Words
    // join until a keyword or anything that is not a name.
    while (Peek().kind == Tok::kName && !IsKeyword(Peek().text)) {
      n->name += " " + Peek().text;
      ++pos_;
    }
    return n;
  }

  static bool IsKeyword(const std::string& word) {
    static const std::array<std::string_view, 19> kKeywords = {
        "and",      "or",   "not",   "in",     "between",
        "instance", "of",   "if",    "then",   "else",
        "for",      "some", "every", "return", "satisfies",
        "function", "true", "false", "null"};
    return std::find(kKeywords.begin(), kKeywords.end(), word) !=
           kKeywords.end();
  }

  NodePtr Call() {
    auto n = Make(Op::kCall);
    std::string name = Peek().text;
    pos_ += 2;  // name (
    // `not(x)` is FEEL's negation; it takes one argument like any function.
    int index = FindBuiltin(name);
    if (index < 0) {
      return Error("unknown function '" + name + "' at column " +
                   std::to_string(n->column));
    }
    n->builtin = static_cast<std::int16_t>(index);
    n->name = name;
    if (!IsSymbol(")")) {
      do {
        if (Peek().kind == Tok::kName && IsSymbol(":", 1)) {
          return Error("named arguments are not supported (at column " +
                       std::to_string(Peek().column) +
                       "); pass the arguments in order");
        }
        Adopt(*n, Expression());
      } while (!Failed() && EatSymbol(","));
    }
    if (auto e = ExpectSymbol(")")) return e;
    const Builtin& b = BuiltinAt(index);
    int argc = static_cast<int>(n->kids.size());
    if (argc < b.min_args || argc > b.max_args) {
      return Error("function '" + name + "' takes " +
                   (b.min_args == b.max_args
                        ? std::to_string(b.min_args)
                        : std::to_string(b.min_args) + " to " +
                              std::to_string(b.max_args)) +
                   " arguments, not " + std::to_string(argc));
    }
    return n;
  }

  // ---------------------------------------------------------------- JUEL
  NodePtr JuelExpression() {
    Depth d(*this);
    if (d.TooDeep())
      return Error("the expression nests deeper than " +
                   std::to_string(kMaxNesting) + " levels");
    NodePtr cond = JuelOr();
    if (!Failed() && EatSymbol("?")) {
      auto n = Make(Op::kIf);
      Adopt(*n, std::move(cond));
      Adopt(*n, JuelExpression());
      if (auto e = ExpectSymbol(":")) return e;
      Adopt(*n, JuelExpression());
      return n;
    }
    return cond;
  }

  NodePtr JuelOr() {
    NodePtr left = JuelAnd();
    while (!Failed() && (EatSymbol("||") || EatWord("or")))
      left = Binary(Op::kOr, std::move(left), JuelAnd());
    return left;
  }

  NodePtr JuelAnd() {
    NodePtr left = JuelEquality();
    while (!Failed() && (EatSymbol("&&") || EatWord("and")))
      left = Binary(Op::kAnd, std::move(left), JuelEquality());
    return left;
  }

  NodePtr JuelEquality() {
    NodePtr left = JuelRelational();
    while (!Failed()) {
      if (EatSymbol("==") || EatWord("eq")) {
        left = Binary(Op::kEqual, std::move(left), JuelRelational());
      } else if (EatSymbol("!=") || EatWord("ne")) {
        left = Binary(Op::kNotEqual, std::move(left), JuelRelational());
      } else {
        break;
      }
    }
    return left;
  }

  NodePtr JuelRelational() {
    NodePtr left = JuelAdditive();
    while (!Failed()) {
      Op op;
      if (EatSymbol("<") || EatWord("lt"))
        op = Op::kLess;
      else if (EatSymbol(">") || EatWord("gt"))
        op = Op::kGreater;
      else if (EatSymbol("<=") || EatWord("le"))
        op = Op::kLessEqual;
      else if (EatSymbol(">=") || EatWord("ge"))
        op = Op::kGreaterEqual;
      else
        break;
      left = Binary(op, std::move(left), JuelAdditive());
    }
    return left;
  }

  NodePtr JuelAdditive() {
    NodePtr left = JuelMultiplicative();
    while (!Failed()) {
      if (EatSymbol("+"))
        left = Binary(Op::kAdd, std::move(left), JuelMultiplicative());
      else if (EatSymbol("-"))
        left = Binary(Op::kSubtract, std::move(left), JuelMultiplicative());
      else
        break;
    }
    return left;
  }

  NodePtr JuelMultiplicative() {
    NodePtr left = JuelUnary();
    while (!Failed()) {
      if (EatSymbol("*"))
        left = Binary(Op::kMultiply, std::move(left), JuelUnary());
      else if (EatSymbol("/") || EatWord("div"))
        left = Binary(Op::kDivide, std::move(left), JuelUnary());
      else if (EatSymbol("%") || EatWord("mod"))
        left = Binary(Op::kRemainder, std::move(left), JuelUnary());
      else
        break;
    }
    return left;
  }

  NodePtr JuelUnary() {
    Depth d(*this);
    if (d.TooDeep())
      return Error("the expression nests deeper than " +
                   std::to_string(kMaxNesting) + " levels");
    if (EatSymbol("-")) {
      auto n = Make(Op::kNegate);
      Adopt(*n, JuelUnary());
      return n;
    }
    if (EatSymbol("!") || EatWord("not")) {
      auto n = Make(Op::kNot);
      Adopt(*n, JuelUnary());
      return n;
    }
    if (EatWord("empty")) {
      auto n = Make(Op::kEmpty);
      Adopt(*n, JuelUnary());
      return n;
    }
    return JuelPostfix(JuelPrimary());
  }

  NodePtr JuelPostfix(NodePtr base) {
    while (!Failed()) {
      if (IsSymbol(".")) {
        ++pos_;
        if (Peek().kind != Tok::kName)
          return Error(Expected("a property or method name"));
        std::string name = Peek().text;
        std::uint32_t column = Peek().column;
        ++pos_;
        if (IsSymbol("(")) {
          if (std::find(kJuelMethods.begin(), kJuelMethods.end(), name) ==
              kJuelMethods.end()) {
            pos_ -= 1;
            return Error(std::string(kHostAccess) + "method '" + name +
                         "' is not allowed at column " +
                         std::to_string(column) +
                         " (allowed: contains, length, size, isEmpty, "
                         "startsWith, endsWith, "
                         "equals, toUpperCase, toLowerCase, trim)");
          }
          auto n = Make(Op::kMethod);
          n->column = column;
          n->name = name;
          ++pos_;
          Adopt(*n, std::move(base));
          if (!IsSymbol(")")) {
            do Adopt(*n, JuelExpression());
            while (!Failed() && EatSymbol(","));
          }
          if (auto e = ExpectSymbol(")")) return e;
          base = std::move(n);
        } else {
          auto n = Make(Op::kPath);
          n->column = column;
          n->name = name;
          Adopt(*n, std::move(base));
          base = std::move(n);
        }
      } else if (IsSymbol("[")) {
        auto n = Make(Op::kIndex);
        ++pos_;
        Adopt(*n, std::move(base));
        Adopt(*n, JuelExpression());
        if (auto e = ExpectSymbol("]")) return e;
        base = std::move(n);
      } else {
        break;
      }
    }
    return base;
  }

  NodePtr JuelPrimary() {
    const Token& t = Peek();
    if (Failed()) return Make(Op::kLiteral);
    if (t.kind == Tok::kNumber || t.kind == Tok::kString) return Primary();
    if (t.kind == Tok::kName) {
      if (t.text == "true" || t.text == "false" || t.text == "null")
        return NameOrCall();
      // name(...) and prefix:name(...) are EL function calls, which reach the
      // host.
      if (IsSymbol("(", 1) || (IsSymbol(":", 1) && Peek(2).kind == Tok::kName &&
                               IsSymbol("(", 3))) {
        return Error(std::string(kHostAccess) +
                     "functions are not available in JUEL expressions ('" +
                     t.text + "' at column " + std::to_string(t.column) + ")");
      }
      auto n = Make(Op::kName);
      n->name = t.text;
      ++pos_;
      return n;
    }
    if (EatSymbol("(")) {
      NodePtr inner = JuelExpression();
      if (auto e = ExpectSymbol(")")) return e;
      return inner;
    }
    return Error(Expected("a value"));
  }

  std::vector<Token> t_;
  Dialect dialect_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;
  std::uint32_t error_column_ = 0;
};

}  // namespace

Result<std::unique_ptr<Node>> ParseBody(std::string_view body,
                                        Dialect dialect) {
  if (body.size() > kMaxExpressionBytes) {
    return Fail(ErrorCode::kExpression,
                "the expression is longer than " +
                    std::to_string(kMaxExpressionBytes) + " bytes");
  }
  auto tokens = Tokenize(body, dialect == Dialect::kJuel);
  if (!tokens) return tl::unexpected(tokens.error());
  return Parser(std::move(*tokens), dialect).Run();
}

}  // namespace bpmn::expr
