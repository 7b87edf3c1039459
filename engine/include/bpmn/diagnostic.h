// A finding of the reader or the validator about one diagram: severity, rule
// name, element id, position and message, printed as `FILE:LINE:COL:
// error|warning RULE [element-id] message`. Plain value types; safe to copy
// between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bpmn {

enum class Severity : std::uint8_t { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string rule;        // e.g. "start-event-required", "duplicate-id"
  std::string element_id;  // empty for document-level findings
  std::uint32_t line = 0;  // 1-based; 0 when unknown
  std::uint32_t column = 0;
  std::string message;
};

// `FILE:LINE:COL: error RULE [id] message` (the id part is left out when
// empty).
std::string FormatDiagnostic(const std::string& file, const Diagnostic& d);

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace bpmn
