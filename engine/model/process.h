// Processes and the graph parts that are not flow nodes: sequence flows and
// lanes. Indices are dense positions in Definitions. Built by the reader;
// thread-safe to read.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/expression.h"
#include "model/flow_node.h"

namespace bpmn::model {

struct SequenceFlow {
  std::string id;
  std::string name;
  std::uint32_t index = kNoIndex;
  std::uint32_t process = kNoIndex;
  std::uint32_t source =
      kNoIndex;  // flow node index; kNoIndex when the ref dangles
  std::uint32_t target = kNoIndex;
  std::string source_ref;  // as written
  std::string target_ref;
  Expression condition;
  bool is_default = false;  // the source's default flow
  std::uint32_t target_slot =
      kNoIndex;  // position among the target's incoming flows
  SourcePosition position;
};

struct Lane {
  std::string id;
  std::string name;
  std::string role;  // normalised name
  std::uint32_t index = kNoIndex;
  std::uint32_t parent = kNoIndex;  // enclosing lane for nested lanes
  std::uint32_t depth = 0;
  std::vector<std::string> flow_node_refs;
  SourcePosition position;
};

struct Process {
  std::string id;
  std::string name;
  bool executable = false;
  std::uint32_t index = kNoIndex;
  std::vector<std::uint32_t>
      nodes;  // every flow node of the process, nested ones too
  std::vector<std::uint32_t> top_level;  // flow nodes directly in the process
  std::vector<std::uint32_t> flows;
  std::vector<std::uint32_t> lanes;
  std::vector<std::pair<std::string, std::string>>
      properties;  // extension properties
  std::string version_tag;
  std::string candidate_starter_groups;
  SourcePosition position;
};

}  // namespace bpmn::model
