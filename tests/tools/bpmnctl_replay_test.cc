// `bpmnctl replay` as a user runs it: the real binary in child processes on a
// real SQLite file, with deals recorded through the other verbs (real clock),
// replayed on their own diagram (exit 0) and on a changed one (exit 1), and
// written out as scenarios that `bpmnctl test` passes, or fails for the
// changed diagram. Single-threaded.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tools/bpmnctl_process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace bpmnctl_test;  // NOLINT: the CLI test vocabulary

const std::string kDeal =
    std::string(BPMN_SAMPLES_DIR) + "/deal_by_stages.bpmn";

class BpmnctlReplay : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (fs::temp_directory_path() / "bpmnctl-replay-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = (dir_ / "deals.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // bpmnctl ARGS (no --db added).
  Output Run(const Args& args) const { return RunIn(dir_, args); }

  // bpmnctl ARGS --db DB.
  Output Ctl(Args args) const {
    args.insert(args.end(), {"--db", db_});
    return Run(args);
  }

  json Json(Args args, int exit_code = 0) const {
    args.push_back("--json");
    Output r = Ctl(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    return json::parse(r.out, nullptr, false);
  }

  // The only open task of an instance, which must be at `element`.
  std::int64_t OnlyTask(std::int64_t instance, const std::string& element) {
    json tasks = Json({"tasks", "--instance", std::to_string(instance)});
    EXPECT_EQ(tasks.size(), 1u) << tasks.dump();
    if (tasks.size() != 1) return 0;
    EXPECT_EQ(tasks[0].value("element_id", ""), element);
    return tasks[0].value("id", std::int64_t{0});
  }

  void Complete(std::int64_t instance, const std::string& element,
                const std::string& user, const std::string& vars) {
    std::int64_t task = OnlyTask(instance, element);
    Output r =
        Ctl({"complete", std::to_string(task), "--by", user, "--vars", vars});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  // Two deals through the verbs: the first needs a measurement and waits at
  // the estimate; the second needs none and waits at the agreement.
  void RecordDeals() {
    ASSERT_EQ(Ctl({"deploy", kDeal}).exit_code, 0);
    measured_ = Json({"start", "deal_by_stages", "--business-key", "DEAL-1"})
                    .value("id", std::int64_t{0});
    plain_ = Json({"start", "deal_by_stages", "--business-key", "DEAL-2"})
                 .value("id", std::int64_t{0});
    ASSERT_NE(measured_, 0);
    ASSERT_NE(plain_, 0);
    Complete(
        measured_, "Task_accept", "anna",
        R"({"client": "ООО Ромашка", "phone": "+7 495", "amount": 250000})");
    Complete(measured_, "Task_process", "oleg",
             R"({"needMeasure": true, "address": "Москва"})");
    Complete(measured_, "Task_measure", "ivan",
             R"({"measurements": "3 x 4 м"})");
    Complete(plain_, "Task_accept", "anna",
             R"({"client": "ИП Петров", "phone": "+7 900", "amount": 0.5})");
    Complete(plain_, "Task_process", "oleg", R"({"needMeasure": false})");
    Complete(plain_, "Task_estimate", "petr", R"({"price": 95000})");
  }

  // deal_by_stages with the measuring decision flipped, in the test folder.
  std::string Flipped() {
    std::string xml = ReadFile(kDeal);
    auto at = xml.find("${needMeasure}");
    EXPECT_NE(at, std::string::npos);
    xml.replace(at, std::string("${needMeasure}").size(), "${!needMeasure}");
    fs::path file = dir_ / "flipped.bpmn";
    WriteFile(file, xml);
    return file.string();
  }

  fs::path dir_;
  std::string db_;
  std::int64_t measured_ = 0, plain_ = 0;
};

TEST_F(BpmnctlReplay, RecordedDealsReplayTheSameOnTheirVersion) {
  RecordDeals();
  Output r = Ctl({"replay"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, std::to_string(measured_) +
                                  "  deal_by_stages v1  DEAL-1  same (active"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "2 replayed: 2 same, 0 diverge")) << r.out;

  json j = Json({"replay", "--key", "deal_by_stages", "--version", "1"});
  ASSERT_TRUE(j.is_object()) << j.dump();
  EXPECT_EQ(j["replayed"], 2);
  EXPECT_EQ(j["same"], 2);
  ASSERT_EQ(j["instances"].size(), 2u);
  const json& first = j["instances"][0];
  EXPECT_EQ(first["id"], measured_);
  EXPECT_TRUE(first["same"].get<bool>());
  EXPECT_EQ(first["inputs"], 3);
  EXPECT_EQ(first["recorded"]["waiting"], json({"Task_estimate"}));
  EXPECT_EQ(first["replayed"]["path"], first["recorded"]["path"]);
  EXPECT_TRUE(first["diverges"].is_null());
}

TEST_F(BpmnctlReplay, FlippedDecisionDivergesAndExitsOne) {
  RecordDeals();
  std::string flipped = Flipped();
  Output r = Ctl({"replay", "--diagram", flipped});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out,
                       "recorded Task_measure, replayed "
                       "Gateway_measureMerge"))
      << r.out;
  EXPECT_TRUE(Contains(r.out,
                       "recorded Gateway_measureMerge, the replay waits at "
                       "[Task_measure]"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "2 replayed: 0 same, 2 diverge")) << r.out;

  json j = Json(
      {"replay", "--diagram", flipped, "--instance", std::to_string(measured_)},
      1);
  ASSERT_TRUE(j.is_object()) << j.dump();
  ASSERT_EQ(j["instances"].size(), 1u);
  const json& d = j["instances"][0];
  EXPECT_FALSE(d["same"].get<bool>());
  EXPECT_EQ(d["diverges"]["recorded"], "Task_measure");
  EXPECT_EQ(d["failed_input"]["element_id"], "Task_measure");
  EXPECT_EQ(d["failed_input"]["kind"], "complete");
  EXPECT_EQ(d["failed_input"]["input"], 3);
}

TEST_F(BpmnctlReplay, UnknownInstancesAndBadOptionsAreRefused) {
  RecordDeals();
  json missing = Json({"replay", "--instance", "9999"}, 1);
  EXPECT_EQ(missing.value("error", ""), "not_found") << missing.dump();
  json key = Json({"replay", "--key", "no_such_process"}, 1);
  EXPECT_EQ(key.value("error", ""), "not_found") << key.dump();
  EXPECT_EQ(Ctl({"replay", "--version", "1"}).exit_code, 2);
  EXPECT_EQ(
      Ctl({"replay", "--diagram", (dir_ / "none.bpmn").string()}).exit_code, 2);
  EXPECT_EQ(Ctl({"replay", "--to-scenario", "x.scenario.yaml"}).exit_code, 2);
  EXPECT_EQ(Ctl({"replay", "--bogus"}).exit_code, 2);
}

TEST_F(BpmnctlReplay, WrittenScenarioPassesAndFailsForTheChangedDiagram) {
  RecordDeals();
  fs::create_directories(dir_ / "same");
  std::string scenario = (dir_ / "same" / "deal.scenario.yaml").string();
  Output w = Ctl({"replay", "--instance", std::to_string(measured_),
                  "--to-scenario", scenario});
  ASSERT_EQ(w.exit_code, 0) << w.out << w.err;
  EXPECT_TRUE(fs::exists(dir_ / "same" / "deal_by_stages.v1.bpmn"));
  EXPECT_EQ(ReadFile(dir_ / "same" / "deal_by_stages.v1.bpmn"),
            ReadFile(kDeal));
  std::string text = ReadFile(scenario);
  EXPECT_TRUE(Contains(text, "diagram: \"deal_by_stages.v1.bpmn\"")) << text;
  EXPECT_TRUE(Contains(text, "business_key: \"DEAL-1\"")) << text;
  EXPECT_TRUE(Contains(text, "\"client\": \"ООО Ромашка\"")) << text;
  EXPECT_TRUE(Contains(text, "- complete: Task_measure")) << text;
  EXPECT_TRUE(Contains(text, "state: active")) << text;
  Output pass = Run({"test", (dir_ / "same").string()});
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err << text;
  EXPECT_TRUE(Contains(pass.out, "1 passed, 0 failed")) << pass.out;

  // A scenario that cannot be written leaves nothing beside it: here its
  // path is a folder.
  fs::create_directories(dir_ / "blocked" / "deal.scenario.yaml");
  Output blocked =
      Ctl({"replay", "--instance", std::to_string(measured_), "--to-scenario",
           (dir_ / "blocked" / "deal.scenario.yaml").string()});
  EXPECT_EQ(blocked.exit_code, 1) << blocked.out << blocked.err;
  EXPECT_FALSE(fs::exists(dir_ / "blocked" / "deal_by_stages.v1.bpmn"));

  fs::create_directories(dir_ / "changed");
  std::string changed = (dir_ / "changed" / "deal.scenario.yaml").string();
  Output c = Ctl({"replay", "--instance", std::to_string(measured_),
                  "--to-scenario", changed, "--diagram", Flipped()});
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_TRUE(Contains(ReadFile(changed), "diagram: \"../flipped.bpmn\""))
      << ReadFile(changed);
  Output fail = Run({"test", changed});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_TRUE(Contains(fail.out, "FAIL")) << fail.out;

  // Another diagram of the same name beside it is not overwritten.
  WriteFile(dir_ / "same" / "deal_by_stages.v1.bpmn", "<other/>");
  json refused = Json({"replay", "--instance", std::to_string(measured_),
                       "--to-scenario", scenario},
                      1);
  EXPECT_EQ(refused.value("error", ""), "conflict") << refused.dump();
}

}  // namespace
