// Google Benchmark for the expression language: a compiled condition evaluated
// over a 10-variable context, parsing a typical condition, and the pathological
// inputs that must end in a clear error quickly. Run by hand; figures go into
// the README.
#include <benchmark/benchmark.h>

#include <string>

#include "expr/expression.h"

namespace {

using bpmn::expr::ContextVariables;
using bpmn::expr::Expression;
using bpmn::expr::FromJson;

const char* kVariables =
    R"({"amount": 25000, "channel": "web", "client": "ООО Ромашка", "approved": true,
        "region": "north", "priority": 2, "discount": 0.15, "manager": "oleg",
        "items": [1, 2, 3], "stage": "measure"})";

void EvaluateCondition(benchmark::State& state, const char* text) {
  auto vars = FromJson(kVariables);
  ContextVariables variables(*vars);
  auto e = Expression::Compile(text);
  if (!e) {
    state.SkipWithError(e.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    auto v = e->Evaluate(variables);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EvaluateFeelCondition(benchmark::State& state) {
  EvaluateCondition(state, R"(=amount > 1000 and channel != "spam")");
}
BENCHMARK(BM_EvaluateFeelCondition);

void BM_EvaluateJuelCondition(benchmark::State& state) {
  EvaluateCondition(state, R"(${amount > 1000 && channel != "spam"})");
}
BENCHMARK(BM_EvaluateJuelCondition);

void BM_ParseTypicalCondition(benchmark::State& state) {
  for (auto _ : state) {
    auto e = Expression::Compile(R"(=amount > 1000 and channel != "spam")");
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseTypicalCondition);

void BM_RefuseTenThousandParentheses(benchmark::State& state) {
  std::string text =
      "=" + std::string(10000, '(') + "1" + std::string(10000, ')');
  for (auto _ : state) {
    auto e = Expression::Compile(text);
    if (e) state.SkipWithError("accepted 10,000 nested parentheses");
  }
}
BENCHMARK(BM_RefuseTenThousandParentheses)->Unit(benchmark::kMillisecond);

void BM_StopMillionElementList(benchmark::State& state) {
  auto vars = FromJson("{}");
  ContextVariables variables(*vars);
  auto e = Expression::Compile("=for i in 1..1000000 return i");
  for (auto _ : state) {
    auto v = e->Evaluate(variables);
    if (v) state.SkipWithError("a million-element list was built");
  }
}
BENCHMARK(BM_StopMillionElementList)->Unit(benchmark::kMillisecond);

}  // namespace
