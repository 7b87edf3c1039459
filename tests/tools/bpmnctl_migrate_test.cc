// `bpmnctl migrate` as a user runs it: the real binary in child processes on a
// real SQLite file in a fresh temporary folder per test. Two versions of one
// process (a task renamed and mapped with --map, a task removed, a task
// added); exit codes, the per-instance report, versions in `instances`, the
// moved instances finishing along version 2, `history` naming elements of the
// right version on both sides of the migration, and a dry run.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tools/bpmnctl_process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace bpmnctl_test;  // NOLINT: the CLI test vocabulary

// start -> user tasks ... -> end of process `order`.
std::string OrderBpmn(const std::vector<std::string>& tasks) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
      "id=\"d\" targetNamespace=\"urn:migrate\">"
      "<process id=\"order\" isExecutable=\"true\"><startEvent id=\"s\"/>"
      "<endEvent id=\"e\"/>";
  std::vector<std::string> ids = {"s"};
  for (const auto& t : tasks) {
    xml += "<userTask id=\"" + t + "\"/>";
    ids.push_back(t);
  }
  ids.push_back("e");
  for (std::size_t i = 0; i + 1 < ids.size(); ++i)
    xml += "<sequenceFlow id=\"f_" + ids[i] + "\" sourceRef=\"" + ids[i] +
           "\" targetRef=\"" + ids[i + 1] + "\"/>";
  return xml + "</process></definitions>\n";
}

class BpmnctlMigrate : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (fs::temp_directory_path() / "bpmnctl-migrate-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = (dir_ / "test.db").string();
    Write("v1.bpmn", OrderBpmn({"review", "check", "legacy", "pack"}));
    Write("v2.bpmn", OrderBpmn({"review", "verify", "pack", "ship"}));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

  // bpmnctl ARGS --db DB.
  Output Ctl(Args args) const {
    args.insert(args.end(), {"--db", db_});
    return RunIn(dir_, args);
  }

  // bpmnctl ARGS --json, expecting `exit_code`; the output parsed.
  json Json(Args args, int exit_code = 0) const {
    args.push_back("--json");
    Output r = Ctl(args);
    std::string described = "bpmnctl";
    for (const auto& a : args) described += " " + a;
    EXPECT_EQ(r.exit_code, exit_code) << described << "\n" << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << described << "\n" << r.out;
    return j;
  }

  std::int64_t Start() {
    return Json({"start", "order"}).value("id", std::int64_t{0});
  }

  // Completes the open task of `instance`, which must be at `element`.
  void Complete(std::int64_t instance, const std::string& element) {
    json tasks = Json({"tasks", "--instance", std::to_string(instance)});
    ASSERT_EQ(tasks.size(), 1u) << tasks.dump();
    ASSERT_EQ(tasks[0].value("element_id", ""), element) << tasks.dump();
    Json({"complete", std::to_string(tasks[0].value("id", 0)), "--by", "u"});
  }

  // Versions and states by instance id.
  std::map<std::int64_t, std::pair<std::int64_t, std::string>> Instances() {
    std::map<std::int64_t, std::pair<std::int64_t, std::string>> out;
    for (const auto& i : Json({"instances"}))
      out[i.value("id", std::int64_t{0})] = {i.value("version", 0),
                                             i.value("state", "")};
    return out;
  }

  // Element ids of the history events of `type`.
  std::vector<std::string> HistoryElements(std::int64_t id,
                                           const std::string& type) {
    std::vector<std::string> out;
    for (const auto& e : Json({"history", std::to_string(id)}))
      if (e.value("type", "") == type) out.push_back(e.value("element_id", ""));
    return out;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(BpmnctlMigrate, MovesWhatItCanAndSaysWhyNotForTheRest) {
  Json({"deploy", "v1.bpmn"});
  const std::int64_t at_review = Start();
  const std::int64_t at_check = Start();
  Complete(at_check, "review");
  const std::int64_t at_legacy = Start();
  Complete(at_legacy, "review");
  Complete(at_legacy, "check");
  Json({"deploy", "v2.bpmn"});

  json report = Json({"migrate", "--from", "order:1", "--to", "order:2",
                      "--map", "check=verify"},
                     1);
  EXPECT_EQ(report.value("moved", -1), 2);
  EXPECT_EQ(report.value("refused", -1), 1);
  ASSERT_EQ(report["instances"].size(), 3u) << report.dump();
  const json& refused = report["instances"][2];
  EXPECT_EQ(refused.value("id", 0), at_legacy);
  EXPECT_EQ(refused.value("result", ""), "refused");
  EXPECT_EQ(refused.value("error", ""), "state");
  EXPECT_EQ(refused.value("element_id", ""), "legacy");
  EXPECT_NE(refused.value("message", "").find("no counterpart"),
            std::string::npos)
      << refused.dump();
  EXPECT_EQ(report["instances"][1].value("result", ""), "moved");
  EXPECT_EQ(report["instances"][1]["waiting"], json::array({"verify"}));

  // Again, in text: only the refused one is left on version 1.
  Output again = Ctl({"migrate", "--from", "order:1", "--to", "order:2",
                      "--map", "check=verify"});
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_NE(again.out.find("instance " + std::to_string(at_legacy) +
                           " refused (state): 'legacy' has no counterpart"),
            std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("0 moved, 1 refused"), std::string::npos)
      << again.out;

  auto versions = Instances();
  EXPECT_EQ(versions[at_review].first, 2);
  EXPECT_EQ(versions[at_check].first, 2);
  EXPECT_EQ(versions[at_legacy].first, 1);

  for (const char* e : {"review", "verify", "pack", "ship"})
    Complete(at_review, e);
  for (const char* e : {"verify", "pack", "ship"}) Complete(at_check, e);
  for (const char* e : {"legacy", "pack"}) Complete(at_legacy, e);
  versions = Instances();
  for (auto id : {at_review, at_check, at_legacy})
    EXPECT_EQ(versions[id].second, "completed") << id;

  // history: elements of version 1 before the migration, of 2 after it.
  EXPECT_EQ(HistoryElements(at_check, "task-created"),
            (std::vector<std::string>{"review", "check", "pack", "ship"}));
  EXPECT_EQ(HistoryElements(at_check, "task-closed"),
            (std::vector<std::string>{"review", "verify", "pack", "ship"}));
  json migrated;
  for (const auto& e : Json({"history", std::to_string(at_check)}))
    if (e.value("type", "") == "instance-migrated") migrated = e;
  EXPECT_EQ(migrated.value("from_version", 0), 1) << migrated.dump();
  EXPECT_EQ(migrated.value("to_version", 0), 2) << migrated.dump();
  Output text = Ctl({"history", std::to_string(at_check)});
  EXPECT_NE(text.out.find("instance-migrated  order v1 -> v2"),
            std::string::npos)
      << text.out;
}

TEST_F(BpmnctlMigrate, ADryRunChangesNothingAndAllMovedExitsZero) {
  Json({"deploy", "v1.bpmn"});
  const std::int64_t id = Start();
  Json({"deploy", "v2.bpmn"});
  json dry =
      Json({"migrate", "--from", "order:1", "--to", "order:2", "--dry-run"});
  EXPECT_EQ(dry.value("dry_run", false), true);
  EXPECT_EQ(dry.value("moved", -1), 1);
  EXPECT_EQ(Instances()[id].first, 1);
  Output moved = Ctl({"migrate", "--from", "order:1", "--to", "order:2"});
  EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_NE(moved.out.find("instance " + std::to_string(id) +
                           " moved to order v2, waits at review"),
            std::string::npos)
      << moved.out;
  EXPECT_NE(moved.out.find("1 moved, 0 refused"), std::string::npos)
      << moved.out;
  EXPECT_EQ(Instances()[id].first, 2);
  // Replay runs one version from the start: a moved instance is skipped
  // with the reason, not reported as diverging.
  json replayed = Json({"replay"});
  EXPECT_EQ(replayed.value("skipped", -1), 1) << replayed.dump();
  EXPECT_EQ(replayed.value("diverged", -1), 0) << replayed.dump();
  EXPECT_NE(replayed["instances"][0].value("skipped", "").find("migrated"),
            std::string::npos)
      << replayed.dump();
}

TEST_F(BpmnctlMigrate, UsageErrorsAndMissingVersions) {
  Json({"deploy", "v1.bpmn"});
  Start();
  Json({"deploy", "v2.bpmn"});
  for (const Args& bad : std::vector<Args>{
           {"--from", "order", "--to", "order:2"},
           {"--from", "order:1", "--to", "order:two"},
           {"--from", "order:1", "--to", "invoice:2"},
           {"--from", "order:1", "--to", "order:2", "--map", "check"}}) {
    Args args = {"migrate"};
    args.insert(args.end(), bad.begin(), bad.end());
    json j = Json(args, 2);
    EXPECT_EQ(j.value("error", ""), "invalid_argument") << j.dump();
  }
  json missing = Json({"migrate", "--from", "order:1", "--to", "order:9"}, 1);
  EXPECT_EQ(missing.value("error", ""), "not_found") << missing.dump();
  json element = Json({"migrate", "--from", "order:1", "--to", "order:2",
                       "--map", "check=nowhere"},
                      1);
  EXPECT_EQ(element.value("error", ""), "not_found") << element.dump();
  EXPECT_EQ(Instances().begin()->second.first, 1);
}

}  // namespace
