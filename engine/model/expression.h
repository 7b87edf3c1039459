// An expression as written in the diagram, kept as text with its dialect until
// the expression module compiles it: `${...}`/`#{...}` JUEL, `=...` FEEL, or
// plain text/another script language. Plain value type; thread-safe to read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace bpmn::expr {
class Expression;
}

namespace bpmn::model {

enum class Dialect : std::uint8_t {
  kNone,   // no expression at all
  kPlain,  // a literal value or text in an unnamed language
  kJuel,   // ${...} or #{...}
  kFeel,   // =...
  kOther,  // a named language (language="python", scriptFormat="javascript") we
           // do not run
};

struct Expression {
  std::string text;  // as written, trimmed
  Dialect dialect = Dialect::kNone;
  std::string language;  // the declared language attribute, when any
  // Set at deploy time for FEEL and JUEL; null for plain text and other
  // languages.
  std::shared_ptr<const expr::Expression> compiled;

  bool empty() const { return dialect == Dialect::kNone; }
};

// Classifies `text` by its leading `=`, `${` or `#{`; `language` wins when it
// names another language.
Expression MakeExpression(std::string_view text,
                          std::string_view language = {});

std::string_view DialectName(Dialect dialect);

}  // namespace bpmn::model
