// The reader on hand-made documents: namespaces by URI, encodings, limits, and
// the extension attributes and elements of Camunda 7, Camunda 8 (zeebe),
// Flowable and Activiti landing in the model. Each test reads a whole document
// through the public entry point.
#include <gtest/gtest.h>

#include <string>

#include "parser/bpmn_reader.h"

namespace {

using bpmn::model::ElementKind;
using bpmn::parser::ReadBpmnString;

std::string Doc(const std::string& body, const std::string& extra_ns = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<bpmn:definitions "
         "xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
         "xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" "
         "xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" "
         "xmlns:flowable=\"http://flowable.org/bpmn\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" " +
         extra_ns + " id=\"defs\">\n" + body + "\n</bpmn:definitions>\n";
}

std::string Errors(const bpmn::parser::ReadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics)
    out += bpmn::FormatDiagnostic("doc", d) + "\n";
  return out;
}

TEST(Reader, ResolvesNamespacesByUriNotPrefix) {
  // The BPMN namespace under another prefix, redeclared on an inner element
  // under a third one.
  const std::string xml =
      "<semantic:definitions "
      "xmlns:semantic=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
      "id=\"d\"><semantic:process id=\"p\" isExecutable=\"true\">"
      "<model:startEvent "
      "xmlns:model=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"s\"/>"
      "<task xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"t\"/>"
      "<semantic:sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"t\"/>"
      "<bpmn:task xmlns:bpmn=\"http://example.com/not-bpmn\" id=\"x\"/>"
      "</semantic:process></semantic:definitions>";
  auto r = ReadBpmnString(xml);
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_NE(r.definitions->FindNode("s"), nullptr);
  EXPECT_NE(r.definitions->FindNode("t"), nullptr);
  EXPECT_EQ(r.definitions->FindNode("x"), nullptr)
      << "bpmn: bound to another URI is not BPMN";
}

TEST(Reader, BpmnElementsInsideExtensionElementsAreNotModelElements) {
  auto r = ReadBpmnString(Doc(
      "<bpmn:process id=\"p\" isExecutable=\"true\"><bpmn:startEvent id=\"s\">"
      "<bpmn:extensionElements><bpmn:task "
      "id=\"hidden\"/></bpmn:extensionElements>"
      "</bpmn:startEvent></bpmn:process>"));
  ASSERT_TRUE(r.definitions);
  EXPECT_EQ(r.definitions->FindNode("hidden"), nullptr);
  EXPECT_EQ(r.definitions->nodes().size(), 1u);
}

TEST(Reader, RefusesDoctypeWithoutExpandingEntities) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "
      "\"file:///etc/passwd\">]>\n"
      "<bpmn:definitions "
      "xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">&x;"
      "</bpmn:definitions>";
  auto r = ReadBpmnString(xml);
  EXPECT_FALSE(r.definitions);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].rule, "doctype");
  EXPECT_EQ(r.diagnostics[0].line, 2u);
}

TEST(Reader, DeepNestingIsRefusedWithoutStackOverflow) {
  // 20,000 nested sub-processes: the limit is checked before any recursive
  // walk.
  std::string body = "<bpmn:process id=\"p\" isExecutable=\"true\">";
  for (int i = 0; i < 20000; ++i)
    body += "<bpmn:subProcess id=\"s" + std::to_string(i) + "\">";
  for (int i = 0; i < 20000; ++i) body += "</bpmn:subProcess>";
  body += "</bpmn:process>";
  auto r = ReadBpmnString(Doc(body));
  EXPECT_FALSE(r.definitions);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].rule, "nesting-too-deep");
}

TEST(Reader, ModerateNestingIsRead) {
  std::string body = "<bpmn:process id=\"p\" isExecutable=\"true\">";
  for (int i = 0; i < 100; ++i)
    body += "<bpmn:subProcess id=\"s" + std::to_string(i) + "\">";
  for (int i = 0; i < 100; ++i) body += "</bpmn:subProcess>";
  body += "</bpmn:process>";
  auto r = ReadBpmnString(Doc(body));
  ASSERT_TRUE(r.definitions) << Errors(r);
  EXPECT_EQ(r.definitions->node(99).parent, 98u);
}

TEST(Reader, FileSizeLimitIsEnforced) {
  bpmn::parser::ReadOptions options;
  options.max_file_bytes = 100;
  auto r = ReadBpmnString(Doc("<bpmn:process id=\"p\"/>"), options);
  EXPECT_FALSE(r.definitions);
  EXPECT_EQ(r.diagnostics.at(0).rule, "file-too-large");
}

TEST(Reader, Latin1DocumentNamesComeOutAsUtf8) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
      "<process id=\"p\"><task id=\"t\" name=\"Rechnung pr\xFC"
      "fen\"/></process></definitions>";
  auto r = ReadBpmnString(xml);
  ASSERT_TRUE(r.definitions) << Errors(r);
  EXPECT_EQ(r.definitions->FindNode("t")->name,
            "Rechnung pr\xC3\xBC"
            "fen");
}

TEST(Reader, Utf16DocumentIsRead) {
  std::string utf8 =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
      "<process id=\"p\"><task id=\"t\" "
      "name=\"\xD0\x97\xD0\xB0\xD0\xBC\xD0\xB5\xD1\x80\"/>"
      "</process></definitions>";
  // Encode as UTF-16LE with a BOM (the Cyrillic letters are all in the BMP).
  std::string utf16 = "\xFF\xFE";
  for (std::size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    char16_t unit;
    if (c < 0x80) {
      unit = c;
      i += 1;
    } else {
      unit = static_cast<char16_t>(((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F));
      i += 2;
    }
    utf16 += static_cast<char>(unit & 0xFF);
    utf16 += static_cast<char>(unit >> 8);
  }
  auto r = ReadBpmnString(utf16);
  ASSERT_TRUE(r.definitions) << Errors(r);
  EXPECT_EQ(r.definitions->FindNode("t")->name,
            "\xD0\x97\xD0\xB0\xD0\xBC\xD0\xB5\xD1\x80");
}

TEST(Reader, CamundaUserTaskWithFormAndDueDate) {
  auto r = ReadBpmnString(Doc(R"(<bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:userTask id="t" camunda:candidateGroups="Secretary, manager" camunda:assignee="${initiator}"
        camunda:dueDate="PT16H" camunda:formKey="embedded:app:forms/order.html">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="client" label="Клиент" type="string">
            <camunda:validation><camunda:constraint name="required"/></camunda:validation>
          </camunda:formField>
          <camunda:formField id="amount" type="long"/>
        </camunda:formData>
        <camunda:inputOutput>
          <camunda:inputParameter name="limit">${amount * 2}</camunda:inputParameter>
          <camunda:outputParameter name="ok">${true}</camunda:outputParameter>
        </camunda:inputOutput>
        <camunda:properties><camunda:property name="stage" value="intake"/></camunda:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </bpmn:process>)"));
  ASSERT_TRUE(r.ok()) << Errors(r);
  const auto* t = r.definitions->FindNode("t");
  ASSERT_TRUE(t && t->user_task);
  EXPECT_EQ(t->user_task->candidate_groups,
            (std::vector<std::string>{"Secretary", "manager"}));
  EXPECT_EQ(t->user_task->assignee.dialect, bpmn::model::Dialect::kJuel);
  EXPECT_EQ(t->user_task->due_date.text, "PT16H");
  EXPECT_EQ(t->user_task->form_key, "embedded:app:forms/order.html");
  ASSERT_EQ(t->user_task->form_fields.size(), 2u);
  EXPECT_TRUE(t->user_task->form_fields[0].required());
  EXPECT_EQ(t->user_task->form_fields[0].label, "Клиент");
  EXPECT_FALSE(t->user_task->form_fields[1].required());
  ASSERT_EQ(t->inputs.size(), 1u);
  EXPECT_EQ(t->inputs[0].target, "limit");
  EXPECT_EQ(t->inputs[0].source.text, "${amount * 2}");
  ASSERT_EQ(t->outputs.size(), 1u);
  ASSERT_EQ(t->properties.size(), 1u);
  EXPECT_EQ(t->properties[0].second, "intake");
}

TEST(Reader, ZeebeExtensionsLandInTheSameSpecs) {
  auto r = ReadBpmnString(Doc(R"xml(<bpmn:message id="m" name="payment">
      <bpmn:extensionElements><zeebe:subscription correlationKey="=orderId"/></bpmn:extensionElements>
    </bpmn:message>
    <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:serviceTask id="job">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="send-invoice" retries="5"/>
        <zeebe:ioMapping><zeebe:input source="=amount" target="sum"/></zeebe:ioMapping>
        <zeebe:taskHeaders><zeebe:header key="template" value="invoice.mustache"/></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:extensionElements>
          <zeebe:loopCharacteristics inputCollection="=items" inputElement="item"/>
        </bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>
    <bpmn:userTask id="u">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="lawyer"/>
        <zeebe:taskSchedule dueDate="=now() + duration(&quot;P2D&quot;)"/>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:callActivity id="c">
      <bpmn:extensionElements>
        <zeebe:calledElement processId="deal" propagateAllChildVariables="false"/>
      </bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="job"/>
    <bpmn:sequenceFlow id="f2" sourceRef="job" targetRef="u"/>
    <bpmn:sequenceFlow id="f3" sourceRef="u" targetRef="c"/>
    <bpmn:sequenceFlow id="f4" sourceRef="c" targetRef="e"/>
  </bpmn:process>)xml"));
  ASSERT_TRUE(r.definitions) << Errors(r);
  EXPECT_FALSE(bpmn::HasErrors(r.diagnostics)) << Errors(r);
  EXPECT_EQ(r.definitions->FindMessage("m")->correlation_key, "=orderId");
  const auto* job = r.definitions->FindNode("job");
  ASSERT_TRUE(job->job);
  EXPECT_EQ(job->job->type, "send-invoice");
  EXPECT_EQ(job->job->retries.text, "5");
  EXPECT_EQ(job->inputs.at(0).source.dialect, bpmn::model::Dialect::kFeel);
  EXPECT_EQ(job->properties.at(0).first, "template");
  EXPECT_EQ(job->loop.kind, bpmn::model::LoopKind::kSequential);
  EXPECT_EQ(job->loop.collection.text, "=items");
  EXPECT_EQ(job->loop.element_variable, "item");
  const auto* u = r.definitions->FindNode("u");
  EXPECT_EQ(u->user_task->candidate_groups, std::vector<std::string>{"lawyer"});
  EXPECT_EQ(u->user_task->due_date.dialect, bpmn::model::Dialect::kFeel);
  const auto* c = r.definitions->FindNode("c");
  EXPECT_EQ(c->call->called_element.text, "deal");
  EXPECT_FALSE(c->call->propagate_all_child_variables);
}

TEST(Reader, FlowableAttributesReadLikeCamunda) {
  auto r = ReadBpmnString(Doc(R"(<bpmn:process id="p" isExecutable="true">
    <bpmn:userTask id="u" flowable:candidateGroups="accountant" flowable:dueDate="P1D"/>
  </bpmn:process>)"));
  ASSERT_TRUE(r.definitions) << Errors(r);
  const auto* u = r.definitions->FindNode("u");
  EXPECT_EQ(u->user_task->candidate_groups,
            std::vector<std::string>{"accountant"});
  EXPECT_EQ(u->user_task->due_date.text, "P1D");
}

TEST(Reader, NestedLanesGiveTheInnermostRole) {
  auto r = ReadBpmnString(Doc(R"(<bpmn:process id="p">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="sales" name="Sales">
        <bpmn:flowNodeRef>a</bpmn:flowNodeRef><bpmn:flowNodeRef>b</bpmn:flowNodeRef>
        <bpmn:childLaneSet id="cls">
          <bpmn:lane id="measure" name="  Замерщик  "><bpmn:flowNodeRef>b</bpmn:flowNodeRef></bpmn:lane>
        </bpmn:childLaneSet>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:task id="a"/><bpmn:task id="b"/><bpmn:task id="c"/>
  </bpmn:process>)"));
  ASSERT_TRUE(r.definitions) << Errors(r);
  EXPECT_EQ(r.definitions->FindNode("a")->role, "sales");
  EXPECT_EQ(r.definitions->FindNode("b")->role, "замерщик");
  EXPECT_EQ(r.definitions->FindNode("c")->role, "");
}

TEST(Reader, TimersAreParsedIntoSpecs) {
  auto r = ReadBpmnString(Doc(R"(<bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:timerEventDefinition>
      <bpmn:timeCycle>R3/2026-01-01T09:00:00Z/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="w"><bpmn:timerEventDefinition>
      <bpmn:timeDuration>${delay}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w"/>
    <bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e"/>
  </bpmn:process>)"));
  ASSERT_TRUE(r.ok()) << Errors(r);
  const auto& cycle =
      *r.definitions->FindNode("s")->event_definitions.at(0).timer;
  EXPECT_TRUE(cycle.literal);
  EXPECT_EQ(cycle.repetitions, 3);
  EXPECT_EQ(cycle.Describe(), "every 1 day from 2026-01-01T09:00:00Z, 3 times");
  const auto& expr =
      *r.definitions->FindNode("w")->event_definitions.at(0).timer;
  EXPECT_FALSE(expr.literal);
  EXPECT_EQ(expr.source.dialect, bpmn::model::Dialect::kJuel);
}

TEST(Reader, IndicesLinkFlowsNodesAndBoundaryHosts) {
  auto r = ReadBpmnString(Doc(R"(<bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:exclusiveGateway id="g" default="f3"/>
    <bpmn:task id="a"/><bpmn:task id="b"/>
    <bpmn:boundaryEvent id="late" attachedToRef="a" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT8H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
    <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="a">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${amount &gt; 1000}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="b"/>
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="e"/>
    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="e"/>
    <bpmn:sequenceFlow id="f6" sourceRef="late" targetRef="e"/>
  </bpmn:process>)"));
  ASSERT_TRUE(r.ok()) << Errors(r);
  const auto& d = *r.definitions;
  const auto* g = d.FindNode("g");
  ASSERT_EQ(g->outgoing.size(), 2u);
  EXPECT_EQ(d.flow(g->default_flow).id, "f3");
  EXPECT_EQ(d.FindFlow("f2")->condition.text, "${amount > 1000}");
  EXPECT_EQ(d.FindFlow("f2")->condition.dialect, bpmn::model::Dialect::kJuel);
  const auto* a = d.FindNode("a");
  ASSERT_EQ(a->boundary_events.size(), 1u);
  const auto& late = d.node(a->boundary_events[0]);
  EXPECT_EQ(late.id, "late");
  EXPECT_FALSE(late.cancel_activity);
  EXPECT_EQ(late.attached_to, a->index);
  EXPECT_EQ(d.FindNode("e")->incoming.size(), 3u);
  EXPECT_EQ(d.SingleExecutableProcess()->id, "p");
}

}  // namespace
