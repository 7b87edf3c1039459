// Validator behaviour beyond single rules: severities follow which processes
// run, and the processes an executable process calls are checked as executable
// too.
#include "model/validate.h"

#include <gtest/gtest.h>

#include "parser/bpmn_reader.h"

namespace {

std::string Doc(const std::string& body) {
  return "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">" +
         body + "</definitions>";
}

const bpmn::Diagnostic* Find(const bpmn::parser::ReadResult& r,
                             const std::string& rule, const std::string& id) {
  for (const auto& d : r.diagnostics)
    if (d.rule == rule && d.element_id == id) return &d;
  return nullptr;
}

// A process with an end event and no start event: an error only where it runs.
const char* kNoStart =
    "<task id=\"%T\"/><endEvent id=\"%E\"/><sequenceFlow id=\"%F\" "
    "sourceRef=\"%T\" targetRef=\"%E\"/>";

std::string NoStart(const std::string& suffix) {
  std::string s = kNoStart;
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"%T", "t" + suffix},
        {"%E", "e" + suffix},
        {"%F", "f" + suffix}}) {
    for (std::size_t at; (at = s.find(from)) != std::string::npos;)
      s.replace(at, from.size(), to);
  }
  return s;
}

TEST(Validate, CalledProcessesAreCheckedAsExecutable) {
  auto r = bpmn::parser::ReadBpmnString(
      Doc("<process id=\"main\" isExecutable=\"true\"><startEvent id=\"s\"/>"
          "<callActivity id=\"c\" calledElement=\"child\"/><endEvent id=\"e\"/>"
          "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"c\"/>"
          "<sequenceFlow id=\"f2\" sourceRef=\"c\" targetRef=\"e\"/></process>"
          "<process id=\"child\" isExecutable=\"false\">" +
          NoStart("1") +
          "</process>"
          "<process id=\"doc\" isExecutable=\"false\">" +
          NoStart("2") + "</process>"));
  ASSERT_TRUE(r.definitions);
  auto runs = bpmn::model::ExecutableProcesses(*r.definitions);
  EXPECT_EQ(runs, (std::vector<bool>{true, true, false}));
  const auto* child = Find(r, "start-event-required", "child");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->severity, bpmn::Severity::kError);
  const auto* doc = Find(r, "start-event-required", "doc");
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(doc->severity, bpmn::Severity::kWarning);
}

TEST(Validate, ImplicitStartAndEndAreAllowed) {
  // BPMN 2.0 10.5.2: without start and end events, a scope starts at every
  // element without incoming flows.
  auto r = bpmn::parser::ReadBpmnString(Doc(
      "<process id=\"p\" isExecutable=\"true\"><task id=\"a\"/></process>"));
  EXPECT_TRUE(r.ok());
}

TEST(Validate, EveryProblemIsReportedNotOnlyTheFirst) {
  auto r = bpmn::parser::ReadBpmnString(
      Doc("<process id=\"p\" isExecutable=\"true\"><startEvent "
          "id=\"s\"/><endEvent id=\"e\"/>"
          "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"nowhere\"/>"
          "<sequenceFlow id=\"f2\" sourceRef=\"e\" targetRef=\"s\"/>"
          "<complexGateway id=\"cg\"/></process>"));
  ASSERT_TRUE(r.definitions);
  EXPECT_NE(Find(r, "dangling-reference", "f1"), nullptr);
  EXPECT_NE(Find(r, "end-event-outgoing", "e"), nullptr);
  EXPECT_NE(Find(r, "start-event-incoming", "s"), nullptr);
  EXPECT_NE(Find(r, "unsupported-element", "cg"), nullptr);
}

}  // namespace
