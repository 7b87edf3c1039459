// The built-in functions of FEEL (string, number, list, context, conversion,
// temporal), looked up by name at parse time and called by the evaluator.
// Internal to the expression module; stateless; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "expr/value.h"

namespace bpmn::expr {

class Evaluator;
using BuiltinFn = Value (*)(const std::vector<Value>& args, Evaluator& ev);

struct Builtin {
  std::string_view name;
  int min_args;
  int max_args;
  BuiltinFn fn;
};

// The index of `name` in the table, or -1.
int FindBuiltin(std::string_view name);
const Builtin& BuiltinAt(int index);

}  // namespace bpmn::expr
