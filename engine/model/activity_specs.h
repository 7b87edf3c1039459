// What a flow node needs beyond its place in the graph, read from standard BPMN
// and from the camunda:/zeebe:/flowable:/activiti: extensions: user task
// assignment and forms, jobs, scripts, called processes, variable mappings,
// loops. Plain value types; thread-safe to read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/expression.h"

namespace bpmn::model {

// One variable mapping: `target` receives the value of `source` (an expression
// or a variable name). Inputs map into the element's local scope, outputs back
// to the enclosing scope.
struct Mapping {
  Expression source;
  std::string target;
};

struct FormFieldConstraint {
  std::string name;  // "required", "minlength", "max", ...
  std::string config;
};

struct FormField {
  std::string id;
  std::string label;
  std::string type;  // "string", "long", "boolean", "date", "enum", ...
  std::string default_value;
  std::vector<FormFieldConstraint> constraints;
  std::vector<std::pair<std::string, std::string>> enum_values;  // id, name

  bool required() const;
};

struct UserTaskSpec {
  Expression assignee;
  std::vector<std::string> candidate_users;
  std::vector<std::string>
      candidate_groups;  // as written; roles are derived from them
  Expression due_date;
  Expression follow_up_date;
  Expression priority;
  std::string form_key;
  std::vector<FormField> form_fields;
};

// A service, send, business-rule or script task handed to a worker.
struct JobSpec {
  std::string
      type;  // zeebe:taskDefinition type, camunda:topic, or the element id
  Expression retries;
  std::string retry_cycle;  // camunda:failedJobRetryTimeCycle, e.g. "R3/PT10M"
  std::string
      implementation;  // camunda:class / delegateExpression / expression / type
};

struct ScriptSpec {
  std::string format;  // "feel", "javascript", "python", ...
  Expression script;
  std::string result_variable;
};

struct CallSpec {
  Expression called_element;  // a process id, or an expression giving one
  std::string binding;        // "latest" (default), "deployment", "version"
  std::string version;
  std::vector<Mapping> in;  // camunda:in source/target; `variables="all"` below
  std::vector<Mapping> out;
  bool in_all = false;
  bool out_all = false;
  bool propagate_all_parent_variables = true;  // zeebe:calledElement
  bool propagate_all_child_variables = true;
  std::string business_key;  // camunda:in businessKey="..."
};

enum class LoopKind : std::uint8_t { kNone, kStandard, kParallel, kSequential };

struct LoopSpec {
  LoopKind kind = LoopKind::kNone;
  Expression cardinality;
  Expression collection;  // loopDataInputRef, camunda:collection, zeebe
                          // inputCollection
  std::string element_variable;
  std::string output_collection;
  Expression output_element;
  Expression completion_condition;
  // Standard loop:
  Expression loop_condition;
  std::optional<std::int64_t> loop_maximum;
  bool test_before = false;
};

}  // namespace bpmn::model
