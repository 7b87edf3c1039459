// libFuzzer target for the reader: any bytes in, a model or diagnostics out,
// never a crash, hang or sanitizer report. Built with -DBPMN_FUZZ=ON and clang;
// run briefly in CI.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parser/bpmn_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  bpmn::parser::ReadOptions options;
  options.max_depth = 256;
  auto r = bpmn::parser::ReadBpmnString(
      std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (r.definitions) (void)r.definitions->CountByTag();
  return 0;
}
