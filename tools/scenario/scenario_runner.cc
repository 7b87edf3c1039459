// The scenario runner (scenario_runner.h). Reads the YAML with yaml-cpp,
// refuses unknown keys with their line, deploys the diagrams into a fresh
// interpreter on a ManualClock, runs the steps, and collects every mismatch
// instead of stopping at the first.
#include "scenario/scenario_runner.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "expr/value.h"
#include "facade/engine.h"
#include "model/iso8601.h"
#include "parser/bpmn_reader.h"
#include "persistence/memory_store.h"
#include "persistence/sqlite_store.h"
#include "runtime/runtime.h"

namespace bpmnctl {
namespace {

namespace fs = std::filesystem;
using bpmn::runtime::Id;
using bpmn::runtime::Variables;

const std::set<std::string> kTopKeys = {
    "name",     "diagram", "diagrams", "process", "clock",
    "calendar", "users",   "start",    "steps",   "end"};
const std::set<std::string> kActions = {"complete",   "claim", "message",
                                        "signal",     "job",   "advance",
                                        "advance_to", "start", "expect"};
const std::set<std::string> kStepModifiers = {
    "by",     "variables",  "error",        "correlation",
    "result", "error_code", "business_key", "ttl"};
const std::set<std::string> kExpectKeys = {
    "waiting",   "tasks", "passed",    "not_passed", "escalated",
    "variables", "state", "incidents", "due"};

int Line(const YAML::Node& n) { return n.Mark().line + 1; }

// A YAML value as an expression value: quoted scalars stay strings; plain ones
// become numbers, booleans or null when they read as such.
bpmn::expr::Value ToValue(const YAML::Node& n) {
  using bpmn::expr::Value;
  if (!n || n.IsNull()) return Value();
  if (n.IsSequence()) {
    bpmn::expr::List list;
    for (const auto& e : n) list.push_back(ToValue(e));
    return Value(std::move(list));
  }
  if (n.IsMap()) {
    bpmn::expr::Context ctx;
    for (const auto& kv : n)
      ctx.emplace_back(kv.first.as<std::string>(), ToValue(kv.second));
    return Value(std::move(ctx));
  }
  const std::string text = n.Scalar();
  if (n.Tag() == "!") return Value(text);
  if (text == "true") return Value(true);
  if (text == "false") return Value(false);
  if (text == "null" || text == "~") return Value();
  if (auto d = bpmn::expr::Decimal::Parse(text)) return Value(*d);
  return Value(text);
}

Variables ToVariables(const YAML::Node& n) {
  Variables vars;
  if (!n || !n.IsMap()) return vars;
  for (const auto& kv : n)
    vars[kv.first.as<std::string>()] = ToValue(kv.second);
  return vars;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& i : items) out += (out.size() > 1 ? ", " : "") + i;
  return out + "]";
}

class Run {
 public:
  Run(const std::string& path, const ScenarioOptions& options,
      ScenarioResult& result)
      : path_(path), options_(options), r_(result), clock_(DefaultStart()) {}

  ~Run() {
    engine_.reset();
    store_.reset();
    if (!temp_database_.empty()) {
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(temp_database_ + suffix, ignored);
    }
  }

  void Execute() {
    YAML::Node doc;
    try {
      doc = YAML::LoadFile(path_);
    } catch (const YAML::Exception& e) {
      Unusable("cannot read the scenario: " + std::string(e.what()));
      return;
    }
    if (!doc.IsMap()) {
      Unusable("a scenario file is a YAML map");
      return;
    }
    r_.name = doc["name"] ? doc["name"].as<std::string>()
                          : fs::path(path_).filename().string();
    for (const auto& kv : doc) {
      std::string key = kv.first.as<std::string>();
      if (!kTopKeys.count(key))
        Failure(0, Line(kv.first), "unknown key '" + key + "'");
    }
    if (!doc["name"]) Failure(0, 1, "the key 'name' is required");
    if (!r_.failures.empty()) return;
    if (!OpenEngine()) return;
    if (doc["calendar"] && !LoadCalendar(doc["calendar"])) return;
    if (!LoadDiagrams(doc)) return;
    if (doc["clock"]) {
      auto t = bpmn::model::ParseIsoDateTime(doc["clock"].as<std::string>());
      if (!t) {
        Failure(0, Line(doc["clock"]), t.error().message);
        return;
      }
      clock_.Set(*t);
    }
    if (doc["users"]) {
      for (const auto& kv : doc["users"]) {
        std::vector<std::string> roles;
        for (const auto& role : kv.second)
          roles.push_back(role.as<std::string>());
        for (const auto& role : roles)
          user_roles_[kv.first.as<std::string>()].push_back(
              bpmn::model::NormalizeRole(role));
        if (auto set = engine_->SetUserRoles(kv.first.as<std::string>(), roles);
            !set) {
          Failure(0, Line(kv.first), set.error().message);
          return;
        }
      }
    }
    const YAML::Node start = doc["start"];
    if (start && !CheckKeys(start, {"business_key", "variables"}, 0)) return;
    auto id = engine_->Start(
        process_, start ? ToVariables(start["variables"]) : Variables{},
        start && start["business_key"] ? start["business_key"].as<std::string>()
                                       : std::string());
    if (!id) {
      Failure(0, start ? Line(start) : 1,
              "cannot start: " + id.error().message);
      return;
    }
    instance_ = *id;
    int number = 0;
    for (const auto& step : doc["steps"]) {
      ++number;
      RunStep(number, step);
      if (options_.store == StoreMode::kSqliteReopen && !Reopen(number)) return;
    }
    if (doc["end"]) Expect(number + 1, doc["end"], true);
    if (options_.trace) {
      for (const auto& e : engine_->log()) {
        const auto* defs = rt().DefinitionsOf(e.instance);
        if (defs) r_.trace.push_back(bpmn::runtime::FormatEvent(e, *defs));
      }
    }
    Coverage();
    r_.passed = r_.failures.empty();
  }

 private:
  const bpmn::runtime::Runtime& rt() const { return engine_->runtime(); }

  // The store the options ask for, and an engine on it.
  bool OpenEngine() {
    if (options_.store == StoreMode::kMemory) {
      store_ = std::make_unique<bpmn::persistence::MemoryStore>();
    } else {
      database_ = options_.database;
      if (database_.empty()) {
        database_ = (fs::temp_directory_path() /
                     ("bpmn-scenario-" + std::to_string(::getpid()) + "-" +
                      std::to_string(++temp_counter_) + ".db"))
                        .string();
        temp_database_ = database_;
      }
      auto opened = bpmn::persistence::SqliteStore::Open(database_, {});
      if (!opened) {
        Unusable("cannot open " + database_ + ": " + opened.error().message);
        return false;
      }
      store_ = std::move(*opened);
    }
    return StartEngine();
  }

  bool StartEngine() {
    bpmn::engine::EngineOptions options;
    options.keep_finished = true;
    options.keep_log = true;
    auto engine = bpmn::engine::Engine::Open(*store_, clock_, options);
    if (!engine) {
      Unusable("cannot open the engine: " + engine.error().message);
      return false;
    }
    engine_ = std::move(*engine);
    return true;
  }

  // Closes the engine and the database file and opens them again, as a
  // restart would.
  bool Reopen(int step) {
    engine_.reset();
    store_.reset();
    auto opened = bpmn::persistence::SqliteStore::Open(database_, {});
    if (!opened) {
      Failure(step, 0,
              "reopening " + database_ + ": " + opened.error().message);
      return false;
    }
    store_ = std::move(*opened);
    if (!StartEngine()) return false;
    return true;
  }

  // The `calendar:` file: in force for every process of the scenario (the
  // engine's default), and by its file name for processes that name it.
  bool LoadCalendar(const YAML::Node& node) {
    fs::path p = fs::path(path_).parent_path() / node.as<std::string>();
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      Failure(0, Line(node), p.string() + ": cannot be read");
      return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto added = engine_->AddCalendar(p.stem().string(), text.str(), true);
    if (!added) {
      Failure(0, Line(node), p.string() + ": " + added.error().message);
      return false;
    }
    return true;
  }

  static bpmn::TimePoint DefaultStart() {
    return *bpmn::model::ParseIsoDateTime("2026-01-05T09:00:00Z");
  }

  void Unusable(std::string message) {
    r_.unusable = true;
    r_.name = fs::path(path_).filename().string();
    r_.failures.push_back(std::move(message));
  }
  void Failure(int step, int line, std::string message) {
    std::string where = step > 0 ? "step " + std::to_string(step) + " (line " +
                                       std::to_string(line) + "): "
                                 : "line " + std::to_string(line) + ": ";
    r_.failures.push_back(where + message);
  }

  bool CheckKeys(const YAML::Node& n, const std::set<std::string>& allowed,
                 int step) {
    if (!n.IsMap()) {
      Failure(step, Line(n), "expected a map");
      return false;
    }
    bool ok = true;
    for (const auto& kv : n) {
      std::string key = kv.first.as<std::string>();
      if (!allowed.count(key)) {
        Failure(step, Line(kv.first), "unknown key '" + key + "'");
        ok = false;
      }
    }
    return ok;
  }

  bool LoadDiagrams(const YAML::Node& doc) {
    std::vector<std::string> files;
    if (doc["diagram"]) files.push_back(doc["diagram"].as<std::string>());
    if (doc["diagrams"])
      for (const auto& d : doc["diagrams"])
        files.push_back(d.as<std::string>());
    if (files.empty()) {
      Failure(0, 1, "the key 'diagram' (or 'diagrams') is required");
      return false;
    }
    for (const auto& f : files) {
      fs::path p = fs::path(path_).parent_path() / f;
      std::ifstream in(p, std::ios::binary);
      if (!in) {
        r_.failures.push_back(p.string() + ": cannot be read");
        return false;
      }
      std::ostringstream xml;
      xml << in.rdbuf();
      auto deployed = engine_->Deploy(p.string(), xml.str());
      if (!deployed) {
        r_.failures.push_back(deployed.error().message);
        return false;
      }
      if (deployed->empty()) {
        r_.failures.push_back(p.string() + ": no process");
        return false;
      }
      diagrams_.emplace_back(p.lexically_normal().string(),
                             deployed->front().definitions_id);
    }
    if (doc["process"]) {
      process_ = doc["process"].as<std::string>();
    } else if (const auto* p =
                   engine_->DefinitionsById(diagrams_.front().second)
                       ->SingleExecutableProcess()) {
      process_ = p->id;
    } else {
      Failure(0, 1,
              "the diagram has several executable processes: name one with "
              "'process'");
      return false;
    }
    return true;
  }

  // The oldest open task of the element, by id or name, in the instance or one
  // it called.
  // When an element has several open tasks (an escalation task beside the
  // original), the oldest one `by` may work on; else the oldest.
  const bpmn::runtime::UserTask* FindTask(const std::string& element,
                                          const std::string& by) {
    const bpmn::runtime::UserTask* first = nullptr;
    auto roles = user_roles_.find(by);
    for (const auto& ref : rt().OpenTasks(instance_)) {
      const auto& n = ref.instance->node(ref.task->node);
      if (n.id != element && n.name != element) continue;
      if (!first) first = ref.task;
      const auto& t = *ref.task;
      bool may = t.assignee == by ||
                 std::find(t.candidate_users.begin(), t.candidate_users.end(),
                           by) != t.candidate_users.end();
      if (roles != user_roles_.end())
        for (const auto& r : roles->second)
          if (std::find(t.roles.begin(), t.roles.end(), r) != t.roles.end())
            may = true;
      if (may && (t.assignee.empty() || t.assignee == by)) return ref.task;
    }
    return first;
  }

  void RunStep(int number, const YAML::Node& step) {
    if (!step.IsMap()) {
      Failure(number, Line(step), "a step is a map with one action");
      return;
    }
    std::string action;
    for (const auto& kv : step) {
      std::string key = kv.first.as<std::string>();
      if (kActions.count(key)) {
        if (!action.empty()) {
          Failure(number, Line(kv.first),
                  "a step has exactly one action; found '" + action +
                      "' and '" + key + "'");
          return;
        }
        action = key;
      } else if (!kStepModifiers.count(key)) {
        Failure(number, Line(kv.first), "unknown key '" + key + "'");
        return;
      }
    }
    if (action.empty()) {
      Failure(number, Line(step), "the step has no action");
      return;
    }
    const int line = Line(step);
    const YAML::Node value = step[action];
    if (action == "expect") {
      Expect(number, value, false);
      return;
    }
    const std::string expected_error =
        step["error"] ? step["error"].as<std::string>() : "";
    const std::string by = step["by"] ? step["by"].as<std::string>() : "";
    Variables vars = ToVariables(step["variables"]);
    bpmn::Result<void> outcome;
    if (action == "complete" || action == "claim") {
      const auto* task = FindTask(value.as<std::string>(), by);
      if (!task) {
        outcome = bpmn::Fail(bpmn::ErrorCode::kNotFound,
                             "no open task '" + value.as<std::string>() + "'");
      } else if (action == "complete") {
        outcome = engine_->CompleteTask(task->id, by, std::move(vars));
      } else {
        outcome = engine_->ClaimTask(task->id, by);
      }
    } else if (action == "message") {
      std::chrono::milliseconds ttl{0};
      if (step["ttl"]) {
        auto d = bpmn::model::ParseIsoDuration(step["ttl"].as<std::string>());
        if (!d) {
          Failure(number, Line(step["ttl"]), d.error().message);
          return;
        }
        ttl = std::chrono::milliseconds(d->FixedMilliseconds());
      }
      outcome = engine_->CorrelateMessage(
          value.as<std::string>(),
          step["correlation"] ? step["correlation"].as<std::string>() : "",
          std::move(vars), ttl);
    } else if (action == "signal") {
      auto n =
          engine_->BroadcastSignal(value.as<std::string>(), std::move(vars));
      if (!n) outcome = tl::unexpected(n.error());
    } else if (action == "job") {
      outcome = RunJob(value.as<std::string>(), step, std::move(vars));
    } else if (action == "advance" || action == "advance_to") {
      bpmn::TimePoint target;
      if (action == "advance") {
        auto d = bpmn::model::ParseIsoDuration(value.as<std::string>());
        if (!d) {
          Failure(number, line, d.error().message);
          return;
        }
        target = d->AddTo(clock_.Now());
      } else {
        auto t = bpmn::model::ParseIsoDateTime(value.as<std::string>());
        if (!t) {
          Failure(number, line, t.error().message);
          return;
        }
        target = *t;
      }
      outcome = AdvanceTo(*engine_, clock_, target);
    } else if (action == "start") {
      if (!CheckKeys(value, {"business_key", "variables"}, number)) return;
      auto id = engine_->Start(
          process_, ToVariables(value["variables"]),
          value["business_key"] ? value["business_key"].as<std::string>() : "");
      if (!id) outcome = tl::unexpected(id.error());
    }
    if (!expected_error.empty()) {
      if (outcome) {
        Failure(number, line,
                "expected the step to fail with '" + expected_error +
                    "', but it succeeded");
      } else if (std::string(bpmn::ErrorCodeName(outcome.error().code)) !=
                 expected_error) {
        Failure(number, line,
                "expected error '" + expected_error + "', got '" +
                    std::string(bpmn::ErrorCodeName(outcome.error().code)) +
                    "': " + outcome.error().message);
      }
    } else if (!outcome) {
      Failure(number, line,
              std::string(bpmn::ErrorCodeName(outcome.error().code)) + ": " +
                  outcome.error().message);
    }
  }

  bpmn::Result<void> RunJob(const std::string& which, const YAML::Node& step,
                            Variables vars) {
    const bpmn::runtime::Job* job = nullptr;
    for (const auto& [s, j] : rt().OpenJobs(instance_)) {
      const auto& n = s->node(j->node);
      if (n.id == which || n.name == which || j->type == which) {
        job = j;
        break;
      }
    }
    if (!job)
      return bpmn::Fail(bpmn::ErrorCode::kNotFound,
                        "no open job '" + which + "'");
    std::string result =
        step["result"] ? step["result"].as<std::string>() : "complete";
    if (result == "complete")
      return engine_->CompleteJob(job->id, std::move(vars));
    if (result == "fail")
      return engine_->FailJob(job->id, "failed by the scenario");
    if (result == "error") {
      return engine_->ThrowJobError(
          job->id,
          step["error_code"] ? step["error_code"].as<std::string>() : "",
          std::move(vars));
    }
    return bpmn::Fail(
        bpmn::ErrorCode::kInvalidArgument,
        "result must be complete, fail or error, not '" + result + "'");
  }

  std::vector<std::string> Passed() const {
    std::set<Id> family;
    for (const auto* s : rt().Family(instance_)) family.insert(s->id);
    std::vector<std::string> out;
    for (const auto& e : engine_->log()) {
      if (e.type == bpmn::runtime::EventType::kElementCompleted &&
          family.count(e.instance))
        out.push_back(rt().DefinitionsOf(e.instance)->node(e.node).id);
    }
    return out;
  }

  void Expect(int number, const YAML::Node& n, bool at_end) {
    if (!CheckKeys(n, kExpectKeys, number)) return;
    const auto* s = rt().Instance(instance_);
    auto fail = [&](const YAML::Node& at, std::string m) {
      Failure(at_end ? 0 : number, Line(at), (at_end ? "end: " : "") + m);
    };
    if (n["due"]) {
      for (const auto& kv : n["due"]) {
        const std::string element = kv.first.as<std::string>();
        auto want = bpmn::model::ParseIsoDateTime(kv.second.as<std::string>());
        if (!want) {
          fail(kv.second, want.error().message);
          continue;
        }
        std::optional<bpmn::TimePoint> got;
        bool found = false;
        for (const auto& ref : rt().OpenTasks(instance_)) {
          const auto& node = ref.instance->node(ref.task->node);
          if (ref.task->escalation_of ||
              (node.id != element && node.name != element))
            continue;
          found = true;
          got = ref.task->due;
          break;
        }
        if (!found) {
          fail(kv.first, "due: no open task '" + element + "'");
        } else if (!got || *got != *want) {
          fail(kv.first,
               "due " + element + ": expected " +
                   bpmn::model::FormatTimePoint(*want) + ", got " +
                   (got ? bpmn::model::FormatTimePoint(*got) : "none"));
        }
      }
    }
    if (n["escalated"]) {
      std::set<std::string> want, got;
      for (const auto& e : n["escalated"]) want.insert(e.as<std::string>());
      for (const auto* f : rt().Family(instance_))
        for (auto node : f->escalated) got.insert(f->node(node).id);
      if (want != got)
        fail(n["escalated"],
             "escalated: expected " +
                 Join(std::vector<std::string>(want.begin(), want.end())) +
                 ", got " +
                 Join(std::vector<std::string>(got.begin(), got.end())));
    }
    if (n["waiting"]) {
      std::vector<std::string> want;
      for (const auto& w : n["waiting"]) want.push_back(w.as<std::string>());
      std::sort(want.begin(), want.end());
      auto got = rt().Waiting(instance_);
      if (want != got)
        fail(n["waiting"],
             "waiting: expected " + Join(want) + ", got " + Join(got));
    }
    if (n["tasks"]) {
      std::map<std::string, long> got;
      for (const auto& ref : rt().OpenTasks(instance_))
        for (const auto& role : ref.task->roles) ++got[role];
      std::map<std::string, long> want;
      for (const auto& kv : n["tasks"])
        want[bpmn::model::NormalizeRole(kv.first.as<std::string>())] =
            kv.second.as<long>();
      for (const auto& [role, count] : got)
        if (!want.count(role)) want[role] = 0;
      for (const auto& [role, count] : want) {
        long actual = got.count(role) ? got[role] : 0;
        if (actual != count)
          fail(n["tasks"], "tasks for " + role + ": expected " +
                               std::to_string(count) + ", got " +
                               std::to_string(actual));
      }
    }
    std::vector<std::string> passed = Passed();
    if (n["passed"]) {
      std::size_t at = 0;
      for (const auto& p : n["passed"]) {
        std::string id = p.as<std::string>();
        auto it = std::find(passed.begin() + static_cast<std::ptrdiff_t>(at),
                            passed.end(), id);
        if (it == passed.end()) {
          bool anywhere =
              std::find(passed.begin(), passed.end(), id) != passed.end();
          fail(p, anywhere
                      ? "passed: '" + id + "' completed, but not in this order"
                      : "passed: '" + id + "' did not complete");
          continue;
        }
        at = static_cast<std::size_t>(it - passed.begin()) + 1;
      }
    }
    if (n["not_passed"]) {
      for (const auto& p : n["not_passed"]) {
        std::string id = p.as<std::string>();
        if (std::find(passed.begin(), passed.end(), id) != passed.end())
          fail(p, "not_passed: '" + id + "' completed");
      }
    }
    if (n["variables"]) {
      const auto* vars = rt().RootVariables(instance_);
      for (const auto& kv : n["variables"]) {
        std::string name = kv.first.as<std::string>();
        auto want = ToValue(kv.second);
        auto it = vars ? vars->find(name) : Variables::const_iterator();
        bpmn::expr::Value got =
            vars && it != vars->end() ? it->second : bpmn::expr::Value();
        if (!bpmn::expr::Equal(want, got).value_or(false))
          fail(kv.first, "variable " + name + ": expected " +
                             bpmn::expr::ToJson(want) + ", got " +
                             bpmn::expr::ToJson(got));
      }
    }
    if (n["state"]) {
      std::string want = n["state"].as<std::string>();
      std::string got =
          s ? bpmn::runtime::InstanceStatusName(s->status) : "missing";
      if (want != got)
        fail(n["state"], "state: expected " + want + ", got " + got);
    }
    if (n["incidents"]) {
      std::vector<std::string> want, got;
      for (const auto& i : n["incidents"]) want.push_back(i.as<std::string>());
      for (const auto* f : rt().Family(instance_))
        for (const auto& i : f->incidents) got.push_back(f->node(i.node).id);
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (want != got)
        fail(n["incidents"],
             "incidents: expected " + Join(want) + ", got " + Join(got));
    }
  }

  void Coverage() {
    std::map<const bpmn::model::Definitions*, std::set<std::string>> seen;
    for (const auto& e : engine_->log()) {
      const auto* defs = rt().DefinitionsOf(e.instance);
      if (!defs) continue;
      if (e.type == bpmn::runtime::EventType::kElementCompleted)
        seen[defs].insert(defs->node(e.node).id);
      if (e.type == bpmn::runtime::EventType::kFlowTaken)
        seen[defs].insert(defs->flow(e.flow).id);
    }
    for (const auto& [file, definitions_id] : diagrams_) {
      const auto& ids = seen[engine_->DefinitionsById(definitions_id).get()];
      r_.covered.emplace_back(file,
                              std::vector<std::string>(ids.begin(), ids.end()));
    }
  }

  std::string path_;
  const ScenarioOptions& options_;
  ScenarioResult& r_;
  bpmn::ManualClock clock_;
  std::unique_ptr<bpmn::store::Store> store_;
  std::unique_ptr<bpmn::engine::Engine> engine_;
  std::string database_;
  std::string temp_database_;  // made by this run, removed after it
  static inline int temp_counter_ = 0;
  std::vector<std::pair<std::string, std::int64_t>>
      diagrams_;  // file, definitions id
  std::string process_;
  std::map<std::string, std::vector<std::string>> user_roles_;
  Id instance_ = bpmn::runtime::kNoId;
};

}  // namespace

bpmn::Result<void> AdvanceTo(bpmn::engine::Engine& engine,
                             bpmn::ManualClock& clock, bpmn::TimePoint target) {
  // Time moves to each due timer in turn, so a timer set by a fired one fires
  // too.
  bpmn::Result<void> outcome;
  while (auto next = engine.NextDue()) {
    if (*next > target) break;
    if (*next > clock.Now()) clock.Set(*next);
    if (auto fired = engine.FireDue(); !fired) {
      outcome = fired;
      break;
    }
  }
  if (target > clock.Now()) clock.Set(target);
  return outcome;
}

ScenarioResult RunScenario(const std::string& path,
                           const ScenarioOptions& options) {
  ScenarioResult result;
  result.file = path;
  auto started = std::chrono::steady_clock::now();
  try {
    Run(path, options, result).Execute();
  } catch (const YAML::Exception& e) {
    result.failures.push_back("line " + std::to_string(e.mark.line + 1) + ": " +
                              e.msg);
    result.passed = false;
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return result;
}

}  // namespace bpmnctl
