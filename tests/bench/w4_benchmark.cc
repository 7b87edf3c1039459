// W4 (../shared/workloads/README.md): W3 on the SQLite store. Every command
// (start, each of the 8 completions) is committed before the next, and the
// instance is read back from the store between steps, as a server would
// after a restart. BM_W4 runs one instance at a time with synchronous=FULL;
// BM_W4GroupCommit keeps 100 instances in flight and commits each round of
// 100 commands in one transaction. Counters: instances/s (items_per_second),
// p50/p99 latency of one step's commit in microseconds, and stored bytes per
// finished instance (the database file's growth, events included), the
// instances still held in memory afterwards (0: finished ones are let go),
// and for BM_W4 the disk's own pace measured beside the run (syncs/s of
// back-to-back write + fdatasync, before and after) with the ceiling it sets
// for one instance at a time (that pace over the commits an instance takes).
// Run by hand; figures go into the README. For analysis,
// BPMN_W4_SYNCHRONOUS=OFF leaves out the disk's syncs (what is left is CPU)
// BPMN_W4_INLINE_CHECKPOINTS=1 copies the write-ahead log back inside the
// commits, as SQLite does by default, and BPMN_W4_UNGATHERED_LOG_WRITES=1
// writes each log frame with SQLite's own two calls. BPMN_W4_ITERATIONS:
// see Timing.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bpmn/clock.h"
#include "facade/engine.h"
#include "persistence/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using bpmn::engine::Engine;
using bpmn::runtime::Id;
using bpmn::runtime::Variables;
using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(BPMN_WORKLOADS_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uintmax_t FileBytes(const std::string& path) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    auto size = fs::file_size(path + suffix, ec);
    if (!ec) total += size;
  }
  return total;
}

// A database file in a temporary folder with W3 deployed, removed afterwards.
struct Fixture {
  std::string dir, path;
  std::unique_ptr<bpmn::persistence::SqliteStore> store;
  std::unique_ptr<Engine> engine;
  bpmn::ManualClock clock{bpmn::TimePoint{}};
  bpmn::persistence::SqliteOptions options;

  explicit Fixture(const std::string& synchronous) {
    dir =
        (fs::temp_directory_path() / ("bpmn-w4-" + std::to_string(::getpid())))
            .string();
    fs::create_directories(dir);
    path = dir + "/w4.db";
    options.synchronous = synchronous;
    if (std::getenv("BPMN_W4_INLINE_CHECKPOINTS"))
      options.checkpoint_in_background = false;
    if (std::getenv("BPMN_W4_UNGATHERED_LOG_WRITES"))
      options.gather_log_writes = false;
    Open();
    (void)engine->Deploy("w3-deal-stages.bpmn",
                         ReadFile("w3-deal-stages.bpmn"));
  }
  void Open() {
    store = std::move(*bpmn::persistence::SqliteStore::Open(path, options));
    engine = std::move(*Engine::Open(*store, clock));
  }
  // The database file's size once closed (the write-ahead log checkpointed
  // into it and removed).
  std::uintmax_t ClosedBytes() {
    engine.reset();
    store.reset();
    auto bytes = FileBytes(path);
    Open();
    return bytes;
  }
  ~Fixture() {
    engine.reset();
    store.reset();
    fs::remove_all(dir);
  }
};

std::string Synchronous() {
  const char* chosen = std::getenv("BPMN_W4_SYNCHRONOUS");
  return chosen != nullptr ? chosen : "FULL";
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// The open task of an instance, or 0 when it has none.
Id OpenTask(const Engine& engine, Id instance) {
  auto tasks = engine.runtime().OpenTasks(instance);
  return tasks.empty() ? 0 : tasks.front().task->id;
}

// The disk's own pace where the database lives: back-to-back write and
// fdatasync of 10 KiB (about one W4 commit's log frames) at consecutive
// offsets of a file written once before, for half a second. Divided by the
// commits an instance takes, it is the ceiling of one instance at a time.
double SyncsPerSecond(const std::string& dir) {
  const std::string path = dir + "/disk-pace.dat";
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0) return 0;
  const std::string block(10240, 'x');
  constexpr int kBlocks = 256;
  bool ok = true;
  for (int i = 0; i < kBlocks && ok; ++i)
    ok = ::pwrite(fd, block.data(), block.size(),
                  static_cast<off_t>(i) * 10240) ==
         static_cast<ssize_t>(block.size());
  ok = ok && ::fdatasync(fd) == 0;
  std::int64_t syncs = 0;
  const auto start = Clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  while (ok && elapsed() < 0.5) {
    const off_t offset = static_cast<off_t>(syncs % kBlocks) * 10240;
    ok = ::pwrite(fd, block.data(), block.size(), offset) ==
             static_cast<ssize_t>(block.size()) &&
         ::fdatasync(fd) == 0;
    ++syncs;
  }
  const double seconds = elapsed();
  ::close(fd);
  ::unlink(path.c_str());
  return ok ? static_cast<double>(syncs) / seconds : 0;
}

// Three seconds of real time, or with BPMN_W4_ITERATIONS=N exactly N
// iterations (for instruction counts under callgrind, which do not depend on
// what else the machine is doing).
void Timing(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->UseRealTime();
  if (const char* n = std::getenv("BPMN_W4_ITERATIONS"))
    b->Iterations(std::atoi(n));
  else
    b->MinTime(3);
}

void BM_W4(benchmark::State& state) {
  Fixture f(Synchronous());
  const Variables vars = {{"amount", bpmn::expr::Value(50000)}};
  std::vector<double> step_us;
  const auto bytes_before = f.ClosedBytes();
  // Not measured for instruction counts (BPMN_W4_ITERATIONS), which it
  // would swell.
  const bool pace = std::getenv("BPMN_W4_ITERATIONS") == nullptr;
  const double syncs_before = pace ? SyncsPerSecond(f.dir) : 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    auto id = f.engine->Start("w3", vars);
    step_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (!id) {
      state.SkipWithError(id.error().message.c_str());
      return;
    }
    for (;;) {
      if (!f.engine->ReloadInstance(*id)) break;
      Id task = OpenTask(*f.engine, *id);
      if (!task) break;
      t0 = Clock::now();
      auto done = f.engine->CompleteTask(task, "bench", {});
      step_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      if (!done) {
        state.SkipWithError(done.error().message.c_str());
        return;
      }
    }
  }
  state.SetItemsProcessed(state.iterations());
  // The disk's pace before and after the run, and the ceiling it sets
  // (left out when a measurement failed: 0).
  const double syncs_after = pace ? SyncsPerSecond(f.dir) : 0;
  if (syncs_before > 0 && syncs_after > 0) {
    const double syncs = (syncs_before + syncs_after) / 2;
    const double commits = static_cast<double>(step_us.size()) /
                           static_cast<double>(state.iterations());
    state.counters["disk_syncs_per_s"] = syncs;
    state.counters["ceiling_per_s"] = syncs / commits;
  }
  state.counters["in_memory"] =
      static_cast<double>(f.engine->runtime().Instances().size());
  state.counters["step_p50_us"] = Percentile(step_us, 0.50);
  state.counters["step_p99_us"] = Percentile(step_us, 0.99);
  state.counters["step_p999_us"] = Percentile(step_us, 0.999);
  state.counters["bytes_per_instance"] =
      static_cast<double>(f.ClosedBytes() - bytes_before) /
      static_cast<double>(state.iterations());
}
BENCHMARK(BM_W4)->Apply(Timing);

void BM_W4GroupCommit(benchmark::State& state) {
  Fixture f(Synchronous());
  const Variables vars = {{"amount", bpmn::expr::Value(50000)}};
  std::vector<double> commit_us;
  std::int64_t finished = 0;
  for (auto _ : state) {
    // One round per step: 100 commands, one transaction.
    std::vector<Id> ids;
    f.engine->BeginGroup();
    for (int i = 0; i < 100; ++i) ids.push_back(*f.engine->Start("w3", vars));
    auto t0 = Clock::now();
    if (auto committed = f.engine->CommitGroup(); !committed) {
      state.SkipWithError(committed.error().message.c_str());
      return;
    }
    commit_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    for (bool open = true; open;) {
      open = false;
      f.engine->BeginGroup();
      for (Id id : ids) {
        Id task = OpenTask(*f.engine, id);
        if (!task) continue;
        open = true;
        if (!f.engine->CompleteTask(task, "bench", {})) {
          state.SkipWithError("a completion was refused");
          return;
        }
      }
      t0 = Clock::now();
      if (auto committed = f.engine->CommitGroup(); !committed) {
        state.SkipWithError(committed.error().message.c_str());
        return;
      }
      commit_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    finished += 100;
  }
  state.SetItemsProcessed(finished);
  state.counters["group_commit_p50_us"] = Percentile(commit_us, 0.50);
  state.counters["group_commit_p99_us"] = Percentile(commit_us, 0.99);
}
BENCHMARK(BM_W4GroupCommit)->Apply(Timing);

}  // namespace

BENCHMARK_MAIN();
