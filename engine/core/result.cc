// Names and formatting of errors (bpmn/result.h). Pure functions; thread-safe.
#include "bpmn/result.h"

namespace bpmn {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kParse:
      return "parse";
    case ErrorCode::kLimit:
      return "limit";
    case ErrorCode::kValidation:
      return "validation";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kRole:
      return "role";
    case ErrorCode::kFields:
      return "fields";
    case ErrorCode::kState:
      return "state";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kExpression:
      return "expression";
  }
  return "unknown";
}

std::string Error::ToString() const {
  std::string out;
  if (line != 0) {
    out += "line " + std::to_string(line);
    if (column != 0) out += ", column " + std::to_string(column);
  }
  if (!element_id.empty()) {
    if (!out.empty()) out += ", ";
    out += "element " + element_id;
  }
  if (!out.empty()) out += ": ";
  return out + message;
}

}  // namespace bpmn
