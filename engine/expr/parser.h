// Text -> Node tree for both dialects (ast.h). Recursive descent with a nesting
// limit, so hostile input ends in a clear error instead of a stack overflow.
// Internal to the expression module; stateless; thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "bpmn/result.h"
#include "expr/ast.h"

namespace bpmn::expr {

// Parses the body of an expression (no leading `=`, no `${`).
Result<std::unique_ptr<Node>> ParseBody(std::string_view body, Dialect dialect);

}  // namespace bpmn::expr
