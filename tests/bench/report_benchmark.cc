// `bpmnctl report`'s target (issue #7): the report over 100,000 finished W3
// instances in under 2 seconds. Builds the database once per run with the
// engine itself (W3 driven with group commit, 1,000 instances in flight, a
// simulated clock moving a minute per round so that times differ), then
// times BuildReport over it. BPMN_REPORT_INSTANCES sets the size (default
// 100000). Run by hand; the figure goes into the README.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "facade/engine.h"
#include "persistence/sqlite_store.h"
#include "report/stage_report.h"

namespace {

namespace fs = std::filesystem;
using bpmn::engine::Engine;
using bpmn::runtime::Id;

struct Database {
  std::string dir, path;
  bpmn::ManualClock clock{bpmn::TimePoint{}};
  std::unique_ptr<bpmn::persistence::SqliteStore> store;
  std::unique_ptr<Engine> engine;
  std::int64_t instances = 0;

  Database() {
    const char* size = std::getenv("BPMN_REPORT_INSTANCES");
    instances = size ? std::atoll(size) : 100000;
    dir = (fs::temp_directory_path() /
           ("bpmn-report-" + std::to_string(::getpid())))
              .string();
    fs::create_directories(dir);
    path = dir + "/report.db";
    bpmn::persistence::SqliteOptions options;
    options.synchronous = "OFF";  // building the data is not what is timed
    store = std::move(*bpmn::persistence::SqliteStore::Open(path, options));
    engine = std::move(*Engine::Open(*store, clock));
    std::ifstream in(std::string(BPMN_WORKLOADS_DIR) + "/w3-deal-stages.bpmn");
    std::stringstream xml;
    xml << in.rdbuf();
    (void)engine->Deploy("w3-deal-stages.bpmn", xml.str());
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t done = 0; done < instances;) {
      const std::int64_t batch = std::min<std::int64_t>(1000, instances - done);
      std::vector<Id> ids;
      (void)engine->BeginGroup();
      for (std::int64_t i = 0; i < batch; ++i) {
        bpmn::runtime::Variables vars = {
            {"amount", bpmn::expr::Value((done + i) % 2 ? 50000 : 5000)}};
        ids.push_back(*engine->Start("w3", vars));
      }
      (void)engine->CommitGroup();
      for (int round = 1;; ++round) {
        clock.Advance(std::chrono::minutes(round));
        bool open = false;
        (void)engine->BeginGroup();
        for (std::size_t k = 0; k < ids.size(); ++k) {
          auto tasks = engine->runtime().OpenTasks(ids[k]);
          if (tasks.empty()) continue;
          open = true;
          // Every seventh instance waits a little longer at each stage.
          if (k % 7 == 0) clock.Advance(std::chrono::seconds(1));
          (void)engine->CompleteTask(tasks.front().task->id, "bench", {});
        }
        (void)engine->CommitGroup();
        if (!open) break;
      }
      done += batch;
    }
    std::cerr << "built " << instances << " finished W3 instances in "
              << std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - t0)
                     .count()
              << " s\n";
  }
  ~Database() {
    engine.reset();
    store.reset();
    fs::remove_all(dir);
  }
};

void BM_ReportW3(benchmark::State& state) {
  static Database db;
  std::int64_t counted = 0;
  for (auto _ : state) {
    // A fresh engine and store, as `bpmnctl report` opens them.
    auto store = bpmn::persistence::SqliteStore::Open(db.path);
    auto engine = Engine::Open(**store, db.clock);
    auto report = bpmn::report::BuildReport(
        **engine, {"w3", {}, {}, {}, "", {}}, db.clock.Now());
    if (!report || report->processes.empty()) {
      state.SkipWithError("no report");
      return;
    }
    counted = report->processes[0].finished;
  }
  state.counters["instances"] = static_cast<double>(counted);
}
BENCHMARK(BM_ReportW3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
