// Conformance over ../shared/corpus: every real-world BPMN file loads without
// errors, except the documented negative cases, which are refused with the
// right rule; and for every file the model's count of each element kind equals
// an independent count of the XML made here with pugixml.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <string>

#include "parser/bpmn_reader.h"

namespace {

namespace fs = std::filesystem;

const std::string kBpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
const std::string kBpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";

// Files refused on purpose, and the rule that must refuse them.
const std::map<std::string, std::string> kNegativeCases = {
    {"bpmn-miwg-test-suite/GenMyModel 0.47/C.1.0-export.bpmn", "encoding"},
    {"bpmn-miwg-test-suite/GenMyModel 0.47/C.1.1-export.bpmn", "encoding"},
    {"bpmn-elements/test/resources/service-task-operation.bpmn", "not-bpmn"},
    {"SpiffWorkflow/tests/SpiffWorkflow/bpmn/data/Invalid-Workflows/"
     "No-Start-Event.bpmn20.xml",
     "start-event-required"},
};

// Element kinds the model must hold, one count per tag.
const std::set<std::string> kCountedTags = {"startEvent",
                                            "endEvent",
                                            "intermediateCatchEvent",
                                            "intermediateThrowEvent",
                                            "boundaryEvent",
                                            "task",
                                            "userTask",
                                            "manualTask",
                                            "serviceTask",
                                            "sendTask",
                                            "receiveTask",
                                            "scriptTask",
                                            "businessRuleTask",
                                            "exclusiveGateway",
                                            "parallelGateway",
                                            "inclusiveGateway",
                                            "eventBasedGateway",
                                            "complexGateway",
                                            "subProcess",
                                            "transaction",
                                            "adHocSubProcess",
                                            "callActivity",
                                            "messageEventDefinition",
                                            "timerEventDefinition",
                                            "signalEventDefinition",
                                            "errorEventDefinition",
                                            "escalationEventDefinition",
                                            "conditionalEventDefinition",
                                            "linkEventDefinition",
                                            "compensateEventDefinition",
                                            "cancelEventDefinition",
                                            "terminateEventDefinition",
                                            "sequenceFlow",
                                            "messageFlow",
                                            "participant",
                                            "collaboration",
                                            "process",
                                            "lane",
                                            "laneSet",
                                            "childLaneSet",
                                            "message",
                                            "signal",
                                            "error",
                                            "escalation",
                                            "standardLoopCharacteristics",
                                            "multiInstanceLoopCharacteristics",
                                            "dataObject",
                                            "dataObjectReference",
                                            "dataStore",
                                            "dataStoreReference",
                                            "dataInput",
                                            "dataOutput",
                                            "inputSet",
                                            "outputSet",
                                            "ioSpecification",
                                            "dataInputAssociation",
                                            "dataOutputAssociation",
                                            "property",
                                            "textAnnotation",
                                            "association",
                                            "group",
                                            "category",
                                            "categoryValue",
                                            "itemDefinition",
                                            "interface",
                                            "operation",
                                            "resource",
                                            "dataState",
                                            "BPMNShape",
                                            "BPMNEdge"};

// Parts of the elements above (their attributes in element form); not elements
// of their own.
const std::set<std::string> kPartTags = {
    "definitions", "incoming", "outgoing", "documentation", "extensionElements",
    "conditionExpression", "condition", "timeDate", "timeDuration", "timeCycle",
    "flowNodeRef", "loopCardinality", "completionCondition", "loopCondition",
    "loopDataInputRef", "loopDataOutputRef", "inputDataItem", "outputDataItem",
    "dataInputRefs", "dataOutputRefs", "sourceRef", "targetRef", "script",
    "text", "humanPerformer", "potentialOwner", "performer",
    "resourceAssignmentExpression", "formalExpression", "expression",
    "assignment", "from", "to", "transformation", "inMessageRef",
    "outMessageRef", "errorRef", "supportedInterfaceRef", "ioBinding",
    "eventDefinitionRef", "source", "target", "resourceParameterBinding",
    "resourceRef", "correlationKey", "correlationPropertyRef",
    "correlationProperty", "correlationPropertyRetrievalExpression",
    "messagePath", "import", "extension", "rendering", "signalRef",
    "messageRef", "dataInputRef", "dataOutputRef", "participantMultiplicity",
    "complexBehaviorDefinition", "multiInstanceLoopCharacteristics_",
    "correlationSubscription", "correlationPropertyBinding", "dataPath",
    "operationRef", "interfaceRef", "outputSetRefs", "inputSetRefs",
    "optionalInputRefs", "optionalOutputRefs", "whileExecutingInputRefs",
    "whileExecutingOutputRefs", "partitionElement", "activationCondition",
    "conversationLink", "conversation", "subConversation", "callConversation",
    "conversationNode", "globalTask", "globalUserTask", "globalScriptTask",
    "globalManualTask", "globalBusinessRuleTask", "callChoreography",
    "choreography", "choreographyTask", "subChoreography", "participantRef",
    "messageFlowRef", "initiatingParticipantRef", "partnerEntity",
    "partnerRole", "endPoint", "relationship", "auditing", "monitoring",
    "lanes", "processRef", "categoryValueRef", "dataStoreRef", "dataObjectRef",
    "innerParticipantRef", "outerParticipantRef", "participantAssociation",
    "messageFlowAssociation", "conversationAssociation",
    "innerConversationNodeRef", "outerConversationNodeRef", "eventDefinition",
    "complexGateway_", "activityRef", "supports",
    "definitionalCollaborationRef", "inputDataRef", "outputDataRef",
    "messageEventDefinition_", "inputSetWithOptional", "outputSetWithOptional",
    "inputSetWithWhileExecuting", "outputSetWithWhileExecuting", "inputSetRef",
    "outputSetRef",
    // Not BPMN, though written in its namespace: Bizagi's loop counter.
    "LoopCounter"};

struct XmlCount {
  std::map<std::string, std::size_t> counted;
  std::set<std::string> unknown;  // BPMN tags in neither list
};

// An independent walk: namespaces tracked with a copied map per element (slow,
// simple).
void CountElements(pugi::xml_node e, std::map<std::string, std::string> ns,
                   XmlCount& out) {
  for (pugi::xml_attribute a : e.attributes()) {
    std::string name = a.name();
    if (name == "xmlns") ns[""] = a.value();
    if (name.rfind("xmlns:", 0) == 0) ns[name.substr(6)] = a.value();
  }
  std::string qname = e.name();
  std::size_t colon = qname.find(':');
  std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
  std::string local =
      colon == std::string::npos ? qname : qname.substr(colon + 1);
  std::string uri = ns.count(prefix) ? ns[prefix] : "";
  if (uri == kBpmn) {
    if (local == "extensionElements")
      return;  // vendor data, not model elements
    if (kCountedTags.count(local)) {
      ++out.counted[local];
    } else if (!kPartTags.count(local)) {
      out.unknown.insert(local);
    }
  } else if (uri == kBpmnDi && (local == "BPMNShape" || local == "BPMNEdge")) {
    ++out.counted[local];
  }
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) CountElements(c, ns, out);
  }
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  fs::path root(BPMN_CORPUS_DIR);
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    if (ext == ".bpmn" || ext == ".xml") {
      files.push_back(fs::relative(entry.path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Dump(const std::string& file,
                 const std::vector<bpmn::Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) {
    if (d.severity == bpmn::Severity::kError)
      out += bpmn::FormatDiagnostic(file, d) + "\n";
  }
  return out;
}

class CorpusTest : public ::testing::TestWithParam<std::string> {};

TEST(Corpus, IsPresentAndLarge) {
  auto files = CorpusFiles();
  ASSERT_GE(files.size(), 400u)
      << "the corpus is read from " << BPMN_CORPUS_DIR;
  for (const auto& [file, rule] : kNegativeCases) {
    EXPECT_TRUE(std::find(files.begin(), files.end(), file) != files.end())
        << file;
  }
}

TEST_P(CorpusTest, LoadsAndCountsMatch) {
  const std::string& file = GetParam();
  const std::string path = std::string(BPMN_CORPUS_DIR) + "/" + file;
  auto result = bpmn::parser::ReadBpmnFile(path);
  auto negative = kNegativeCases.find(file);
  if (negative != kNegativeCases.end()) {
    EXPECT_FALSE(result.ok());
    bool found = false;
    for (const auto& d : result.diagnostics) {
      found = found || (d.severity == bpmn::Severity::kError &&
                        d.rule == negative->second);
    }
    EXPECT_TRUE(found) << "expected rule " << negative->second << "; got:\n"
                       << Dump(file, result.diagnostics);
    return;
  }
  ASSERT_TRUE(result.definitions) << Dump(file, result.diagnostics);
  EXPECT_FALSE(bpmn::HasErrors(result.diagnostics))
      << Dump(file, result.diagnostics);

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(path.c_str())) << "the test's own parse failed";
  XmlCount xml;
  CountElements(doc.document_element(), {}, xml);
  EXPECT_TRUE(xml.unknown.empty())
      << "BPMN elements the test does not classify: "
      << ::testing::PrintToString(xml.unknown);
  auto model = result.definitions->CountByTag();
  for (const auto& tag : kCountedTags) {
    std::size_t in_xml = xml.counted.count(tag) ? xml.counted.at(tag) : 0;
    std::size_t in_model = model.count(tag) ? model.at(tag) : 0;
    EXPECT_EQ(in_model, in_xml) << "element kind " << tag;
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = std::to_string(info.index) + "_";
  for (char c : info.param)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllFiles, CorpusTest,
                         ::testing::ValuesIn(CorpusFiles()), TestName);

}  // namespace
