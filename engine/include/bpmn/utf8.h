// UTF-8 encoding of one code point, shared by the reader's transcoding and the
// model's role normalisation. Pure; thread-safe.
#pragma once

#include <string>

namespace bpmn {

// Appends `code_point` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::string& out, char32_t code_point);

}  // namespace bpmn
