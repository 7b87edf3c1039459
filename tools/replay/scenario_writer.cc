// The scenario writer (scenario_writer.h). Values are written as YAML flow
// maps built from their JSON form (expr::ToJson), which the scenario runner
// reads back: strings quoted, numbers as exact decimals, nested lists and
// contexts. Files are checked before anything is written, so a refusal
// leaves nothing half written.
#include "replay/scenario_writer.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "expr/value.h"
#include "model/definitions.h"
#include "model/timer_spec.h"

namespace bpmnctl {
namespace {

namespace fs = std::filesystem;
using bpmn::ErrorCode;
using bpmn::Fail;
using Kind = RecordedInput::Kind;

std::string Quoted(const std::string& text) {
  return bpmn::expr::ToJson(bpmn::expr::Value(text));
}

// Element ids as they are when YAML reads them back the same, else quoted.
std::string Plain(const std::string& text) {
  bool plain =
      !text.empty() &&
      (std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_');
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' &&
        c != '.')
      plain = false;
  }
  return plain ? text : Quoted(text);
}

// A value in YAML flow style, from its JSON form. Temporal values, ranges and
// functions become their JSON strings (README: they come back as strings).
std::string Flow(const bpmn::expr::Value& v) {
  using T = bpmn::expr::Value::Type;
  switch (v.type()) {
    case T::kList: {
      std::string out = "[";
      for (const auto& e : v.list())
        out += (out.size() > 1 ? ", " : "") + Flow(e);
      return out + "]";
    }
    case T::kContext: {
      std::string out = "{";
      for (const auto& [key, value] : v.context())
        out += (out.size() > 1 ? ", " : "") + Quoted(key) + ": " + Flow(value);
      return out + "}";
    }
    default:
      return bpmn::expr::ToJson(v);
  }
}

std::string Flow(const bpmn::runtime::Variables& vars) {
  std::string out = "{";
  for (const auto& [name, value] : vars)
    out += (out.size() > 1 ? ", " : "") + Quoted(name) + ": " + Flow(value);
  return out + "}";
}

std::string List(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const auto& id : ids) out += (out.size() > 1 ? ", " : "") + Plain(id);
  return out + "]";
}

std::string Time(bpmn::TimePoint t) { return bpmn::model::FormatTimePoint(t); }

// A file name from a calendar or process name: characters a path would read
// differently become '_'.
std::string FileStem(const std::string& name) {
  std::string out;
  for (char c : name)
    out += (c == '/' || c == '\\' || c == ':' || c == '\0') ? '_' : c;
  return out.empty() || out[0] == '.' ? "_" + out : out;
}

bpmn::Result<std::string> ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, p.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Which stored calendar the scenario carries: the one the process names (due
// dates, then timers), else the store's default.
const bpmn::store::CalendarRecord* ChooseCalendar(
    const HistoryReplay& replay, const Recording& recording,
    std::vector<std::string>& notes) {
  const auto& calendars = replay.calendars();
  auto find =
      [&](const std::string& name) -> const bpmn::store::CalendarRecord* {
    for (const auto& c : calendars)
      if (c.name == name) return &c;
    return nullptr;
  };
  const bpmn::store::CalendarRecord* chosen = nullptr;
  auto defs = replay.ParsedDefinitions(recording.definitions_id);
  const auto* process = defs ? defs->FindProcess(recording.key) : nullptr;
  if (process) {
    for (const char* property :
         {"calendar", "dueDateCalendar", "timerCalendar"}) {
      const std::string* name =
          bpmn::model::ProcessProperty(*process, property);
      const auto* c = name ? find(*name) : nullptr;
      if (!c) continue;
      if (!chosen) {
        chosen = c;
      } else if (c != chosen) {
        notes.push_back("the process names the calendar '" + c->name +
                        "' too; a scenario carries one calendar ('" +
                        chosen->name + "')");
      }
    }
  }
  if (!chosen)
    for (const auto& c : calendars)
      if (c.is_default) chosen = &c;
  return chosen;
}

}  // namespace

bpmn::Result<WrittenScenario> WriteScenario(const HistoryReplay& replay,
                                            const Recording& recording,
                                            const ReplayOutcome& stored,
                                            const std::string& path,
                                            const std::string& diagram) {
  if (!recording.default_start)
    return Fail(ErrorCode::kState,
                "instance " + std::to_string(recording.instance) +
                    " started at '" + recording.start_event +
                    "'; a scenario starts at the process's none start event");
  WrittenScenario written;
  const fs::path out(path);
  const fs::path dir =
      out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code made;
  fs::create_directories(dir, made);
  if (made)
    return Fail(ErrorCode::kIo,
                dir.string() + ": cannot be created: " + made.message());
  // Files beside the scenario: diagrams and the calendar.
  std::vector<std::pair<fs::path, std::string>> beside;
  std::vector<std::string> diagrams;  // as the scenario names them
  auto stem_of = [&](std::int64_t definitions_id) {
    for (const auto& p : replay.processes())
      if (p.definitions_id == definitions_id)
        return FileStem(p.key) + ".v" + std::to_string(p.version) + ".bpmn";
    return "definitions-" + std::to_string(definitions_id) + ".bpmn";
  };
  for (std::size_t i = 0; i + 1 < recording.definitions.size(); ++i) {
    const auto* d = replay.StoredDefinitions(recording.definitions[i]);
    if (!d) continue;
    std::string name = stem_of(recording.definitions[i]);
    beside.emplace_back(dir / name, d->xml);
    diagrams.push_back(name);
  }
  if (diagram.empty()) {
    const auto* d = replay.StoredDefinitions(recording.definitions_id);
    if (!d)
      return Fail(ErrorCode::kIo, "the definitions of instance " +
                                      std::to_string(recording.instance) +
                                      " are not stored");
    std::string name = FileStem(recording.key) + ".v" +
                       std::to_string(recording.version) + ".bpmn";
    beside.emplace_back(dir / name, d->xml);
    diagrams.push_back(name);
  } else {
    fs::path target = fs::absolute(diagram).lexically_normal();
    fs::path relative =
        target.lexically_relative(fs::absolute(dir).lexically_normal());
    diagrams.push_back(relative.empty() ? target.string() : relative.string());
  }
  const auto* calendar = ChooseCalendar(replay, recording, written.notes);
  std::string calendar_file;
  if (calendar) {
    calendar_file = FileStem(calendar->name) + ".yaml";
    if (calendar_file != calendar->name + ".yaml")
      written.notes.push_back("the calendar '" + calendar->name +
                              "' is written as " + calendar_file +
                              ", so a process naming it falls back to it as "
                              "the default");
    beside.emplace_back(dir / calendar_file, calendar->yaml);
  }
  for (const auto& [file, text] : beside) {
    if (!fs::exists(file)) continue;
    auto existing = ReadText(file);
    if (!existing) return tl::unexpected(existing.error());
    if (*existing != text)
      return Fail(ErrorCode::kConflict,
                  file.string() +
                      " exists with other content; remove it or "
                      "write the scenario elsewhere");
  }

  std::ostringstream y;
  y << "# Written by `bpmnctl replay --to-scenario` from instance "
    << recording.instance << " (" << recording.key << " v" << recording.version
    << "), " << recording.inputs.size() << " recorded inputs.\n";
  y << "name: "
    << Quoted("replay of instance " + std::to_string(recording.instance) +
              " (" + recording.key + " v" + std::to_string(recording.version) +
              (recording.business_key.empty()
                   ? ""
                   : ", business key " + recording.business_key) +
              ")")
    << "\n";
  if (diagrams.size() == 1) {
    y << "diagram: " << Quoted(diagrams.front()) << "\n";
  } else {
    y << "diagrams: [";
    for (std::size_t i = 0; i < diagrams.size(); ++i)
      y << (i ? ", " : "") << Quoted(diagrams[i]);
    y << "]\n";
  }
  y << "process: " << Plain(recording.key) << "\n";
  y << "clock: " << Time(recording.started) << "\n";
  if (calendar) y << "calendar: " << Quoted(calendar_file) << "\n";
  y << "start:\n";
  if (!recording.business_key.empty())
    y << "  business_key: " << Quoted(recording.business_key) << "\n";
  y << "  variables: " << Flow(recording.variables) << "\n";
  std::ostringstream st;  // the steps

  bpmn::TimePoint clock = recording.started;
  // Claims as the scenario sees them: an unclaim has no step, so after one
  // the task stays with its last claimer there.
  struct Claim {
    std::string last;
    bool released = false;
  };
  std::map<std::pair<std::string, std::size_t>, Claim> claims;
  auto skip = [&](std::size_t i, const std::string& why) {
    std::string note = "input " + std::to_string(i + 1) + " (" +
                       DescribeInput(recording.inputs[i]) +
                       ") is no step: " + why;
    st << "  # " << note << "\n";
    written.notes.push_back(note);
  };
  for (std::size_t i = 0; i < recording.inputs.size(); ++i) {
    const RecordedInput& input = recording.inputs[i];
    // failed_input == inputs.size(): the start itself failed, nothing ran.
    bool reached = !stored.failed_input ||
                   (i < *stored.failed_input &&
                    *stored.failed_input < recording.inputs.size());
    if (reached && !stored.applied[i]) {
      st << "  # input " << i + 1 << " (" << DescribeInput(input)
         << "): the instance's own signal, delivered without a step\n";
      continue;
    }
    auto& claim = claims[{input.element, input.ordinal}];
    if (input.kind == Kind::kUnclaim) {
      claim.released = true;
      skip(i, "a scenario has no step that gives a task back");
      continue;
    }
    if (input.kind == Kind::kJobRetry) {
      skip(i, "a scenario has no step that retries a job");
      continue;
    }
    if (input.escalation_task) {
      skip(i,
           "a scenario step picks the oldest task of an element, not the "
           "escalation task beside it (completing that one moves no token)");
      continue;
    }
    if (input.kind == Kind::kClaim && claim.released &&
        (claim.last.empty() || claim.last != input.text)) {
      skip(i,
           "the task was given back before, which a scenario cannot say, "
           "so there it is still claimed");
      continue;
    }
    if (input.at > clock) {
      st << "  - advance_to: " << Time(input.at) << "\n";
      clock = input.at;
    }
    switch (input.kind) {
      case Kind::kComplete:
      case Kind::kClaim:
        st << "  - " << (input.kind == Kind::kClaim ? "claim" : "complete")
           << ": " << Plain(input.element) << "\n";
        st << "    by: " << Quoted(input.text) << "\n";
        if (input.kind == Kind::kClaim) {
          claim.last = input.text;
          claim.released = false;
        }
        break;
      case Kind::kMessage:
        st << "  - message: " << Quoted(input.text) << "\n";
        if (!input.correlation_key.empty())
          st << "    correlation: " << Quoted(input.correlation_key) << "\n";
        break;
      case Kind::kSignal:
        st << "  - signal: " << Quoted(input.text) << "\n";
        break;
      case Kind::kJobComplete:
      case Kind::kJobFail:
      case Kind::kJobError:
        st << "  - job: " << Plain(input.element) << "\n";
        st << "    result: "
           << (input.kind == Kind::kJobComplete ? "complete"
               : input.kind == Kind::kJobFail   ? "fail"
                                                : "error")
           << "\n";
        if (input.kind == Kind::kJobError)
          st << "    error_code: " << Quoted(input.text) << "\n";
        break;
      case Kind::kUnclaim:
      case Kind::kJobRetry:
        break;  // skipped above
    }
    if (!input.variables.empty() && input.kind != Kind::kClaim &&
        input.kind != Kind::kJobFail)
      st << "    variables: " << Flow(input.variables) << "\n";
    ++written.steps;
  }
  if (recording.last_event > clock) {
    st << "  - advance_to: " << Time(recording.last_event) << "\n";
    ++written.steps;
  }
  y << (st.str().empty() ? "steps: []\n" : "steps:\n" + st.str());
  y << "end:\n";
  y << "  state: " << recording.state << "\n";
  y << "  passed: " << List(recording.path) << "\n";
  y << "  waiting: " << List(recording.waiting) << "\n";

  // All files or none: what this call wrote goes again when one fails.
  std::vector<fs::path> made_files;
  auto write = [&](const fs::path& file, const std::string& text) {
    const bool existed = fs::exists(file);
    std::ofstream f(file, std::ios::binary);
    f << text;
    const bool ok = static_cast<bool>(f.flush());
    if (!existed && fs::exists(file)) made_files.push_back(file);
    return ok;
  };
  auto undo = [&](const fs::path& failed) {
    std::error_code ignored;
    for (const auto& file : made_files) fs::remove(file, ignored);
    return Fail(ErrorCode::kIo, failed.string() + ": cannot be written");
  };
  for (const auto& [file, text] : beside)
    if (!write(file, text)) return undo(file);
  if (!write(out, y.str())) return undo(out);
  written.files.insert(written.files.begin(), path);
  for (const auto& [file, text] : beside)
    written.files.push_back(file.string());
  return written;
}

}  // namespace bpmnctl
