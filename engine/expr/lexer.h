// Splits expression text into tokens for the parser. FEEL names may contain
// Unicode letters, and the built-in functions whose names contain spaces
// ("string length", "date and time") are read as one name when a `(` follows.
// Internal to the expression module; not thread-safe per instance.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bpmn/result.h"

namespace bpmn::expr {

enum class Tok : std::uint8_t {
  kEnd,
  kNumber,
  kString,
  kName,      // also keywords: the parser decides by text
  kBacktick,  // `a name with spaces`
  kTemporal,  // @"2026-03-02", @"P1D": a temporal literal
  kSymbol,    // + - * / ** % ( ) [ ] { } , . .. : = != == < <= > >= && || ! ?
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string
      text;  // names, symbols, number text; the decoded value for strings
  std::uint32_t column = 0;  // 1-based, in characters
};

// Tokens of `text`, ending with kEnd. `juel` allows single-quoted strings.
// Errors name the column.
Result<std::vector<Token>> Tokenize(std::string_view text, bool juel);

// The built-in function names that contain spaces, for the lexer to join.
const std::vector<std::string>& MultiWordFunctionNames();

}  // namespace bpmn::expr
