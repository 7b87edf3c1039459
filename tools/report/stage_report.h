// The manager's report (`bpmnctl report`, later the web page): per process,
// per flow node and per role, how many instances passed and wait, how long
// they took (mean, median, p90, max; claim wait versus work for user tasks),
// how many were overdue or escalated, how often each sequence flow was
// taken, and the stages ordered by total time spent. Built from the stored
// summaries of finished instances and the histories of running ones.
// Single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "bpmn/result.h"
#include "facade/engine.h"

namespace bpmn::report {

struct ReportFilter {
  std::string key;                        // one process; empty: every process
  std::optional<std::int64_t> version;    // one version; unset: all of them
  std::optional<TimePoint> started_from;  // instances started in [from, to)
  std::optional<TimePoint> started_to;
  std::string business_key_prefix;
  std::vector<std::string> where;  // FEEL conditions on the instance's
                                   // variables, all must hold
};

struct Durations {
  std::int64_t count = 0;
  double mean_ms = 0;
  std::int64_t median_ms = 0;
  std::int64_t p90_ms = 0;
  std::int64_t max_ms = 0;
};

struct NodeStats {
  std::string element_id;
  std::string name;
  std::string kind;  // the BPMN tag: userTask, exclusiveGateway, ...
  // A sub-process (embedded, event, transaction, ad-hoc): its time is its
  // content's, so it is no bottleneck of its own.
  bool container = false;
  std::string role;  // the role(s) its tasks were offered to, or the lane's
  std::int64_t passed = 0;   // visits that ended
  std::int64_t waiting = 0;  // tokens there now
  Durations time;            // of the visits that ended
  Durations claim_wait;      // user tasks: offered -> claimed
  Durations work;            // user tasks: claimed -> completed
  std::int64_t overdue = 0;  // visits (ended or waiting) that went overdue
  double overdue_share = 0;  // overdue / (passed + waiting)
  std::int64_t escalations = 0;
  std::int64_t total_ms = 0;  // time spent, current waits up to now included
};

struct FlowStats {
  std::string element_id;
  std::string name;
  std::string source_id, target_id;
  std::int64_t taken = 0;
};

struct RoleStats {
  std::string role;
  std::int64_t passed = 0;
  std::int64_t waiting = 0;
  Durations time;
  std::int64_t overdue = 0;
  std::int64_t escalations = 0;
  std::int64_t total_ms = 0;
};

struct ProcessReport {
  std::string key;
  std::string name;
  std::vector<std::int64_t> versions;  // that had instances in the report
  std::int64_t definitions_id = 0;     // whose names and layout are used
  std::int64_t finished = 0;           // instances
  std::int64_t active = 0;
  std::vector<NodeStats> nodes;  // in the diagram's order
  std::vector<FlowStats> flows;
  std::vector<RoleStats> roles;  // by total time, largest first
  // Indexes into `nodes` of the stages where time went, by total time,
  // largest first (nodes with no time spent, and containers, left out).
  std::vector<std::size_t> bottlenecks;
};

struct Report {
  TimePoint now{};
  std::vector<ProcessReport> processes;  // by key
};

// Reads what the engine's store holds and builds the report; `now` ends the
// current waits. Fails on a filter that does not compile, an unknown
// process or version, or an unreadable store.
Result<Report> BuildReport(engine::Engine& engine, const ReportFilter& filter,
                           TimePoint now);

}  // namespace bpmn::report
