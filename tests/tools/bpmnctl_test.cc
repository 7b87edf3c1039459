// bpmnctl as a user runs it: the real binary in a child process, its output and
// exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct Run {
  int exit_code;
  std::string out;
};

Run Bpmnctl(const std::string& args) {
  std::string cmd = std::string(BPMNCTL_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  Run run{-1, ""};
  if (!pipe) return run;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), pipe))
    run.out.append(buf.data(), n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

const std::string kSamples = BPMN_SAMPLES_DIR;
const std::string kMalformed = std::string(BPMN_TEST_DATA_DIR) + "/malformed";

TEST(Bpmnctl, ValidateSamplesPasses) {
  auto r = Bpmnctl("validate " + kSamples + "/deal_by_stages.bpmn " + kSamples +
                   "/lead_processing.bpmn");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2 files, 0 errors"), std::string::npos) << r.out;
}

TEST(Bpmnctl, ValidateReportsErrorsWithFileLineAndRule) {
  auto r = Bpmnctl("validate " + kMalformed + "/13-dangling-target-ref.bpmn");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("13-dangling-target-ref.bpmn:"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(": error dangling-reference ["), std::string::npos)
      << r.out;
}

TEST(Bpmnctl, ValidateJsonIsMachineReadable) {
  auto r =
      Bpmnctl("validate --json " + kMalformed + "/13-dangling-target-ref.bpmn");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"rule\": \"dangling-reference\""), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"severity\": \"error\""), std::string::npos) << r.out;
}

TEST(Bpmnctl, UsageErrorsExitTwo) {
  EXPECT_EQ(Bpmnctl("").exit_code, 2);
  EXPECT_EQ(Bpmnctl("validate").exit_code, 2);
  EXPECT_EQ(Bpmnctl("validate /no/such/file.bpmn").exit_code, 2);
  EXPECT_EQ(Bpmnctl("frobnicate").exit_code, 2);
}

TEST(Bpmnctl, VersionAndHelp) {
  auto v = Bpmnctl("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("bpmnctl "), std::string::npos);
  auto h = Bpmnctl("validate --help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--json"), std::string::npos);
}

TEST(Bpmnctl, ExplainShowsRolesFormsTimersAndConditions) {
  auto r = Bpmnctl("explain " + kSamples + "/deal_by_stages.bpmn");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("role secretary:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("field client"), std::string::npos);
  EXPECT_NE(r.out.find("(required)"), std::string::npos);
  EXPECT_NE(r.out.find("non-interrupting on Task_measure"), std::string::npos);
  EXPECT_NE(r.out.find("timer after 8 hours"), std::string::npos);
  EXPECT_NE(r.out.find("when ${needMeasure} [juel]"), std::string::npos);
}

}  // namespace

namespace {

TEST(BpmnctlEval, PrintsTheResultAsJson) {
  auto r = Bpmnctl(
      R"(eval '=amount > 1000 and channel != "spam"' --vars '{"amount": 5000, "channel": "web"}')");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "true\n");
  auto d = Bpmnctl("eval '=0.1 + 0.2'");
  EXPECT_EQ(d.out, "0.3\n");
  auto j =
      Bpmnctl(R"(eval '${client.length()}' --vars '{"client": "Ромашка"}')");
  EXPECT_EQ(j.out, "7\n") << j.out;
}

TEST(BpmnctlEval, NowComesFromTheOption) {
  auto r =
      Bpmnctl("eval '=today() + duration(\"P1D\")' --now 2026-03-02T09:00:00Z");
  EXPECT_EQ(r.out, "\"2026-03-03\"\n");
  auto z =
      Bpmnctl("eval '=now()' --now 2026-03-02T09:00:00Z --zone Europe/Moscow");
  EXPECT_EQ(z.out, "\"2026-03-02T12:00:00@Europe/Moscow\"\n") << z.out;
}

TEST(BpmnctlEval, ErrorsGoToStderrWithExitOne) {
  auto r = Bpmnctl("eval '${x.getClass()}' 2>/dev/null; echo rc=$?");
  EXPECT_NE(r.out.find("rc=1"), std::string::npos) << r.out;
  auto e = Bpmnctl("eval '=1 +'");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.out.find("error: "), std::string::npos);
  auto u = Bpmnctl("eval '=1' --vars '[1]'");
  EXPECT_EQ(u.exit_code, 2);
}

}  // namespace

namespace {

const std::string kScenarios = std::string(BPMN_TEST_DATA_DIR) + "/scenarios";

TEST(BpmnctlTest, SamplesPass) {
  auto r = Bpmnctl("test " + kSamples);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("PASS "), std::string::npos);
  EXPECT_NE(r.out.find(" passed, 0 failed\n"), std::string::npos) << r.out;
}

TEST(BpmnctlTest, EveryMismatchIsReportedWithStepAndLine) {
  auto r = Bpmnctl("test " + kScenarios + "/mismatches.scenario.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("FAIL every mismatch is reported"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("step 2 (line 8): waiting: expected [Task_decide], got "
                       "[Task_contact]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find("step 2 (line 9): tasks for consultant: expected 2, got 1"),
      std::string::npos);
  EXPECT_NE(
      r.out.find("step 2 (line 10): state: expected completed, got active"),
      std::string::npos);
  EXPECT_NE(
      r.out.find("step 3 (line 11): not_found: no open task 'Task_nowhere'"),
      std::string::npos);
  EXPECT_NE(
      r.out.find(
          "line 14: end: variable channel: expected \"mail\", got \"web\""),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 passed, 1 failed"), std::string::npos);
}

TEST(BpmnctlTest, UnknownKeysAndWrongDueTimesFailLoudly) {
  auto r = Bpmnctl("test " + kScenarios + "/unknown-key.scenario.yaml " +
                   kScenarios + "/due-mismatch.scenario.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("step 2 (line 8): unknown key 'wating'"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("due Task_qualify: expected 2026-01-05T14:00:00Z, got "
                       "2026-01-05T13:00:00Z"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 passed, 2 failed"), std::string::npos) << r.out;
}

TEST(BpmnctlTest, UnreadableFilesAndMissingPathsExitTwo) {
  EXPECT_EQ(
      Bpmnctl("test " + kScenarios + "/unreadable.scenario.yaml").exit_code, 2);
  EXPECT_EQ(Bpmnctl("test /no/such/folder").exit_code, 2);
}

TEST(BpmnctlTest, JunitReportIsWritten) {
  std::string file = ::testing::TempDir() + "/scenarios.xml";
  auto r = Bpmnctl("test " + kSamples + " --junit " + file);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  FILE* f = std::fopen(file.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string xml(4096, '\0');
  xml.resize(std::fread(xml.data(), 1, xml.size(), f));
  std::fclose(f);
  EXPECT_NE(xml.find("<testsuite name=\"scenarios\""), std::string::npos);
  EXPECT_NE(xml.find("failures=\"0\""), std::string::npos);
}

TEST(BpmnctlTest, CoverageAndTrace) {
  auto c = Bpmnctl("test " + kSamples + " --coverage");
  EXPECT_NE(c.out.find("coverage "), std::string::npos);
  EXPECT_NE(c.out.find("deal_by_stages.bpmn: 41 of 41"), std::string::npos)
      << c.out;
  auto t = Bpmnctl("test " + kSamples +
                   "/scenarios/lead_not_qualified.scenario.yaml --trace");
  EXPECT_NE(t.out.find("| 1 2026-01-05T09:00:00Z instance-started"),
            std::string::npos)
      << t.out;
}

}  // namespace
