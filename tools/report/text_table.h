// A plain-text table whose columns line up in a terminal also when cells
// hold Cyrillic (or any non-ASCII) text: widths count characters, not
// bytes. Used by `bpmnctl report`. Single-threaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bpmn::report {

// Terminal columns `text` takes: one per character (code point), none for
// combining marks, two for East Asian wide ones.
std::size_t DisplayWidth(std::string_view text);

class TextTable {
 public:
  // Columns whose name starts with '>' are right-aligned (numbers).
  explicit TextTable(std::vector<std::string> columns);
  void AddRow(std::vector<std::string> cells);
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace bpmn::report
