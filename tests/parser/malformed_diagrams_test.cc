// Malformed diagrams in tests/data/malformed, one defect each: checks that the
// reader reports each as docs/validation.md says (severity, rule, element id,
// line, column) and that every file there is in the table. Single-threaded
// GoogleTest suite; reads files only.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bpmn/diagnostic.h"
#include "parser/bpmn_reader.h"

namespace bpmn::parser {
namespace {

constexpr Severity kE = Severity::kError;
constexpr Severity kW = Severity::kWarning;

// One malformed diagram and the diagnostic it must produce. Line and column are
// 1-based and point at the `<` of the start tag of the element named by
// `element_id` (column in characters). Column 0 means "not checked": a
// well-formedness or encoding error has no element, only the line where reading
// stops (for encoding: the line holding the bad byte).
struct MalformedCase {
  const char* file;
  Severity severity;
  const char* rule;
  const char* element_id;  // "" for document-level findings
  std::uint32_t line;
  std::uint32_t column;
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.file; }

const std::vector<MalformedCase>& Cases() {
  static const auto* const kCases = new std::vector<MalformedCase>{
      // Documents that cannot be read: no model is built.
      {"01-doctype.bpmn", kE, "doctype", "", 2, 1},
      {"02-unclosed-tag.bpmn", kE, "xml-well-formed", "", 9, 0},
      {"03-mismatched-tag.bpmn", kE, "xml-well-formed", "", 5, 0},
      {"04-unquoted-attribute.bpmn", kE, "xml-well-formed", "", 3, 0},
      {"05-wrong-root.bpmn", kE, "not-bpmn", "", 2, 1},
      {"06-pre-final-namespace.bpmn", kE, "not-bpmn", "", 2, 1},
      {"07-invalid-utf8-sequence.bpmn", kE, "encoding", "", 5, 0},
      {"08-invalid-utf8-byte-ff.bpmn", kE, "encoding", "", 6, 0},
      {"09-unsupported-encoding.bpmn", kE, "encoding", "", 1, 0},
      // Errors in executable processes: the model is built but cannot run.
      {"10-duplicate-id-message.bpmn", kE, "duplicate-id", "Message_Order", 4,
       3},
      {"11-duplicate-id-sequence-flow.bpmn", kE, "duplicate-id", "Flow_1", 8,
       5},
      {"12-dangling-source-ref.bpmn", kW, "dangling-reference", "Flow_2", 8, 5},
      {"13-dangling-target-ref.bpmn", kE, "dangling-reference", "Flow_2", 8, 5},
      {"14-dangling-attached-to-ref.bpmn", kE, "dangling-reference",
       "Boundary_Late", 6, 5},
      {"15-dangling-default.bpmn", kE, "dangling-reference", "Gateway_Amount",
       5, 5},
      {"16-default-names-a-task.bpmn", kE, "dangling-reference",
       "Gateway_Amount", 5, 5},
      {"17-dangling-message-ref.bpmn", kE, "dangling-reference",
       "Catch_Payment", 7, 5},
      {"18-dangling-message-ref-receive-task.bpmn", kE, "dangling-reference",
       "Task_WaitDocuments", 5, 5},
      {"19-dangling-error-ref.bpmn", kE, "dangling-reference",
       "Boundary_Rejected", 7, 5},
      {"20-dangling-signal-ref.bpmn", kE, "dangling-reference", "Throw_Shipped",
       6, 5},
      {"21-dangling-escalation-ref.bpmn", kE, "dangling-reference",
       "Throw_Escalate", 7, 5},
      {"22-signal-ref-names-a-message.bpmn", kE, "dangling-reference",
       "Catch_Order", 6, 5},
      {"23-timer-duration-invalid.bpmn", kE, "iso8601", "Timer_Wait", 6, 5},
      {"24-timer-date-invalid.bpmn", kE, "iso8601", "Start_Payday", 4, 5},
      {"25-timer-cycle-invalid.bpmn", kE, "iso8601", "Boundary_Remind", 6, 5},
      {"26-due-date-invalid.bpmn", kE, "iso8601", "Task_Measure", 5, 5},
      {"27-follow-up-date-invalid.bpmn", kE, "iso8601", "Task_CallClient", 5,
       5},
      {"28-boundary-on-gateway.bpmn", kE, "boundary-event-host",
       "Boundary_Late", 9, 5},
      {"29-boundary-on-event.bpmn", kE, "boundary-event-host",
       "Boundary_NoReply", 9, 5},
      {"30-complex-gateway.bpmn", kE, "unsupported-element",
       "Gateway_FirstEstimate", 8, 5},
      {"31-flow-leaves-sub-process.bpmn", kE, "flow-crosses-scope", "Flow_Out",
       9, 7},
      {"32-process-without-start-event.bpmn", kE, "start-event-required",
       "Process_1", 3, 3},
      {"33-sub-process-without-start-event.bpmn", kE, "start-event-required",
       "Sub_Measure", 5, 5},
      {"34-two-blank-start-events.bpmn", kW, "single-blank-start-event",
       "Process_1", 3, 3},
      {"35-start-event-incoming.bpmn", kE, "start-event-incoming",
       "StartEvent_1", 4, 5},
      {"36-boundary-event-incoming.bpmn", kE, "start-event-incoming",
       "Boundary_Late", 8, 5},
      {"37-end-event-outgoing.bpmn", kE, "end-event-outgoing",
       "EndEvent_Shipped", 11, 5},
      {"38-exclusive-gateway-unconditional-flow.bpmn", kW, "conditional-flows",
       "Flow_No", 16, 5},
      {"39-inclusive-gateway-unconditional-flow.bpmn", kW, "conditional-flows",
       "Flow_Contract", 14, 5},
      // Not executable, but called by an executable process: still an error.
      {"40-called-non-executable-process.bpmn", kE, "dangling-reference",
       "Flow_Unpaid", 21, 5},
      {"41-duplicate-sequence-flows.bpmn", kW, "no-duplicate-sequence-flows",
       "Flow_3", 9, 5},
      {"42-event-gateway-to-task.bpmn", kE, "event-based-gateway-target",
       "Gateway_Wait", 7, 5},
      {"43-event-gateway-single-target.bpmn", kE, "event-based-gateway-target",
       "Gateway_Wait", 7, 5},
      {"44-link-throw-without-catch.bpmn", kE, "link-event-pair",
       "Link_ToEstimate", 6, 5},
      {"45-event-subprocess-without-start.bpmn", kW, "event-subprocess-start",
       "EventSub_Cancel", 9, 5},
      {"46-event-subprocess-blank-start.bpmn", kW, "event-subprocess-start",
       "EventSub_Start", 10, 7},
      {"47-event-subprocess-two-starts.bpmn", kW, "event-subprocess-start",
       "EventSub_Refund", 11, 5},
      // Columns count characters: Cyrillic in UTF-8, accented letters in
      // ISO-8859-1 (more than one byte each once turned into UTF-8).
      {"48-column-counts-characters.bpmn", kE, "dangling-reference", "Flow_2",
       5, 64},
      {"49-latin1-column.bpmn", kE, "dangling-reference", "Flow_2", 5, 72},
      // Warnings only: the diagram is accepted (result.ok()).
      // The defect of 38 in a process that is not executable: a warning.
      {"50-non-executable-conditional-flows.bpmn", kW, "conditional-flows",
       "Flow_No", 16, 5},
      {"51-fake-join.bpmn", kW, "fake-join", "Task_Estimate", 8, 5},
      {"52-gateway-join-fork.bpmn", kW, "no-gateway-join-fork",
       "Gateway_JoinFork", 8, 5},
      {"53-superfluous-gateway.bpmn", kW, "superfluous-gateway", "Gateway_Pass",
       7, 5},
      {"54-implicit-split.bpmn", kW, "no-implicit-split", "Task_Agree", 5, 5},
      {"55-disconnected-task.bpmn", kW, "no-disconnected", "Task_Forgotten", 7,
       5},
      {"56-process-without-end-event.bpmn", kW, "end-event-required",
       "Process_Incoming", 3, 3},
      {"57-sub-process-without-end-event.bpmn", kW, "end-event-required",
       "Sub_Measure", 5, 5},
      {"58-boundary-event-without-outgoing.bpmn", kW, "boundary-event-outgoing",
       "Boundary_Late", 6, 5},
      {"59-called-element-not-in-file.bpmn", kW, "called-element-not-in-file",
       "Call_Deal", 6, 5},
      {"60-script-language-groovy.bpmn", kW, "script-language",
       "Script_Discount", 5, 5},
      {"61-unknown-extension-attribute.bpmn", kW, "unknown-extension",
       "Task_Take", 5, 5},
      {"62-unknown-extension-element.bpmn", kW, "unknown-extension",
       "Task_Take", 5, 5},
      // Namespaces are resolved by URI, whatever the prefix.
      {"63-semantic-prefix.bpmn", kW, "superfluous-gateway", "Gateway_Pass", 5,
       5},
      {"64-default-namespace.bpmn", kW, "no-disconnected", "Task_Forgotten", 7,
       5},
      // Expressions are compiled at read time.
      {"65-condition-does-not-parse.bpmn", kE, "expression", "Flow_Yes", 13, 5},
      {"66-condition-calls-the-host.bpmn", kW, "expression-host-access",
       "Flow_Yes", 13, 5},
      {"67-due-date-expression-does-not-parse.bpmn", kE, "expression",
       "Task_Qualify", 5, 5},
      // Extension properties the engine acts on.
      {"68-escalation-policy-without-when.bpmn", kE, "escalation-policy",
       "Task_Measure", 5, 5},
  };
  return *kCases;
}

// The rules under which the reader builds no model at all.
bool IsUnreadableRule(std::string_view rule) {
  static constexpr std::string_view kRules[] = {
      "io",       "file-too-large",  "encoding",        "doctype",
      "not-bpmn", "xml-well-formed", "nesting-too-deep"};
  return std::find(std::begin(kRules), std::end(kRules), rule) !=
         std::end(kRules);
}

std::string DataPath(std::string_view file) {
  return std::string(BPMN_TEST_DATA_DIR) + "/malformed/" + std::string(file);
}

std::string Dump(std::string_view file, const ReadResult& result) {
  std::string out = result.definitions ? "model built\n" : "no model\n";
  if (result.diagnostics.empty()) out += "(no diagnostics)\n";
  for (const Diagnostic& d : result.diagnostics) {
    out += FormatDiagnostic(std::string(file), d) + "\n";
  }
  return out;
}

// The first error, or null when there is none.
const Diagnostic* FirstError(const ReadResult& result) {
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity == Severity::kError) return &d;
  }
  return nullptr;
}

bool Matches(const Diagnostic& d, const MalformedCase& c) {
  return d.severity == c.severity && d.rule == c.rule &&
         d.element_id == c.element_id && d.line == c.line &&
         (c.column == 0 || d.column == c.column);
}

std::string CaseName(const ::testing::TestParamInfo<MalformedCase>& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.find('.'));
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

class MalformedDiagramTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedDiagramTest, ReportsTheDefect) {
  const MalformedCase& c = GetParam();
  const ReadResult result = ReadBpmnFile(DataPath(c.file));
  SCOPED_TRACE("diagnostics of " + std::string(c.file) + ":\n" +
               Dump(c.file, result));

  const bool found =
      std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                  [&c](const Diagnostic& d) { return Matches(d, c); });
  EXPECT_TRUE(found) << "expected: " << c.file << ":" << c.line << ":"
                     << c.column << ": "
                     << (c.severity == kE ? "error " : "warning ") << c.rule
                     << " [" << c.element_id << "]";

  if (c.severity == kE) {
    EXPECT_FALSE(result.ok());
  } else {
    EXPECT_TRUE(result.ok()) << "a warning-only diagram must be accepted";
  }

  if (IsUnreadableRule(c.rule)) {
    EXPECT_EQ(result.definitions, nullptr);
    // The reason a document could not be read is its first error.
    const Diagnostic* first_error = FirstError(result);
    ASSERT_TRUE(first_error != nullptr);
    EXPECT_EQ(first_error->rule, c.rule);
  } else {
    EXPECT_NE(result.definitions, nullptr);
  }
}

INSTANTIATE_TEST_SUITE_P(Malformed, MalformedDiagramTest,
                         ::testing::ValuesIn(Cases()), CaseName);

TEST(MalformedDiagramsDirectoryTest, EveryFileIsInTheTable) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(BPMN_TEST_DATA_DIR) / "malformed";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;

  std::set<std::string> listed;
  for (const MalformedCase& c : Cases()) {
    EXPECT_TRUE(listed.insert(c.file).second) << c.file << " is listed twice";
  }

  int files = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".bpmn") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(listed.count(name) == 1) << name << " is not in the table";
  }
  EXPECT_GE(files, 40);

  for (const std::string& name : listed) {
    EXPECT_TRUE(fs::is_regular_file(dir / name)) << name << " is missing";
  }
}

// Every rule of docs/validation.md has at least one file, except the three
// that need no special file (they are tested below with reader options).
TEST(MalformedDiagramsDirectoryTest, EveryRuleIsCovered) {
  static constexpr std::string_view kRules[] = {
      "encoding",
      "doctype",
      "xml-well-formed",
      "not-bpmn",
      "duplicate-id",
      "dangling-reference",
      "called-element-not-in-file",
      "iso8601",
      "boundary-event-host",
      "unsupported-element",
      "flow-crosses-scope",
      "start-event-required",
      "end-event-required",
      "single-blank-start-event",
      "start-event-incoming",
      "end-event-outgoing",
      "conditional-flows",
      "no-duplicate-sequence-flows",
      "event-based-gateway-target",
      "link-event-pair",
      "event-subprocess-start",
      "no-disconnected",
      "no-implicit-split",
      "fake-join",
      "no-gateway-join-fork",
      "superfluous-gateway",
      "boundary-event-outgoing",
      "unknown-extension",
      "script-language",
      "expression",
      "expression-host-access",
  };
  for (std::string_view rule : kRules) {
    const bool covered =
        std::any_of(Cases().begin(), Cases().end(),
                    [rule](const MalformedCase& c) { return c.rule == rule; });
    EXPECT_TRUE(covered) << "no malformed diagram for rule " << rule;
  }
}

TEST(MalformedDiagramsReaderLimitsTest, MissingFileIsAnIoError) {
  const ReadResult result = ReadBpmnFile(DataPath("00-no-such-file.bpmn"));
  SCOPED_TRACE(Dump("00-no-such-file.bpmn", result));
  EXPECT_EQ(result.definitions, nullptr);
  EXPECT_FALSE(result.ok());
  const Diagnostic* first_error = FirstError(result);
  ASSERT_TRUE(first_error != nullptr);
  EXPECT_EQ(first_error->rule, "io");
}

TEST(MalformedDiagramsReaderLimitsTest, FileOverTheSizeLimitIsRefused) {
  ReadOptions options;
  options.max_file_bytes = 64;
  const ReadResult result =
      ReadBpmnFile(DataPath("53-superfluous-gateway.bpmn"), options);
  SCOPED_TRACE(Dump("53-superfluous-gateway.bpmn", result));
  EXPECT_EQ(result.definitions, nullptr);
  EXPECT_FALSE(result.ok());
  const Diagnostic* first_error = FirstError(result);
  ASSERT_TRUE(first_error != nullptr);
  EXPECT_EQ(first_error->rule, "file-too-large");
}

TEST(MalformedDiagramsReaderLimitsTest, NestingOverTheDepthLimitIsRefused) {
  // definitions > process > subProcess > userTask: deeper than 2 however the
  // levels are counted.
  ReadOptions options;
  options.max_depth = 2;
  const ReadResult result =
      ReadBpmnFile(DataPath("57-sub-process-without-end-event.bpmn"), options);
  SCOPED_TRACE(Dump("57-sub-process-without-end-event.bpmn", result));
  EXPECT_EQ(result.definitions, nullptr);
  EXPECT_FALSE(result.ok());
  const Diagnostic* first_error = FirstError(result);
  ASSERT_TRUE(first_error != nullptr);
  EXPECT_EQ(first_error->rule, "nesting-too-deep");
}

}  // namespace
}  // namespace bpmn::parser
