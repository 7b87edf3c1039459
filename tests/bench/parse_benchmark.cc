// Google Benchmark: parse + validate throughput over the whole ../shared/corpus
// (MB/s and files/s), one core. Run by hand; figures go into the README.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parser/bpmn_reader.h"

namespace {

std::vector<std::string> LoadCorpus() {
  std::vector<std::string> docs;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(BPMN_CORPUS_DIR)) {
    auto ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".bpmn" && ext != ".xml")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    docs.push_back(ss.str());
  }
  return docs;
}

void BM_ParseAndValidateCorpus(benchmark::State& state) {
  static const std::vector<std::string> docs = LoadCorpus();
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  for (auto _ : state) {
    for (const auto& d : docs) {
      auto r = bpmn::parser::ReadBpmnString(d);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * docs.size()));
  state.counters["files"] = static_cast<double>(docs.size());
  state.counters["corpus_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_ParseAndValidateCorpus)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
