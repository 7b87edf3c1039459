// The entry point from BPMN 2.0 XML to the model: reads a file or a string (any
// of UTF-8, UTF-16, ISO-8859-1, windows-1252), resolves namespaces by URI,
// builds the immutable Definitions with the camunda:/zeebe:/flowable:/activiti:
// extensions, and validates it. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bpmn/diagnostic.h"
#include "model/definitions.h"

namespace bpmn::parser {

struct ReadOptions {
  std::size_t max_file_bytes =
      16u << 20;  // larger documents are refused (rule file-too-large)
  std::uint32_t max_depth = 512;  // XML element nesting (rule nesting-too-deep)
  bool validate = true;           // run the model's validation rules
};

struct ReadResult {
  // Null when the document could not be read at all (I/O, not well-formed, not
  // BPMN, a limit); the reason is then the first error diagnostic. Non-null
  // with error diagnostics when the diagram was read but cannot run as it is.
  std::shared_ptr<const model::Definitions> definitions;
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return definitions && !HasErrors(diagnostics); }
};

ReadResult ReadBpmnFile(const std::string& path,
                        const ReadOptions& options = {});
ReadResult ReadBpmnString(std::string_view xml,
                          const ReadOptions& options = {});

}  // namespace bpmn::parser
