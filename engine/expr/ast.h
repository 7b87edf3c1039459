// The compiled form of an expression: a tree of Nodes, one per operation, built
// once by the parser and walked by the evaluator. Both dialects share it; the
// few places where FEEL and JUEL differ (list indices, unknown names,
// truthiness) carry the dialect on the node. Immutable once built; thread-safe
// to read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expr/expression.h"
#include "expr/value.h"

namespace bpmn::expr {

enum class Op : std::uint8_t {
  kLiteral,  // literal
  kName,     // variable `name`
  kPath,     // kids[0].name
  kIndex,    // kids[0][kids[1]]: index or filter
  kCall,     // builtin `builtin`(kids...)
  kMethod,   // JUEL kids[0].name(kids[1..])
  kNegate,   // -kids[0]
  kNot,      // JUEL !kids[0] / not kids[0]
  kEmpty,    // JUEL empty kids[0]
  kAnd,
  kOr,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kPower,
  kRemainder,  // JUEL % and mod (sign of the dividend)
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIf,    // kids: condition, then, else
  kFor,   // names: iteration variables; kids: their collections..., body
  kSome,  // same shape as kFor, body is the condition
  kEvery,
  kBetween,     // kids: value, low, high
  kIn,          // kids: value, tests...
  kUnaryTest,   // test `compare` kids[0] against the input of kIn
  kList,        // [kids...]
  kContext,     // {names[i]: kids[i]}
  kRange,       // kids: low, high; low_closed, high_closed
  kInstanceOf,  // kids[0] instance of `name`
  kFunction,    // function(names...) kids[0]
  kConcat,      // JUEL template: the text of each kid, concatenated
};

struct Node {
  Op op = Op::kLiteral;
  Dialect dialect = Dialect::kFeel;
  Op compare = Op::kEqual;                     // kUnaryTest
  bool low_closed = true, high_closed = true;  // kRange
  std::int16_t builtin = -1;                   // kCall
  std::uint16_t height = 1;  // longest path to a leaf; bounded by the parser
  std::uint32_t column = 0;  // 1-based, in the expression text
  Value literal;
  std::string name;
  std::vector<std::string> names;
  std::vector<std::unique_ptr<Node>> kids;
};

}  // namespace bpmn::expr
