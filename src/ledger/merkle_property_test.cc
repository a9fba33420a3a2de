// Properties of proof generation and verification over random trees of 1 to 300
// leaves, with a small reference model written straight from RFC 9162
// section 2.1 (recursive, over a vector of leaf hashes) to check the
// store-shaped generator against.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "ledger/merkle.h"

namespace evidex::ledger {
namespace {

// --- Reference model: RFC 9162 2.1.1, 2.1.3.1, 2.1.4.1 as written. ---

std::size_t RefSplit(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash RefMth(std::span<const Hash> d) {
  if (d.empty()) return EmptyRoot();
  if (d.size() == 1) return d[0];
  const std::size_t k = RefSplit(d.size());
  return NodeHash(RefMth(d.first(k)), RefMth(d.subspan(k)));
}

std::vector<Hash> RefPath(std::size_t m, std::span<const Hash> d) {
  if (d.size() <= 1) return {};
  const std::size_t k = RefSplit(d.size());
  std::vector<Hash> p =
      m < k ? RefPath(m, d.first(k)) : RefPath(m - k, d.subspan(k));
  p.push_back(m < k ? RefMth(d.subspan(k)) : RefMth(d.first(k)));
  return p;
}

std::vector<Hash> RefSubproof(std::size_t m, std::span<const Hash> d, bool b) {
  if (m == d.size())
    return b ? std::vector<Hash>{} : std::vector<Hash>{RefMth(d)};
  const std::size_t k = RefSplit(d.size());
  std::vector<Hash> p = m <= k ? RefSubproof(m, d.first(k), b)
                               : RefSubproof(m - k, d.subspan(k), false);
  p.push_back(m <= k ? RefMth(d.subspan(k)) : RefMth(d.first(k)));
  return p;
}

// --- Generators. ---

// n distinct leaf hashes; `salt` makes trees of the same size differ.
std::vector<Hash> Leaves(std::size_t n, int salt) {
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string data = std::to_string(salt) + "/" + std::to_string(i);
    leaves.push_back(LeafHash(
        {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}));
  }
  return leaves;
}

Hash FlipBit(Hash h, std::size_t bit) {
  h[bit / 8] ^= static_cast<std::uint8_t>(1u << bit % 8);
  return h;
}

std::size_t GenSize() { return *rc::gen::inRange<std::size_t>(1, 301); }

// --- Properties. ---

RC_GTEST_PROP(MerklePropertyTest, InclusionProofsMatchTheRfcAndVerify, ()) {
  const std::size_t n = GenSize();
  const std::size_t index = *rc::gen::inRange<std::size_t>(0, n);
  const std::vector<Hash> leaves = Leaves(n, *rc::gen::arbitrary<int>());
  const MemoryTree tree(leaves);
  const Hash root = Root(tree, n).value();
  RC_ASSERT(root == RefMth(leaves));
  const std::vector<Hash> proof = InclusionProof(tree, n, index).value();
  RC_ASSERT(proof == RefPath(index, leaves));
  RC_ASSERT(VerifyInclusion(index, n, leaves[index], proof, root).ok());
}

RC_GTEST_PROP(MerklePropertyTest, ConsistencyProofsMatchTheRfcAndVerify, ()) {
  const std::size_t n = GenSize();
  const std::size_t m = *rc::gen::inRange<std::size_t>(0, n + 1);
  const std::vector<Hash> leaves = Leaves(n, *rc::gen::arbitrary<int>());
  const MemoryTree tree(leaves);
  const std::vector<Hash> proof = ConsistencyProof(tree, m, n).value();
  if (m > 0 && m < n) RC_ASSERT(proof == RefSubproof(m, leaves, true));
  if (m == 0 || m == n) RC_ASSERT(proof.empty());
  RC_ASSERT(VerifyConsistency(m, n, Root(tree, m).value(),
                              Root(tree, n).value(), proof)
                .ok());
}

RC_GTEST_PROP(MerklePropertyTest, AnyFlippedBitBreaksAnInclusionProof, ()) {
  const std::size_t n = GenSize();
  const std::size_t index = *rc::gen::inRange<std::size_t>(0, n);
  const std::vector<Hash> leaves = Leaves(n, 1);
  const MemoryTree tree(leaves);
  const Hash root = Root(tree, n).value();
  std::vector<Hash> proof = InclusionProof(tree, n, index).value();
  const std::size_t bit = *rc::gen::inRange<std::size_t>(0, 256);
  // Which hash to flip: one of the proof's, or (last choice) the root.
  const std::size_t which = *rc::gen::inRange<std::size_t>(0, proof.size() + 1);
  if (which < proof.size()) {
    proof[which] = FlipBit(proof[which], bit);
    RC_ASSERT(!VerifyInclusion(index, n, leaves[index], proof, root).ok());
  } else {
    RC_ASSERT(
        !VerifyInclusion(index, n, leaves[index], proof, FlipBit(root, bit))
             .ok());
  }
}

RC_GTEST_PROP(MerklePropertyTest, AnyFlippedBitBreaksAConsistencyProof, ()) {
  const std::size_t n = GenSize();
  const std::size_t m = *rc::gen::inRange<std::size_t>(1, n + 1);
  const std::vector<Hash> leaves = Leaves(n, 2);
  const MemoryTree tree(leaves);
  const Hash old_root = Root(tree, m).value();
  const Hash new_root = Root(tree, n).value();
  std::vector<Hash> proof = ConsistencyProof(tree, m, n).value();
  const std::size_t bit = *rc::gen::inRange<std::size_t>(0, 256);
  // One of the proof's hashes, the old root, or the new root.
  const std::size_t which = *rc::gen::inRange<std::size_t>(0, proof.size() + 2);
  if (which < proof.size()) {
    proof[which] = FlipBit(proof[which], bit);
    RC_ASSERT(!VerifyConsistency(m, n, old_root, new_root, proof).ok());
  } else if (which == proof.size()) {
    RC_ASSERT(
        !VerifyConsistency(m, n, FlipBit(old_root, bit), new_root, proof).ok());
  } else {
    RC_ASSERT(
        !VerifyConsistency(m, n, old_root, FlipBit(new_root, bit), proof).ok());
  }
}

// A log that rewrites one leaf of its history cannot prove the new tree
// consistent with the old one: neither the honest proof nor one made from the
// rewritten tree verifies.
RC_GTEST_PROP(MerklePropertyTest, RewrittenHistoryIsNeverConsistent, ()) {
  const std::size_t n = GenSize();
  const std::size_t m = *rc::gen::inRange<std::size_t>(1, n + 1);
  const std::size_t changed = *rc::gen::inRange<std::size_t>(0, m);
  const std::vector<Hash> leaves = Leaves(n, 3);
  std::vector<Hash> rewritten = leaves;
  const std::string other = "rewritten";
  rewritten[changed] = LeafHash(
      {reinterpret_cast<const std::uint8_t*>(other.data()), other.size()});
  const MemoryTree honest(leaves);
  const MemoryTree forged(rewritten);
  const Hash old_root = Root(honest, m).value();
  const Hash forged_root = Root(forged, n).value();
  RC_ASSERT(!VerifyConsistency(m, n, old_root, forged_root,
                               ConsistencyProof(forged, m, n).value())
                 .ok());
  RC_ASSERT(!VerifyConsistency(m, n, old_root, forged_root,
                               ConsistencyProof(honest, m, n).value())
                 .ok());
}

// An inclusion proof verifies for its own leaf at its own index only.
RC_GTEST_PROP(MerklePropertyTest, InclusionProofIsBoundToItsIndex, ()) {
  const std::size_t n = *rc::gen::inRange<std::size_t>(2, 301);
  const std::size_t index = *rc::gen::inRange<std::size_t>(0, n);
  const std::size_t other =
      *rc::gen::distinctFrom(rc::gen::inRange<std::size_t>(0, n), index);
  const std::vector<Hash> leaves = Leaves(n, 4);
  const MemoryTree tree(leaves);
  const std::vector<Hash> proof = InclusionProof(tree, n, index).value();
  RC_ASSERT(
      !VerifyInclusion(other, n, leaves[index], proof, Root(tree, n).value())
           .ok());
  RC_ASSERT(
      !VerifyInclusion(index, n, leaves[other], proof, Root(tree, n).value())
           .ok());
}

}  // namespace
}  // namespace evidex::ledger
