// Formatting of diagnostics (bpmn/diagnostic.h). Pure functions; thread-safe.
#include "bpmn/diagnostic.h"

#include <algorithm>

namespace bpmn {

std::string FormatDiagnostic(const std::string& file, const Diagnostic& d) {
  std::string out = file + ":" + std::to_string(d.line) + ":" +
                    std::to_string(d.column) + ": ";
  out += d.severity == Severity::kError ? "error " : "warning ";
  out += d.rule;
  if (!d.element_id.empty()) out += " [" + d.element_id + "]";
  out += " " + d.message;
  return out;
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(
      diagnostics.begin(), diagnostics.end(),
      [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace bpmn
