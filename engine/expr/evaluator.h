// Walks a compiled Node tree over variables and produces a Value. One Evaluator
// per evaluation: it holds the local names (for, some, filters, function
// parameters, context entries), the step and memory budgets, and the first
// error. Internal to the expression module; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "expr/ast.h"
#include "expr/expression.h"

namespace bpmn::expr {

// A FEEL function value (`function(x, y) x < y`), with the local names it
// closed over.
class Function {
 public:
  std::vector<std::string> params;
  const Node* body = nullptr;
  std::shared_ptr<const Node> root;  // keeps `body` alive
  std::vector<std::pair<std::string, Value>> captured;
};

class Evaluator {
 public:
  Evaluator(const Variables& variables, const EvalOptions& options,
            std::shared_ptr<const Node> root)
      : variables_(variables), options_(options), root_(std::move(root)) {}

  Value Eval(const Node& n);
  Value Call(const Function& f, const std::vector<Value>& args);

  // Records the first error; evaluation then unwinds returning nulls.
  void Fail(std::string message);
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  // Accounts for work and memory; false (and an error) once a budget is
  // exhausted.
  bool ChargeSteps(std::uint64_t steps);
  bool ChargeValue(const Value& v);
  bool ChargeList(const List& list);

  const EvalOptions& options() const { return options_; }

 private:
  const Value* Lookup(std::string_view name) const;
  Value EvalName(const Node& n);
  Value EvalPath(const Node& n);
  Value EvalIndex(const Node& n);
  Value EvalMethod(const Node& n);
  Value EvalLogic(const Node& n);
  Value EvalArithmetic(const Node& n);
  Value EvalComparison(const Node& n);
  Value EvalIteration(const Node& n);
  struct Iteration {
    List results;
    bool any_true = false, all_true = true, decided = false;
  };
  bool Iterate(const Node& n, std::size_t level, Iteration& it);
  Value EvalIn(const Node& n);
  Value EvalInstanceOf(const Node& n);
  Value EvalConcat(const Node& n);
  std::optional<bool> Test(const Value& input, const Node& test);
  // JUEL's coercion of an operand to a boolean (null is false); nothing when it
  // cannot.
  std::optional<bool> JuelBoolean(const Value& v);

  const Variables& variables_;
  const EvalOptions& options_;
  std::shared_ptr<const Node> root_;
  std::vector<std::pair<std::string, Value>> locals_;
  std::uint64_t steps_ = 0;
  std::uint64_t bytes_ = 0;
  std::string error_;
};

}  // namespace bpmn::expr
