// BPMN 2.0 XML -> model::Definitions (bpmn_reader.h). One entry point,
// ReadBpmnString; the Reader class below walks the document once, element by
// element, resolving namespaces by URI, and collects flow nodes, flows, lanes,
// root elements, thin records and the diagram layout. After the walk it
// resolves references by id, applies severities, and hands the model to the
// validator.
#include "parser/bpmn_reader.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "expr/expression.h"
#include "model/iso8601.h"
#include "model/validate.h"
#include "parser/extensions.h"
#include "parser/namespaces.h"
#include "parser/xml_text.h"

namespace bpmn::parser {
namespace {

using model::ElementKind;
using model::EventDefinitionKind;
using model::FlowNode;
using model::kNoIndex;
using model::SourcePosition;

// BPMN elements kept only as records (model::ThinElement), wherever they stand.
constexpr std::array<std::string_view, 22> kThinTags = {
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
};

bool IsThinTag(std::string_view tag) {
  return std::find(kThinTags.begin(), kThinTags.end(), tag) != kThinTags.end();
}

const char* Attr(pugi::xml_node e, const char* name) {
  return e.attribute(name).value();
}

// Text that starts the way ISO 8601 values do (a digit, P, R, -P): when it does
// not parse, it is a typo, not an expression in another language.
bool LooksLikeIso8601(std::string_view t) {
  if (t.empty()) return false;
  char c = t[0];
  if (c == '-' && t.size() > 1) c = t[1];
  return (c >= '0' && c <= '9') || c == 'P' ||
         (c == 'R' &&
          (t.size() == 1 || t[1] == '/' || (t[1] >= '0' && t[1] <= '9')));
}

// Where a diagnostic belongs: a process index (severity depends on whether it
// runs) or the whole document.
constexpr std::uint32_t kDocumentLevel = kNoIndex;

struct PendingDiagnostic {
  Diagnostic diagnostic;
  std::uint32_t process;
};

class Reader {
 public:
  Reader(std::string_view text, const LineMap& lines)
      : text_(text), lines_(lines) {}

  // Reads the whole document; false when the root is not BPMN 2.0 definitions.
  bool Read(pugi::xml_node root);
  model::DefinitionsData TakeData() { return std::move(data_); }
  // Diagnostics with severities resolved against the processes that run.
  std::vector<Diagnostic> TakeDiagnostics(const model::Definitions& defs);

 private:
  struct Container {
    std::uint32_t process = kNoIndex;
    std::uint32_t parent_node = kNoIndex;  // enclosing sub-process
  };

  SourcePosition PositionOf(pugi::xml_node e) const {
    std::ptrdiff_t offset = e.offset_debug();
    if (offset <= 0) return {};
    auto p = lines_.At(
        static_cast<std::size_t>(offset - 1));  // offset_debug points past '<'
    return {p.line, p.column};
  }

  void Report(Severity severity, std::string rule, std::string element_id,
              SourcePosition at, std::string message, std::uint32_t process) {
    pending_.push_back(
        {Diagnostic{severity, std::move(rule), std::move(element_id), at.line,
                    at.column, std::move(message)},
         process});
  }

  void NoteId(pugi::xml_node e);
  void NoteForeignAttributes(pugi::xml_node e, FlowNode* node);
  // A non-BPMN element among BPMN content: counted as an unknown extension of
  // its parent.
  void NoteForeignElement(pugi::xml_node e);
  // Counts an extension the engine does not interpret; `carrier` is the BPMN
  // element it is on.
  void NoteUnknownExtension(std::string_view ns, std::string_view local,
                            std::string_view prefix,
                            pugi::xml_node carrier = {});
  void AddThin(pugi::xml_node e, std::string_view tag, std::string_view owner);

  void ReadDefinitionsChild(pugi::xml_node e, QName q);
  void ReadProcess(pugi::xml_node e);
  void ReadCollaboration(pugi::xml_node e);
  void ReadContainerChildren(pugi::xml_node parent, Container where,
                             std::string_view owner_id);
  void ReadFlowNode(pugi::xml_node e, ElementKind kind, Container where);
  void ReadNodeChild(pugi::xml_node c, QName q, FlowNode& node,
                     Container where);
  void ReadEventDefinition(pugi::xml_node e, EventDefinitionKind kind,
                           FlowNode& node, std::uint32_t process);
  void ReadLoop(pugi::xml_node e, QName q, FlowNode& node);
  void ReadSequenceFlow(pugi::xml_node e, Container where);
  void ReadLaneSet(pugi::xml_node e, std::uint32_t process,
                   std::uint32_t parent_lane, std::uint32_t depth);
  void ReadExtensionElements(
      pugi::xml_node e, FlowNode* node,
      std::vector<std::pair<std::string, std::string>>* properties,
      std::string* correlation_key);
  void ReadGeneric(pugi::xml_node e, std::string_view owner_id);
  void ReadDiagram(pugi::xml_node e);
  model::TimerSpec ReadTimerValue(pugi::xml_node e, model::TimerKind kind,
                                  const FlowNode& node, std::uint32_t process);
  void CheckDateExpression(const model::Expression& expr, const FlowNode& node,
                           const char* what);
  void ResolveReferences();
  // Compiles every FEEL and JUEL expression of the diagram; each that does not
  // parse is an `expression` error on its element.
  void CompileExpressions();
  void Compile(model::Expression& e, const std::string& element_id,
               SourcePosition at, std::uint32_t process, const char* what);

  std::string_view text_;
  const LineMap& lines_;
  NamespaceScope scope_;
  model::DefinitionsData data_;
  std::vector<PendingDiagnostic> pending_;
  std::unordered_map<std::string_view, SourcePosition> ids_;
  struct UnknownExtension {
    std::size_t count = 0;
    std::string element_id;  // where it was first seen
    SourcePosition position;
  };
  std::map<std::string, UnknownExtension>
      unknown_extensions_;  // key: "prefix:name (uri)"
  std::vector<std::string>
      default_refs_;  // per node, the `default` attribute as written
  std::uint32_t current_process_ =
      kDocumentLevel;  // the process being read, for severities
  std::vector<std::pair<std::uint32_t, std::string>>
      event_definition_refs_;  // node, ref
  std::vector<std::pair<std::string, std::string>>
      associations_;  // source, target
};

void Reader::NoteId(pugi::xml_node e) {
  std::string_view id = Attr(e, "id");
  if (id.empty()) return;
  auto [it, inserted] = ids_.emplace(id, PositionOf(e));
  if (!inserted) {
    Report(Severity::kError, "duplicate-id", std::string(id), PositionOf(e),
           "the id is used again (first at line " +
               std::to_string(it->second.line) + ")",
           current_process_);
  }
}

void Reader::NoteForeignElement(pugi::xml_node e) {
  QName q = scope_.Element(e.name());
  std::string_view qualified = e.name();
  std::size_t colon = qualified.find(':');
  NoteUnknownExtension(
      q.ns, q.local,
      colon == std::string_view::npos ? "" : qualified.substr(0, colon),
      e.parent());
}

void Reader::NoteUnknownExtension(std::string_view ns, std::string_view local,
                                  std::string_view prefix,
                                  pugi::xml_node carrier) {
  std::string key = std::string(prefix.empty() ? "" : prefix) +
                    (prefix.empty() ? "" : ":") + std::string(local) + " (" +
                    std::string(ns.empty() ? "no namespace" : ns) + ")";
  auto& entry = unknown_extensions_[key];
  ++entry.count;
  if (entry.position.line == 0 && carrier) {
    entry.element_id = Attr(carrier, "id");
    entry.position = PositionOf(carrier);
  }
}

// Attributes in other namespaces on a BPMN element: vendor ones the engine
// reads go into `node`, the rest are kept as data and counted as unknown
// extensions.
void Reader::NoteForeignAttributes(pugi::xml_node e, FlowNode* node) {
  for (pugi::xml_attribute a : e.attributes()) {
    const char* name = a.name();
    if (std::strchr(name, ':') == nullptr ||
        std::strncmp(name, "xmlns", 5) == 0)
      continue;
    QName q = scope_.Attribute(name);
    if (q.ns == kXsiNs || q.ns == kXmlNs || q.ns == kBpmnNs) continue;
    Vendor vendor = VendorOf(q.ns);
    if (node != nullptr && vendor != Vendor::kNone &&
        ReadVendorAttribute(vendor, q.local, a.value(), *node)) {
      continue;
    }
    if (node != nullptr) {
      node->extensions.push_back(
          {std::string(q.ns), "@" + std::string(q.local), a.value()});
    }
    std::string_view qualified = name;
    NoteUnknownExtension(q.ns, q.local,
                         qualified.substr(0, qualified.find(':')), e);
  }
}

void Reader::AddThin(pugi::xml_node e, std::string_view tag,
                     std::string_view owner) {
  data_.thin.push_back({std::string(tag), Attr(e, "id"), Attr(e, "name"),
                        std::string(owner), PositionOf(e)});
}

bool Reader::Read(pugi::xml_node root) {
  ScopeGuard guard(scope_, root);
  QName q = scope_.Element(root.name());
  if (q.ns != kBpmnNs || q.local != "definitions") return false;
  data_.id = Attr(root, "id");
  data_.name = Attr(root, "name");
  data_.target_namespace = Attr(root, "targetNamespace");
  data_.exporter = Attr(root, "exporter");
  data_.exporter_version = Attr(root, "exporterVersion");
  NoteId(root);
  NoteForeignAttributes(root, nullptr);
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard child_guard(scope_, c);
    ReadDefinitionsChild(c, scope_.Element(c.name()));
  }
  ResolveReferences();
  CompileExpressions();
  return true;
}

void Reader::Compile(model::Expression& e, const std::string& element_id,
                     SourcePosition at, std::uint32_t process,
                     const char* what) {
  if (e.dialect != model::Dialect::kFeel && e.dialect != model::Dialect::kJuel)
    return;
  auto compiled =
      e.dialect == model::Dialect::kFeel && !e.text.empty() && e.text[0] != '='
          ? expr::Expression::Compile(e.text, expr::Dialect::kFeel)
          : expr::Expression::Compile(e.text);
  if (!compiled) {
    const std::string& message = compiled.error().message;
    if (message.find(expr::kHostAccess) != std::string::npos) {
      // Written for an engine that hands expressions to its host language
      // (Java, JavaScript): not a typo, a language this engine does not run,
      // like a Groovy script.
      Report(Severity::kWarning, "expression-host-access", element_id, at,
             std::string("the ") + what +
                 " calls into the host, which this engine never does; "
                 "reaching it raises an incident (" +
                 message + ")",
             process);
    } else {
      Report(Severity::kError, "expression", element_id, at,
             std::string("the ") + what + " does not parse: " + message,
             process);
    }
    return;
  }
  e.compiled = std::make_shared<const expr::Expression>(std::move(*compiled));
}

void Reader::CompileExpressions() {
  for (auto& f : data_.flows)
    Compile(f.condition, f.id, f.position, f.process, "condition");
  for (auto& m : data_.messages) {
    model::Expression key = model::MakeExpression(m.correlation_key);
    Compile(key, m.id, m.position, kDocumentLevel, "correlation key");
  }
  for (auto& n : data_.nodes) {
    auto c = [&](model::Expression& e, const char* what) {
      Compile(e, n.id, n.position, n.process, what);
    };
    for (auto& d : n.event_definitions) {
      c(d.condition, "event condition");
      c(d.correlation_key, "correlation key");
      if (d.timer && !d.timer->literal) c(d.timer->source, "timer value");
    }
    if (n.user_task) {
      c(n.user_task->assignee, "assignee");
      c(n.user_task->due_date, "due date");
      c(n.user_task->follow_up_date, "follow-up date");
      c(n.user_task->priority, "priority");
    }
    if (n.job) c(n.job->retries, "job retries");
    if (n.script) c(n.script->script, "script");
    if (n.call) {
      c(n.call->called_element, "called element");
      for (auto& m : n.call->in) c(m.source, "input mapping");
      for (auto& m : n.call->out) c(m.source, "output mapping");
    }
    for (auto& m : n.inputs) c(m.source, "input mapping");
    for (auto& m : n.outputs) c(m.source, "output mapping");
    c(n.loop.cardinality, "loop cardinality");
    c(n.loop.collection, "loop collection");
    c(n.loop.output_element, "loop output element");
    c(n.loop.completion_condition, "completion condition");
    c(n.loop.loop_condition, "loop condition");
    c(n.completion_condition, "completion condition");
  }
}

void Reader::ReadDefinitionsChild(pugi::xml_node e, QName q) {
  if (q.ns == kBpmnDiNs && q.local == "BPMNDiagram") {
    ReadDiagram(e);
    return;
  }
  if (q.ns != kBpmnNs) {
    NoteForeignElement(e);
    return;
  }
  std::string_view l = q.local;
  if (l == "process") {
    ReadProcess(e);
  } else if (l == "collaboration") {
    ReadCollaboration(e);
  } else if (l == "message" || l == "signal" || l == "error" ||
             l == "escalation") {
    NoteId(e);
    NoteForeignAttributes(e, nullptr);
    model::RootElement r{Attr(e, "id"), Attr(e, "name"), {}, {}, PositionOf(e)};
    if (l == "error") r.code = Attr(e, "errorCode");
    if (l == "escalation") r.code = Attr(e, "escalationCode");
    for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      ScopeGuard g(scope_, c);
      QName cq = scope_.Element(c.name());
      if (cq.ns == kBpmnNs && cq.local == "extensionElements") {
        ReadExtensionElements(c, nullptr, nullptr, &r.correlation_key);
      } else if (cq.ns == kBpmnNs) {
        ReadGeneric(c, r.id);
      }
    }
    auto& list = l == "message"  ? data_.messages
                 : l == "signal" ? data_.signals
                 : l == "error"  ? data_.errors
                                 : data_.escalations;
    list.push_back(std::move(r));
  } else if (auto kind = model::EventDefinitionFromTag(l)) {
    // A document-level definition that events share through eventDefinitionRef.
    FlowNode holder;
    holder.id = Attr(e, "id");
    holder.position = PositionOf(e);
    ReadEventDefinition(e, *kind, holder, kDocumentLevel);
    data_.event_definitions.push_back(
        std::move(holder.event_definitions.front()));
  } else if (l == "extensionElements") {
    ReadExtensionElements(e, nullptr, nullptr, nullptr);
  } else {
    ReadGeneric(e, data_.id);
  }
}

// Elements not read structurally: thin records for the kinds we keep, then
// their children.
void Reader::ReadGeneric(pugi::xml_node e, std::string_view owner_id) {
  QName q = scope_.Element(e.name());
  if (q.ns != kBpmnNs) {
    NoteForeignElement(e);
    return;
  }
  if (q.local == "extensionElements") {
    ReadExtensionElements(e, nullptr, nullptr, nullptr);
    return;
  }
  std::string_view id = Attr(e, "id");
  NoteId(e);
  if (IsThinTag(q.local)) AddThin(e, q.local, owner_id);
  if (q.local == "association")
    associations_.emplace_back(Attr(e, "sourceRef"), Attr(e, "targetRef"));
  std::string_view owner = id.empty() ? owner_id : id;
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    ReadGeneric(c, owner);
  }
}

void Reader::ReadProcess(pugi::xml_node e) {
  model::Process p;
  p.id = Attr(e, "id");
  p.name = Attr(e, "name");
  p.executable = Attr(e, "isExecutable") == std::string_view("true");
  p.index = static_cast<std::uint32_t>(data_.processes.size());
  p.position = PositionOf(e);
  NoteId(e);
  data_.processes.push_back(std::move(p));
  const std::uint32_t index = data_.processes.back().index;
  current_process_ = index;
  // Process-level settings of the Camunda 7 family; other foreign attributes
  // are kept and counted.
  static constexpr std::array<std::string_view, 5> kKeptSettings = {
      "historyTimeToLive", "isStartableInTasklist", "jobPriority",
      "taskPriority", "candidateStarterUsers"};
  for (pugi::xml_attribute a : e.attributes()) {
    const char* name = a.name();
    if (std::strchr(name, ':') == nullptr ||
        std::strncmp(name, "xmlns", 5) == 0)
      continue;
    QName q = scope_.Attribute(name);
    if (q.ns == kXsiNs || q.ns == kXmlNs) continue;
    auto& proc = data_.processes[index];
    if (VendorOf(q.ns) == Vendor::kCamundaLike) {
      if (q.local == "versionTag") {
        proc.version_tag = a.value();
        continue;
      }
      if (q.local == "candidateStarterGroups") {
        proc.candidate_starter_groups = a.value();
        continue;
      }
      if (std::find(kKeptSettings.begin(), kKeptSettings.end(), q.local) !=
          kKeptSettings.end()) {
        proc.properties.emplace_back(std::string(q.local), a.value());
        continue;
      }
    }
    std::string_view qualified = name;
    NoteUnknownExtension(q.ns, q.local,
                         qualified.substr(0, qualified.find(':')), e);
  }
  ReadContainerChildren(e, Container{index, kNoIndex},
                        data_.processes[index].id);
  current_process_ = kDocumentLevel;
}

void Reader::ReadCollaboration(pugi::xml_node e) {
  ++data_.collaborations;
  NoteId(e);
  NoteForeignAttributes(e, nullptr);
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName q = scope_.Element(c.name());
    if (q.ns == kBpmnNs && q.local == "participant") {
      NoteId(c);
      NoteForeignAttributes(c, nullptr);
      data_.participants.push_back({Attr(c, "id"), Attr(c, "name"),
                                    Attr(c, "processRef"), PositionOf(c)});
      for (pugi::xml_node k = c.first_child(); k; k = k.next_sibling()) {
        if (k.type() != pugi::node_element) continue;
        ScopeGuard kg(scope_, k);
        ReadGeneric(k, Attr(c, "id"));
      }
    } else if (q.ns == kBpmnNs && q.local == "messageFlow") {
      NoteId(c);
      NoteForeignAttributes(c, nullptr);
      data_.message_flows.push_back({Attr(c, "id"), Attr(c, "name"),
                                     Attr(c, "sourceRef"), Attr(c, "targetRef"),
                                     Attr(c, "messageRef"), PositionOf(c)});
      for (pugi::xml_node k = c.first_child(); k; k = k.next_sibling()) {
        if (k.type() != pugi::node_element) continue;
        ScopeGuard kg(scope_, k);
        ReadGeneric(k, Attr(c, "id"));
      }
    } else {
      ReadGeneric(c, Attr(e, "id"));
    }
  }
}

void Reader::ReadContainerChildren(pugi::xml_node parent, Container where,
                                   std::string_view owner_id) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName q = scope_.Element(c.name());
    if (q.ns != kBpmnNs) {
      NoteForeignElement(c);
      continue;
    }
    if (auto kind = model::ElementKindFromTag(q.local)) {
      ReadFlowNode(c, *kind, where);
    } else if (q.local == "sequenceFlow") {
      ReadSequenceFlow(c, where);
    } else if (q.local == "laneSet") {
      ReadLaneSet(c, where.process, kNoIndex, 0);
    } else if (q.local == "extensionElements") {
      auto& props = data_.processes[where.process].properties;
      if (where.parent_node == kNoIndex) {
        ReadExtensionElements(c, nullptr, &props, nullptr);
      }
    } else {
      ReadGeneric(c, owner_id);
    }
  }
}

void Reader::ReadFlowNode(pugi::xml_node e, ElementKind kind, Container where) {
  if (kind == ElementKind::kSubProcess &&
      Attr(e, "triggeredByEvent") == std::string_view("true"))
    kind = ElementKind::kEventSubProcess;
  const auto index = static_cast<std::uint32_t>(data_.nodes.size());
  {
    FlowNode node;
    node.id = Attr(e, "id");
    node.name = Attr(e, "name");
    node.kind = kind;
    node.index = index;
    node.process = where.process;
    node.parent = where.parent_node;
    node.position = PositionOf(e);
    data_.nodes.push_back(std::move(node));
    default_refs_.emplace_back(Attr(e, "default"));
  }
  NoteId(e);
  data_.processes[where.process].nodes.push_back(index);
  if (where.parent_node == kNoIndex) {
    data_.processes[where.process].top_level.push_back(index);
  } else {
    data_.nodes[where.parent_node].children.push_back(index);
  }

  {
    FlowNode& node = data_.nodes[index];
    node.is_for_compensation =
        Attr(e, "isForCompensation") == std::string_view("true");
    if (kind == ElementKind::kBoundaryEvent) {
      node.attached_to_ref = Attr(e, "attachedToRef");
      node.cancel_activity =
          Attr(e, "cancelActivity") != std::string_view("false");
    }
    if (kind == ElementKind::kStartEvent)
      node.cancel_activity =
          Attr(e, "isInterrupting") != std::string_view("false");
    node.parallel_multiple =
        Attr(e, "parallelMultiple") == std::string_view("true");
    node.gateway_direction = Attr(e, "gatewayDirection");
    node.instantiate = Attr(e, "instantiate") == std::string_view("true");
    node.event_gateway_type = Attr(e, "eventGatewayType");
    node.message_ref = Attr(e, "messageRef");
    node.ordering_sequential =
        Attr(e, "ordering") == std::string_view("Sequential");
    if (kind == ElementKind::kCallActivity &&
        !e.attribute("calledElement").empty()) {
      if (!node.call) node.call.emplace();
      node.call->called_element =
          model::MakeExpression(Attr(e, "calledElement"));
    }
    if (kind == ElementKind::kScriptTask) {
      if (!node.script) node.script.emplace();
      node.script->format = Attr(e, "scriptFormat");
    }
    if (kind == ElementKind::kServiceTask || kind == ElementKind::kSendTask ||
        kind == ElementKind::kBusinessRuleTask) {
      if (!node.job) node.job.emplace();
    }
    if (kind == ElementKind::kUserTask && !node.user_task)
      node.user_task.emplace();
    NoteForeignAttributes(e, &node);
  }

  // Standard children first, extensionElements last: vendor data such as
  // zeebe:subscription refines event definitions that come after
  // extensionElements in the schema's order.
  pugi::xml_node extension_elements;
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName q = scope_.Element(c.name());
    if (q.ns == kBpmnNs && q.local == "extensionElements") {
      extension_elements = c;
      continue;
    }
    ReadNodeChild(c, q, data_.nodes[index], where);
  }
  if (extension_elements) {
    ScopeGuard g(scope_, extension_elements);
    ReadExtensionElements(extension_elements, &data_.nodes[index], nullptr,
                          nullptr);
  }

  FlowNode& node = data_.nodes[index];
  if (node.job && node.job->type.empty()) node.job->type = node.id;
  if (node.script && !node.script->format.empty()) {
    std::string format = node.script->format;
    std::transform(format.begin(), format.end(), format.begin(), ::tolower);
    if (format != "feel") {
      Report(Severity::kWarning, "script-language", node.id, node.position,
             "script language '" + node.script->format +
                 "' is not run by this engine (only FEEL); reaching it raises "
                 "an incident",
             where.process);
    }
  }
  if (node.user_task) {
    CheckDateExpression(node.user_task->due_date, node, "due date");
    CheckDateExpression(node.user_task->follow_up_date, node, "follow-up date");
  }
  if (kind == ElementKind::kComplexGateway) {
    Report(Severity::kError, "unsupported-element", node.id, node.position,
           "complex gateways are not executed by this engine; use inclusive or "
           "parallel "
           "gateways",
           where.process);
  }
}

// A due or follow-up date: an ISO 8601 date-time or duration, or an expression
// giving one.
void Reader::CheckDateExpression(const model::Expression& expr,
                                 const FlowNode& node, const char* what) {
  if (expr.dialect != model::Dialect::kPlain) return;
  if (!LooksLikeIso8601(expr.text)) {
    Report(Severity::kError, "iso8601", node.id, node.position,
           std::string("the ") + what + " '" + expr.text +
               "' is neither an ISO 8601 date-time or duration nor a ${...} or "
               "=... expression",
           node.process);
    return;
  }
  std::string_view t = expr.text;
  bool ok = (!t.empty() && (t[0] == 'P' || t[0] == '-'))
                ? model::ParseIsoDuration(t).has_value()
                : model::ParseIsoDateTime(t).has_value();
  if (!ok) {
    Report(
        Severity::kError, "iso8601", node.id, node.position,
        std::string("the ") + what + " '" + expr.text +
            "' is neither an ISO 8601 date-time or duration nor an expression",
        node.process);
  }
}

void Reader::ReadNodeChild(pugi::xml_node c, QName q, FlowNode& node_ref,
                           Container where) {
  const std::uint32_t index = node_ref.index;
  if (q.ns != kBpmnNs) {
    NoteForeignElement(c);
    return;
  }
  std::string_view l = q.local;
  if (l == "incoming" || l == "outgoing" || l == "documentation") return;
  if (l == "eventDefinitionRef") {
    event_definition_refs_.emplace_back(index, TextOf(c));
    return;
  }
  if (auto def = model::EventDefinitionFromTag(l)) {
    ReadEventDefinition(c, *def, data_.nodes[index], where.process);
    return;
  }
  if (l == "multiInstanceLoopCharacteristics" ||
      l == "standardLoopCharacteristics") {
    ReadLoop(c, q, data_.nodes[index]);
    return;
  }
  if (model::IsSubProcess(data_.nodes[index].kind)) {
    if (model::ElementKindFromTag(l) || l == "sequenceFlow" || l == "laneSet") {
      // Sub-process content: read as a container nested in this node.
      Container inner{where.process, index};
      if (auto kind = model::ElementKindFromTag(l)) {
        ReadFlowNode(c, *kind, inner);
      } else if (l == "sequenceFlow") {
        ReadSequenceFlow(c, inner);
      } else {
        ReadLaneSet(c, where.process, kNoIndex, 0);
      }
      return;
    }
    if (l == "completionCondition") {
      data_.nodes[index].completion_condition =
          model::MakeExpression(TextOf(c), Attr(c, "language"));
      return;
    }
  }
  FlowNode& node = data_.nodes[index];
  if (l == "script") {
    if (!node.script) node.script.emplace();
    node.script->script = model::MakeExpression(TextOf(c), node.script->format);
    return;
  }
  if (l == "humanPerformer" || l == "potentialOwner" || l == "performer") {
    std::string text;
    for (pugi::xml_node k = c.first_child(); k; k = k.next_sibling()) {
      for (pugi::xml_node f = k.first_child(); f; f = f.next_sibling()) {
        if (f.type() == pugi::node_element) text += TextOf(f);
      }
    }
    NoteId(c);
    if (!text.empty() && node.user_task) {
      if (l == "humanPerformer") {
        node.user_task->assignee = model::MakeExpression(text);
      } else {
        for (auto& g : SplitList(text))
          node.user_task->candidate_groups.push_back(g);
      }
    }
    return;
  }
  ReadGeneric(c, node.id);
}

void Reader::ReadEventDefinition(pugi::xml_node e, EventDefinitionKind kind,
                                 FlowNode& node, std::uint32_t process) {
  model::EventDefinition def;
  def.kind = kind;
  def.id = Attr(e, "id");
  def.position = PositionOf(e);
  NoteId(e);
  switch (kind) {
    case EventDefinitionKind::kMessage:
      def.ref = Attr(e, "messageRef");
      break;
    case EventDefinitionKind::kSignal:
      def.ref = Attr(e, "signalRef");
      break;
    case EventDefinitionKind::kError:
      def.ref = Attr(e, "errorRef");
      break;
    case EventDefinitionKind::kEscalation:
      def.ref = Attr(e, "escalationRef");
      break;
    case EventDefinitionKind::kCompensate:
      def.ref = Attr(e, "activityRef");
      break;
    case EventDefinitionKind::kLink:
      def.link_name = Attr(e, "name");
      break;
    default:
      break;
  }
  node.event_definitions.push_back(std::move(def));
  NoteForeignAttributes(e, &node);
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName q = scope_.Element(c.name());
    auto& d = node.event_definitions.back();
    if (q.ns != kBpmnNs) {
      NoteForeignElement(c);
    } else if (q.local == "timeDate") {
      d.timer = ReadTimerValue(c, model::TimerKind::kDate, node, process);
    } else if (q.local == "timeDuration") {
      d.timer = ReadTimerValue(c, model::TimerKind::kDuration, node, process);
    } else if (q.local == "timeCycle") {
      d.timer = ReadTimerValue(c, model::TimerKind::kCycle, node, process);
    } else if (q.local == "condition") {
      d.condition = model::MakeExpression(TextOf(c), Attr(c, "language"));
    } else if (q.local == "extensionElements") {
      ReadExtensionElements(c, &node, nullptr, nullptr);
    } else if (q.local == "source" || q.local == "target") {
      // link event pairing by element reference; the name is what pairs them
      // here
    } else {
      ReadGeneric(c, node.id);
    }
  }
}

model::TimerSpec Reader::ReadTimerValue(pugi::xml_node e, model::TimerKind kind,
                                        const FlowNode& node,
                                        std::uint32_t process) {
  std::string text = TextOf(e);
  // A quoted literal ("PT1S", as SpiffWorkflow writes it: a string in the
  // diagram's expression language) is the ISO 8601 text inside the quotes.
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    std::string inner = text.substr(1, text.size() - 2);
    if (LooksLikeIso8601(inner)) text = inner;
  }
  model::Expression expr = model::MakeExpression(text, Attr(e, "language"));
  if (expr.dialect == model::Dialect::kPlain) {
    auto spec = model::ParseTimer(kind, text);
    if (spec) return *spec;
    if (LooksLikeIso8601(text)) {
      Report(Severity::kError, "iso8601", node.id, node.position,
             spec.error().message, process);
    } else {
      // A variable name or a quoted string: an expression in the diagram's own
      // script language (SpiffWorkflow writes Python here), which this engine
      // does not evaluate.
      expr.dialect = model::Dialect::kOther;
      Report(Severity::kWarning, "iso8601", node.id, node.position,
             "'" + text +
                 "' is not ISO 8601 nor a FEEL or JUEL expression; reaching "
                 "this timer "
                 "raises an incident",
             process);
    }
  }
  model::TimerSpec spec;
  spec.kind = kind;
  spec.source = expr;
  spec.literal = false;
  return spec;
}

void Reader::ReadLoop(pugi::xml_node e, QName q, FlowNode& node) {
  auto& loop = node.loop;
  NoteId(e);
  if (q.local == "standardLoopCharacteristics") {
    loop.kind = model::LoopKind::kStandard;
    loop.test_before = Attr(e, "testBefore") == std::string_view("true");
    if (!e.attribute("loopMaximum").empty())
      loop.loop_maximum = e.attribute("loopMaximum").as_llong();
  } else {
    loop.kind = Attr(e, "isSequential") == std::string_view("true")
                    ? model::LoopKind::kSequential
                    : model::LoopKind::kParallel;
  }
  NoteForeignAttributes(e, &node);
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName cq = scope_.Element(c.name());
    if (cq.ns != kBpmnNs) {
      NoteForeignElement(c);
      continue;
    }
    std::string_view l = cq.local;
    auto expr = [&] {
      return model::MakeExpression(TextOf(c), Attr(c, "language"));
    };
    if (l == "loopCardinality") {
      loop.cardinality = expr();
    } else if (l == "completionCondition") {
      loop.completion_condition = expr();
    } else if (l == "loopCondition") {
      loop.loop_condition = expr();
    } else if (l == "loopDataInputRef") {
      if (loop.collection.empty()) loop.collection = expr();
    } else if (l == "loopDataOutputRef") {
      loop.output_collection = TextOf(c);
    } else if (l == "inputDataItem") {
      NoteId(c);
      if (loop.element_variable.empty())
        loop.element_variable = Attr(c, "name");
      if (loop.element_variable.empty()) loop.element_variable = Attr(c, "id");
    } else if (l == "outputDataItem") {
      NoteId(c);
      std::string name(Attr(c, "name"));
      if (name.empty()) name = Attr(c, "id");
      if (loop.output_element.empty())
        loop.output_element = model::MakeExpression(name);
    } else if (l == "extensionElements") {
      ReadExtensionElements(c, &node, nullptr, nullptr);
    } else {
      ReadGeneric(c, node.id);
    }
  }
}

void Reader::ReadSequenceFlow(pugi::xml_node e, Container where) {
  model::SequenceFlow f;
  f.id = Attr(e, "id");
  f.name = Attr(e, "name");
  f.index = static_cast<std::uint32_t>(data_.flows.size());
  f.process = where.process;
  f.source_ref = Attr(e, "sourceRef");
  f.target_ref = Attr(e, "targetRef");
  f.position = PositionOf(e);
  NoteId(e);
  NoteForeignAttributes(e, nullptr);
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName q = scope_.Element(c.name());
    if (q.ns == kBpmnNs && q.local == "conditionExpression") {
      f.condition = model::MakeExpression(TextOf(c), Attr(c, "language"));
    } else if (q.ns == kBpmnNs) {
      ReadGeneric(c, f.id);
    } else {
      NoteForeignElement(c);
    }
  }
  data_.processes[where.process].flows.push_back(f.index);
  data_.flows.push_back(std::move(f));
}

void Reader::ReadLaneSet(pugi::xml_node e, std::uint32_t process,
                         std::uint32_t parent_lane, std::uint32_t depth) {
  NoteId(e);
  AddThin(e, scope_.Element(e.name()).local, data_.processes[process].id);
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName q = scope_.Element(c.name());
    if (q.ns != kBpmnNs || q.local != "lane") {
      if (q.ns == kBpmnNs) ReadGeneric(c, Attr(e, "id"));
      continue;
    }
    model::Lane lane;
    lane.id = Attr(c, "id");
    lane.name = Attr(c, "name");
    lane.role = model::NormalizeRole(lane.name);
    lane.index = static_cast<std::uint32_t>(data_.lanes.size());
    lane.parent = parent_lane;
    lane.depth = depth;
    lane.position = PositionOf(c);
    NoteId(c);
    NoteForeignAttributes(c, nullptr);
    const std::uint32_t lane_index = lane.index;
    data_.lanes.push_back(std::move(lane));
    data_.processes[process].lanes.push_back(lane_index);
    for (pugi::xml_node k = c.first_child(); k; k = k.next_sibling()) {
      if (k.type() != pugi::node_element) continue;
      ScopeGuard kg(scope_, k);
      QName kq = scope_.Element(k.name());
      if (kq.ns != kBpmnNs) continue;
      if (kq.local == "flowNodeRef") {
        data_.lanes[lane_index].flow_node_refs.push_back(TextOf(k));
      } else if (kq.local == "childLaneSet") {
        ReadLaneSet(k, process, lane_index, depth + 1);
      } else {
        ReadGeneric(k, data_.lanes[lane_index].id);
      }
    }
  }
}

void Reader::ReadExtensionElements(
    pugi::xml_node e, FlowNode* node,
    std::vector<std::pair<std::string, std::string>>* properties,
    std::string* correlation_key) {
  for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    ScopeGuard g(scope_, c);
    QName q = scope_.Element(c.name());
    bool known = false;
    if (node != nullptr) {
      known = ReadExtensionElement(c, q, scope_, *node);
    } else if (properties != nullptr) {
      known = ReadProperties(c, q, scope_, *properties);
    } else if (correlation_key != nullptr && VendorOf(q.ns) == Vendor::kZeebe &&
               q.local == "subscription") {
      *correlation_key = Attr(c, "correlationKey");
      known = true;
    }
    if (!known) {
      if (node != nullptr)
        node->extensions.push_back(
            {std::string(q.ns), std::string(q.local), TextOf(c)});
      std::string_view qualified = c.name();
      std::size_t colon = qualified.find(':');
      NoteUnknownExtension(
          q.ns, q.local,
          colon == std::string_view::npos ? "" : qualified.substr(0, colon),
          e.parent());
    }
  }
}

void Reader::ReadDiagram(pugi::xml_node diagram) {
  // The layout is a tree of BPMNPlane -> BPMNShape/BPMNEdge; labels and styles
  // are skipped.
  for (pugi::xml_node plane = diagram.first_child(); plane;
       plane = plane.next_sibling()) {
    if (plane.type() != pugi::node_element) continue;
    ScopeGuard pg(scope_, plane);
    for (pugi::xml_node c = plane.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      ScopeGuard g(scope_, c);
      QName q = scope_.Element(c.name());
      if (q.ns != kBpmnDiNs) continue;
      if (q.local == "BPMNShape") {
        model::DiagramShape s;
        s.element_id = Attr(c, "bpmnElement");
        for (pugi::xml_node b = c.first_child(); b; b = b.next_sibling()) {
          if (b.type() != pugi::node_element) continue;
          ScopeGuard bg(scope_, b);
          QName bq = scope_.Element(b.name());
          if (bq.ns == kDcNs && bq.local == "Bounds") {
            s.x = b.attribute("x").as_double();
            s.y = b.attribute("y").as_double();
            s.width = b.attribute("width").as_double();
            s.height = b.attribute("height").as_double();
          }
        }
        data_.shapes.push_back(std::move(s));
      } else if (q.local == "BPMNEdge") {
        model::DiagramEdge edge;
        edge.element_id = Attr(c, "bpmnElement");
        for (pugi::xml_node w = c.first_child(); w; w = w.next_sibling()) {
          if (w.type() != pugi::node_element) continue;
          ScopeGuard wg(scope_, w);
          QName wq = scope_.Element(w.name());
          if (wq.ns == kDiNs && wq.local == "waypoint")
            edge.waypoints.emplace_back(w.attribute("x").as_double(),
                                        w.attribute("y").as_double());
        }
        data_.edges.push_back(std::move(edge));
      }
    }
  }
}

void Reader::ResolveReferences() {
  std::unordered_map<std::string_view, std::uint32_t> node_by_id;
  for (const auto& n : data_.nodes) {
    if (!n.id.empty()) node_by_id.emplace(n.id, n.index);
  }
  auto dangling = [&](const std::string& id, SourcePosition at,
                      const std::string& what, std::uint32_t process) {
    Report(Severity::kError, "dangling-reference", id, at, what, process);
  };

  for (auto& f : data_.flows) {
    auto s = node_by_id.find(f.source_ref);
    auto t = node_by_id.find(f.target_ref);
    if (s == node_by_id.end()) {
      // A flow from nowhere can never be taken: dead, not broken.
      Report(Severity::kWarning, "dangling-reference", f.id, f.position,
             "sourceRef '" + f.source_ref +
                 "' names no flow node; the flow is never taken",
             f.process);
    } else {
      f.source = s->second;
    }
    if (t == node_by_id.end()) {
      dangling(f.id, f.position,
               "targetRef '" + f.target_ref + "' names no flow node",
               f.process);
    } else {
      f.target = t->second;
    }
    if (f.source != kNoIndex && f.target != kNoIndex) {
      const auto& src = data_.nodes[f.source];
      const auto& dst = data_.nodes[f.target];
      // Flows are declared in the scope that holds both ends; a flow that
      // leaves it cannot run.
      if (src.parent != dst.parent || src.process != dst.process) {
        Report(Severity::kError, "flow-crosses-scope", f.id, f.position,
               "sequence flow connects '" + src.id + "' and '" + dst.id +
                   "', which are in different (sub-)processes",
               f.process);
      } else {
        data_.nodes[f.source].outgoing.push_back(f.index);
        f.target_slot =
            static_cast<std::uint32_t>(data_.nodes[f.target].incoming.size());
        data_.nodes[f.target].incoming.push_back(f.index);
      }
    }
  }

  std::unordered_map<std::string_view, std::uint32_t> flow_by_id;
  for (const auto& f : data_.flows) flow_by_id.emplace(f.id, f.index);
  auto root_exists = [](const std::vector<model::RootElement>& list,
                        const std::string& id) {
    return std::any_of(list.begin(), list.end(),
                       [&](const auto& r) { return r.id == id; });
  };
  std::unordered_set<std::string_view> process_ids;
  for (const auto& p : data_.processes) process_ids.insert(p.id);

  for (auto& n : data_.nodes) {
    const std::string& def_ref = default_refs_[n.index];
    if (!def_ref.empty()) {
      auto it = flow_by_id.find(def_ref);
      if (it == flow_by_id.end() || data_.flows[it->second].source != n.index) {
        dangling(n.id, n.position,
                 "default '" + def_ref +
                     "' is not an outgoing sequence flow of this element",
                 n.process);
      } else {
        n.default_flow = it->second;
        data_.flows[it->second].is_default = true;
      }
    }
    if (n.kind == ElementKind::kBoundaryEvent) {
      auto it = node_by_id.find(n.attached_to_ref);
      if (it == node_by_id.end()) {
        dangling(n.id, n.position,
                 "attachedToRef '" + n.attached_to_ref + "' names no activity",
                 n.process);
      } else if (!model::IsActivity(data_.nodes[it->second].kind)) {
        Report(Severity::kError, "boundary-event-host", n.id, n.position,
               "boundary event is attached to '" + n.attached_to_ref + "', a " +
                   std::string(
                       model::ElementKindTag(data_.nodes[it->second].kind)) +
                   "; only activities can carry boundary events",
               n.process);
      } else {
        n.attached_to = it->second;
        data_.nodes[it->second].boundary_events.push_back(n.index);
      }
    }
    for (const auto& d : n.event_definitions) {
      if (d.ref.empty()) continue;
      const char* what = nullptr;
      bool found = true;
      switch (d.kind) {
        case EventDefinitionKind::kMessage:
          what = "messageRef", found = root_exists(data_.messages, d.ref);
          break;
        case EventDefinitionKind::kSignal:
          what = "signalRef", found = root_exists(data_.signals, d.ref);
          break;
        case EventDefinitionKind::kError:
          what = "errorRef", found = root_exists(data_.errors, d.ref);
          break;
        case EventDefinitionKind::kEscalation:
          what = "escalationRef", found = root_exists(data_.escalations, d.ref);
          break;
        case EventDefinitionKind::kCompensate:
          what = "activityRef", found = node_by_id.count(d.ref) > 0;
          break;
        default:
          break;
      }
      if (!found) {
        dangling(n.id, n.position,
                 std::string(what) + " '" + d.ref +
                     "' names nothing declared in this file",
                 n.process);
      }
    }
    if (!n.message_ref.empty() && !root_exists(data_.messages, n.message_ref)) {
      dangling(n.id, n.position,
               "messageRef '" + n.message_ref + "' names no message",
               n.process);
    }
    if (n.kind == ElementKind::kCallActivity && n.call &&
        n.call->called_element.dialect == model::Dialect::kPlain &&
        !process_ids.count(n.call->called_element.text)) {
      Report(Severity::kWarning, "called-element-not-in-file", n.id, n.position,
             "called process '" + n.call->called_element.text +
                 "' is not in this file; deploy it before this process runs",
             n.process);
    }
  }

  for (const auto& entry : event_definition_refs_) {
    auto& n = data_.nodes[entry.first];
    const std::string& ref = entry.second;
    auto it = std::find_if(data_.event_definitions.begin(),
                           data_.event_definitions.end(),
                           [&](const auto& d) { return d.id == ref; });
    if (it == data_.event_definitions.end()) {
      dangling(n.id, n.position,
               "eventDefinitionRef '" + ref + "' names no event definition",
               n.process);
      continue;
    }
    n.event_definitions.push_back(*it);
    n.event_definitions.back().by_reference = true;
  }

  // A compensation boundary event points at its handler through an association.
  for (const auto& [source, target] : associations_) {
    auto b = node_by_id.find(source);
    auto h = node_by_id.find(target);
    if (b == node_by_id.end() || h == node_by_id.end()) continue;
    const FlowNode& boundary = data_.nodes[b->second];
    if (boundary.kind == ElementKind::kBoundaryEvent &&
        boundary.HasEventDefinition(EventDefinitionKind::kCompensate) &&
        boundary.attached_to != kNoIndex) {
      data_.nodes[boundary.attached_to].compensation_handler = h->second;
    }
  }

  // Lanes: each flow node takes its innermost lane; the lane's name is its
  // role.
  for (const auto& lane : data_.lanes) {
    for (const auto& ref : lane.flow_node_refs) {
      auto it = node_by_id.find(ref);
      if (it == node_by_id.end())
        continue;  // a lane may list nodes of other kinds
      auto& n = data_.nodes[it->second];
      if (n.lane == kNoIndex || data_.lanes[n.lane].depth < lane.depth) {
        n.lane = lane.index;
        n.role = lane.role;
      }
    }
  }
}

std::vector<Diagnostic> Reader::TakeDiagnostics(
    const model::Definitions& defs) {
  std::vector<bool> runs = model::ExecutableProcesses(defs);
  std::vector<Diagnostic> out;
  out.reserve(pending_.size() + unknown_extensions_.size());
  for (auto& p : pending_) {
    if (p.process != kDocumentLevel && !runs[p.process])
      p.diagnostic.severity = Severity::kWarning;
    out.push_back(std::move(p.diagnostic));
  }
  for (const auto& [name, u] : unknown_extensions_) {
    out.push_back(Diagnostic{Severity::kWarning, "unknown-extension",
                             u.element_id, u.position.line, u.position.column,
                             name + " is kept as data but not interpreted (" +
                                 std::to_string(u.count) +
                                 (u.count == 1 ? " time)" : " times)")});
  }
  return out;
}

Diagnostic Fatal(std::string rule, std::string message, std::uint32_t line = 0,
                 std::uint32_t column = 0) {
  return Diagnostic{Severity::kError, std::move(rule),   "", line,
                    column,           std::move(message)};
}

// Deepest element nesting, counted without recursion so that hostile input
// cannot overflow the stack before the limit is checked.
std::uint32_t MaxDepth(const pugi::xml_document& doc) {
  std::uint32_t depth = 0, max_depth = 0;
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (n.type() == pugi::node_element)
      max_depth = std::max(max_depth, depth + 1);
    if (n.first_child()) {
      n = n.first_child();
      ++depth;
      continue;
    }
    while (n && !n.next_sibling()) {
      n = n.parent();
      if (depth == 0) return max_depth;
      --depth;
    }
    if (n) n = n.next_sibling();
  }
  return max_depth;
}

}  // namespace

ReadResult ReadBpmnString(std::string_view xml, const ReadOptions& options) {
  ReadResult result;
  if (xml.size() > options.max_file_bytes) {
    result.diagnostics.push_back(Fatal(
        "file-too-large", "the document has " + std::to_string(xml.size()) +
                              " bytes; the limit is " +
                              std::to_string(options.max_file_bytes)));
    return result;
  }
  auto text = DecodeToUtf8(xml);
  if (!text) {
    result.diagnostics.push_back(Fatal("encoding", text.error().message,
                                       text.error().line, text.error().column));
    return result;
  }
  LineMap lines(*text);
  pugi::xml_document doc;
  const unsigned flags = pugi::parse_default | pugi::parse_doctype;
  pugi::xml_parse_result parsed =
      doc.load_buffer(text->data(), text->size(), flags, pugi::encoding_utf8);
  if (!parsed) {
    auto at = lines.At(
        static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)));
    result.diagnostics.push_back(Fatal(
        "xml-well-formed",
        std::string("the XML is not well-formed: ") + parsed.description(),
        at.line, at.column));
    return result;
  }
  for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_doctype) {
      std::size_t doctype_at = text->find("<!DOCTYPE");
      auto at = lines.At(doctype_at == std::string::npos ? 0 : doctype_at);
      result.diagnostics.push_back(
          Fatal("doctype",
                "a DOCTYPE is not allowed in a BPMN document (no entities are "
                "expanded, nothing "
                "is fetched)",
                at.line, at.column));
      return result;
    }
  }
  if (std::uint32_t depth = MaxDepth(doc); depth > options.max_depth) {
    result.diagnostics.push_back(
        Fatal("nesting-too-deep", "elements nest " + std::to_string(depth) +
                                      " deep; the limit is " +
                                      std::to_string(options.max_depth)));
    return result;
  }
  pugi::xml_node root = doc.document_element();
  Reader reader(*text, lines);
  if (!root || !reader.Read(root)) {
    auto at = root ? lines.At(static_cast<std::size_t>(
                         std::max<std::ptrdiff_t>(root.offset_debug() - 1, 0)))
                   : LineMap::Position{1, 1};
    std::string found;
    if (root) {
      NamespaceScope scope;
      ScopeGuard guard(scope, root);
      QName q = scope.Element(root.name());
      found = "<" + std::string(root.name()) + "> in namespace '" +
              std::string(q.ns.empty() ? "(none)" : q.ns) + "'";
    }
    result.diagnostics.push_back(
        Fatal("not-bpmn",
              "the root element " + found +
                  " is not <definitions> of the BPMN 2.0 namespace " +
                  std::string(kBpmnNs),
              at.line, at.column));
    return result;
  }
  result.definitions = model::Definitions::Build(reader.TakeData());
  result.diagnostics = reader.TakeDiagnostics(*result.definitions);
  if (options.validate) {
    auto more = model::Validate(*result.definitions);
    result.diagnostics.insert(result.diagnostics.end(),
                              std::make_move_iterator(more.begin()),
                              std::make_move_iterator(more.end()));
  }
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.line == 0 || b.line == 0)
                       return a.line != 0 && b.line == 0;
                     return std::tie(a.line, a.column) <
                            std::tie(b.line, b.column);
                   });
  return result;
}

ReadResult ReadBpmnFile(const std::string& path, const ReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ReadResult r;
    r.diagnostics.push_back(Fatal("io", "cannot open the file"));
    return r;
  }
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) {
    ReadResult r;
    r.diagnostics.push_back(Fatal("io", "cannot read the file"));
    return r;
  }
  if (static_cast<std::size_t>(size) > options.max_file_bytes) {
    ReadResult r;
    r.diagnostics.push_back(
        Fatal("file-too-large", "the file has " + std::to_string(size) +
                                    " bytes; the limit is " +
                                    std::to_string(options.max_file_bytes)));
    return r;
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) {
    ReadResult r;
    r.diagnostics.push_back(Fatal("io", "cannot read the file"));
    return r;
  }
  return ReadBpmnString(bytes, options);
}

}  // namespace bpmn::parser
