// Benchmarks of the SQLite store: a durable write transaction that creates a
// case with one party and its first event, and GetCase in a read transaction,
// each on an empty store and on one that already holds 100,000 cases. Run a
// Release build: build/release/bench/store_bench. The database lives in a
// temporary directory (TMPDIR), whose disk decides the cost of the fsync that
// every commit waits for.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "core/time.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace evidex::store {
namespace {

constexpr std::int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

Instant At(std::int64_t millis) {
  return Instant(std::chrono::milliseconds(kT0 + millis));
}

std::string CaseId(std::int64_t n) { return "case-" + std::to_string(n); }

Status CreateCase(Transaction& tx, const std::string& id, Instant at) {
  Case c{.id = id,
         .procedure = "eu2023-1543.epoc",
         .state = "received",
         .issuing_organisation_id = "org-a",
         .version = 0,
         .created_at = at,
         .updated_at = at,
         .content_json =
             R"({"data":["subscriber"],"target":"user@example.org",)"
             R"("offence":{"max_custodial_years":5}})",
         .decision_json = R"({"channels":[{"id":"eu2023-1543.epoc"}]})"};
  CaseEvent first{.case_id = id,
                  .seq = 0,
                  .global_seq = 0,
                  .type = "created",
                  .actor_person_id = "",
                  .actor_organisation_id = "org-a",
                  .at = at,
                  .payload_json = R"({"channel":"eu2023-1543.epoc"})",
                  .leaf_index = std::nullopt};
  auto created = tx.CreateCase(
      c,
      {CaseParty{.case_id = id, .organisation_id = "org-a", .role = "issuer"}},
      first);
  return created.has_value() ? OkStatus() : created.error();
}

// A store in a temporary directory holding `prefilled` cases (case-0, case-1,
// ...) and one more, `case-probe`; built once per size and process.
struct Fixture {
  std::string dir;
  std::unique_ptr<Store> store;
  std::int64_t prefilled = 0;
  std::int64_t next_id = 0;  // for cases the benchmarks create
};

[[noreturn]] void Die(const std::string& what, const Status& status) {
  std::cerr << what << ": " << status.ToString() << "\n";
  std::abort();
}

void Check(const Status& status, const std::string& what) {
  if (!status.ok()) Die(what, status);
}

Fixture BuildFixture(std::int64_t prefilled) {
  static const SystemClock clock;
  Fixture f;
  std::string templ =
      (std::filesystem::temp_directory_path() / "evidex-bench-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) std::abort();
  f.dir = templ;
  f.prefilled = prefilled;
  f.next_id = prefilled;
  auto opened = OpenSqliteStore(f.dir + "/evidex.db", clock);
  if (!opened.has_value()) Die("open", opened.error());
  f.store = std::move(*opened);
  {
    auto tx = f.store->Begin();
    if (!tx.has_value()) Die("begin", tx.error());
    Check((*tx)->PutOrganisation(
              Organisation{.id = "org-a",
                           .name = "Tribunal judiciaire de Paris",
                           .kind = "issuing_authority",
                           .state = "FR",
                           .authorities = {"judge", "prosecutor"},
                           .created_at = At(0)}),
          "put organisation");
    Check(CreateCase(**tx, "case-probe", At(0)), "create case-probe");
    Check((*tx)->Commit(), "commit");
  }
  constexpr std::int64_t kBatch = 1000;
  for (std::int64_t start = 0; start < prefilled; start += kBatch) {
    auto tx = f.store->Begin();
    if (!tx.has_value()) Die("begin", tx.error());
    for (std::int64_t n = start; n < std::min(start + kBatch, prefilled); ++n) {
      Check(CreateCase(**tx, CaseId(n), At(n)), "prefill");
    }
    Check((*tx)->Commit(), "commit");
  }
  return f;
}

// Closes the stores and removes their directories at exit.
class Fixtures {
 public:
  ~Fixtures() {
    for (auto& [size, f] : by_size_) {
      f.store.reset();
      std::filesystem::remove_all(f.dir);
    }
  }
  Fixture& Get(std::int64_t prefilled) {
    auto it = by_size_.find(prefilled);
    if (it == by_size_.end()) {
      it = by_size_.emplace(prefilled, BuildFixture(prefilled)).first;
    }
    return it->second;
  }

 private:
  std::map<std::int64_t, Fixture> by_size_;
};

Fixture& StoreWith(std::int64_t prefilled) {
  static Fixtures fixtures;
  return fixtures.Get(prefilled);
}

// Begin, CreateCase (case, one party, first event), durable Commit.
void BM_CreateCaseTransaction(benchmark::State& state) {
  Fixture& f = StoreWith(state.range(0));
  for (auto _ : state) {
    std::int64_t n = f.next_id++;
    auto tx = f.store->Begin();
    if (!tx.has_value()) {
      state.SkipWithError(tx.error().ToString().c_str());
      return;
    }
    Status s = CreateCase(**tx, CaseId(n), At(n));
    if (s.ok()) s = (*tx)->Commit();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
}
BENCHMARK(BM_CreateCaseTransaction)
    ->ArgName("prefilled_cases")
    ->Arg(0)
    ->Arg(100'000)
    ->UseRealTime();

// The id of a case to read: a random prefilled one, or case-probe in an empty
// store.
class Picker {
 public:
  explicit Picker(std::int64_t prefilled)
      : prefilled_(prefilled), dist_(0, prefilled > 0 ? prefilled - 1 : 0) {}
  std::string Next() {
    return prefilled_ > 0 ? CaseId(dist_(rng_)) : "case-probe";
  }

 private:
  std::int64_t prefilled_;
  std::mt19937_64 rng_{42};
  std::uniform_int_distribution<std::int64_t> dist_;
};

// BeginRead, GetCase, end: what a request that shows a case does.
void BM_GetCaseReadTransaction(benchmark::State& state) {
  Fixture& f = StoreWith(state.range(0));
  Picker picker(f.prefilled);
  for (auto _ : state) {
    auto rx = f.store->BeginRead();
    if (!rx.has_value()) {
      state.SkipWithError(rx.error().ToString().c_str());
      return;
    }
    auto c = (*rx)->GetCase(picker.Next());
    if (!c.has_value()) {
      state.SkipWithError(c.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(c->version);
    Status s = (*rx)->Commit();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
}
BENCHMARK(BM_GetCaseReadTransaction)
    ->ArgName("prefilled_cases")
    ->Arg(0)
    ->Arg(100'000);

// GetCase alone, inside one open read transaction.
void BM_GetCase(benchmark::State& state) {
  Fixture& f = StoreWith(state.range(0));
  Picker picker(f.prefilled);
  auto rx = f.store->BeginRead();
  if (!rx.has_value()) {
    state.SkipWithError(rx.error().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto c = (*rx)->GetCase(picker.Next());
    if (!c.has_value()) {
      state.SkipWithError(c.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(c->version);
  }
}
BENCHMARK(BM_GetCase)->ArgName("prefilled_cases")->Arg(0)->Arg(100'000);

}  // namespace
}  // namespace evidex::store

BENCHMARK_MAIN();
