// The manager's report as a manager reads it: instances driven through the
// durable engine on a real SQLite file with a simulated clock, then the
// report's counts and times checked against what happened; the same figures
// from stored summaries and from histories; filters; and `bpmnctl report`
// run as a user runs it (aligned Cyrillic table, --json, --csv, --svg).
#include "report/stage_report.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "facade/engine.h"
#include "model/iso8601.h"
#include "persistence/sqlite_store.h"
#include "report/report_output.h"
#include "report/text_table.h"
#include "tools/bpmnctl_process.h"

namespace {

namespace fs = std::filesystem;
using bpmn::ManualClock;
using bpmn::TimePoint;
using bpmn::engine::Engine;
using bpmn::persistence::SqliteStore;
using bpmn::report::BuildReport;
using bpmn::report::NodeStats;
using bpmn::report::ProcessReport;
using bpmn::report::Report;
using bpmn::report::ReportFilter;
using bpmn::runtime::Id;
using bpmn::runtime::Variables;
using std::chrono::hours;
using std::chrono::minutes;

// Two lanes (roles): the secretary accepts a request, big ones go to the
// manager, whose task is due in an hour.
const char kRequestBpmn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="defs" targetNamespace="urn:report-test">
  <collaboration id="collab">
    <participant id="pool" name="Заявки" processRef="request"/>
  </collaboration>
  <process id="request" name="Заявка" isExecutable="true">
    <laneSet id="lanes">
      <lane id="lane_secretary" name="Секретарь">
        <flowNodeRef>start</flowNodeRef><flowNodeRef>accept</flowNodeRef>
        <flowNodeRef>big</flowNodeRef><flowNodeRef>end</flowNodeRef>
      </lane>
      <lane id="lane_manager" name="Руководитель">
        <flowNodeRef>check</flowNodeRef>
      </lane>
    </laneSet>
    <startEvent id="start"/>
    <userTask id="accept" name="Принять заявку"/>
    <exclusiveGateway id="big" name="Крупная?" default="small_flow"/>
    <userTask id="check" name="Проверить заявку" camunda:dueDate="PT1H"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="accept"/>
    <sequenceFlow id="f2" sourceRef="accept" targetRef="big"/>
    <sequenceFlow id="big_flow" name="да" sourceRef="big" targetRef="check">
      <conditionExpression>${amount &gt; 100000}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="small_flow" name="нет" sourceRef="big" targetRef="end"/>
    <sequenceFlow id="f5" sourceRef="check" targetRef="end"/>
  </process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="collab">
      <bpmndi:BPMNShape id="pool_di" bpmnElement="pool"><dc:Bounds x="100" y="50" width="700" height="300"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="ls_di" bpmnElement="lane_secretary"><dc:Bounds x="130" y="50" width="670" height="150"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="lm_di" bpmnElement="lane_manager"><dc:Bounds x="130" y="200" width="670" height="150"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="107" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="accept_di" bpmnElement="accept"><dc:Bounds x="270" y="85" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="big_di" bpmnElement="big"><dc:Bounds x="420" y="100" width="50" height="50"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="check_di" bpmnElement="check"><dc:Bounds x="520" y="235" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="692" y="107" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="216" y="125"/><di:waypoint x="270" y="125"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="370" y="125"/><di:waypoint x="420" y="125"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="big_di_e" bpmnElement="big_flow"><di:waypoint x="445" y="150"/><di:waypoint x="445" y="275"/><di:waypoint x="520" y="275"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="small_di" bpmnElement="small_flow"><di:waypoint x="470" y="125"/><di:waypoint x="692" y="125"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f5_di" bpmnElement="f5"><di:waypoint x="620" y="275"/><di:waypoint x="710" y="275"/><di:waypoint x="710" y="143"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>
)";

TimePoint At(const char* iso) { return *bpmn::model::ParseIsoDateTime(iso); }

Variables Amount(int amount) {
  return {{"amount", bpmn::expr::Value(bpmn::expr::Decimal(amount))}};
}

class StageReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("report-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "report.db").string();
    Open();
    ASSERT_TRUE(engine_->Deploy("request.bpmn", kRequestBpmn));
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    engine_.reset();
    store_ = std::move(*SqliteStore::Open(db_));
    engine_ = std::move(*Engine::Open(*store_, clock_));
  }
  Id OpenTask(Id instance, const std::string& element) {
    auto tasks = store_->Tasks({"", "", instance});
    for (const auto& t : *tasks)
      if (t.element_id == element) return t.id;
    ADD_FAILURE() << "no open task " << element << " in " << instance;
    return 0;
  }
  void Step(TimePoint t) {
    clock_.Set(t);
    ASSERT_TRUE(engine_->FireDue());
  }

  // A: big, claimed after 10 min, accepted after 1 h, checked 2 h later
  // (overdue). B: small, accepted after 30 min, never claimed. C: still
  // waiting to be accepted since 10:00.
  void DriveThree() {
    Step(At("2026-03-02T09:00:00Z"));
    a_ = *engine_->Start("request", Amount(200000), "REQ-1");
    b_ = *engine_->Start("request", Amount(5000), "REQ-2");
    Step(At("2026-03-02T09:10:00Z"));
    ASSERT_TRUE(engine_->ClaimTask(OpenTask(a_, "accept"), "anna"));
    Step(At("2026-03-02T09:30:00Z"));
    ASSERT_TRUE(engine_->CompleteTask(OpenTask(b_, "accept"), "anna", {}));
    Step(At("2026-03-02T10:00:00Z"));
    ASSERT_TRUE(engine_->CompleteTask(OpenTask(a_, "accept"), "anna", {}));
    c_ = *engine_->Start("request", Amount(300000), "OTHER-3");
    Step(At("2026-03-02T11:30:00Z"));  // check is due at 11:00: overdue
    Step(At("2026-03-02T12:00:00Z"));
    ASSERT_TRUE(engine_->CompleteTask(OpenTask(a_, "check"), "oleg", {}));
  }

  static const NodeStats& Node(const ProcessReport& p, const std::string& id) {
    for (const auto& n : p.nodes)
      if (n.element_id == id) return n;
    throw std::runtime_error("no node " + id + " in the report");
  }
  Report Build(ReportFilter filter = {}) {
    auto report = BuildReport(*engine_, filter, At("2026-03-02T13:00:00Z"));
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : Report{};
  }

  fs::path dir_;
  std::string db_;
  ManualClock clock_{At("2026-03-02T08:00:00Z")};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Engine> engine_;
  Id a_ = 0, b_ = 0, c_ = 0;
};

constexpr std::int64_t kMinute = 60'000;

TEST_F(StageReportTest, CountsAndTimesPerNodeRoleAndFlow) {
  DriveThree();
  Report r = Build();
  ASSERT_EQ(r.processes.size(), 1u);
  const ProcessReport& p = r.processes[0];
  EXPECT_EQ(p.key, "request");
  EXPECT_EQ(p.finished, 2);
  EXPECT_EQ(p.active, 1);
  const NodeStats& accept = Node(p, "accept");
  EXPECT_EQ(accept.name, "Принять заявку");
  EXPECT_EQ(accept.role, "секретарь");
  EXPECT_EQ(accept.passed, 2);
  EXPECT_EQ(accept.waiting, 1);
  EXPECT_DOUBLE_EQ(accept.time.mean_ms, 45 * kMinute);
  EXPECT_EQ(accept.time.median_ms, 30 * kMinute);
  EXPECT_EQ(accept.time.p90_ms, 60 * kMinute);
  EXPECT_EQ(accept.time.max_ms, 60 * kMinute);
  // A waited 10 min for a claim and worked 50; B was completed unclaimed.
  EXPECT_DOUBLE_EQ(accept.claim_wait.mean_ms, 20 * kMinute);
  EXPECT_DOUBLE_EQ(accept.work.mean_ms, 25 * kMinute);
  // 1 h + 30 min passed, and C waiting since 10:00 until 13:00.
  EXPECT_EQ(accept.total_ms, (90 + 180) * kMinute);
  const NodeStats& check = Node(p, "check");
  EXPECT_EQ(check.passed, 1);
  EXPECT_EQ(check.waiting, 0);
  EXPECT_EQ(check.time.max_ms, 120 * kMinute);
  EXPECT_EQ(check.overdue, 1);
  EXPECT_DOUBLE_EQ(check.overdue_share, 1.0);
  EXPECT_EQ(accept.overdue, 0);
  for (const auto& f : p.flows) {
    if (f.element_id == "big_flow" || f.element_id == "small_flow") {
      EXPECT_EQ(f.taken, 1) << f.element_id;
    }
    if (f.element_id == "f1") {
      EXPECT_EQ(f.taken, 3);
    }
  }
  ASSERT_GE(p.bottlenecks.size(), 2u);
  EXPECT_EQ(p.nodes[p.bottlenecks[0]].element_id, "accept");
  EXPECT_EQ(p.nodes[p.bottlenecks[1]].element_id, "check");
  ASSERT_EQ(p.roles.size(), 2u);
  EXPECT_EQ(p.roles[0].role, "секретарь");
  EXPECT_EQ(p.roles[0].passed, 2);
  EXPECT_EQ(p.roles[0].waiting, 1);
  EXPECT_EQ(p.roles[1].role, "руководитель");
  EXPECT_EQ(p.roles[1].overdue, 1);
}

TEST_F(StageReportTest, FinishedInstancesLeaveASummaryThatEqualsTheirHistory) {
  DriveThree();
  auto summaries = store_->Summaries("request");
  ASSERT_TRUE(summaries);
  ASSERT_EQ(summaries->size(), 2u);
  EXPECT_EQ((*summaries)[0].instance, a_);
  EXPECT_EQ((*summaries)[1].instance, b_);
  EXPECT_TRUE(store_->FinishedWithoutSummary()->empty());
  const std::string before = bpmn::report::ReportCsv(Build());
  // A database written before summaries were kept: the report reads the
  // histories instead and must say the same.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "DELETE FROM summaries", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  Open();
  EXPECT_EQ(store_->FinishedWithoutSummary()->size(), 2u);
  EXPECT_EQ(bpmn::report::ReportCsv(Build()), before);
}

TEST_F(StageReportTest, FiltersByVariablesBusinessKeyAndStartTime) {
  DriveThree();
  ReportFilter big;
  big.where = {"amount > 100000"};
  const ProcessReport p = Build(big).processes.at(0);
  EXPECT_EQ(p.finished + p.active, 2);  // A and C
  EXPECT_EQ(Node(p, "accept").passed, 1);
  EXPECT_EQ(Node(p, "accept").waiting, 1);

  ReportFilter prefix;
  prefix.business_key_prefix = "REQ-";
  const ProcessReport q = Build(prefix).processes.at(0);
  EXPECT_EQ(q.finished, 2);
  EXPECT_EQ(q.active, 0);

  ReportFilter late;
  late.started_from = At("2026-03-02T09:30:00Z");
  const ProcessReport l = Build(late).processes.at(0);
  EXPECT_EQ(l.finished, 0);
  EXPECT_EQ(l.active, 1);

  ReportFilter none;
  none.where = {"amount > 1000000"};
  EXPECT_TRUE(Build(none).processes.empty());

  none.key = "request";  // named: reported, with nothing in it
  const ProcessReport empty = Build(none).processes.at(0);
  EXPECT_EQ(empty.finished + empty.active, 0);
  EXPECT_TRUE(empty.nodes.empty());
  EXPECT_EQ(empty.flows.size(), 5u);

  ReportFilter bad;
  bad.where = {"amount >"};
  auto refused = BuildReport(*engine_, bad, clock_.Now());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, bpmn::ErrorCode::kExpression);
  ReportFilter unknown;
  unknown.key = "nope";
  auto missing = BuildReport(*engine_, unknown, clock_.Now());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, bpmn::ErrorCode::kNotFound);
}

// Three reviewers in parallel: one stage, passed once, as long as the last.
const char kReviewBpmn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="review_defs" targetNamespace="urn:report-test">
  <process id="review" isExecutable="true">
    <startEvent id="start"/>
    <userTask id="read" name="Прочитать">
      <multiInstanceLoopCharacteristics isSequential="false">
        <loopCardinality>3</loopCardinality>
      </multiInstanceLoopCharacteristics>
    </userTask>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="read"/>
    <sequenceFlow id="f2" sourceRef="read" targetRef="end"/>
  </process>
</definitions>
)";

TEST_F(StageReportTest, AMultiInstanceTaskIsOneStage) {
  ASSERT_TRUE(engine_->Deploy("review.bpmn", kReviewBpmn));
  Step(At("2026-03-02T09:00:00Z"));
  Id id = *engine_->Start("review", {});
  for (const char* at : {"2026-03-02T09:20:00Z", "2026-03-02T09:40:00Z",
                         "2026-03-02T10:30:00Z"}) {
    Step(At(at));
    ASSERT_TRUE(engine_->CompleteTask(OpenTask(id, "read"), "anna", {}));
  }
  ReportFilter filter;
  filter.key = "review";
  const ProcessReport p = Build(filter).processes.at(0);
  const NodeStats& read = Node(p, "read");
  EXPECT_EQ(read.passed, 1);
  EXPECT_EQ(read.waiting, 0);
  EXPECT_EQ(read.time.max_ms, 90 * kMinute);
  EXPECT_EQ(Node(p, "end").passed, 1);
}

// A task with input/output mappings runs inside a scope of its own, and a
// sub-process holds its tasks' time: one visit each, and only the task is a
// bottleneck (the sub-process's time is its content's).
const char kMappedBpmn[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="mapped_defs" targetNamespace="urn:report-test">
  <process id="mapped" isExecutable="true">
    <startEvent id="start"/>
    <subProcess id="stage">
      <startEvent id="inner_start"/>
      <userTask id="write" name="Написать">
        <extensionElements>
          <camunda:inputOutput>
            <camunda:inputParameter name="draft">${1}</camunda:inputParameter>
            <camunda:outputParameter name="written">${draft}</camunda:outputParameter>
          </camunda:inputOutput>
        </extensionElements>
      </userTask>
      <endEvent id="inner_end"/>
      <sequenceFlow id="i1" sourceRef="inner_start" targetRef="write"/>
      <sequenceFlow id="i2" sourceRef="write" targetRef="inner_end"/>
    </subProcess>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="stage"/>
    <sequenceFlow id="f2" sourceRef="stage" targetRef="end"/>
  </process>
</definitions>
)";

TEST_F(StageReportTest, MappedTasksAndSubProcessesAreOneVisitEach) {
  ASSERT_TRUE(engine_->Deploy("mapped.bpmn", kMappedBpmn));
  Step(At("2026-03-02T09:00:00Z"));
  Id id = *engine_->Start("mapped", {});
  Step(At("2026-03-02T09:05:00Z"));
  ASSERT_TRUE(engine_->ClaimTask(OpenTask(id, "write"), "anna"));
  Step(At("2026-03-02T09:20:00Z"));
  ASSERT_TRUE(engine_->CompleteTask(OpenTask(id, "write"), "anna", {}));
  ReportFilter filter;
  filter.key = "mapped";
  const ProcessReport p = Build(filter).processes.at(0);
  const NodeStats& write = Node(p, "write");
  EXPECT_EQ(write.passed, 1);
  EXPECT_EQ(write.time.max_ms, 20 * kMinute);
  EXPECT_DOUBLE_EQ(write.claim_wait.mean_ms, 5 * kMinute);
  EXPECT_DOUBLE_EQ(write.work.mean_ms, 15 * kMinute);
  EXPECT_EQ(Node(p, "stage").passed, 1);
  EXPECT_EQ(Node(p, "stage").time.max_ms, 20 * kMinute);
  ASSERT_EQ(p.bottlenecks.size(), 1u);
  EXPECT_EQ(p.nodes[p.bottlenecks[0]].element_id, "write");
}

// An instance moved to a version whose elements sit at other positions: its
// visits before the move keep their own elements.
TEST_F(StageReportTest, AMigratedInstanceCountsEachVersionsElements) {
  Step(At("2026-03-02T09:00:00Z"));
  Id id = *engine_->Start("request", Amount(200000), "REQ-9");
  std::string v2 = kRequestBpmn;
  const std::string start = "<startEvent id=\"start\"/>";
  v2.replace(v2.find(start), start.size(),
             "<userTask id=\"approve\" name=\"Утвердить\"/>" + start);
  const std::string last = "sourceRef=\"check\" targetRef=\"end\"";
  v2.replace(v2.find(last), last.size(),
             "sourceRef=\"check\" targetRef=\"approve\"/><sequenceFlow "
             "id=\"f6\" sourceRef=\"approve\" targetRef=\"end\"");
  auto deployed = engine_->Deploy("request-v2.bpmn", v2);
  ASSERT_TRUE(deployed) << deployed.error().message;
  auto moved = engine_->Migrate("request", 1, 2, {});
  ASSERT_TRUE(moved) << moved.error().message;
  ASSERT_EQ(moved->size(), 1u);
  ASSERT_TRUE(moved->front().moved) << moved->front().refusal.message;
  for (const char* task : {"accept", "check", "approve"}) {
    Step(clock_.Now() + minutes(30));
    ASSERT_TRUE(engine_->CompleteTask(OpenTask(id, task), "anna", {}));
  }
  const ProcessReport p = Build().processes.at(0);
  EXPECT_EQ(p.versions, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(Node(p, "start").passed, 1);
  EXPECT_EQ(Node(p, "accept").passed, 1);
  EXPECT_EQ(Node(p, "accept").time.max_ms, 30 * kMinute);
  EXPECT_EQ(Node(p, "approve").passed, 1);
  for (const auto& f : p.flows) {
    if (f.element_id == "f1" || f.element_id == "f6") {
      EXPECT_EQ(f.taken, 1) << f.element_id;
    }
  }
}

TEST(TextTableTest, CyrillicCellsLineUp) {
  EXPECT_EQ(bpmn::report::DisplayWidth("Принять"), 7u);
  EXPECT_EQ(bpmn::report::DisplayWidth("ab"), 2u);
  bpmn::report::TextTable t({"Name", ">N"});
  t.AddRow({"Принять заявку", "12"});
  t.AddRow({"ok", "3"});
  std::istringstream lines(t.Render());
  std::string line;
  std::vector<std::size_t> ends;
  while (std::getline(lines, line))
    ends.push_back(bpmn::report::DisplayWidth(line));
  ASSERT_EQ(ends.size(), 4u);
  for (auto e : ends) EXPECT_EQ(e, ends[0]);  // right-aligned last column
}

// ---- the command line

// bpmnctl report ARGS on the test's database at 13:00.
bpmnctl_test::Output Report(const std::string& dir, const std::string& db,
                            bpmnctl_test::Args args) {
  args.insert(args.begin(), "report");
  args.insert(args.end(), {"--db", db, "--now", "2026-03-02T13:00:00Z"});
  return bpmnctl_test::RunIn(dir, args);
}

TEST_F(StageReportTest, CommandLinePrintsAlignedTableJsonCsvAndSvg) {
  DriveThree();
  engine_.reset();
  store_.reset();
  auto text = Report(dir_, db_, {"request"});
  ASSERT_EQ(text.exit_code, 0) << text.out;
  // The header's "Passed" ends where each row's count ends, Cyrillic names
  // and roles before it notwithstanding.
  std::istringstream lines(text.out);
  std::string line, header;
  std::vector<std::string> rows;
  while (std::getline(lines, line)) {
    if (line.starts_with("Element")) header = line;
    if (line.starts_with("accept ") || line.starts_with("check ")) {
      rows.push_back(line);
    }
  }
  ASSERT_FALSE(header.empty()) << text.out;
  ASSERT_EQ(rows.size(), 2u) << text.out;
  const auto col =
      bpmn::report::DisplayWidth(header.substr(0, header.find("Passed") + 6));
  for (const auto& row : rows) {
    // Cut the row at the same display column: it ends in the count.
    std::size_t bytes = 0, width = 0;
    while (width < col && bytes < row.size()) {
      const auto b = static_cast<unsigned char>(row[bytes]);
      bytes += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      ++width;
    }
    const std::string head = row.substr(0, bytes);
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(head.back())))
        << "'" << head << "' in\n"
        << text.out;
    EXPECT_EQ(row.size() > bytes ? row[bytes] : ' ', ' ') << row;
  }
  EXPECT_NE(text.out.find("Where the time goes"), std::string::npos);

  auto json = Report(dir_, db_, {"request", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto j = nlohmann::json::parse(json.out);
  const auto& p = j["processes"][0];
  EXPECT_EQ(p["bottlenecks"][0]["element_id"], "accept");
  bool seen = false;
  for (const auto& n : p["nodes"]) {
    if (n["element_id"] != "accept") continue;
    seen = true;
    EXPECT_EQ(n["passed"], 2);
    EXPECT_EQ(n["time"]["mean_ms"], 45 * kMinute);
  }
  EXPECT_TRUE(seen);

  auto csv =
      Report(dir_, db_, {"request", "--csv", "--where", "amount > 100000"});
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  EXPECT_TRUE(csv.out.starts_with("row,key,element_id,"));
  EXPECT_NE(csv.out.find("node,request,accept,Принять заявку,секретарь,1,1,"),
            std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find("flow,request,big_flow,да,,,,,,,,,,,,,,1"),
            std::string::npos)
      << csv.out;

  const std::string svg_path = (dir_ / "heat.svg").string();
  auto svg = Report(dir_, db_, {"request", "--svg", svg_path});
  ASSERT_EQ(svg.exit_code, 0) << svg.out;
  std::ifstream in(svg_path);
  std::stringstream content;
  content << in.rdbuf();
  const std::string s = content.str();
  EXPECT_TRUE(s.find("<svg") != std::string::npos);
  EXPECT_NE(s.find("Принять заявку"), std::string::npos);
  EXPECT_NE(s.find("2 passed, 1 waiting"), std::string::npos);
  // Well-formed XML with a shape per flow node of the layout.
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(s.c_str())) << s;
  EXPECT_EQ(doc.select_nodes("//circle").size(), 2u);   // start, end
  EXPECT_EQ(doc.select_nodes("//polygon").size(), 1u);  // the gateway
  EXPECT_EQ(doc.select_nodes("//polyline").size(), 5u);
  EXPECT_EQ(s.find("<script"), std::string::npos);
  EXPECT_EQ(s.find("href=\"http"), std::string::npos);  // self-contained

  auto bad = Report(dir_, db_, {"request", "--where", "amount >"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  auto usage = Report(dir_, db_, {"--version", "2"});
  EXPECT_EQ(usage.exit_code, 2) << usage.out;
}

}  // namespace
