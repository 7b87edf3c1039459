// Encoding detection and transcoding to UTF-8, UTF-8 validation, offset ->
// line/column (xml_text.h). Transcoding is written here because the encodings
// are few and fixed, and a general library (iconv) would hide where the bad
// byte stands. Pure; thread-safe.
#include "parser/xml_text.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "bpmn/utf8.h"

namespace bpmn::parser {
namespace {

std::uint32_t LineOf(std::string_view text, std::size_t offset) {
  return 1 +
         static_cast<std::uint32_t>(std::count(
             text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

Result<std::string> FromUtf16(std::string_view bytes, bool big_endian) {
  std::string out;
  out.reserve(bytes.size());
  std::uint32_t line = 1;
  auto unit = [&](std::size_t i) -> char16_t {
    auto b0 = static_cast<unsigned char>(bytes[i]);
    auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    return static_cast<char16_t>(big_endian ? (b0 << 8 | b1) : (b1 << 8 | b0));
  };
  if (bytes.size() % 2 != 0) {
    return Fail(ErrorCode::kParse, "UTF-16 document has an odd number of bytes",
                {}, 0);
  }
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    char32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 3 >= bytes.size() || unit(i + 2) < 0xDC00 || unit(i + 2) > 0xDFFF)
        return Fail(ErrorCode::kParse, "invalid UTF-16 surrogate pair", {},
                    line);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
      i += 2;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return Fail(ErrorCode::kParse, "invalid UTF-16 surrogate", {}, line);
    }
    if (cp == '\n') ++line;
    AppendUtf8(out, cp);
  }
  return out;
}

// windows-1252 maps 0x80..0x9F to typographic characters; 0 marks the five
// undefined bytes.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

Result<std::string> FromSingleByte(std::string_view bytes, bool cp1252) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    char32_t cp = b;
    if (cp1252 && b >= 0x80 && b <= 0x9F) {
      cp = kCp1252High[b - 0x80];
      if (cp == 0)
        return Fail(ErrorCode::kParse,
                    "byte 0x" + std::string(1, "0123456789ABCDEF"[b >> 4]) +
                        std::string(1, "0123456789ABCDEF"[b & 15]) +
                        " is not defined in windows-1252",
                    {}, LineOf(bytes, i));
    }
    AppendUtf8(out, cp);
  }
  return out;
}

// The value of encoding="..." in the XML declaration, lower-cased; empty when
// none.
std::string DeclaredEncoding(std::string_view text) {
  if (text.substr(0, 5) != "<?xml") return {};
  std::size_t end = text.find("?>");
  std::string_view decl = text.substr(0, end);
  std::size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return {};
  at = decl.find_first_of("\"'", at);
  if (at == std::string_view::npos) return {};
  char quote = decl[at];
  std::size_t close = decl.find(quote, at + 1);
  if (close == std::string_view::npos) return {};
  std::string enc(decl.substr(at + 1, close - at - 1));
  std::transform(enc.begin(), enc.end(), enc.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return enc;
}

}  // namespace

Result<std::string> DecodeToUtf8(std::string_view bytes) {
  auto starts = [&](std::string_view prefix) {
    return bytes.substr(0, prefix.size()) == prefix;
  };
  if (starts("\xEF\xBB\xBF"))
    bytes.remove_prefix(3);
  else if (starts("\xFF\xFE"))
    return FromUtf16(bytes.substr(2), false);
  else if (starts("\xFE\xFF"))
    return FromUtf16(bytes.substr(2), true);
  else if (starts(std::string_view("<\0?\0", 4)))
    return FromUtf16(bytes, false);
  else if (starts(std::string_view("\0<\0?", 4)))
    return FromUtf16(bytes, true);

  std::string encoding = DeclaredEncoding(bytes);
  if (encoding == "iso-8859-1" || encoding == "iso8859-1" ||
      encoding == "latin1" || encoding == "latin-1" || encoding == "l1") {
    return FromSingleByte(bytes, false);
  }
  if (encoding == "windows-1252" || encoding == "cp1252")
    return FromSingleByte(bytes, true);
  if (!encoding.empty() && encoding != "utf-8" && encoding != "utf8" &&
      encoding != "ascii" && encoding != "us-ascii") {
    return Fail(ErrorCode::kParse,
                "encoding '" + encoding +
                    "' is not supported (UTF-8, UTF-16, ISO-8859-1 and "
                    "windows-1252 are)",
                {}, 1, 1);
  }
  std::size_t bad = FindInvalidUtf8(bytes);
  if (bad != std::string_view::npos) {
    const char* declared =
        encoding.empty() ? "UTF-8 (the default)" : "UTF-8 or ASCII";
    return Fail(
        ErrorCode::kParse,
        std::string("invalid byte sequence for the declared encoding ") +
            declared +
            " (is the file really ISO-8859-1 or windows-1252? then declare it)",
        {}, LineOf(bytes, bad));
  }
  return std::string(bytes);
}

LineMap::LineMap(std::string_view utf8) : text_(utf8) {
  line_starts_.push_back(0);
  // LF, CRLF and a lone CR each end a line, as XML's end-of-line handling says.
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if (utf8[i] == '\n' ||
        (utf8[i] == '\r' && (i + 1 == utf8.size() || utf8[i + 1] != '\n'))) {
      line_starts_.push_back(i + 1);
    }
  }
}

LineMap::Position LineMap::At(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  std::size_t line_index =
      static_cast<std::size_t>(it - line_starts_.begin()) - 1;
  std::size_t start = line_starts_[line_index];
  std::uint32_t column = 1;
  for (std::size_t i = start; i < offset; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {static_cast<std::uint32_t>(line_index + 1), column};
}

}  // namespace bpmn::parser
