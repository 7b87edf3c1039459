// `bpmnctl replay [--instance ID ...] [--key KEY [--version V]] [--diagram
// FILE] [--to-scenario OUT]`: runs the recorded inputs of stored instances
// again against the same or a changed diagram and says per instance whether
// it takes the same path (exit 1 when any diverges), or writes one instance
// out as a scenario file. Single-threaded.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bpmn/diagnostic.h"
#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"
#include "parser/bpmn_reader.h"
#include "replay/history_replay.h"
#include "replay/scenario_writer.h"

namespace bpmnctl {
namespace {

using bpmn::runtime::Id;
using nlohmann::json;

struct ReplayOptions {
  DbOptions db;
  std::vector<Id> instances;
  std::string key;
  std::int64_t version = 0;
  std::string diagram;
  std::string to_scenario;
};

bpmn::Error Err(bpmn::ErrorCode code, std::string message) {
  return bpmn::Fail(code, std::move(message)).value();
}

std::string Join(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const auto& id : ids) out += (out.size() > 1 ? ", " : "") + id;
  return out + "]";
}

json OutcomeJson(const bpmn::store::InstanceRecord& record,
                 const Recording& recording, const ReplayOutcome& outcome) {
  json j = {{"id", record.id},
            {"key", record.key},
            {"version", record.version},
            {"business_key", record.business_key},
            {"same", outcome.same},
            {"inputs", recording.inputs.size()},
            {"recorded",
             {{"state", recording.state},
              {"path", recording.path},
              {"waiting", recording.waiting}}},
            {"replayed",
             {{"state", outcome.state},
              {"path", outcome.path},
              {"waiting", outcome.waiting}}},
            {"diverges", nullptr},
            {"failed_input", nullptr}};
  if (outcome.diverges_at)
    j["diverges"] = {{"position", *outcome.diverges_at + 1},
                     {"recorded", outcome.recorded_element},
                     {"replayed", outcome.replayed_element}};
  if (outcome.failed_input) {
    std::size_t i = *outcome.failed_input;
    json failed = {{"message", outcome.failure}};
    if (i < recording.inputs.size()) {
      const auto& input = recording.inputs[i];
      failed["input"] = i + 1;
      failed["kind"] = std::string(InputKindName(input.kind));
      failed["element_id"] = input.element;
      failed["description"] = DescribeInput(input);
    } else {
      failed["input"] = 0;
      failed["kind"] = "start";
    }
    j["failed_input"] = failed;
  } else if (!outcome.failure.empty()) {
    j["failed_input"] = {{"message", outcome.failure}};
  }
  return j;
}

std::string OutcomeText(const bpmn::store::InstanceRecord& record,
                        const Recording& recording,
                        const ReplayOutcome& outcome) {
  std::string line =
      std::to_string(record.id) + "  " + record.key + " v" +
      std::to_string(record.version) +
      (record.business_key.empty() ? "" : "  " + record.business_key) + "  ";
  if (outcome.same)
    return line + "same (" + recording.state + ", " +
           std::to_string(recording.inputs.size()) + " inputs)\n";
  if (outcome.diverges_at) {
    // A path that ended there goes on no further: say where it waits.
    auto side = [](const std::string& passed, const std::string& waits,
                   const std::string& element,
                   const std::vector<std::string>& waiting) {
      return element.empty() ? waits + " waits at " + Join(waiting)
                             : passed + " " + element;
    };
    line += "diverges at " + std::to_string(*outcome.diverges_at + 1) + ": " +
            side("recorded", "the record", outcome.recorded_element,
                 recording.waiting) +
            ", " +
            side("replayed", "the replay", outcome.replayed_element,
                 outcome.waiting);
  } else {
    line += "diverges at the end";
  }
  if (outcome.failed_input) {
    std::size_t i = *outcome.failed_input;
    line += i < recording.inputs.size()
                ? "; input " + std::to_string(i + 1) + " (" +
                      DescribeInput(recording.inputs[i]) +
                      ") not applied: " + outcome.failure
                : "; " + outcome.failure;
  } else if (!outcome.failure.empty()) {
    line += "; " + outcome.failure;
  }
  line += "; the replay ends " +
          (outcome.state.empty() ? "not started" : outcome.state) +
          " waiting at " + Join(outcome.waiting) +
          " (recorded: " + recording.state + " waiting at " +
          Join(recording.waiting) + ")";
  return line + "\n";
}

// Writes one instance as a scenario (--to-scenario).
int ToScenario(const ReplayOptions& o, const HistoryReplay& replay) {
  auto recording = replay.Read(o.instances.front());
  if (!recording) return Refused(o.db, recording.error());
  if (!recording->not_replayable.empty())
    return Refused(
        o.db,
        bpmn::Fail(bpmn::ErrorCode::kState, recording->not_replayable).value());
  // Which inputs are steps comes from a replay on the recorded version.
  auto stored = replay.Replay(*recording, nullptr);
  if (!stored) return Refused(o.db, stored.error());
  auto written =
      WriteScenario(replay, *recording, *stored, o.to_scenario, o.diagram);
  if (!written) return Refused(o.db, written.error());
  if (!stored->same)
    std::cerr << "bpmnctl: warning: instance " << recording->instance
              << " does not replay the same on its own version, so the "
                 "scenario will not pass\n";
  std::string text = "wrote " + written->files.front() + " (" +
                     std::to_string(written->steps) + " steps)\n";
  for (std::size_t i = 1; i < written->files.size(); ++i)
    text += "  and " + written->files[i] + "\n";
  for (const auto& note : written->notes) text += "  note: " + note + "\n";
  Print(o.db,
        {{"scenario", written->files.front()},
         {"files", written->files},
         {"steps", written->steps},
         {"notes", written->notes},
         {"replays_same", stored->same}},
        text);
  return kExitOk;
}

int Replay(const ReplayOptions& o) {
  if (o.version != 0 && o.key.empty())
    return Refused(o.db, UsageError("--version needs --key"));
  if (!o.to_scenario.empty() && (o.instances.size() != 1 || !o.key.empty()))
    return Refused(o.db, UsageError("--to-scenario writes one instance: name "
                                    "it with one --instance"));
  ReplayDiagram target;
  std::vector<std::string> diagram_keys;
  if (!o.diagram.empty()) {
    std::ifstream in(o.diagram, std::ios::binary);
    if (!in) {
      Refused(o.db,
              bpmn::Fail(bpmn::ErrorCode::kIo, o.diagram + ": cannot be read")
                  .value());
      return kExitUsage;
    }
    std::ostringstream xml;
    xml << in.rdbuf();
    target = {o.diagram, xml.str()};
    auto read = bpmn::parser::ReadBpmnString(target.xml);
    for (const auto& d : read.diagnostics) {
      if (d.severity == bpmn::Severity::kError)
        return Refused(o.db, bpmn::Fail(bpmn::ErrorCode::kValidation,
                                        bpmn::FormatDiagnostic(o.diagram, d),
                                        d.element_id, d.line, d.column)
                                 .value());
    }
    if (!read.definitions)
      return Refused(o.db, Err(bpmn::ErrorCode::kParse,
                               o.diagram + ": not a BPMN 2.0 document"));
    for (const auto& p : read.definitions->processes())
      if (p.executable) diagram_keys.push_back(p.id);
  }
  auto session = OpenSession(o.db);
  if (!session) return kExitRefused;
  // The scratch engines log like the real one; their deploy warnings (a
  // calendar the store lacks too) are no news here.
  if (auto log = spdlog::get("engine")) log->set_level(spdlog::level::err);
  auto opened = HistoryReplay::Open(*session->engine);
  if (!opened) return Refused(o.db, opened.error());
  const HistoryReplay& replay = **opened;

  // The selection, in id order.
  std::vector<const bpmn::store::InstanceRecord*> selected;
  // With a changed diagram, an instance another one called is replayed with
  // its root, the root's diagram under the changed one.
  auto select_root_of = [&](const bpmn::store::InstanceRecord& r) {
    const auto* root = replay.FindInstance(replay.RootOf(r.id));
    if (root &&
        std::find(selected.begin(), selected.end(), root) == selected.end())
      selected.push_back(root);
  };
  if (!o.instances.empty()) {
    for (Id id : o.instances) {
      const auto* r = replay.FindInstance(id);
      if (!r)
        return Refused(o.db, Err(bpmn::ErrorCode::kNotFound,
                                 "no instance " + std::to_string(id)));
      if (!o.diagram.empty() && r->parent != 0 && o.to_scenario.empty()) {
        select_root_of(*r);
        continue;
      }
      if (!o.diagram.empty() &&
          std::find(diagram_keys.begin(), diagram_keys.end(), r->key) ==
              diagram_keys.end())
        return Refused(o.db,
                       Err(bpmn::ErrorCode::kNotFound,
                           o.diagram + " has no process '" + r->key +
                               "' (instance " + std::to_string(id) + ")"));
      selected.push_back(r);
    }
  } else {
    if (!o.key.empty()) {
      bool known = false;
      for (const auto& p : replay.processes())
        if (p.key == o.key && (o.version == 0 || p.version == o.version))
          known = true;
      if (!known)
        return Refused(
            o.db, Err(bpmn::ErrorCode::kNotFound,
                      "no process '" + o.key + "'" +
                          (o.version ? " version " + std::to_string(o.version)
                                     : std::string())));
    }
    for (const auto& r : replay.instances()) {
      if (!o.key.empty() &&
          (r.key != o.key || (o.version != 0 && r.version != o.version)))
        continue;
      if (o.key.empty() && !o.diagram.empty() &&
          std::find(diagram_keys.begin(), diagram_keys.end(), r.key) ==
              diagram_keys.end())
        continue;
      if (o.key.empty() && !o.diagram.empty() && r.parent != 0) {
        select_root_of(r);
        continue;
      }
      selected.push_back(&r);
    }
  }
  if (!o.to_scenario.empty()) return ToScenario(o, replay);
  std::sort(selected.begin(), selected.end(),
            [](const auto* a, const auto* b) { return a->id < b->id; });
  selected.erase(std::unique(selected.begin(), selected.end()), selected.end());

  json list = json::array();
  std::string text;
  std::size_t same = 0, diverged = 0, skipped = 0;
  for (const auto* r : selected) {
    if (r->parent != 0) {
      ++skipped;
      Id root = replay.RootOf(r->id);
      list.push_back(
          {{"id", r->id},
           {"key", r->key},
           {"version", r->version},
           {"skipped", "called by instance " + std::to_string(r->parent)},
           {"root", root}});
      text += std::to_string(r->id) + "  " + r->key + " v" +
              std::to_string(r->version) + "  skipped: called by instance " +
              std::to_string(r->parent) + ", replayed with " +
              std::to_string(root) + "\n";
      continue;
    }
    auto recording = replay.Read(r->id);
    if (!recording) return Refused(o.db, recording.error());
    if (!recording->not_replayable.empty()) {
      ++skipped;
      list.push_back({{"id", r->id},
                      {"key", r->key},
                      {"version", r->version},
                      {"skipped", recording->not_replayable}});
      text += std::to_string(r->id) + "  " + r->key + " v" +
              std::to_string(r->version) +
              "  skipped: " + recording->not_replayable + "\n";
      continue;
    }
    auto outcome =
        replay.Replay(*recording, o.diagram.empty() ? nullptr : &target);
    if (!outcome) return Refused(o.db, outcome.error());
    (outcome->same ? same : diverged) += 1;
    list.push_back(OutcomeJson(*r, *recording, *outcome));
    text += OutcomeText(*r, *recording, *outcome);
  }
  text +=
      std::to_string(same + diverged) + " replayed: " + std::to_string(same) +
      " same, " + std::to_string(diverged) + " diverge" +
      (skipped ? "; " + std::to_string(skipped) + " skipped" : std::string()) +
      "\n";
  Print(o.db,
        {{"instances", list},
         {"replayed", same + diverged},
         {"same", same},
         {"diverged", diverged},
         {"skipped", skipped}},
        text);
  return diverged ? kExitRefused : kExitOk;
}

}  // namespace

void AddReplayCommand(CLI::App& app, int& exit_code) {
  static ReplayOptions o;
  auto* replay = app.add_subcommand(
      "replay",
      "run recorded instances again on their diagram or a changed one, or "
      "write one as a scenario");
  AddDbOptions(replay, o.db);
  replay->add_option("--instance", o.instances,
                     "an instance to replay (repeat for several; default: "
                     "every instance)");
  replay->add_option("--key", o.key, "replay the instances of this process");
  replay->add_option("--version", o.version,
                     "with --key: only those of this version");
  replay->add_option("--diagram", o.diagram,
                     "replay against this BPMN file (default: the version "
                     "each instance ran)");
  replay->add_option("--to-scenario", o.to_scenario,
                     "write the one --instance as this scenario file");
  replay->callback([&] { exit_code = Replay(o); });
}

}  // namespace bpmnctl
