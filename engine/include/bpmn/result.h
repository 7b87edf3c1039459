// Errors as values: every fallible call of the engine returns Result<T>, a
// tl::expected holding either the value or an Error that names what went wrong
// and where (element id, line, column). Exceptions are reserved for bugs. Plain
// value types; safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace bpmn {

// The kinds of failure a caller can act on. The names double as the scenario
// file's `error:` kinds.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument,  // unusable input from the caller (bad option, unreadable
                     // value)
  kIo,               // a file could not be read or written
  kParse,            // the document is not well-formed XML or not BPMN 2.0
  kLimit,       // a configured limit (file size, nesting depth) was exceeded
  kValidation,  // the diagram has errors that stop it from running
  kNotFound,    // no such definition, instance, task, subscription
  kRole,        // the acting user holds no role of the task
  kFields,      // required form fields are missing
  kState,       // the operation does not fit the current state
  kConflict,    // a concurrent writer won
  kExpression,  // an expression could not be parsed or evaluated
};

// The lower-case word used for a code in messages, JSON and scenario files
// ("not_found", ...).
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string message;
  std::string element_id;  // empty when the error is not about one element
  std::uint32_t line = 0;  // 1-based; 0 when unknown
  std::uint32_t column = 0;

  // "line 12, column 5, element Task_1: message" with the parts that are known.
  std::string ToString() const;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> Fail(ErrorCode code, std::string message,
                                  std::string element_id = {},
                                  std::uint32_t line = 0,
                                  std::uint32_t column = 0) {
  return tl::unexpected<Error>(
      Error{code, std::move(message), std::move(element_id), line, column});
}

}  // namespace bpmn
