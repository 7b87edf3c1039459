// What an instance's history says about where its time went: one visit per
// token that reached a flow node (entered, left, claimed, overdue,
// escalations), how often each sequence flow was taken, and its root
// variables. Built by feeding the instance's events in order; the facade
// keeps one per finished instance for the manager's report
// (tools/report/), which builds them from the history for the others.
// A multi-instance or loop activity is one visit (the body's), its tasks
// counted there; so is an activity with input/output mappings (the token
// inside its mapping scope). Plain values; a builder is used by one thread at a
// time.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/event.h"
#include "runtime/instance_state.h"

namespace bpmn::runtime {

struct Visit {
  std::string element_id;
  std::string role;  // the user task's roles, else the lane's; may be empty
  TimePoint entered{};
  TimePoint left{};     // the epoch while the token is still there
  TimePoint created{};  // user tasks: when the task was offered
  TimePoint claimed{};  // user tasks: first claimed, or the epoch
  bool user_task = false;
  bool completed = false;  // left by completing, not by being cancelled
  bool waiting = false;    // still there, at a wait state
  bool overdue = false;
  std::int64_t escalations = 0;  // policy steps and escalation events
};

struct InstanceSummary {
  TimePoint started{};
  TimePoint ended{};  // the epoch while active
  std::vector<Visit> visits;
  std::map<std::string, std::int64_t> flows;  // flow id -> times taken
  Variables variables;                        // of the root scope
};

class SummaryBuilder {
 public:
  // Events of one instance, in order, each with the definitions it names
  // nodes and flows of.
  void Add(const Event& e, const model::Definitions& definitions);
  InstanceSummary Take();
  std::size_t visits() const { return summary_.visits.size(); }

 private:
  InstanceSummary summary_;
  std::map<Id, std::size_t> open_;          // token -> its visit
  std::map<Id, std::size_t> tasks_;         // task -> its visit
  std::map<Id, std::size_t> last_at_node_;  // node index -> latest visit
  std::set<Id> inner_;  // tokens of multi-instance or loop iterations, and
                        // of an activity inside its mapping scope
  std::map<Id, Id> mapped_scopes_;  // mapping scope -> the activity's token
  Id root_scope_ = kNoId;
};

}  // namespace bpmn::runtime
