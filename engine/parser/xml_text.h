// The text layer under the XML parser: detects a document's encoding (BOM, then
// the XML declaration), turns UTF-16, ISO-8859-1 and windows-1252 into UTF-8,
// refuses invalid bytes with the line they stand on, and maps byte offsets back
// to 1-based line and column (in characters). Pure functions and an immutable
// LineMap; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bpmn/result.h"
#include "bpmn/utf8.h"

namespace bpmn::parser {

// The document as UTF-8 without a BOM. Errors (code kParse) name the line of
// the first bad byte.
Result<std::string> DecodeToUtf8(std::string_view bytes);

class LineMap {
 public:
  explicit LineMap(std::string_view utf8);
  struct Position {
    std::uint32_t line;
    std::uint32_t column;
  };
  Position At(std::size_t offset) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace bpmn::parser
