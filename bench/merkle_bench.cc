// Benchmarks of the RFC 9162 Merkle tree (src/ledger/merkle.h): leaf and node
// hashing, the root of 2^16 leaves, and inclusion proofs in an in-memory tree
// of 2^20 leaves. Run a Release build: build/release/bench/merkle_bench.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/merkle.h"

namespace evidex::ledger {
namespace {

std::vector<Hash> LeafHashes(std::size_t n) {
  std::vector<Hash> leaves;
  leaves.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string data = "event " + std::to_string(i);
    leaves.push_back(LeafHash(
        {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}));
  }
  return leaves;
}

// The tree of 2^20 leaves, built once for all benchmarks that use it.
const MemoryTree& BigTree() {
  static const MemoryTree* tree =
      new MemoryTree(LeafHashes(std::size_t{1} << 20));
  return *tree;
}

// Leaf indexes spread over the tree (a stride coprime with 2^20).
std::uint64_t SpreadIndex(std::uint64_t i, std::uint64_t n) {
  return (i * 2654435761u) % n;
}

void BM_LeafHash(benchmark::State& state) {
  const std::vector<std::uint8_t> data(static_cast<std::size_t>(state.range(0)),
                                       0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(LeafHash(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LeafHash)->Arg(32)->Arg(256)->Arg(4096);

void BM_NodeHash(benchmark::State& state) {
  Hash left = LeafHash({});
  const Hash right = EmptyRoot();
  for (auto _ : state) {
    left = NodeHash(left, right);
    benchmark::DoNotOptimize(left);
  }
}
BENCHMARK(BM_NodeHash);

void BM_Root(benchmark::State& state) {
  const std::vector<Hash> leaves =
      LeafHashes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Root(leaves));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Root)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

void BM_InclusionProof(benchmark::State& state) {
  const MemoryTree& tree = BigTree();
  const std::uint64_t n = tree.size();
  std::uint64_t i = 0;
  for (auto _ : state) {
    auto proof = InclusionProof(tree, n, SpreadIndex(i++, n));
    if (!proof) state.SkipWithError(proof.error().message().c_str());
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_InclusionProof);

void BM_VerifyInclusion(benchmark::State& state) {
  const MemoryTree& tree = BigTree();
  const std::uint64_t n = tree.size();
  const Hash root = Root(tree, n).value();
  struct Case {
    std::uint64_t index;
    Hash leaf;
    std::vector<Hash> proof;
  };
  std::vector<Case> cases;
  for (std::uint64_t i = 0; i < 64; ++i) {
    const std::uint64_t index = SpreadIndex(i, n);
    cases.push_back({index, tree.CompleteSubtreeHash(0, index).value(),
                     InclusionProof(tree, n, index).value()});
  }
  std::size_t next = 0;
  for (auto _ : state) {
    const Case& c = cases[next++ % cases.size()];
    Status s = VerifyInclusion(c.index, n, c.leaf, c.proof, root);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_VerifyInclusion);

}  // namespace
}  // namespace evidex::ledger

BENCHMARK_MAIN();
