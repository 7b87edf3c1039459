// Instance migration between two versions of a process (issue 7): which
// element of the target stands for which element of the version an instance
// runs, and how Apply rewrites a state's indices for the target. Runtime::
// CheckMigration and MigrateInstance (migration.cc) use it; Apply calls
// ApplyMigration for kInstanceMigrated. Pure functions over immutable
// definitions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bpmn/result.h"
#include "model/definitions.h"
#include "runtime/instance_state.h"

namespace bpmn::runtime {

struct Event;

// Where an instance goes: the target definitions and how the store numbers
// both sides (recorded in the kInstanceMigrated event, event.h).
struct MigrationTarget {
  std::shared_ptr<const model::Definitions> definitions;
  std::string key;  // the process id, the same in both versions
  std::int64_t definitions_id = 0;
  std::int64_t version = 0;
  std::int64_t from_definitions_id = 0;
  std::int64_t from_version = 0;
  // Old element id -> new element id (bpmnctl migrate --map), for flow nodes
  // and sequence flows whose id changed; every other element stands for the
  // element with its own id in the target, when there is one.
  std::vector<std::pair<std::string, std::string>> map;
};

// Element indices of one definitions mapped to another's.
class ElementMap {
 public:
  ElementMap(const model::Definitions& from, const model::Definitions& to,
             const std::vector<std::string>& old_ids,
             const std::vector<std::string>& new_ids);
  // The target's index for an element of `from`; kNoIndex when it has none
  // (and for kNoIndex).
  std::uint32_t Node(std::uint32_t index) const;
  std::uint32_t Flow(std::uint32_t index) const;
  // The id the element of `from` is looked up by in the target.
  const std::string& TargetId(const std::string& id) const;

 private:
  const model::Definitions& from_;
  const model::Definitions& to_;
  std::map<std::string, std::string, std::less<>> explicit_;
};

// Checks an explicit map: every old id names a flow node or sequence flow of
// `from`, every new id one of the same sort in `to`, no old id twice.
// kNotFound (naming the element) or kInvalidArgument otherwise.
Result<void> CheckElementMap(
    const model::Definitions& from, const model::Definitions& to,
    const std::vector<std::pair<std::string, std::string>>& map);

// The definitions id and version a kInstanceMigrated event leaves (its
// value); 0 when it does not say.
std::int64_t MigratedFromDefinitions(const Event& e);
std::int64_t MigratedFromVersion(const Event& e);

// Apply for kInstanceMigrated: every index of the state rewritten for
// e.definitions, which the state then runs on. History lists (completed
// elements, taken flows, escalation records) keep what has a counterpart.
void ApplyMigration(const Event& e, InstanceState& s);

}  // namespace bpmn::runtime
