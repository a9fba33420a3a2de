// Benchmarks of the stored ledger (src/ledger/stored_log.h): durable appends
// (every Append returns after its batch's fdatasync) from 1 to 256 threads and
// in batches from one thread; integration; and inclusion and consistency
// proofs read from the stored hashes of a tree of 10,000,000 leaves.
//
// Run a Release build: build/release/bench/ledger_bench. The 10M-leaf ledger is
// built once (about 1.3 GB, a minute or two) in $EVIDEX_BENCH_DATA/ledger-10m
// (default: build/release/bench-data) and reused by later runs.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crypto/sodium.h"
#include "ledger/merkle.h"
#include "ledger/stored_log.h"

namespace evidex::ledger {
namespace {

constexpr std::uint64_t kBigTree = 10'000'000;

std::filesystem::path DataDir() {
  const char* env = std::getenv("EVIDEX_BENCH_DATA");
  return env != nullptr ? std::filesystem::path(env)
                        : std::filesystem::path(EVIDEX_BENCH_DATA_DIR);
}

NoteSigner Signer() {
  if (!crypto::InitSodium().ok()) std::abort();
  const std::vector<std::uint8_t> seed(32, 42);
  return NoteSigner::Create("evidex.example/bench",
                            crypto::Ed25519KeyPairFromSeed(seed).value())
      .value();
}

// A 200-byte entry, about the size of an event's leaf.
std::vector<std::uint8_t> Entry(std::uint64_t i) {
  std::vector<std::uint8_t> entry(200, 'e');
  for (int b = 0; b < 8; ++b)
    entry[b] = static_cast<std::uint8_t>(i >> (8 * b));
  return entry;
}

std::unique_ptr<StoredLog> OpenFresh(const std::string& name) {
  const std::filesystem::path dir = DataDir() / name;
  std::filesystem::remove_all(dir);
  auto log = StoredLog::Open(dir, Signer());
  if (!log.has_value()) {
    std::fprintf(stderr, "%s\n", log.error().ToString().c_str());
    std::abort();
  }
  return std::move(*log);
}

// Every thread appends one entry per iteration and waits for it to be durable;
// concurrent appends share a batch and its fdatasync.
std::unique_ptr<StoredLog> shared_log;

void BM_DurableAppend(benchmark::State& state) {
  if (state.thread_index() == 0) shared_log = OpenFresh("append");
  const std::vector<std::uint8_t> entry = Entry(state.thread_index());
  for (auto _ : state) {
    auto index = shared_log->Append(entry);
    if (!index.has_value()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) shared_log.reset();
}
BENCHMARK(BM_DurableAppend)
    ->Threads(1)
    ->Threads(16)
    ->Threads(64)
    ->Threads(256)
    ->UseRealTime();

// One thread appends `range(0)` entries per call.
void BM_DurableAppendAll(benchmark::State& state) {
  auto log = OpenFresh("append-all");
  std::vector<std::vector<std::uint8_t>> entries;
  for (std::int64_t i = 0; i < state.range(0); ++i) entries.push_back(Entry(i));
  const std::vector<std::span<const std::uint8_t>> spans(entries.begin(),
                                                         entries.end());
  for (auto _ : state) {
    if (!log->AppendAll(spans).has_value()) state.SkipWithError("failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DurableAppendAll)->Arg(100)->Arg(1000)->UseRealTime();

// Integration of 1000 new entries: tree hashes written and synced, a
// checkpoint signed and synced.
void BM_Integrate1000(benchmark::State& state) {
  auto log = OpenFresh("integrate");
  std::vector<std::vector<std::uint8_t>> entries;
  for (int i = 0; i < 1000; ++i) entries.push_back(Entry(i));
  const std::vector<std::span<const std::uint8_t>> spans(entries.begin(),
                                                         entries.end());
  for (auto _ : state) {
    state.PauseTiming();
    if (!log->AppendAll(spans).has_value()) state.SkipWithError("failed");
    state.ResumeTiming();
    if (!log->Integrate().has_value()) state.SkipWithError("failed");
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_Integrate1000)->UseRealTime();

// The ledger of 10M leaves (16-byte entries), built on first use.
StoredLog& BigLog() {
  static StoredLog* log = [] {
    const std::filesystem::path dir = DataDir() / "ledger-10m";
    auto opened = StoredLog::Open(dir, Signer());
    if (!opened.has_value()) {
      std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
      std::abort();
    }
    StoredLog* l = opened->release();
    if (l->IntegratedSize() < kBigTree) {
      std::fprintf(stderr, "building the ledger of %llu leaves in %s\n",
                   static_cast<unsigned long long>(kBigTree),
                   dir.string().c_str());
      constexpr std::uint64_t kChunk = 1 << 16;
      std::vector<std::vector<std::uint8_t>> entries(kChunk);
      while (l->SequencedSize() < kBigTree) {
        const std::uint64_t first = l->SequencedSize();
        const std::uint64_t n = std::min(kChunk, kBigTree - first);
        entries.resize(n);
        for (std::uint64_t i = 0; i < n; ++i) {
          entries[i] = Entry(first + i);
          entries[i].resize(16);
        }
        const std::vector<std::span<const std::uint8_t>> spans(entries.begin(),
                                                               entries.end());
        if (!l->AppendAll(spans).has_value()) std::abort();
        if (l->SequencedSize() % (1 << 20) < kChunk ||
            l->SequencedSize() == kBigTree) {
          if (!l->Integrate().has_value()) std::abort();
        }
      }
    }
    return l;
  }();
  return *log;
}

// Leaf indexes spread over the tree.
std::uint64_t SpreadIndex(std::uint64_t i, std::uint64_t n) {
  return (i * 2654435761u) % n;
}

void BM_InclusionProof10M(benchmark::State& state) {
  StoredLog& log = BigLog();
  const std::uint64_t n = log.IntegratedSize();
  // Once: the proof verifies against the signed checkpoint.
  const Checkpoint c =
      OpenCheckpoint(log.Latest().note, log.verifier()).value();
  auto proof = InclusionProof(log, n, 1234567).value();
  if (!VerifyInclusion(1234567, n, log.CompleteSubtreeHash(0, 1234567).value(),
                       proof, c.root)
           .ok()) {
    state.SkipWithError("proof does not verify");
  }
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(InclusionProof(log, n, SpreadIndex(i++, n)));
  }
  state.counters["tree_size"] = static_cast<double>(n);
}
BENCHMARK(BM_InclusionProof10M);

void BM_ConsistencyProof10M(benchmark::State& state) {
  StoredLog& log = BigLog();
  const std::uint64_t n = log.IntegratedSize();
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ConsistencyProof(log, 1 + SpreadIndex(i++, n - 1), n));
  }
}
BENCHMARK(BM_ConsistencyProof10M);

}  // namespace
}  // namespace evidex::ledger

BENCHMARK_MAIN();
