// History replay (issue #7): reads what a stored instance received from
// outside (its start, task claims and completions, messages, signals, job
// results, each at its clock time) from a durable engine's event log, and runs
// it again in a scratch engine (MemoryStore, ManualClock) against the same or
// another version of the diagram, comparing the paths. Used by `bpmnctl
// replay` and its tests. Single-threaded; reads the engine's store only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bpmn/clock.h"
#include "bpmn/result.h"
#include "bpmn/store.h"
#include "runtime/instance_state.h"

namespace bpmn::engine {
class Engine;
}  // namespace bpmn::engine

namespace bpmnctl {

// One input from outside, as the event log recorded it.
struct RecordedInput {
  enum class Kind {
    kComplete,
    kClaim,
    kUnclaim,
    kMessage,
    kSignal,
    kJobComplete,
    kJobFail,
    kJobError,
    kJobRetry,  // `bpmnctl retry`: no input record, read from its events
  };
  Kind kind = Kind::kComplete;
  bpmn::TimePoint at{};
  std::uint64_t seq = 0;
  bpmn::runtime::Id instance = 0;  // the recorded instance it reached
  std::string element;             // the task's, job's or catching element's id
  // The user (complete, claim), the message or signal name, the error code,
  // or the failure message.
  std::string text;
  std::string correlation_key;  // messages
  bpmn::runtime::Variables variables;
  std::int64_t retries = 0;  // kJobRetry
  // Tasks and jobs: which one of `element` it reached, counted in creation
  // order over the instance and the instances it called (0: the first).
  std::size_t ordinal = 0;
  bool escalation_task = false;  // a task an escalation policy created
};

// "complete", "claim", "unclaim", "message", "signal", "job-complete",
// "job-fail", "job-error", "job-retry".
std::string_view InputKindName(RecordedInput::Kind kind);
// "complete Task_a by anna at 2026-03-02T06:00:00Z".
std::string DescribeInput(const RecordedInput& input);

// What a root instance and the instances it called recorded.
struct Recording {
  bpmn::runtime::Id instance = 0;
  std::string key;  // the process id
  std::int64_t version = 0;
  std::int64_t definitions_id = 0;  // of the recorded version
  std::string business_key;
  std::string start_event;  // element id; empty for an implicit start
  // Started where Engine::Start without a start event starts (the first none
  // start event): a scenario's `start` can say it.
  bool default_start = true;
  bool none_start = true;  // the start event has no event definition
  bpmn::TimePoint started{};
  bpmn::runtime::Variables variables;
  std::vector<RecordedInput> inputs;  // in seq order, called instances too
  std::vector<std::string> path;      // ids of the completed elements, in order
  std::string state;  // of the root: active, completed, terminated, incident
  std::vector<std::string> waiting;  // where the root's tokens wait, sorted
  bpmn::TimePoint last_event{};      // the clock of the family's last event
  // The stored definitions the instance and those it called ran on, each
  // once, the root's last.
  std::vector<std::int64_t> definitions;
  // Why the recording cannot be re-run faithfully (then it is skipped):
  // the instance was moved to another version, or its history was written
  // before inputs were recorded. Empty when it can.
  std::string not_replayable;
};

// How a replay went, compared with its recording.
struct ReplayOutcome {
  bool same = false;  // same path, end state and waiting elements
  // The first position where the paths differ; an empty element means that
  // path had ended there.
  std::optional<std::size_t> diverges_at;
  std::string recorded_element;
  std::string replayed_element;
  // The recorded input the replay could not apply (the replay stopped
  // there); inputs.size() when the start itself failed.
  std::optional<std::size_t> failed_input;
  std::string failure;            // the engine's message
  std::vector<std::string> path;  // ids of the completed elements, in order
  std::string state;
  std::vector<std::string> waiting;
  // Per recorded input: run as a command (true), or delivered by the replay
  // itself already (false: a signal thrown inside the replayed instances),
  // or never reached (false, after a failure).
  std::vector<bool> applied;
};

// A diagram to replay against: its file name (for messages) and XML.
struct ReplayDiagram {
  std::string name;
  std::string xml;
};

class HistoryReplay {
 public:
  // Reads the stored definitions (with their XML), the calendars and the
  // instance list from the engine's store. The engine must outlive this.
  static bpmn::Result<std::unique_ptr<HistoryReplay>> Open(
      bpmn::engine::Engine& engine);

  // Every stored instance, in id order (snapshots dropped).
  const std::vector<bpmn::store::InstanceRecord>& instances() const {
    return instances_;
  }
  const bpmn::store::InstanceRecord* FindInstance(bpmn::runtime::Id id) const;
  // The root of the instance's call tree (itself when nobody called it).
  bpmn::runtime::Id RootOf(bpmn::runtime::Id id) const;
  // The stored XML and file name of a definitions id, or null.
  const bpmn::store::DefinitionsRecord* StoredDefinitions(
      std::int64_t definitions_id) const;
  // The definitions id a process version runs on (0 when unknown).
  std::int64_t DefinitionsIdOf(const std::string& key,
                               std::int64_t version) const;
  // The parsed definitions of a stored definitions id, or null.
  std::shared_ptr<const bpmn::model::Definitions> ParsedDefinitions(
      std::int64_t definitions_id) const;
  // Deployed process versions, oldest first.
  const std::vector<bpmn::store::ProcessRecord>& processes() const;
  const std::vector<bpmn::store::CalendarRecord>& calendars() const {
    return calendars_;
  }

  // The recording of a root instance: kNotFound for an unknown id, kState
  // for an instance another instance started.
  bpmn::Result<Recording> Read(bpmn::runtime::Id instance) const;
  // Runs the recording again against `target` (null: the recorded version's
  // stored XML). Fails only when the scratch engine cannot be set up (the
  // target does not deploy); a replay that cannot apply an input is an
  // outcome.
  bpmn::Result<ReplayOutcome> Replay(const Recording& recording,
                                     const ReplayDiagram* target) const;

 private:
  explicit HistoryReplay(bpmn::engine::Engine& engine) : engine_(engine) {}

  bpmn::engine::Engine& engine_;
  std::vector<bpmn::store::InstanceRecord> instances_;
  std::map<bpmn::runtime::Id, std::size_t> index_;  // id -> instances_
  std::multimap<bpmn::runtime::Id, bpmn::runtime::Id> children_;  // by parent
  std::map<std::int64_t, bpmn::store::DefinitionsRecord> definitions_;
  std::vector<bpmn::store::CalendarRecord> calendars_;
};

}  // namespace bpmnctl
