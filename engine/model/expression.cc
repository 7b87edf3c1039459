// Classification of expression text by dialect (expression.h). Pure;
// thread-safe.
#include "model/expression.h"

#include <algorithm>
#include <cctype>

namespace bpmn::model {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

}  // namespace

Expression MakeExpression(std::string_view text, std::string_view language) {
  Expression e;
  std::string_view t = Trim(text);
  e.text = std::string(t);
  e.language = std::string(Trim(language));
  if (t.empty()) return e;
  std::string lang = Lower(e.language);
  bool feel_language =
      lang == "feel" || lang.find("/feel") != std::string::npos;
  bool juel_language = lang == "juel" || lang == "jexl" || lang.empty() ||
                       lang.find("xpath") != std::string::npos ||
                       lang.find("/juel") != std::string::npos;
  if (t.front() == '=') {
    e.dialect = Dialect::kFeel;
  } else if (t.size() >= 2 && (t[0] == '$' || t[0] == '#') && t[1] == '{') {
    e.dialect = Dialect::kJuel;
  } else if (juel_language && (t.find("${") != std::string_view::npos ||
                               t.find("#{") != std::string_view::npos)) {
    // Text around expressions, as Camunda writes it: "Заявка ${n} от ${d}".
    e.dialect = Dialect::kJuel;
  } else if (feel_language) {
    e.dialect = Dialect::kFeel;
  } else if (!lang.empty() && !juel_language) {
    e.dialect = Dialect::kOther;
  } else {
    e.dialect = Dialect::kPlain;
  }
  // A declared foreign language wins over a `${` that happens to start a
  // script.
  if (!lang.empty() && !feel_language && !juel_language)
    e.dialect = Dialect::kOther;
  return e;
}

std::string_view DialectName(Dialect dialect) {
  switch (dialect) {
    case Dialect::kNone:
      return "none";
    case Dialect::kPlain:
      return "plain";
    case Dialect::kJuel:
      return "juel";
    case Dialect::kFeel:
      return "feel";
    case Dialect::kOther:
      return "other";
  }
  return "none";
}

}  // namespace bpmn::model
