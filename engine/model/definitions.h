// Definitions: one BPMN document, parsed and validated, immutable after
// Build(). Holds processes, flow nodes, sequence flows and lanes in dense
// vectors with indices (by id, flows per node, node -> lane -> role, boundary
// events by host), plus the document-level elements (messages, signals, errors,
// escalations, collaborations) and thin records of what no execution needs
// (data objects and stores, annotations, groups, diagram shapes). Thread-safe
// to read.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/flow_node.h"
#include "model/process.h"

namespace bpmn::model {

// A message, signal, error or escalation declared at the top of the document.
struct RootElement {
  std::string id;
  std::string name;
  std::string code;             // errorCode / escalationCode
  std::string correlation_key;  // zeebe:subscription on a message
  SourcePosition position;
};

struct Participant {
  std::string id;
  std::string name;
  std::string process_ref;
  SourcePosition position;
};

struct MessageFlow {
  std::string id;
  std::string name;
  std::string source_ref;
  std::string target_ref;
  std::string message_ref;
  SourcePosition position;
};

// An element kept only as a record: data objects and stores, I/O specification
// parts, text annotations, groups, associations, categories, diagram elements,
// loop markers.
struct ThinElement {
  std::string tag;  // BPMN (or DI) local name
  std::string id;
  std::string name;
  std::string owner;  // id of the enclosing element
  SourcePosition position;
};

// A shape or edge of the diagram layout (bpmndi), kept for pictures of the
// diagram.
struct DiagramShape {
  std::string element_id;
  double x = 0, y = 0, width = 0, height = 0;
};
struct DiagramEdge {
  std::string element_id;
  std::vector<std::pair<double, double>> waypoints;
};

enum class RefKind : std::uint8_t { kNode, kFlow, kProcess, kLane };
struct ElementRef {
  RefKind kind;
  std::uint32_t index;
};

// Everything the reader collects; Definitions::Build turns it into the
// immutable model.
struct DefinitionsData {
  std::string id;
  std::string name;
  std::string target_namespace;
  std::string exporter;
  std::string exporter_version;
  std::vector<Process> processes;
  std::vector<FlowNode> nodes;
  std::vector<SequenceFlow> flows;
  std::vector<Lane> lanes;
  std::vector<RootElement> messages, signals, errors, escalations;
  std::vector<EventDefinition>
      event_definitions;  // declared at document level, shared by ref
  std::vector<Participant> participants;
  std::vector<MessageFlow> message_flows;
  std::uint32_t collaborations = 0;
  std::vector<ThinElement> thin;
  std::vector<DiagramShape> shapes;
  std::vector<DiagramEdge> edges;
};

class Definitions {
 public:
  static std::shared_ptr<const Definitions> Build(DefinitionsData data);
  // The id index holds views into this object's own strings: never copied or
  // moved.
  Definitions(const Definitions&) = delete;
  Definitions& operator=(const Definitions&) = delete;

  const std::string& id() const { return d_.id; }
  const std::string& name() const { return d_.name; }
  const std::string& exporter() const { return d_.exporter; }
  const std::string& exporter_version() const { return d_.exporter_version; }
  const std::vector<Process>& processes() const { return d_.processes; }
  const std::vector<FlowNode>& nodes() const { return d_.nodes; }
  const std::vector<SequenceFlow>& flows() const { return d_.flows; }
  const std::vector<Lane>& lanes() const { return d_.lanes; }
  const std::vector<RootElement>& messages() const { return d_.messages; }
  const std::vector<RootElement>& signals() const { return d_.signals; }
  const std::vector<RootElement>& errors() const { return d_.errors; }
  const std::vector<RootElement>& escalations() const { return d_.escalations; }
  const std::vector<Participant>& participants() const {
    return d_.participants;
  }
  const std::vector<MessageFlow>& message_flows() const {
    return d_.message_flows;
  }
  const std::vector<ThinElement>& thin_elements() const { return d_.thin; }
  const std::vector<DiagramShape>& shapes() const { return d_.shapes; }
  const std::vector<DiagramEdge>& edges() const { return d_.edges; }

  const FlowNode& node(std::uint32_t i) const { return d_.nodes[i]; }
  const SequenceFlow& flow(std::uint32_t i) const { return d_.flows[i]; }
  const Process& process(std::uint32_t i) const { return d_.processes[i]; }

  // Lookups by id; null when there is no such element of that kind.
  const FlowNode* FindNode(std::string_view id) const;
  const SequenceFlow* FindFlow(std::string_view id) const;
  const Process* FindProcess(std::string_view id) const;
  const RootElement* FindMessage(std::string_view id) const;
  const RootElement* FindSignal(std::string_view id) const;
  const RootElement* FindError(std::string_view id) const;
  const RootElement* FindEscalation(std::string_view id) const;

  // The inclusive gateways that join (several incoming flows) which a token at
  // `node` could still reach, following sequence flows and boundary events;
  // precomputed, so the runtime decides an inclusive join in O(1) per arriving
  // token.
  const std::vector<std::uint32_t>& InclusiveJoinsReachableFrom(
      std::uint32_t node) const {
    return joins_reachable_[node];
  }

  // The one executable process when there is exactly one, else null.
  const Process* SingleExecutableProcess() const;

  // How many elements of each BPMN (and BPMN DI) tag the model holds, counted
  // from the model's own records: "userTask" -> 3, "sequenceFlow" -> 7,
  // "timerEventDefinition" -> 1, ...
  std::map<std::string, std::size_t> CountByTag() const;

 private:
  explicit Definitions(DefinitionsData data);
  void Index();

  DefinitionsData d_;
  std::unordered_map<std::string_view, ElementRef> by_id_;
  std::vector<std::vector<std::uint32_t>> joins_reachable_;
};

// A lane name or candidate group as a role: trimmed, inner white space
// collapsed, lower case (ASCII, Latin-1 and Cyrillic letters).
std::string NormalizeRole(std::string_view name);

// Extension properties (camunda:/zeebe: properties): of a process, and of a
// flow node or else its process. Null when absent.
const std::string* ProcessProperty(const Process& process,
                                   std::string_view name);
const std::string* NodeProperty(const Definitions& definitions,
                                std::uint32_t node, std::string_view name);

}  // namespace bpmn::model
