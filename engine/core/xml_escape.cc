// Four entities suffice: the text is UTF-8 already, and apostrophes only
// matter in single-quoted attributes, which nothing here writes.
#include "bpmn/xml_escape.h"

namespace bpmn {

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace bpmn
