// UTF-8 encoding of one code point, shared by the reader's transcoding and the
// model's role normalisation. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bpmn {

// Appends `code_point` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::string& out, char32_t code_point);

// Byte offset of the first invalid UTF-8 sequence (overlong forms and
// surrogates included), or npos when `text` is valid UTF-8.
std::size_t FindInvalidUtf8(std::string_view text);

}  // namespace bpmn
