// Benchmarks of the law engine: Decide on typical queries, and the whole
// JSON-in, JSON-out path of `evidex route`. Run a Release build:
// build/release/bench/law_bench (see docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "law/decision_json.h"
#include "law/engine.h"
#include "law/law.h"
#include "law/query.h"

namespace evidex::law {
namespace {

const Law& TheLaw() {
  static const Law* law = [] {
    auto loaded = LoadLaw(EmbeddedLawFiles());
    if (!loaded) {
      std::cerr << loaded.error().message() << "\n";
      std::abort();
    }
    return new Law(std::move(*loaded));
  }();
  return *law;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Typical queries: the shipped examples, and an emergency traffic-data order
// between Member States.
const std::vector<std::string>& QueryTexts() {
  static const std::vector<std::string> texts = {
      ReadFile(std::string(EVIDEX_SOURCE_DIR) +
               "/examples/route-fr-ie-subscriber.json"),
      ReadFile(std::string(EVIDEX_SOURCE_DIR) +
               "/examples/route-protocol-parties.json"),
      R"({"as_of": "2026-11-29", "issuing_state": "DE",
          "addressee": {"kind": "service_provider", "established_in": "US",
                        "legal_representative_in": "NL", "offers_services_in": ["DE"]},
          "data": ["traffic", "content"], "measure": "production", "emergency": true,
          "offence": {"max_custodial_years": 10, "categories": ["terrorism"],
                      "via_information_system": false},
          "committed_in_issuing_state": true, "person_resides_in": "AT"})",
      R"({"as_of": "2026-11-29", "issuing_state": "AT",
          "addressee": {"kind": "service_provider", "established_in": "SE"},
          "data": ["traffic"], "measure": "preservation", "emergency": false,
          "offence": {"max_custodial_years": 2, "categories": [],
                      "via_information_system": false}})",
  };
  return texts;
}

std::vector<Query> ParsedQueries() {
  std::vector<Query> out;
  for (const std::string& text : QueryTexts()) {
    auto q = ParseQuery(text, TheLaw().book, TheLaw().registry, Date{20786});
    if (!q) {
      std::cerr << q.error().message() << "\n";
      std::abort();
    }
    out.push_back(std::move(*q));
  }
  return out;
}

void BM_Decide(benchmark::State& state) {
  const Law& law = TheLaw();
  std::vector<Query> queries = ParsedQueries();
  std::size_t i = 0;
  for (auto _ : state) {
    Decision d = Decide(law.book, law.registry, queries[i++ % queries.size()]);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decide);

void BM_ParseQuery(benchmark::State& state) {
  const Law& law = TheLaw();
  const std::vector<std::string>& texts = QueryTexts();
  std::size_t i = 0;
  for (auto _ : state) {
    auto q = ParseQuery(texts[i++ % texts.size()], law.book, law.registry,
                        Date{20786});
    benchmark::DoNotOptimize(q);
  }
}
BENCHMARK(BM_ParseQuery);

void BM_DecisionToJson(benchmark::State& state) {
  const Law& law = TheLaw();
  std::vector<Decision> decisions;
  for (const Query& q : ParsedQueries())
    decisions.push_back(Decide(law.book, law.registry, q));
  std::size_t i = 0;
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendDecisionJson(law.book, decisions[i++ % decisions.size()], out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_DecisionToJson);

// What `evidex route` does per query, minus process start and file reading.
void BM_RouteJsonRoundTrip(benchmark::State& state) {
  const Law& law = TheLaw();
  const std::vector<std::string>& texts = QueryTexts();
  std::size_t i = 0;
  std::string out;
  for (auto _ : state) {
    auto q = ParseQuery(texts[i++ % texts.size()], law.book, law.registry,
                        Date{20786});
    out.clear();
    AppendDecisionJson(law.book, Decide(law.book, law.registry, *q), out);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_RouteJsonRoundTrip);

}  // namespace
}  // namespace evidex::law

BENCHMARK_MAIN();
