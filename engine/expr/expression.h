// The expression language's entry point: compile a FEEL (`=...`, or bare) or
// JUEL-style
// (`${...}`, `#{...}`) expression once, evaluate it many times over variables.
// Compiled expressions are immutable and may be shared between threads;
// evaluation allocates only its result. Evaluation is bounded by a step budget,
// so no expression runs away.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bpmn/result.h"
#include "expr/value.h"

namespace bpmn::expr {

enum class Dialect : std::uint8_t { kFeel, kJuel };

struct Node;  // the compiled tree (ast.h)

// Where names are looked up. Implementations must outlive the evaluation.
class Variables {
 public:
  virtual ~Variables() = default;
  // The value of `name`, or null when there is no such variable.
  virtual const Value* Find(std::string_view name) const = 0;
};

// Variables held in a context value ({"amount": 5, ...}).
class ContextVariables final : public Variables {
 public:
  explicit ContextVariables(const Value& context) : context_(context) {}
  const Value* Find(std::string_view name) const override {
    return context_.Find(name);
  }

 private:
  const Value& context_;
};

struct EvalOptions {
  // For now() and today(); injected, never read from the system here.
  std::chrono::sys_time<std::chrono::milliseconds> now{};
  std::string zone = "UTC";  // the zone now() and today() are in
  std::uint64_t step_budget =
      200'000;  // nodes visited + list elements produced
  std::uint64_t memory_budget = 16u
                                << 20;  // bytes of lists and strings produced
};

// Starts the message of a parse error about a JUEL expression that would reach
// into the host (a method outside the allow-list, a function call): such text
// is in the host's language, not one this engine runs.
inline constexpr std::string_view kHostAccess = "host access: ";

// Parse limits: longer or deeper input is refused with a clear error.
inline constexpr std::size_t kMaxExpressionBytes = 64 * 1024;
inline constexpr int kMaxNesting = 200;

class Expression {
 public:
  // Picks the dialect from the text: `=...` FEEL, `${...}`/`#{...}` JUEL (text
  // around the braces is concatenated as a string, as in JUEL), anything else
  // FEEL.
  static Result<Expression> Compile(std::string_view text);
  // The body alone, in the given dialect.
  static Result<Expression> Compile(std::string_view body, Dialect dialect);

  // Errors: kExpression with the message (unknown variable in JUEL, type
  // mismatch, budget exhausted, ...). FEEL's own nulls (1 + "a", division by
  // zero) are values, not errors.
  Result<Value> Evaluate(const Variables& variables,
                         const EvalOptions& options = {}) const;

  Dialect dialect() const { return dialect_; }
  const std::string& text() const { return text_; }

 private:
  Expression(std::shared_ptr<const Node> root, Dialect dialect,
             std::string text)
      : root_(std::move(root)), dialect_(dialect), text_(std::move(text)) {}
  std::shared_ptr<const Node> root_;
  Dialect dialect_;
  std::string text_;
};

}  // namespace bpmn::expr
