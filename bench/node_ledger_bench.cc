// Benchmark of the node's ledger personality (src/node/ledger.h): how fast
// CatchUp logs events already in the store (leaf of each event, salts, durable
// appends, leaf indexes recorded in the store, a signed checkpoint), as after a
// restart or a burst. Run a Release build:
// build/release/bench/node_ledger_bench.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/time.h"
#include "node/ledger.h"
#include "node/master_key.h"
#include "node/secrets.h"
#include "store/sqlite_store.h"

namespace evidex::node {
namespace {

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::abort();
  }
}

// A store of `cases` cases with `per_case` events each (the first included).
std::unique_ptr<store::Store> MakeStore(const std::filesystem::path& dir,
                                        const Clock& clock, int cases,
                                        int per_case) {
  auto store = store::OpenSqliteStore((dir / "evidex.db").string(), clock);
  Check(store.has_value() ? OkStatus() : store.error());
  Check((*store)->Write([&](store::Transaction& t) -> Status {
    EVIDEX_RETURN_IF_ERROR(t.PutOrganisation(store::Organisation{
        "org_a", "Org A", "issuing_authority", "FR", {"judge"}, clock.Now()}));
    for (int c = 0; c < cases; ++c) {
      const std::string id = "case_" + std::to_string(c);
      store::Case k;
      k.id = id;
      k.procedure = "eu2023-1543.epoc";
      k.state = "draft";
      k.issuing_organisation_id = "org_a";
      k.created_at = k.updated_at = clock.Now();
      k.content_json = "{}";
      k.decision_json = "{}";
      store::CaseEvent e;
      e.case_id = id;
      e.type = "created";
      e.actor_person_id = "person_judge";
      e.actor_organisation_id = "org_a";
      e.at = clock.Now();
      e.payload_json = R"({"step":{"from":"draft","to":"issued"},"input":{}})";
      EVIDEX_ASSIGN_OR_RETURN(auto first,
                              t.CreateCase(k, {{id, "org_a", "issuer"}}, e));
      static_cast<void>(first);
      for (int i = 1; i < per_case; ++i) {
        e.type = "noted";
        EVIDEX_ASSIGN_OR_RETURN(auto more, t.AppendEvent(e));
        static_cast<void>(more);
      }
    }
    return OkStatus();
  }));
  return std::move(*store);
}

void BM_CatchUp(benchmark::State& state) {
  Check(InitSecrets());
  SystemClock clock;
  const int cases = static_cast<int>(state.range(0)) / 10;
  std::int64_t logged = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() /
        ("evidex-node-ledger-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto store = MakeStore(dir, clock, cases, 10);
    auto master_key = MasterKey::LoadOrCreate(dir);
    Check(master_key.has_value() ? OkStatus() : master_key.error());
    auto ledger = NodeLedger::Open(dir, *master_key, *store, clock);
    Check(ledger.has_value() ? OkStatus() : ledger.error());
    state.ResumeTiming();
    auto n = (*ledger)->CatchUp();
    Check(n.has_value() ? OkStatus() : n.error());
    logged += *n;
    state.PauseTiming();
    ledger->reset();
    store.reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(logged);
}
BENCHMARK(BM_CatchUp)->Arg(20000)->Iterations(3)->UseRealTime();

}  // namespace
}  // namespace evidex::node

BENCHMARK_MAIN();
