// The tokenizer (lexer.h). Columns count characters, so errors point at the
// right place in Cyrillic text too.
#include "expr/lexer.h"

#include <cctype>

#include "bpmn/utf8.h"

namespace bpmn::expr {
namespace {

// FEEL names may contain `?` (DMN's `is valid?`); in JUEL `?` is the
// conditional operator.
bool NameStart(unsigned char c, bool juel) {
  return std::isalpha(c) || c == '_' || (c == '?' && !juel) || c >= 0x80;
}
bool NamePart(unsigned char c, bool juel) {
  return NameStart(c, juel) || std::isdigit(c);
}

// Three-character and two-character symbols first.
constexpr std::string_view kSymbols2[] = {
    "**", "..", "!=", "==", "<=", ">=", "&&", "||"};
constexpr std::string_view kSymbols1 = "+-*/%()[]{},.:=<>!?";

class Lexer {
 public:
  Lexer(std::string_view text, bool juel) : s_(text), juel_(juel) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    out.reserve(s_.size() / 3 + 2);
    while (true) {
      SkipSpace();
      Token t;
      t.column = Column();
      if (i_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      unsigned char c = s_[i_];
      if (std::isdigit(c) ||
          (c == '.' && i_ + 1 < s_.size() &&
           std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
        t.kind = Tok::kNumber;
        t.text = Number();
      } else if (c == '"' || (juel_ && c == '\'')) {
        t.kind = Tok::kString;
        auto str = String(static_cast<char>(c));
        if (!str) return tl::unexpected(str.error());
        t.text = std::move(*str);
      } else if (c == '@' && i_ + 1 < s_.size() && s_[i_ + 1] == '"' &&
                 !juel_) {
        ++i_;
        t.kind = Tok::kTemporal;
        auto str = String('"');
        if (!str) return tl::unexpected(str.error());
        t.text = std::move(*str);
      } else if (c == '`') {
        std::size_t end = s_.find('`', i_ + 1);
        if (end == std::string_view::npos)
          return Error("unterminated `name`", t.column);
        t.kind = Tok::kBacktick;
        t.text = std::string(s_.substr(i_ + 1, end - i_ - 1));
        i_ = end + 1;
      } else if (NameStart(c, juel_)) {
        t.kind = Tok::kName;
        t.text = Name();
      } else {
        t.kind = Tok::kSymbol;
        bool matched = false;
        for (auto sym : kSymbols2) {
          if (s_.substr(i_, 2) == sym) {
            t.text = std::string(sym);
            i_ += 2;
            matched = true;
            break;
          }
        }
        if (!matched) {
          if (kSymbols1.find(static_cast<char>(c)) == std::string_view::npos)
            return Error(std::string("unexpected character '") +
                             static_cast<char>(c) + "'",
                         t.column);
          t.text = std::string(1, static_cast<char>(c));
          ++i_;
        }
      }
      out.push_back(std::move(t));
    }
  }

 private:
  tl::unexpected<bpmn::Error> Error(std::string message, std::uint32_t column) {
    return Fail(ErrorCode::kExpression,
                std::move(message) + " at column " + std::to_string(column), {},
                0, column);
  }

  // Columns only move forward, so each byte is counted once over the whole
  // text.
  std::uint32_t Column() {
    for (; counted_ < i_ && counted_ < s_.size(); ++counted_)
      if ((static_cast<unsigned char>(s_[counted_]) & 0xC0) != 0x80) ++column_;
    return column_;
  }

  void SkipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
    // FEEL comments: // to the end of the line, /* ... */.
    if (!juel_ && s_.substr(i_, 2) == "//") {
      while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      SkipSpace();
    } else if (!juel_ && s_.substr(i_, 2) == "/*") {
      std::size_t end = s_.find("*/", i_ + 2);
      i_ = end == std::string_view::npos ? s_.size() : end + 2;
      SkipSpace();
    }
  }

  std::string Number() {
    std::size_t start = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
      ++i_;
    // A `.` followed by a digit is a fraction; `1..3` is a range.
    if (i_ + 1 < s_.size() && s_[i_] == '.' &&
        std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
      ++i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
        ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      std::size_t save = i_++;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        while (i_ < s_.size() &&
               std::isdigit(static_cast<unsigned char>(s_[i_])))
          ++i_;
      } else {
        i_ = save;
      }
    }
    return std::string(s_.substr(start, i_ - start));
  }

  Result<std::string> String(char quote) {
    std::uint32_t col = Column();
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != quote) {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '\\':
          out += '\\';
          break;
        case '"':
          out += '"';
          break;
        case '\'':
          out += '\'';
          break;
        case 'u': {
          if (i_ + 4 > s_.size()) return Error("bad \\u escape", col);
          char32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = s_[i_++];
            cp <<= 4;
            if (h >= '0' && h <= '9')
              cp |= h - '0';
            else if (h >= 'a' && h <= 'f')
              cp |= h - 'a' + 10;
            else if (h >= 'A' && h <= 'F')
              cp |= h - 'A' + 10;
            else
              return Error("bad \\u escape", col);
          }
          if (cp >= 0xD800 && cp <= 0xDFFF)
            return Error("\\u escape of a lone surrogate", col);
          AppendUtf8(out, cp);
          break;
        }
        default:
          out += '\\';
          out += e;
          break;
      }
    }
    if (i_ >= s_.size()) return Error("unterminated string", col);
    ++i_;
    return out;
  }

  std::string Name() {
    std::size_t start = i_;
    while (i_ < s_.size() &&
           NamePart(static_cast<unsigned char>(s_[i_]), juel_))
      ++i_;
    // Join a multi-word built-in name when the whole name is followed by `(`;
    // only a word followed by a space can start one.
    if (juel_ || i_ >= s_.size() || s_[i_] != ' ')
      return std::string(s_.substr(start, i_ - start));
    for (const auto& multi : MultiWordFunctionNames()) {
      if (multi[0] != s_[start] || s_.substr(start, multi.size()) != multi)
        continue;
      std::size_t end = start + multi.size();
      if (end < s_.size() &&
          NamePart(static_cast<unsigned char>(s_[end]), juel_))
        continue;
      std::size_t k = end;
      while (k < s_.size() && std::isspace(static_cast<unsigned char>(s_[k])))
        ++k;
      if (k < s_.size() && s_[k] == '(') {
        i_ = end;
        return multi;
      }
    }
    return std::string(s_.substr(start, i_ - start));
  }

  std::string_view s_;
  bool juel_;
  std::size_t i_ = 0;
  std::size_t counted_ = 0;
  std::uint32_t column_ = 1;
};

}  // namespace

const std::vector<std::string>& MultiWordFunctionNames() {
  // Longest first, so "date and time" wins over "date".
  static const std::vector<std::string> kNames = {"years and months duration",
                                                  "date and time",
                                                  "string length",
                                                  "upper case",
                                                  "lower case",
                                                  "substring before",
                                                  "substring after",
                                                  "starts with",
                                                  "ends with",
                                                  "string join",
                                                  "round half down",
                                                  "round half up",
                                                  "round down",
                                                  "round up",
                                                  "list contains",
                                                  "distinct values",
                                                  "index of",
                                                  "insert before",
                                                  "get value",
                                                  "get entries",
                                                  "get or else",
                                                  "context put",
                                                  "context merge",
                                                  "day of week",
                                                  "day of year",
                                                  "month of year",
                                                  "week of year",
                                                  "is defined",
                                                  "list replace"};
  return kNames;
}

Result<std::vector<Token>> Tokenize(std::string_view text, bool juel) {
  return Lexer(text, juel).Run();
}

}  // namespace bpmn::expr
