// Google Benchmark on ../shared/workloads, in memory, definitions parsed once
// (W1P: parsed for every instance): one instance at a time, and 100 in flight.
// Also W2 scaled to 500 parallel branches, to show a join costs O(1) per
// arriving token, the memory of 100 W3 instances in flight, and what a
// timer loop's questions cost among many waiting instances. Run by hand;
// figures go into the README.
#include <benchmark/benchmark.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "parser/bpmn_reader.h"
#include "runtime/runtime.h"

namespace {

using bpmn::runtime::Id;
using bpmn::runtime::Runtime;
using bpmn::runtime::Variables;

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(BPMN_WORKLOADS_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const bpmn::model::Definitions> Load(const std::string& xml) {
  auto r = bpmn::parser::ReadBpmnString(xml);
  return r.ok() ? r.definitions : nullptr;
}

// Every service task's job is completed at once by an in-process handler.
void RegisterHandlers(Runtime& rt, const bpmn::model::Definitions& defs) {
  for (const auto& n : defs.nodes()) {
    if (n.job)
      rt.RegisterJobHandler(n.job->type, [](const auto&, const auto&) {
        return bpmn::runtime::JobOutcome{};
      });
  }
}

// W2 with `branches` parallel branches instead of 50: same shape, generated.
std::string W2WithBranches(int branches) {
  std::string xml = ReadFile("w2-gateways.bpmn");
  // Drop the 50 branches (tasks and their flows); the fork and the join stay.
  std::string head = xml.substr(0, xml.find("</process>"));
  std::regex branch_task(R"re(<serviceTask id="branch\d+"[^>]*/>\s*)re");
  std::regex branch_flow(
      R"re(<sequenceFlow id="[^"]*" sourceRef="(fork|branch\d+)" targetRef="(branch\d+|join)"/>\s*)re");
  head = std::regex_replace(head, branch_task, "");
  head = std::regex_replace(head, branch_flow, "");
  std::string extra;
  for (int i = 1; i <= branches; ++i) {
    std::string id = "branch" + std::to_string(i);
    extra += "<serviceTask id=\"" + id + "\"/>\n";
    extra += "<sequenceFlow id=\"fa" + id +
             "\" sourceRef=\"fork\" targetRef=\"" + id + "\"/>\n";
    extra += "<sequenceFlow id=\"fb" + id + "\" sourceRef=\"" + id +
             "\" targetRef=\"join\"/>\n";
  }
  return head + extra + "</process>\n</definitions>\n";
}

void RunToEnd(benchmark::State& state, const std::string& xml, Variables vars) {
  auto defs = Load(xml);
  if (!defs) {
    state.SkipWithError("workload does not load");
    return;
  }
  bpmn::ManualClock clock(bpmn::TimePoint{});
  Runtime rt(clock);
  rt.set_keep_log(false);
  rt.Deploy(defs);
  RegisterHandlers(rt, *defs);
  const std::string process = defs->SingleExecutableProcess()->id;
  std::int64_t done = 0;
  for (auto _ : state) {
    auto id = rt.Start(process, vars);
    if (!id ||
        rt.Instance(*id)->status != bpmn::runtime::InstanceStatus::kCompleted) {
      state.SkipWithError("the instance did not complete");
      return;
    }
    if (++done % 1000 == 0) rt.EvictFinished();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_W1(benchmark::State& state) {
  RunToEnd(state, ReadFile("w1-straight-through.bpmn"), {});
}
BENCHMARK(BM_W1);

void BM_W1P(benchmark::State& state) {
  const std::string xml = ReadFile("w1-straight-through.bpmn");
  bpmn::ManualClock clock(bpmn::TimePoint{});
  Runtime rt(clock);
  rt.set_keep_log(false);
  std::int64_t done = 0;
  for (auto _ : state) {
    auto defs = Load(xml);
    rt.Deploy(defs);
    RegisterHandlers(rt, *defs);
    auto id = rt.Start("w1", {});
    benchmark::DoNotOptimize(id);
    if (++done % 1000 == 0) rt.EvictFinished();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_W1P);

void BM_W2(benchmark::State& state) {
  RunToEnd(state, ReadFile("w2-gateways.bpmn"),
           {{"amount", bpmn::expr::Value(7000)}});
}
BENCHMARK(BM_W2);

void BM_W2Branches(benchmark::State& state) {
  RunToEnd(state, W2WithBranches(static_cast<int>(state.range(0))),
           {{"amount", bpmn::expr::Value(7000)}});
  state.counters["branches"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_W2Branches)->Arg(50)->Arg(500);

// W3: the 8 user tasks completed in order, `in_flight` instances at a time.
void RunW3(benchmark::State& state, int in_flight) {
  auto defs = Load(ReadFile("w3-deal-stages.bpmn"));
  bpmn::ManualClock clock(bpmn::TimePoint{});
  Runtime rt(clock);
  rt.set_keep_log(false);
  rt.Deploy(defs);
  const Variables vars = {{"amount", bpmn::expr::Value(50000)}};
  std::int64_t finished = 0;
  for (auto _ : state) {
    std::vector<Id> ids;
    for (int i = 0; i < in_flight; ++i) ids.push_back(*rt.Start("w3", vars));
    bool open = true;
    while (open) {
      open = false;
      for (Id id : ids) {
        auto tasks = rt.OpenTasks(id);
        if (tasks.empty()) continue;
        open = true;
        if (!rt.CompleteTask(tasks.front().task->id, "bench", {})) {
          state.SkipWithError("a completion was refused");
          return;
        }
      }
    }
    finished += in_flight;
    rt.EvictFinished();
  }
  state.SetItemsProcessed(finished);
}

void BM_W3(benchmark::State& state) { RunW3(state, 1); }
BENCHMARK(BM_W3);
void BM_W3InFlight100(benchmark::State& state) { RunW3(state, 100); }
BENCHMARK(BM_W3InFlight100);

void BM_W1InFlight100(benchmark::State& state) {
  // W1 runs to its end in one command, so 100 in flight is 100 starts per
  // round.
  auto defs = Load(ReadFile("w1-straight-through.bpmn"));
  bpmn::ManualClock clock(bpmn::TimePoint{});
  Runtime rt(clock);
  rt.set_keep_log(false);
  rt.Deploy(defs);
  RegisterHandlers(rt, *defs);
  for (auto _ : state) {
    for (int i = 0; i < 100; ++i) benchmark::DoNotOptimize(rt.Start("w1", {}));
    rt.EvictFinished();
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_W1InFlight100);

// A server's timer loop asks for the next due time after every command.
// With N instances each waiting on a one-hour timer, one NextDue call, and
// one FireDue call when nothing is due yet (the loop woken early).
std::shared_ptr<const bpmn::model::Definitions> WaitingOnATimer() {
  return Load(
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
      "<process id=\"wait\" isExecutable=\"true\"><startEvent id=\"s\"/>"
      "<intermediateCatchEvent id=\"hour\"><timerEventDefinition>"
      "<timeDuration>PT1H</timeDuration></timerEventDefinition>"
      "</intermediateCatchEvent><endEvent id=\"e\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"hour\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"hour\" targetRef=\"e\"/>"
      "</process></definitions>");
}

void BM_NextDueAmongWaiting(benchmark::State& state) {
  bpmn::ManualClock clock(bpmn::TimePoint{});
  Runtime rt(clock);
  rt.set_keep_log(false);
  rt.Deploy(WaitingOnATimer());
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    (void)rt.Start("wait", {});
    clock.Advance(std::chrono::milliseconds(1));
  }
  for (auto _ : state) benchmark::DoNotOptimize(rt.NextDue());
}
BENCHMARK(BM_NextDueAmongWaiting)->Arg(1000)->Arg(10000);

void BM_FireDueNothingDueAmongWaiting(benchmark::State& state) {
  bpmn::ManualClock clock(bpmn::TimePoint{});
  Runtime rt(clock);
  rt.set_keep_log(false);
  rt.Deploy(WaitingOnATimer());
  for (std::int64_t i = 0; i < state.range(0); ++i) (void)rt.Start("wait", {});
  for (auto _ : state) rt.FireDue();
}
BENCHMARK(BM_FireDueNothingDueAmongWaiting)->Arg(1000)->Arg(10000);

long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// Memory of 100 W3 instances waiting at their fourth task, with the event log
// kept.
void BM_W3MemoryOf100InFlight(benchmark::State& state) {
  auto defs = Load(ReadFile("w3-deal-stages.bpmn"));
  for (auto _ : state) {
    long before = ResidentKiB();
    bpmn::ManualClock clock(bpmn::TimePoint{});
    Runtime rt(clock);
    rt.Deploy(defs);
    std::vector<Id> ids;
    for (int i = 0; i < 100; ++i)
      ids.push_back(*rt.Start("w3", {{"amount", bpmn::expr::Value(50000)}}));
    for (int step = 0; step < 3; ++step)
      for (Id id : ids)
        (void)rt.CompleteTask(rt.OpenTasks(id).front().task->id, "bench", {});
    state.counters["rss_delta_KiB"] =
        static_cast<double>(ResidentKiB() - before);
    state.counters["events"] = static_cast<double>(rt.log().size());
  }
}
BENCHMARK(BM_W3MemoryOf100InFlight)->Iterations(1);

}  // namespace
