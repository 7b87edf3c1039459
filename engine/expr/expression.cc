// Compile and Evaluate (expression.h): picks the dialect from the text, parses
// once, and runs the evaluator with the caller's variables and clock.
#include "expr/expression.h"

#include "bpmn/utf8.h"
#include "expr/evaluator.h"
#include "expr/parser.h"

namespace bpmn::expr {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// `Hello ${name}!`: literal text and ${...} parts, concatenated (a single
// ${...} stays itself, so `${amount > 5}` is a boolean, not a string).
Result<std::unique_ptr<Node>> ParseTemplate(std::string_view text) {
  auto concat = std::make_unique<Node>();
  concat->op = Op::kConcat;
  concat->dialect = Dialect::kJuel;
  std::size_t i = 0;
  bool lone_expression = false;
  while (i < text.size()) {
    std::size_t open = text.find("${", i);
    std::size_t hash = text.find("#{", i);
    open = std::min(open, hash);
    if (open == std::string_view::npos) {
      auto lit = std::make_unique<Node>();
      lit->literal = std::string(text.substr(i));
      concat->kids.push_back(std::move(lit));
      break;
    }
    if (open > i) {
      auto lit = std::make_unique<Node>();
      lit->literal = std::string(text.substr(i, open - i));
      concat->kids.push_back(std::move(lit));
    }
    // The matching `}`: skip braces inside string literals.
    std::size_t k = open + 2;
    char quote = 0;
    int depth = 1;
    for (; k < text.size(); ++k) {
      char c = text[k];
      if (quote) {
        if (c == '\\')
          ++k;
        else if (c == quote)
          quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        break;
      }
    }
    if (k >= text.size()) {
      return Fail(ErrorCode::kExpression, "'${' at column " +
                                              std::to_string(open + 1) +
                                              " is not closed by '}'");
    }
    auto body = ParseBody(text.substr(open + 2, k - open - 2), Dialect::kJuel);
    if (!body) {
      Error e = body.error();
      e.column += static_cast<std::uint32_t>(open + 2);
      return tl::unexpected(e);
    }
    lone_expression = open == 0 && k + 1 == text.size();
    concat->kids.push_back(std::move(*body));
    i = k + 1;
  }
  // A lone ${...} keeps its own type: `${amount > 5}` is a boolean, `${null}`
  // is null.
  if (concat->kids.size() == 1 && lone_expression)
    return std::move(concat->kids[0]);
  return concat;
}

}  // namespace

Result<Expression> Expression::Compile(std::string_view text) {
  if (std::size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    return Fail(ErrorCode::kExpression,
                "the expression is not valid UTF-8 (byte " +
                    std::to_string(bad + 1) + ")");
  }
  std::string_view t = Trim(text);
  if (!t.empty() && t.front() == '=')
    return Compile(t.substr(1), Dialect::kFeel);
  if (t.find("${") != std::string_view::npos ||
      t.find("#{") != std::string_view::npos) {
    if (t.size() > kMaxExpressionBytes) {
      return Fail(ErrorCode::kExpression,
                  "the expression is longer than " +
                      std::to_string(kMaxExpressionBytes) + " bytes");
    }
    auto root = ParseTemplate(t);
    if (!root) {
      Error e = root.error();
      e.message = "in " + std::string(t.substr(0, 80)) + ": " + e.message;
      return tl::unexpected(e);
    }
    return Expression(std::shared_ptr<const Node>(std::move(*root)),
                      Dialect::kJuel, std::string(t));
  }
  return Compile(t, Dialect::kFeel);
}

Result<Expression> Expression::Compile(std::string_view body, Dialect dialect) {
  if (std::size_t bad = FindInvalidUtf8(body); bad != std::string_view::npos) {
    return Fail(ErrorCode::kExpression,
                "the expression is not valid UTF-8 (byte " +
                    std::to_string(bad + 1) + ")");
  }
  auto root = ParseBody(body, dialect);
  if (!root) {
    Error e = root.error();
    e.message = "in " + std::string(body.substr(0, 80)) +
                (body.size() > 80 ? "..." : "") + ": " + e.message;
    return tl::unexpected(e);
  }
  return Expression(std::shared_ptr<const Node>(std::move(*root)), dialect,
                    std::string(body));
}

Result<Value> Expression::Evaluate(const Variables& variables,
                                   const EvalOptions& options) const {
  Evaluator ev(variables, options, root_);
  Value v = ev.Eval(*root_);
  if (ev.failed()) return Fail(ErrorCode::kExpression, ev.error());
  return v;
}

}  // namespace bpmn::expr
