// Hostile and oversized input ends in a clear error, never a crash or a
// runaway: nesting, length, step and memory budgets, and the compiled form
// being reusable across evaluations.
#include <gtest/gtest.h>

#include <string>

#include "expr/expression.h"

namespace {

using bpmn::expr::ContextVariables;
using bpmn::expr::Expression;
using bpmn::expr::FromJson;

const bpmn::expr::Value kEmpty = *FromJson("{}");

TEST(ExpressionLimits, TenThousandNestedParenthesesAreRefused) {
  std::string text =
      "=" + std::string(10000, '(') + "1" + std::string(10000, ')');
  auto e = Expression::Compile(text);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("nests deeper than"), std::string::npos)
      << e.error().message;
}

TEST(ExpressionLimits, LongChainsAreRefusedNotRecursedInto) {
  std::string text = "=1";
  for (int i = 0; i < 20000; ++i) text += "+1";
  auto e = Expression::Compile(text);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("chained deeper than"), std::string::npos);
}

TEST(ExpressionLimits, TooLongTextIsRefused) {
  auto e = Expression::Compile("=\"" + std::string(70000, 'x') + "\"");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("longer than"), std::string::npos);
}

TEST(ExpressionLimits, MillionElementListStopsOnTheStepBudget) {
  auto e = Expression::Compile("=for i in 1..1000000 return i");
  ASSERT_TRUE(e);
  ContextVariables vars(kEmpty);
  auto v = e->Evaluate(vars);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("steps"), std::string::npos)
      << v.error().message;
}

TEST(ExpressionLimits, HugeStringsStopOnTheMemoryBudget) {
  // 20,000 copies of a 2 KB string: 40 MB, over the 16 MiB budget, within the
  // step budget.
  std::string big(2000, 'x');
  auto e = Expression::Compile("=for i in 1..20000 return \"" + big + "\"");
  ASSERT_TRUE(e);
  ContextVariables vars(kEmpty);
  auto v = e->Evaluate(vars);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("MiB"), std::string::npos)
      << v.error().message;
}

TEST(ExpressionLimits, BudgetsAreOptions) {
  auto e = Expression::Compile("=for i in 1..100 return i");
  ContextVariables vars(kEmpty);
  bpmn::expr::EvalOptions tight;
  tight.step_budget = 50;
  EXPECT_FALSE(e->Evaluate(vars, tight));
  EXPECT_TRUE(e->Evaluate(vars));
}

TEST(ExpressionLimits, CompiledExpressionIsReusable) {
  auto e = Expression::Compile("=amount * 2");
  ASSERT_TRUE(e);
  for (int amount : {1, 2, 3}) {
    auto vars_value = *FromJson("{\"amount\": " + std::to_string(amount) + "}");
    ContextVariables vars(vars_value);
    EXPECT_EQ(bpmn::expr::ToJson(*e->Evaluate(vars)),
              std::to_string(amount * 2));
  }
}

TEST(ExpressionLimits, ParseErrorsNameTheColumnAndWhatWasExpected) {
  auto e = Expression::Compile("=amount > ");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("expected a value"), std::string::npos)
      << e.error().message;
  EXPECT_EQ(e.error().column, 9u);
  auto j = Expression::Compile("${a && }");
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("expected a value"), std::string::npos)
      << j.error().message;
}

TEST(ExpressionLimits, VariableValuesAreDataNeverEvaluated) {
  // A variable that holds expression text stays text.
  auto vars_value = *FromJson(R"({"code": "${x.getClass()}", "f": "=1+1"})");
  ContextVariables vars(vars_value);
  auto e = Expression::Compile("=code + f");
  ASSERT_TRUE(e);
  EXPECT_EQ(bpmn::expr::ToJson(*e->Evaluate(vars)), R"("${x.getClass()}=1+1")");
}

}  // namespace
