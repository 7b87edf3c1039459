// libFuzzer target for the expression language: any text compiled as FEEL and
// as JUEL, and evaluated over a few variables with small budgets. Never a
// crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "expr/expression.h"

namespace {
const bpmn::expr::Value& Variables() {
  static const bpmn::expr::Value vars = *bpmn::expr::FromJson(
      R"({"amount": 1500.5, "channel": "web", "items": [1, 2, {"p": 3}], "ok": true,
          "client": {"name": "Ромашка", "since": "2020-01-01"}, "nothing": null})");
  return vars;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bpmn::expr::ContextVariables vars(Variables());
  bpmn::expr::EvalOptions options;
  options.step_budget = 20000;
  options.memory_budget = 1 << 20;
  options.zone = "Europe/Moscow";
  for (auto compiled :
       {bpmn::expr::Expression::Compile(text),
        bpmn::expr::Expression::Compile(text, bpmn::expr::Dialect::kJuel)}) {
    if (!compiled) continue;
    auto v = compiled->Evaluate(vars, options);
    if (v) (void)bpmn::expr::ToJson(*v);
  }
  return 0;
}
