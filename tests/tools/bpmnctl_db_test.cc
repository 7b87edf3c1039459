// The database verbs of bpmnctl as a user runs them: the real binary in child
// processes (each call its own process) on a real SQLite file in a fresh
// temporary folder per test, checking exit codes, `--json` output and the
// refusal kinds that README.md ("bpmnctl") promises.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tools/bpmnctl_process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace bpmnctl_test;  // NOLINT: the CLI test vocabulary

const std::string kSamples = BPMN_SAMPLES_DIR;
const std::string kDeal = kSamples + "/deal_by_stages.bpmn";
const std::string kLead = kSamples + "/lead_processing.bpmn";
const std::string kMalformed = std::string(BPMN_TEST_DATA_DIR) + "/malformed";
const std::string kW1 =
    std::string(BPMN_WORKLOADS_DIR) + "/w1-straight-through.bpmn";
const std::string kW3 =
    std::string(BPMN_WORKLOADS_DIR) + "/w3-deal-stages.bpmn";

// A process that waits at a timer already due (2020), then for the signal
// "go_now", then at a user task.
const char kTimerSignalBpmn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
             id="timed_defs" targetNamespace="urn:bpmnctl-db-test">
  <process id="timed" isExecutable="true">
    <startEvent id="start"/>
    <intermediateCatchEvent id="wait">
      <timerEventDefinition>
        <timeDate xsi:type="tFormalExpression">2020-01-01T00:00:00Z</timeDate>
      </timerEventDefinition>
    </intermediateCatchEvent>
    <intermediateCatchEvent id="sig">
      <signalEventDefinition signalRef="go"/>
    </intermediateCatchEvent>
    <userTask id="after" name="After"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="sig"/>
    <sequenceFlow id="f3" sourceRef="sig" targetRef="after"/>
    <sequenceFlow id="f4" sourceRef="after" targetRef="end"/>
  </process>
  <signal id="go" name="go_now"/>
</definitions>
)";

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string Describe(const Args& args) {
  std::string text = "bpmnctl";
  for (const auto& a : args) text += " " + a;
  return text + "\n";
}

// ISO 8601 UTC time as bpmnctl prints it: YYYY-MM-DDTHH:MM:SS[.mmm]Z.
using Millis = std::chrono::sys_time<std::chrono::milliseconds>;
Millis ParseTime(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
  int fields = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d,
                           &h, &mi, &sec, &used);
  EXPECT_EQ(fields, 6) << "not an ISO 8601 UTC time: " << s;
  std::string rest = fields == 6 ? s.substr(used) : "";
  int ms = 0;
  if (rest.size() == 5 && rest[0] == '.') {
    ms = std::stoi(rest.substr(1, 3));
    rest = rest.substr(4);
  }
  EXPECT_EQ(rest, "Z") << "not an ISO 8601 UTC time: " << s;
  std::chrono::year_month_day day{std::chrono::year{y},
                                  std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  return Millis(std::chrono::sys_days(day)) + std::chrono::hours(h) +
         std::chrono::minutes(mi) + std::chrono::seconds(sec) +
         std::chrono::milliseconds(ms);
}

std::vector<std::string> ElementIds(const json& list) {
  std::vector<std::string> ids;
  for (const auto& x : list) ids.push_back(x.value("element_id", ""));
  return ids;
}

// Sets or unsets an environment variable for the scope (children started by
// popen inherit it), restoring the old value afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value)
      : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class BpmnctlDb : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (fs::temp_directory_path() / "bpmnctl-db-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = (dir_ / "test.db").string();
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // bpmnctl ARGS in the test's folder, without --db.
  Output Bare(const Args& args) const { return RunIn(dir_, args); }

  // bpmnctl ARGS --db DB.
  Output Ctl(Args args) const {
    args.push_back("--db");
    args.push_back(db_);
    return Bare(args);
  }

  // bpmnctl ARGS --db DB --json, expected to succeed: its output parsed.
  json Json(Args args) const {
    args.push_back("--json");
    Output r = Ctl(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(args) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << Describe(args) << r.out;
    return j;
  }

  // bpmnctl ARGS --db DB --json, expected to be refused: the exit code, the
  // kind in {"error": KIND, "message": ...} on stdout, and text the message
  // contains. Returns the parsed output.
  json Refused(Args args, int exit_code, const std::string& kind,
               const std::string& mention = "") const {
    args.push_back("--json");
    Output r = Ctl(args);
    EXPECT_EQ(r.exit_code, exit_code) << Describe(args) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << Describe(args) << r.out;
    if (!j.is_object()) return j;
    EXPECT_EQ(j.value("error", ""), kind) << Describe(args) << r.out;
    EXPECT_TRUE(j.contains("message")) << r.out;
    if (!mention.empty()) {
      EXPECT_TRUE(Contains(j.value("message", ""), mention))
          << Describe(args) << r.out;
    }
    return j;
  }

  json Deploy(const std::string& file) { return Json({"deploy", file}); }

  // Starts KEY and returns the instance id (0 when it failed).
  std::int64_t Start(const std::string& key, const std::string& vars = "",
                     const std::string& business_key = "") {
    Args args = {"start", key};
    if (!vars.empty()) args.insert(args.end(), {"--vars", vars});
    if (!business_key.empty())
      args.insert(args.end(), {"--business-key", business_key});
    json j = Json(args);
    return j.is_object() ? j.value("id", std::int64_t{0}) : 0;
  }

  // The open tasks of an instance.
  json TasksOf(std::int64_t instance) {
    return Json({"tasks", "--instance", std::to_string(instance)});
  }

  // The id of the only open task of an instance (0 when there is not one).
  std::int64_t OnlyTask(std::int64_t instance, const std::string& element) {
    json tasks = TasksOf(instance);
    EXPECT_EQ(tasks.size(), 1u) << tasks.dump();
    if (tasks.size() != 1) return 0;
    EXPECT_EQ(tasks[0].value("element_id", ""), element) << tasks.dump();
    return tasks[0].value("id", std::int64_t{0});
  }

  json Show(std::int64_t instance) {
    return Json({"show", std::to_string(instance)});
  }

  json History(std::int64_t instance) {
    return Json({"history", std::to_string(instance)});
  }

  // Ids of the listed instances.
  std::set<std::int64_t> InstanceIds(const std::string& state = "") {
    Args args = {"instances"};
    if (!state.empty()) args.insert(args.end(), {"--state", state});
    std::set<std::int64_t> ids;
    for (const auto& i : Json(args)) ids.insert(i.value("id", std::int64_t{0}));
    return ids;
  }

  // Runs each bpmnctl ARGS --db DB --json at the same time, in parallel
  // processes, and waits for all of them.
  std::vector<Output> Concurrently(const std::vector<Args>& commands) {
    std::string line = "cd " + Quote(dir_.string()) + " && { ";
    for (std::size_t i = 0; i < commands.size(); ++i) {
      Args args = commands[i];
      args.insert(args.end(), {"--db", db_, "--json"});
      std::string n = std::to_string(i);
      line += "{ " + CommandLine(args) + " >" +
              Quote((dir_ / ("par-out-" + n)).string()) + " 2>" +
              Quote((dir_ / ("par-err-" + n)).string()) + "; echo $? >" +
              Quote((dir_ / ("par-code-" + n)).string()) + "; } & ";
    }
    line += "wait; }";
    Output all = Shell(line, dir_ / "stderr.txt");
    EXPECT_EQ(all.exit_code, 0) << line << all.err;
    std::vector<Output> runs;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      std::string n = std::to_string(i);
      Output r;
      std::string code = ReadFile(dir_ / ("par-code-" + n));
      r.exit_code = code.empty() ? -1 : std::stoi(code);
      r.out = ReadFile(dir_ / ("par-out-" + n));
      r.err = ReadFile(dir_ / ("par-err-" + n));
      runs.push_back(r);
    }
    return runs;
  }

  fs::path dir_;
  std::string db_;
};

// ---------------------------------------------------------------------------
// deploy

TEST_F(BpmnctlDb, DeployingTheSameFileAgainIsNotANewVersion) {
  json first = Deploy(kDeal);
  ASSERT_EQ(first.size(), 1u) << first.dump();
  EXPECT_EQ(first[0]["file"], kDeal);
  EXPECT_EQ(first[0]["key"], "deal_by_stages");
  EXPECT_EQ(first[0]["version"], 1);
  EXPECT_EQ(first[0]["new_version"], true);

  json again = Deploy(kDeal);
  ASSERT_EQ(again.size(), 1u) << again.dump();
  EXPECT_EQ(again[0]["key"], "deal_by_stages");
  EXPECT_EQ(again[0]["version"], 1);
  EXPECT_EQ(again[0]["new_version"], false);

  Output text = Ctl({"deploy", kDeal});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, kDeal + ": deal_by_stages version 1 (unchanged)\n");

  json instance = Json({"start", "deal_by_stages"});
  EXPECT_EQ(instance["version"], 1);
}

TEST_F(BpmnctlDb, AChangedCopyIsVersionTwoAndNewInstancesUseIt) {
  Deploy(kDeal);
  std::int64_t v1 = Start("deal_by_stages");
  ASSERT_NE(v1, 0);

  fs::path copy = dir_ / "deal_by_stages_v2.bpmn";
  WriteFile(copy, Replace(ReadFile(kDeal), R"(name="Принять заказ")",
                          R"x(name="Принять заказ (v2)")x"));
  json second = Deploy(copy.string());
  ASSERT_EQ(second.size(), 1u) << second.dump();
  EXPECT_EQ(second[0]["key"], "deal_by_stages");
  EXPECT_EQ(second[0]["version"], 2);
  EXPECT_EQ(second[0]["new_version"], true);

  json v2 = Json({"start", "deal_by_stages"});
  EXPECT_EQ(v2["version"], 2);
  std::int64_t v2_id = v2.value("id", std::int64_t{0});

  // The running instance stays on version 1, the new one shows the new name.
  json instances = Json({"instances"});
  for (const auto& i : instances) {
    if (i["id"] == v1) {
      EXPECT_EQ(i["version"], 1);
    } else {
      EXPECT_EQ(i["id"], v2_id);
      EXPECT_EQ(i["version"], 2);
    }
  }
  json old_tasks = TasksOf(v1);
  json new_tasks = TasksOf(v2_id);
  ASSERT_EQ(old_tasks.size(), 1u);
  ASSERT_EQ(new_tasks.size(), 1u);
  EXPECT_EQ(old_tasks[0]["name"], "Принять заказ");
  EXPECT_EQ(new_tasks[0]["name"], "Принять заказ (v2)");

  // The copy deployed again is unchanged too.
  json again = Deploy(copy.string());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["version"], 2);
  EXPECT_EQ(again[0]["new_version"], false);
}

TEST_F(BpmnctlDb, DeployingSeveralFilesReportsEachProcess) {
  json out = Json({"deploy", kLead, kDeal});
  ASSERT_EQ(out.size(), 2u) << out.dump();
  EXPECT_EQ(out[0]["file"], kLead);
  EXPECT_EQ(out[0]["key"], "lead_processing");
  EXPECT_EQ(out[1]["file"], kDeal);
  EXPECT_EQ(out[1]["key"], "deal_by_stages");
  for (const auto& d : out) {
    EXPECT_EQ(d["version"], 1);
    EXPECT_EQ(d["new_version"], true);
  }
}

TEST_F(BpmnctlDb, AMalformedDiagramIsRefusedAsValidationNamingTheFile) {
  const std::string bad = kMalformed + "/13-dangling-target-ref.bpmn";
  json j = Refused({"deploy", bad}, 1, "validation", bad);
  EXPECT_TRUE(Contains(j.value("message", ""), "dangling-reference"))
      << j.dump();

  Output text = Ctl({"deploy", bad});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_TRUE(text.out.empty()) << text.out;
  EXPECT_TRUE(Contains(text.err, "bpmnctl: refused (validation): "))
      << text.err;
  EXPECT_TRUE(Contains(text.err, "13-dangling-target-ref.bpmn")) << text.err;

  // Nothing of it was deployed.
  Refused({"start", "Process_1"}, 1, "not_found");

  // A file that is not even well-formed XML is refused the same way.
  const std::string broken = kMalformed + "/02-unclosed-tag.bpmn";
  Refused({"deploy", broken}, 1, "validation", broken);
}

TEST_F(BpmnctlDb, AMissingFileIsRefusedNamingIt) {
  const std::string missing = (dir_ / "no-such.bpmn").string();
  Output r = Ctl({"deploy", missing, "--json"});
  // README: a refused operation exits 1 and says its kind (`io` for files);
  // its "Exit codes" also call an unreadable file argument a usage error (2).
  EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << r.exit_code;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["error"], "io");
  EXPECT_TRUE(Contains(j.value("message", ""), missing)) << r.out;
}

// ---------------------------------------------------------------------------
// start, instances

TEST_F(BpmnctlDb, StartPrintsTheNewInstanceAndInstancesListsIt) {
  Deploy(kDeal);
  json started = Json({"start", "deal_by_stages", "--vars",
                       R"({"client": "ООО Ромашка", "amount": 5000})",
                       "--business-key", "DEAL-1"});
  ASSERT_TRUE(started.is_object()) << started.dump();
  EXPECT_GT(started.value("id", std::int64_t{0}), 0);
  EXPECT_EQ(started["key"], "deal_by_stages");
  EXPECT_EQ(started["version"], 1);
  EXPECT_EQ(started["business_key"], "DEAL-1");
  EXPECT_EQ(started["state"], "active");
  EXPECT_EQ(started["parent"], 0);
  ASSERT_TRUE(started["started_at"].is_string());
  ASSERT_TRUE(started["updated_at"].is_string());
  EXPECT_LE(ParseTime(started["started_at"]), ParseTime(started["updated_at"]));
  std::int64_t id = started["id"];

  json all = Json({"instances"});
  ASSERT_EQ(all.size(), 1u) << all.dump();
  EXPECT_EQ(all[0], started);

  EXPECT_EQ(InstanceIds("active"), std::set<std::int64_t>{id});
  EXPECT_TRUE(InstanceIds("completed").empty());
  EXPECT_TRUE(InstanceIds("incident").empty());
  EXPECT_TRUE(InstanceIds("terminated").empty());

  Output text = Ctl({"instances"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.out,
            std::to_string(id) + "  deal_by_stages v1  active  DEAL-1\n");
}

TEST_F(BpmnctlDb, StartOfAnUnknownProcessIsNotFound) {
  Refused({"start", "no_such_process"}, 1, "not_found", "no_such_process");
  Deploy(kDeal);
  Refused({"start", "deal_by_stages_typo"}, 1, "not_found");
  EXPECT_TRUE(InstanceIds().empty());
}

TEST_F(BpmnctlDb, VarsThatAreNotAJsonObjectAreAUsageError) {
  Deploy(kDeal);
  for (const char* vars : {"{not json", "[1, 2]", "\"text\"", "42"}) {
    SCOPED_TRACE(vars);
    Output r = Ctl({"start", "deal_by_stages", "--vars", vars});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "bpmnctl: refused (")) << r.err;
  }
  Output array = Ctl({"start", "deal_by_stages", "--vars", "[1]"});
  EXPECT_TRUE(Contains(array.err, "--vars must be a JSON object")) << array.err;
  // Nothing was started by any of them.
  EXPECT_TRUE(InstanceIds().empty());

  // The same on the other verbs that take --vars; none of them acts.
  std::int64_t id = Start("deal_by_stages");
  std::int64_t task = OnlyTask(id, "Task_accept");
  const std::string t = std::to_string(task);
  EXPECT_EQ(
      Ctl({"complete", t, "--by", "anna", "--vars", "{\"client\":"}).exit_code,
      2);
  EXPECT_EQ(Ctl({"complete", t, "--by", "anna", "--vars", "[]"}).exit_code, 2);
  EXPECT_EQ(Ctl({"message", "payment_received", "--vars", "nope"}).exit_code,
            2);
  EXPECT_EQ(Ctl({"signal", "anything", "--vars", "[1]"}).exit_code, 2);
  EXPECT_EQ(Ctl({"job", "complete", "1", "--vars", "{"}).exit_code, 2);
  OnlyTask(id, "Task_accept");
}

TEST_F(BpmnctlDb, UsageErrorsExitTwo) {
  Deploy(kDeal);
  EXPECT_EQ(Ctl({"instances", "--state", "sleeping"}).exit_code, 2);
  EXPECT_EQ(Ctl({"complete", "5"}).exit_code, 2);  // no --by
  EXPECT_EQ(Ctl({"job", "finish", "5"}).exit_code, 2);
  EXPECT_EQ(Ctl({"job", "error", "5"}).exit_code, 2);  // no --code
  EXPECT_EQ(Ctl({"retry", "5", "--retries", "0"}).exit_code, 2);
  EXPECT_EQ(Ctl({"show"}).exit_code, 2);
  EXPECT_EQ(Ctl({"message", "m", "--ttl", "P1X"}).exit_code, 2);
  EXPECT_EQ(Ctl({"users"}).exit_code, 2);
}

TEST_F(BpmnctlDb, AnUnopenableDatabaseIsRefused) {
  Output r = Bare({"instances", "--db", (dir_ / "no/such/dir/x.db").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "refused (io)")) << r.err;
}

// ---------------------------------------------------------------------------
// tasks, users, claim, complete

TEST_F(BpmnctlDb, TasksListTheirFieldsAndFilterByRoleAndInstance) {
  Json({"deploy", kDeal, kLead});
  std::int64_t deal = Start("deal_by_stages");
  std::int64_t lead = Start("lead_processing", "", "LEAD-1");

  json all = Json({"tasks"});
  ASSERT_EQ(all.size(), 2u) << all.dump();
  json accept;
  for (const auto& t : all)
    if (t["element_id"] == "Task_accept") accept = t;
  ASSERT_TRUE(accept.is_object()) << all.dump();
  EXPECT_GT(accept.value("id", std::int64_t{0}), 0);
  EXPECT_EQ(accept["instance_id"], deal);
  EXPECT_EQ(accept["name"], "Принять заказ");
  EXPECT_EQ(accept["roles"], json::array({"secretary"}));
  EXPECT_EQ(accept["candidate_users"], json::array());
  EXPECT_EQ(accept["assignee"], "");
  ASSERT_TRUE(accept["created"].is_string());
  ASSERT_TRUE(accept["due"].is_string()) << accept.dump();
  // camunda:dueDate="PT4H", counted from the instant of the command that
  // created the task (one reading of the CLI's real clock per command).
  EXPECT_EQ(ParseTime(accept["due"]) - ParseTime(accept["created"]),
            std::chrono::hours(4));

  json secretary = Json({"tasks", "--role", "secretary"});
  EXPECT_EQ(ElementIds(secretary), std::vector<std::string>{"Task_accept"});
  json consultant = Json({"tasks", "--role", "consultant"});
  ASSERT_EQ(consultant.size(), 1u);
  EXPECT_EQ(consultant[0]["element_id"], "Task_qualify");
  EXPECT_EQ(consultant[0]["instance_id"], lead);
  EXPECT_TRUE(Json({"tasks", "--role", "measurer"}).empty());

  EXPECT_EQ(ElementIds(TasksOf(lead)),
            std::vector<std::string>{"Task_qualify"});
  EXPECT_TRUE(Json({"tasks", "--instance", "999999"}).empty());

  Output text = Ctl({"tasks", "--role", "secretary"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(Contains(text.out, "instance " + std::to_string(deal) +
                                     "  Task_accept (Принять заказ)  "
                                     "roles=secretary"))
      << text.out;
}

TEST_F(BpmnctlDb, UsersAreListedAndGiveEachTheirWorkList) {
  Json({"deploy", kDeal, kLead});
  std::int64_t deal = Start("deal_by_stages");
  std::int64_t lead = Start("lead_processing", "", "LEAD-1");

  EXPECT_TRUE(Json({"users", "list"}).empty());
  json added = Json({"users", "add", "anna", "secretary"});
  EXPECT_EQ(added["user"], "anna");
  EXPECT_EQ(added["roles"], json::array({"secretary"}));
  Json({"users", "add", "kate", "consultant"});
  Json({"users", "add", "boss", "secretary", "consultant"});
  Json({"users", "add", "alice", "secretary"});

  json users = Json({"users", "list"});
  std::map<std::string, json> by_name;
  for (const auto& u : users)
    by_name[u["user"].get<std::string>()] = u["roles"];
  EXPECT_EQ(by_name.size(), 4u) << users.dump();
  EXPECT_EQ(by_name["anna"], json::array({"secretary"}));
  EXPECT_EQ(by_name["kate"], json::array({"consultant"}));
  EXPECT_EQ(by_name["boss"], json::array({"secretary", "consultant"}));
  Output text = Ctl({"users", "list"});
  EXPECT_TRUE(Contains(text.out, "boss: secretary, consultant\n")) << text.out;

  EXPECT_EQ(ElementIds(Json({"tasks", "--user", "anna"})),
            std::vector<std::string>{"Task_accept"});
  EXPECT_EQ(ElementIds(Json({"tasks", "--user", "kate"})),
            std::vector<std::string>{"Task_qualify"});
  json boss = Json({"tasks", "--user", "boss"});
  EXPECT_EQ(boss.size(), 2u) << boss.dump();
  EXPECT_TRUE(Json({"tasks", "--user", "nobody"}).empty());
  EXPECT_EQ(ElementIds(Json({"tasks", "--user", "boss", "--instance",
                             std::to_string(lead)})),
            std::vector<std::string>{"Task_qualify"});

  // Claimed by anna: hers, no longer offered to the other secretaries.
  std::int64_t accept = OnlyTask(deal, "Task_accept");
  json claimed = Json({"claim", std::to_string(accept), "--by", "anna"});
  EXPECT_EQ(claimed["assignee"], "anna");
  json mine = Json({"tasks", "--user", "anna"});
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["assignee"], "anna");
  EXPECT_TRUE(Json({"tasks", "--user", "alice"}).empty());
  EXPECT_EQ(ElementIds(Json({"tasks", "--user", "boss"})),
            std::vector<std::string>{"Task_qualify"});
  Refused({"claim", std::to_string(accept), "--by", "alice"}, 1, "state");
  Refused({"claim", std::to_string(accept), "--by", "kate"}, 1, "role");

  // users add again replaces the roles.
  Json({"users", "add", "kate", "secretary"});
  json kate;
  for (const auto& u : Json({"users", "list"}))
    if (u["user"] == "kate") kate = u;
  EXPECT_EQ(kate["roles"], json::array({"secretary"}));
  EXPECT_TRUE(Json({"tasks", "--user", "kate"}).empty());
}

TEST_F(BpmnctlDb, CompletingIsRefusedWithTheRightKind) {
  Deploy(kDeal);
  Json({"users", "add", "anna", "secretary"});
  Json({"users", "add", "bob", "consultant"});
  std::int64_t id = Start("deal_by_stages", R"({"amount": 5000})");
  std::int64_t task = OnlyTask(id, "Task_accept");
  const std::string t = std::to_string(task);

  // A user without the task's role.
  Refused({"complete", t, "--by", "bob", "--vars",
           R"({"client": "C", "phone": "1"})"},
          1, "role", "secretary");
  Output text = Ctl({"complete", t, "--by", "bob"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_TRUE(text.out.empty()) << text.out;
  EXPECT_TRUE(Contains(text.err, "bpmnctl: refused (role): ")) << text.err;
  // A user the identity table does not know.
  Refused({"complete", t, "--by", "mallory"}, 1, "role");

  // Required form fields missing.
  json fields = Refused({"complete", t, "--by", "anna"}, 1, "fields");
  EXPECT_TRUE(Contains(fields.value("message", ""), "client")) << fields.dump();
  EXPECT_TRUE(Contains(fields.value("message", ""), "phone")) << fields.dump();
  EXPECT_EQ(fields.value("element_id", ""), "Task_accept");
  json phone = Refused(
      {"complete", t, "--by", "anna", "--vars", R"({"client": "ООО Ромашка"})"},
      1, "fields", "phone");
  EXPECT_FALSE(Contains(phone.value("message", ""), "client")) << phone.dump();
  Refused({"complete", t, "--by", "anna", "--vars",
           R"({"client": "ООО Ромашка", "phone": null})"},
          1, "fields", "phone");

  // An unknown task.
  Refused({"complete", "987654", "--by", "anna"}, 1, "not_found");

  // None of that touched the task.
  EXPECT_EQ(OnlyTask(id, "Task_accept"), task);

  json done =
      Json({"complete", t, "--by", "anna", "--vars",
            R"({"client": "ООО Ромашка", "phone": "+7 495 111-11-11"})"});
  EXPECT_EQ(done["task"], task);
  EXPECT_EQ(done["completed_by"], "anna");

  // The same task again is refused.
  Output twice = Ctl({"complete", t, "--by", "anna", "--vars",
                      R"({"client": "X", "phone": "2"})", "--json"});
  EXPECT_EQ(twice.exit_code, 1) << twice.out;
  json again = json::parse(twice.out, nullptr, false);
  ASSERT_TRUE(again.is_object()) << twice.out;
  EXPECT_TRUE(again["error"] == "not_found" || again["error"] == "state")
      << twice.out;

  int closed = 0;
  for (const auto& e : History(id))
    if (e["type"] == "task-closed" &&
        e.value("item", std::int64_t{0}) == task) {
      ++closed;
      EXPECT_EQ(e["element_id"], "Task_accept");
      EXPECT_EQ(e.value("text", ""), "anna");
    }
  EXPECT_EQ(closed, 1);
  // The first completion's values stay.
  json shown = Show(id);
  EXPECT_EQ(shown["variables"]["phone"], "+7 495 111-11-11");
  EXPECT_EQ(shown["waiting"], json::array({"Task_process"}));
}

TEST_F(BpmnctlDb, WithoutUsersAnyoneCompletes) {
  Deploy(kDeal);
  std::int64_t id =
      Start("deal_by_stages", R"({"client": "C", "phone": "+7 1"})");
  std::int64_t task = OnlyTask(id, "Task_accept");
  Json({"complete", std::to_string(task), "--by", "whoever"});
  OnlyTask(id, "Task_process");
}

// ---------------------------------------------------------------------------
// show, history

TEST_F(BpmnctlDb, ShowPrintsWaitingVariablesAndTasks) {
  Deploy(kDeal);
  const json vars = json::parse(
      R"({"client": "ООО Ромашка", "amount": 5000, "rate": 1.25,
          "vip": true, "note": null, "tags": ["a", 1],
          "address": {"city": "Москва"}})");
  json started = Json({"start", "deal_by_stages", "--vars", vars.dump(),
                       "--business-key", "DEAL-7"});
  std::int64_t id = started.value("id", std::int64_t{0});

  json shown = Show(id);
  EXPECT_EQ(shown["id"], id);
  EXPECT_EQ(shown["key"], "deal_by_stages");
  EXPECT_EQ(shown["business_key"], "DEAL-7");
  EXPECT_EQ(shown["state"], "active");
  EXPECT_EQ(shown["waiting"], json::array({"Task_accept"}));
  EXPECT_EQ(shown["variables"], vars);
  ASSERT_EQ(shown["tasks"].size(), 1u) << shown.dump();
  EXPECT_EQ(shown["tasks"][0]["element_id"], "Task_accept");
  EXPECT_EQ(shown["tasks"][0]["instance_id"], id);
  EXPECT_EQ(shown["tasks"][0]["roles"], json::array({"secretary"}));
  EXPECT_EQ(shown["timers"], json::array());
  EXPECT_EQ(shown["incidents"], json::array());

  Output text = Ctl({"show", std::to_string(id)});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(Contains(text.out, "waits at Task_accept\n")) << text.out;
  EXPECT_TRUE(Contains(text.out, "amount = 5000\n")) << text.out;
  EXPECT_TRUE(Contains(text.out, "client = \"ООО Ромашка\"\n")) << text.out;

  // Completing adds the form's values; the token moves on.
  Json({"complete", std::to_string(shown["tasks"][0].value("id", 0)), "--by",
        "anna", "--vars", R"({"phone": "+7 495", "amount": 7000})"});
  json after = Show(id);
  EXPECT_EQ(after["waiting"], json::array({"Task_process"}));
  EXPECT_EQ(after["variables"]["phone"], "+7 495");
  EXPECT_EQ(after["variables"]["amount"], 7000);
  EXPECT_EQ(after["variables"]["client"], "ООО Ромашка");
  ASSERT_EQ(after["tasks"].size(), 1u);
  EXPECT_EQ(after["tasks"][0]["element_id"], "Task_process");
  EXPECT_GE(ParseTime(after["updated_at"]), ParseTime(shown["updated_at"]));

  Refused({"show", "424242"}, 1, "not_found");
  Refused({"history", "424242"}, 1, "not_found");
}

TEST_F(BpmnctlDb, HistoryOfW3FromStartToCompletion) {
  Deploy(kW3);
  Json({"users", "add", "crm", "secretary", "manager", "measurer", "estimator",
        "lawyer", "accountant", "shipping"});
  std::int64_t id = Start("w3", R"({"amount": 50000})", "W3-1");
  ASSERT_NE(id, 0);

  const std::vector<std::pair<std::string, std::string>> expected = {
      {"register", "secretary"}, {"qualify", "manager"},
      {"measure", "measurer"},   {"estimate", "estimator"},
      {"legalReview", "lawyer"}, {"invoice", "accountant"},
      {"ship", "shipping"},      {"close", "secretary"}};
  std::vector<std::int64_t> task_ids;
  for (const auto& [element, role] : expected) {
    SCOPED_TRACE(element);
    json tasks = TasksOf(id);
    ASSERT_EQ(tasks.size(), 1u) << tasks.dump();
    EXPECT_EQ(tasks[0]["element_id"], element);
    EXPECT_EQ(tasks[0]["roles"], json::array({role}));
    std::int64_t task = tasks[0]["id"];
    task_ids.push_back(task);
    if (element == "legalReview") {
      // The 48 h boundary timer is armed on the legal review.
      json shown = Show(id);
      ASSERT_EQ(shown["timers"].size(), 1u) << shown.dump();
      EXPECT_EQ(shown["timers"][0]["element_id"], "legalTimer");
      EXPECT_EQ(
          ParseTime(shown["timers"][0]["due"]) - ParseTime(tasks[0]["created"]),
          std::chrono::hours(48));
    }
    Json({"complete", std::to_string(task), "--by", "crm"});
  }

  json shown = Show(id);
  EXPECT_EQ(shown["state"], "completed");
  EXPECT_EQ(shown["waiting"], json::array());
  EXPECT_EQ(shown["tasks"], json::array());
  EXPECT_EQ(shown["timers"], json::array());
  EXPECT_EQ(InstanceIds("completed"), std::set<std::int64_t>{id});
  EXPECT_TRUE(InstanceIds("active").empty());
  EXPECT_TRUE(Json({"tasks"}).empty());

  json history = History(id);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.front()["type"], "instance-started");
  EXPECT_EQ(history.front()["element_id"], "start");
  EXPECT_EQ(history.back()["type"], "instance-completed");
  std::vector<std::string> closed;
  std::vector<std::int64_t> closed_items;
  std::int64_t last_seq = 0;
  auto last_at = ParseTime(history.front()["at"]);
  for (const auto& e : history) {
    ASSERT_TRUE(e.contains("type") && e.contains("element_id") &&
                e.contains("at") && e.contains("seq"))
        << e.dump();
    std::int64_t seq = e["seq"];
    EXPECT_GT(seq, last_seq) << e.dump();
    last_seq = seq;
    auto at = ParseTime(e["at"]);
    EXPECT_GE(at, last_at) << e.dump();
    last_at = at;
    if (e["type"] == "task-closed") {
      closed.push_back(e["element_id"].get<std::string>());
      closed_items.push_back(e.value("item", std::int64_t{0}));
      EXPECT_EQ(e.value("text", ""), "crm");
    }
  }
  std::vector<std::string> order;
  for (const auto& [element, role] : expected) order.push_back(element);
  EXPECT_EQ(closed, order);
  EXPECT_EQ(closed_items, task_ids);
  EXPECT_EQ(std::count_if(history.begin(), history.end(),
                          [](const json& e) {
                            return e["type"] == "instance-completed";
                          }),
            1);
  // The taken flow at the decision is the large-deal one.
  EXPECT_TRUE(std::any_of(history.begin(), history.end(), [](const json& e) {
    return e["type"] == "flow-taken" && e["element_id"] == "toLegal";
  }));

  Output text = Ctl({"history", std::to_string(id)});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(Contains(text.out, "  instance-started  start\n")) << text.out;
  EXPECT_TRUE(Contains(text.out, "  task-closed  legalReview\n")) << text.out;
}

// ---------------------------------------------------------------------------
// jobs, incidents, retry

TEST_F(BpmnctlDb, JobsFailIntoAnIncidentThatRetryResolves) {
  Deploy(kW1);
  std::int64_t id = Start("w1");
  ASSERT_NE(id, 0);

  // No handler on the command line: the first service task waits as a job.
  json jobs = Json({"jobs"});
  ASSERT_EQ(jobs.size(), 1u) << jobs.dump();
  EXPECT_EQ(jobs[0]["instance_id"], id);
  EXPECT_EQ(jobs[0]["element_id"], "task1");
  EXPECT_TRUE(jobs[0]["type"].is_string());
  EXPECT_EQ(jobs[0]["retries"], 3);
  const std::string type1 = jobs[0].value("type", "");
  EXPECT_EQ(Json({"jobs", "--type", type1}).size(), 1u);
  EXPECT_TRUE(Json({"jobs", "--type", "no-such-type"}).empty());
  EXPECT_EQ(Show(id)["waiting"], json::array({"task1"}));

  json done = Json({"job", "complete", std::to_string(jobs[0].value("id", 0)),
                    "--vars", R"({"step1": "ok"})"});
  EXPECT_EQ(done["result"], "complete");
  json next = Json({"jobs"});
  ASSERT_EQ(next.size(), 1u) << next.dump();
  EXPECT_EQ(next[0]["element_id"], "task2");
  EXPECT_EQ(next[0]["retries"], 3);
  EXPECT_NE(next[0]["id"], jobs[0]["id"]);
  EXPECT_EQ(Show(id)["variables"]["step1"], "ok");
  const std::string job = std::to_string(next[0].value("id", 0));
  Refused({"job", "complete", std::to_string(jobs[0].value("id", 0))}, 1,
          "not_found");

  // Three failures use up the three retries.
  for (int left = 2; left >= 1; --left) {
    json failed = Json({"job", "fail", job, "--message", "printer on fire"});
    EXPECT_EQ(failed["result"], "fail");
    json listed = Json({"jobs"});
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["retries"], left);
    EXPECT_TRUE(Json({"incidents"}).empty());
    EXPECT_TRUE(InstanceIds("incident").empty());
  }
  Json({"job", "fail", job, "--message", "printer on fire"});
  json incidents = Json({"incidents"});
  ASSERT_EQ(incidents.size(), 1u) << incidents.dump();
  EXPECT_EQ(incidents[0]["instance_id"], id);
  EXPECT_EQ(incidents[0]["element_id"], "task2");
  EXPECT_TRUE(Contains(incidents[0].value("message", ""), "printer on fire"))
      << incidents.dump();
  EXPECT_EQ(InstanceIds("incident"), std::set<std::int64_t>{id});
  EXPECT_TRUE(InstanceIds("active").empty());
  json shown = Show(id);
  EXPECT_EQ(shown["state"], "incident");
  ASSERT_EQ(shown["incidents"].size(), 1u);
  EXPECT_EQ(shown["incidents"][0]["element_id"], "task2");
  json out_of_retries = Json({"jobs"});
  ASSERT_EQ(out_of_retries.size(), 1u);
  EXPECT_EQ(out_of_retries[0]["retries"], 0);

  json retried = Json({"retry", job});
  EXPECT_EQ(retried["retries"], 3);
  EXPECT_TRUE(Json({"incidents"}).empty());
  EXPECT_TRUE(InstanceIds("incident").empty());
  EXPECT_EQ(InstanceIds("active"), std::set<std::int64_t>{id});
  json back = Json({"jobs"});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]["retries"], 3);
  EXPECT_EQ(Show(id)["incidents"], json::array());
  json history = History(id);
  std::vector<std::string> types;
  for (const auto& e : history) types.push_back(e["type"].get<std::string>());
  auto raised = std::find(types.begin(), types.end(), "incident-raised");
  auto resolved = std::find(types.begin(), types.end(), "incident-resolved");
  EXPECT_NE(raised, types.end());
  EXPECT_NE(resolved, types.end());
  EXPECT_LT(raised, resolved);

  // Retry with a count of its own.
  Json({"job", "fail", job});
  EXPECT_EQ(Json({"retry", job, "--retries", "7"})["retries"], 7);
  EXPECT_EQ(Json({"jobs"})[0]["retries"], 7);

  // The retried job completes and the instance goes on to the end.
  for (int step = 2; step <= 20; ++step) {
    SCOPED_TRACE(step);
    json open = Json({"jobs"});
    ASSERT_EQ(open.size(), 1u) << open.dump();
    EXPECT_EQ(open[0]["element_id"], "task" + std::to_string(step));
    Json({"job", "complete", std::to_string(open[0].value("id", 0))});
  }
  EXPECT_TRUE(Json({"jobs"}).empty());
  EXPECT_EQ(InstanceIds("completed"), std::set<std::int64_t>{id});
  EXPECT_EQ(History(id).back()["type"], "instance-completed");
}

TEST_F(BpmnctlDb, AnUncaughtJobErrorIsAnIncident) {
  Deploy(kW1);
  std::int64_t id = Start("w1");
  json jobs = Json({"jobs"});
  ASSERT_EQ(jobs.size(), 1u);
  const std::string job = std::to_string(jobs[0].value("id", 0));
  json thrown = Json({"job", "error", job, "--code", "E_STOCK"});
  EXPECT_EQ(thrown["result"], "error");
  json incidents = Json({"incidents"});
  ASSERT_EQ(incidents.size(), 1u) << incidents.dump();
  EXPECT_EQ(incidents[0]["instance_id"], id);
  EXPECT_TRUE(Contains(incidents[0].value("message", ""), "E_STOCK"))
      << incidents.dump();
  EXPECT_EQ(InstanceIds("incident"), std::set<std::int64_t>{id});
  // The job is closed: nothing to complete, fail or retry any more.
  EXPECT_TRUE(Json({"jobs"}).empty());
  Refused({"job", "complete", job}, 1, "not_found");
  Refused({"job", "fail", job}, 1, "not_found");
  Refused({"retry", job}, 1, "not_found");
  Refused({"retry", "31337"}, 1, "not_found");
}

// ---------------------------------------------------------------------------
// message, signal, timers

TEST_F(BpmnctlDb, AMessageMovesTheInstanceWaitingForIt) {
  Json({"deploy", kLead, kDeal});
  std::int64_t lead1 =
      Start("lead_processing", R"({"client": "Ромашка"})", "LEAD-1");
  std::int64_t lead2 = Start("lead_processing", "", "LEAD-2");

  // Nobody waits yet.
  Refused({"message", "client_reply", "--correlation", "LEAD-1"}, 1,
          "not_found", "client_reply");

  std::int64_t qualify = OnlyTask(lead1, "Task_qualify");
  Json({"complete", std::to_string(qualify), "--by", "kate", "--vars",
        R"({"channel": "web", "qualified": true})"});
  std::int64_t contact = OnlyTask(lead1, "Task_contact");
  Json({"complete", std::to_string(contact), "--by", "kate"});
  json waiting = Show(lead1);
  EXPECT_EQ(waiting["waiting"], json::array({"Gateway_awaitReply"}));
  EXPECT_EQ(ElementIds(waiting["timers"]),
            std::vector<std::string>{"Event_noReply"});

  // Another key, another name: refused, lead1 untouched.
  Refused({"message", "client_reply", "--correlation", "LEAD-2"}, 1,
          "not_found", "LEAD-2");
  Refused({"message", "client_reply", "--correlation", "LEAD-404"}, 1,
          "not_found");
  Refused({"message", "no_such_message", "--correlation", "LEAD-1"}, 1,
          "not_found");
  Output text = Ctl({"message", "client_reply", "--correlation", "LEAD-404"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_TRUE(Contains(text.err, "bpmnctl: refused (not_found): ")) << text.err;
  EXPECT_EQ(Show(lead1)["waiting"], json::array({"Gateway_awaitReply"}));

  json delivered = Json({"message", "client_reply", "--correlation", "LEAD-1",
                         "--vars", R"({"reply": "да, интересно"})"});
  EXPECT_EQ(delivered["message"], "client_reply");
  EXPECT_EQ(delivered["correlation"], "LEAD-1");
  json moved = Show(lead1);
  EXPECT_EQ(moved["waiting"], json::array({"Task_decide"}));
  EXPECT_EQ(moved["variables"]["reply"], "да, интересно");
  EXPECT_EQ(moved["timers"], json::array());  // the timer was withdrawn
  json history = History(lead1);
  EXPECT_TRUE(std::any_of(history.begin(), history.end(), [](const json& e) {
    return e["type"] == "element-completed" &&
           e["element_id"] == "Event_clientReply";
  }));
  EXPECT_FALSE(std::any_of(history.begin(), history.end(), [](const json& e) {
    return e["element_id"] == "Task_callClient";
  }));

  // Delivered once: the same message again finds nobody.
  Refused({"message", "client_reply", "--correlation", "LEAD-1"}, 1,
          "not_found");
  // lead2 never moved.
  EXPECT_EQ(Show(lead2)["waiting"], json::array({"Task_qualify"}));
}

TEST_F(BpmnctlDb, AMessageKeptWithTtlReachesALaterWaiter) {
  Json({"deploy", kLead, kDeal});
  std::int64_t lead = Start("lead_processing", "", "LEAD-9");
  // Nobody waits yet, but the message is to be kept for an hour.
  json kept = Json({"message", "client_reply", "--correlation", "LEAD-9",
                    "--ttl", "PT1H", "--vars", R"({"reply": "early"})"});
  EXPECT_EQ(kept["message"], "client_reply");

  Json({"complete", std::to_string(OnlyTask(lead, "Task_qualify")), "--by",
        "kate", "--vars", R"({"channel": "mail", "qualified": true})"});
  Json({"complete", std::to_string(OnlyTask(lead, "Task_contact")), "--by",
        "kate"});
  // Arriving at the message catch, the instance takes the kept message.
  json shown = Show(lead);
  EXPECT_EQ(shown["waiting"], json::array({"Task_decide"})) << shown.dump();
  EXPECT_EQ(shown["variables"].value("reply", ""), "early") << shown.dump();
}

TEST_F(BpmnctlDb, TimersFireWithFireDueOrRunAndSignalsReachEveryWaiter) {
  fs::path file = dir_ / "timed.bpmn";
  WriteFile(file, kTimerSignalBpmn);
  Deploy(file.string());
  std::int64_t a = Start("timed");
  std::int64_t b = Start("timed");

  json shown = Show(a);
  EXPECT_EQ(shown["waiting"], json::array({"wait"}));
  ASSERT_EQ(shown["timers"].size(), 1u) << shown.dump();
  EXPECT_EQ(shown["timers"][0]["element_id"], "wait");
  EXPECT_EQ(shown["timers"][0]["due"], "2020-01-01T00:00:00Z");
  // Nobody waits for the signal yet.
  json none = Json({"signal", "go_now"});
  EXPECT_EQ(none["signal"], "go_now");
  EXPECT_EQ(none["delivered"], 0);
  EXPECT_EQ(Show(a)["waiting"], json::array({"wait"}));

  // --fire-due fires the timers due now before the command.
  json fired = Json({"show", std::to_string(a), "--fire-due"});
  EXPECT_EQ(fired["waiting"], json::array({"sig"}));
  EXPECT_EQ(fired["timers"], json::array());
  EXPECT_EQ(Show(b)["waiting"], json::array({"sig"}));

  // `run` fires a timer that fell due while nothing ran, once.
  std::int64_t c = Start("timed");
  Output run = Ctl({"run", "--for", "0.3", "--log-level", "off"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Show(c)["waiting"], json::array({"sig"}));

  json signalled = Json({"signal", "go_now", "--vars", R"({"go": 1})"});
  EXPECT_EQ(signalled["delivered"], 3);
  for (std::int64_t id : {a, b, c}) {
    json s = Show(id);
    EXPECT_EQ(s["waiting"], json::array({"after"})) << id;
    EXPECT_EQ(s["variables"]["go"], 1) << id;
  }
  EXPECT_EQ(Json({"tasks"}).size(), 3u);
  EXPECT_EQ(Json({"signal", "go_now"})["delivered"], 0);
}

// ---------------------------------------------------------------------------
// the database file

TEST_F(BpmnctlDb, BpmnDbNamesTheDatabaseWhenDbIsAbsent) {
  const std::string env_db = (dir_ / "from-env.db").string();
  {
    ScopedEnv env("BPMN_DB", env_db);
    Output deploy = Bare({"deploy", kDeal, "--json"});
    EXPECT_EQ(deploy.exit_code, 0) << deploy.err;
    Output start = Bare({"start", "deal_by_stages", "--json"});
    EXPECT_EQ(start.exit_code, 0) << start.err;
    Output listed = Bare({"instances", "--json"});
    json j = json::parse(listed.out, nullptr, false);
    EXPECT_TRUE(j.is_array() && j.size() == 1) << listed.out;
    // --db wins over $BPMN_DB.
    Output other = Ctl({"instances", "--json"});
    EXPECT_EQ(other.out, "[]\n");
  }
  EXPECT_TRUE(fs::exists(env_db));
  EXPECT_FALSE(fs::exists(dir_ / "bpmn.db"));
  Output named = Bare({"instances", "--db", env_db, "--json"});
  json j = json::parse(named.out, nullptr, false);
  EXPECT_TRUE(j.is_array() && j.size() == 1) << named.out;

  // Neither: ./bpmn.db.
  ScopedEnv unset("BPMN_DB", std::nullopt);
  Output deploy = Bare({"deploy", kDeal, "--json"});
  EXPECT_EQ(deploy.exit_code, 0) << deploy.err;
  EXPECT_TRUE(fs::exists(dir_ / "bpmn.db"));
  json fresh = json::parse(deploy.out, nullptr, false);
  ASSERT_TRUE(fresh.is_array() && fresh.size() == 1) << deploy.out;
  EXPECT_EQ(fresh[0]["new_version"], true);
  Output empty = Bare({"instances", "--json"});
  EXPECT_EQ(empty.out, "[]\n");
}

TEST_F(BpmnctlDb, TwoDatabasesAreIndependent) {
  Deploy(kDeal);
  Start("deal_by_stages");
  const std::string other = (dir_ / "other.db").string();
  Output r = Bare({"start", "deal_by_stages", "--db", other, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(InstanceIds().size(), 1u);
}

TEST_F(BpmnctlDb, ConcurrentCompletionsOfOneTaskCloseItOnce) {
  Deploy(kDeal);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    std::int64_t id = Start("deal_by_stages", R"({"client":"C","phone":"1"})");
    const std::string task = std::to_string(OnlyTask(id, "Task_accept"));
    auto runs = Concurrently({{"complete", task, "--by", "anna"},
                              {"complete", task, "--by", "boris"}});
    ASSERT_EQ(runs.size(), 2u);
    int won = 0;
    std::string winner;
    for (const auto& r : runs) {
      json j = json::parse(r.out, nullptr, false);
      ASSERT_TRUE(j.is_object()) << r.out << r.err;
      if (r.exit_code == 0) {
        ++won;
        winner = j.value("completed_by", "");
      } else {
        EXPECT_EQ(r.exit_code, 1) << r.out;
        const std::string kind = j.value("error", "");
        EXPECT_TRUE(kind == "not_found" || kind == "state" ||
                    kind == "conflict")
            << r.out;
      }
    }
    EXPECT_EQ(won, 1);
    int closed = 0;
    for (const auto& e : History(id))
      if (e["type"] == "task-closed") {
        ++closed;
        EXPECT_EQ(e.value("text", ""), winner);
      }
    EXPECT_EQ(closed, 1);
    OnlyTask(id, "Task_process");
  }
}

TEST_F(BpmnctlDb, ConcurrentStartsAllSucceed) {
  Deploy(kDeal);
  std::vector<Args> starts(4, Args{"start", "deal_by_stages"});
  auto runs = Concurrently(starts);
  std::set<std::int64_t> ids;
  for (const auto& r : runs) {
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    if (r.exit_code == 0 && j.is_object()) ids.insert(j.value("id", 0));
  }
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(InstanceIds(), ids);
  EXPECT_EQ(Json({"tasks"}).size(), 4u);
}

}  // namespace

namespace {

TEST_F(BpmnctlDb, AWorkerLocksJobsThatOthersThenDoNotGet) {
  Deploy(kW1);
  ASSERT_NE(Start("w1"), 0);
  const std::string type = Json({"jobs"})[0].value("type", "");
  json locked = Json(
      {"jobs", "--type", type, "--lock", "worker-a", "--lock-for", "PT10M"});
  ASSERT_EQ(locked.size(), 1u) << locked.dump();
  EXPECT_EQ(locked[0]["worker"], "worker-a");
  EXPECT_TRUE(locked[0]["locked_until"].is_string());
  EXPECT_TRUE(Json({"jobs", "--type", type, "--lock", "worker-b"}).empty());
  json listed = Json({"jobs"});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["worker"], "worker-a");
  Refused({"jobs", "--lock", "worker-b"}, 2, "invalid_argument", "--type");
}

}  // namespace

namespace {

// A task whose due time is long past, with an escalation policy: the timer
// loop raises the overdue record and writes the notification to the outbox.
const char* kOverdueBpmn = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs" targetNamespace="t">
  <bpmn:process id="late" name="Замер" isExecutable="true">
    <bpmn:extensionElements>
      <camunda:properties>
        <camunda:property name="escalation.template" value="Замер по сделке {{business_key}} ({{client}}) просрочен" />
      </camunda:properties>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="measure" name="Выполнить замер" camunda:candidateGroups="measurer" camunda:dueDate="2020-01-01T09:00:00Z">
      <bpmn:extensionElements>
        <camunda:properties>
          <camunda:property name="escalation" value="notify manager after due; reassign to manager after due + P1D" />
        </camunda:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="measure" />
    <bpmn:sequenceFlow id="f2" sourceRef="measure" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
)";

TEST_F(BpmnctlDb, AnOverdueTaskIsEscalatedOnceAndNotifiesTheManager) {
  fs::path file = dir_ / "late.bpmn";
  WriteFile(file, kOverdueBpmn);
  Deploy(file.string());
  std::int64_t id = Start("late", R"({"client": "ООО Ромашка"})", "DEAL-5");
  ASSERT_NE(id, 0);
  json overdue = Json({"tasks", "--overdue"});
  ASSERT_EQ(overdue.size(), 1u) << overdue.dump();
  EXPECT_EQ(overdue[0]["element_id"], "measure");
  EXPECT_TRUE(Json({"outbox"}).empty());

  // The timer loop (twice: nothing may happen twice).
  for (int i = 0; i < 2; ++i) {
    Output run = Ctl({"run", "--for", "0.3"});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  }
  json outbox = Json({"outbox"});
  ASSERT_EQ(outbox.size(), 1u) << outbox.dump();
  EXPECT_EQ(outbox[0]["recipient"], "manager");
  EXPECT_EQ(outbox[0]["instance_id"], id);
  EXPECT_EQ(outbox[0]["body"],
            "Замер по сделке DEAL-5 (ООО Ромашка) просрочен");
  EXPECT_TRUE(Contains(outbox[0].value("subject", ""), "Выполнить замер"))
      << outbox.dump();
  // The second step, a day after the due time, gave the task to the manager.
  json tasks = TasksOf(id);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0]["roles"], json::array({"manager"}));
  json shown = Show(id);
  std::vector<std::string> what;
  for (const auto& e : shown["escalations"])
    what.push_back(e.value("what", ""));
  EXPECT_EQ(what, (std::vector<std::string>{"overdue", "notified manager",
                                            "reassigned to manager"}))
      << shown.dump();
  EXPECT_TRUE(shown["deadlines"].empty()) << shown.dump();
}

TEST_F(BpmnctlDb, CalendarsAreStoredAndAnUnknownOneIsAWarningAtDeploy) {
  const std::string calendar =
      std::string(BPMN_SAMPLES_DIR) + "/calendars/ru-5x8.yaml";
  fs::path file = dir_ / "named.bpmn";
  WriteFile(file, Replace(kOverdueBpmn,
                          R"(<camunda:property name="escalation.template")",
                          R"(<camunda:property name="calendar" value="ru-5x8" />
        <camunda:property name="escalation.template")"));
  // Deployed, with a warning: until the calendar is added, due dates count
  // the default calendar (or plain time).
  json first = Json({"deploy", file.string()});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(first[0]["warnings"].size(), 1u) << first.dump();
  EXPECT_TRUE(Contains(first[0]["warnings"][0].get<std::string>(), "ru-5x8"));
  json added = Json({"calendars", "add", calendar, "--default"});
  EXPECT_EQ(added["calendar"], "ru-5x8");
  json listed = Json({"calendars", "list"});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["name"], "ru-5x8");
  EXPECT_EQ(listed[0]["default"], true);
  // Replacing its text without --default keeps it the default.
  Json({"calendars", "add", calendar});
  json again = Json({"calendars", "list"});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["default"], true);
  WriteFile(dir_ / "broken.yaml", "zone: UTC\nweek: { mon: \"9-18\" }\n");
  Refused({"calendars", "add", (dir_ / "broken.yaml").string()}, 2,
          "invalid_argument", "line 2");
}

}  // namespace

namespace {

TEST_F(BpmnctlDb, TheDocumentsWorkerWritesTheInvoiceFromItsTemplate) {
  Deploy(std::string(BPMN_SAMPLES_DIR) + "/invoice.bpmn");
  std::int64_t id = Start("invoice", "", "DEAL-9");
  ASSERT_NE(id, 0);
  std::int64_t task = OnlyTask(id, "Task_issueInvoice");
  Json(
      {"complete", std::to_string(task), "--by", "c", "--vars",
       R"({"invoiceNumber": "INV-9", "client": "ООО Ромашка", "amount": 125000})"});
  const fs::path out = dir_ / "docs";
  json done = Json({"documents", "--dir", out.string()});
  ASSERT_EQ(done.size(), 1u) << done.dump();
  const std::string file = done[0].value("file", "");
  EXPECT_EQ(fs::path(file).filename(), "invoice-INV-9.txt");
  EXPECT_EQ(ReadFile(file),
            "СЧЁТ № INV-9\nКлиент: ООО Ромашка\nСумма к оплате: 125000 "
            "руб.\nОснование: сделка DEAL-9\n");
  json shown = Show(id);
  EXPECT_EQ(shown["variables"]["invoiceFile"], file);
  EXPECT_EQ(shown["waiting"], json::array({"Task_waitPayment"}));
  // Nothing left to generate.
  EXPECT_TRUE(Json({"documents", "--dir", out.string()}).empty());
}

TEST_F(BpmnctlDb, ADocumentJobWithoutATemplateThrowsItsError) {
  Deploy(kW1);
  std::int64_t id = Start("w1");
  const std::string type = Json({"jobs"})[0].value("type", "");
  json done =
      Json({"documents", "--type", type, "--dir", (dir_ / "docs").string()});
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["error"], "TEMPLATE_NOT_FOUND");
  // Nothing in W1 catches it: an incident on the instance.
  EXPECT_EQ(InstanceIds("incident"), std::set<std::int64_t>{id});
}

}  // namespace
