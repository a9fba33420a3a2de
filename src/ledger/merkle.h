// RFC 9162 Merkle trees (section 2.1): hashes, roots, and inclusion and
// consistency proofs.
//
// A tree is a list of n leaves d[0..n-1]. Its root is MTH(D[n]):
//   MTH({})   = SHA-256()  (of the empty string)
//   MTH({d0}) = LeafHash(d0) = SHA-256(0x00 || d0)
//   MTH(D[n]) = NodeHash(MTH(D[0:k]), MTH(D[k:n]))
//             = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),
//               k the largest power of two smaller than n.
// The 0x00 / 0x01 prefixes keep a leaf from being passed off as an inner node
// (second-preimage resistance). Proofs are lists of hashes ordered from the
// leaf level up, exactly as RFC 9162 section 2.1.3 (PATH) and 2.1.4 (PROOF)
// define them; the verifiers are the iterative algorithms of sections 2.1.3.2
// and 2.1.4.2, with the expected proof length checked first.
//
// This module knows nothing about what the leaves mean (the application, or
// "personality", decides that) and does no I/O: proof generation reads hashes
// through SubtreeHashSource, which a store implements; MemoryTree implements it
// over leaf hashes held in memory.
//
// All free functions are pure and thread-safe. MemoryTree is immutable after
// construction and may be read from any number of threads at once.
#ifndef EVIDEX_LEDGER_MERKLE_H_
#define EVIDEX_LEDGER_MERKLE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "crypto/sha256.h"

namespace evidex::ledger {

// A SHA-256 hash of a leaf, an inner node, or a whole tree.
using Hash = crypto::Sha256Digest;

// SHA-256(0x00 || data): the hash of a leaf whose bytes are `data`.
Hash LeafHash(std::span<const std::uint8_t> data);

// SHA-256(0x01 || left || right): the hash of an inner node.
Hash NodeHash(const Hash& left, const Hash& right);

// SHA-256 of the empty string: the root of the tree with no leaves.
Hash EmptyRoot();

// MTH over the given leaf hashes (EmptyRoot() when there are none). Computes
// n - 1 node hashes.
Hash Root(std::span<const Hash> leaf_hashes);

// Where proof generation reads the hashes of a tree.
//
// A complete subtree at (level, index) is the perfect binary subtree over the
// 2^level leaves [index * 2^level, (index + 1) * 2^level); at level 0 it is a
// single leaf and its hash is the leaf hash. Every hash a proof or root needs
// is a complete subtree hash or is computed from at most 64 of them, so a store
// that keeps complete subtree hashes (for example in tiles) answers a proof
// with O(log n) reads: the functions below read at most 2 * floor(log2(n)) + 2
// of them.
//
// Contract for implementations:
//   - The functions below only ask for subtrees that lie entirely within the
//     tree size they were given. In an append-only log the hash of a complete
//     subtree never changes once all its leaves exist, so the answer does not
//     depend on the current tree size.
//   - CompleteSubtreeHash MUST return the hash the tree has there, or a non-OK
//     Status (kNotFound when those leaves do not exist, kUnavailable or
//     kDataLoss for a failing store). It MUST NOT return a hash for leaves
//     that are not yet durably part of the tree. Errors are passed on
//     unchanged to the caller of the proof function.
//   - Implementations say whether they are thread-safe; the functions below
//     call them from the calling thread only.
class SubtreeHashSource {
 public:
  virtual ~SubtreeHashSource() = default;
  // The hash of the complete subtree at `level` (0..63) and `index`, as
  // described above.
  virtual Result<Hash> CompleteSubtreeHash(int level,
                                           std::uint64_t index) const = 0;
};

// A tree held in memory with the hash of every complete subtree computed up
// front: n - 1 node hashes at construction, about 2n hashes of memory, then
// every read is O(1).
class MemoryTree final : public SubtreeHashSource {
 public:
  explicit MemoryTree(std::vector<Hash> leaf_hashes);

  // The number of leaves.
  std::uint64_t size() const { return levels_.front().size(); }

  // Fails with kNotFound when the subtree is not complete in this tree.
  Result<Hash> CompleteSubtreeHash(int level,
                                   std::uint64_t index) const override;

 private:
  // levels_[l][i] is the hash of the complete subtree at level l, index i.
  // levels_[0] holds the leaf hashes; there is always at least that level.
  std::vector<std::vector<Hash>> levels_;
};

// MTH of the first `tree_size` leaves of `tree` (EmptyRoot() for 0). Fails only
// when `tree` fails.
Result<Hash> Root(const SubtreeHashSource& tree, std::uint64_t tree_size);

// The inclusion proof PATH(leaf_index, D[tree_size]) of RFC 9162
// section 2.1.3.1: the sibling hashes from the leaf up to the root. Fails with
// kInvalidArgument when leaf_index >= tree_size, or with the Status of `tree`.
Result<std::vector<Hash>> InclusionProof(const SubtreeHashSource& tree,
                                         std::uint64_t tree_size,
                                         std::uint64_t leaf_index);

// The consistency proof PROOF(old_size, D[new_size]) of RFC 9162
// section 2.1.4.1. It is empty when old_size is 0 (every tree extends the
// empty tree) or equals new_size. Fails with kInvalidArgument when
// old_size > new_size, or with the Status of `tree`.
Result<std::vector<Hash>> ConsistencyProof(const SubtreeHashSource& tree,
                                           std::uint64_t old_size,
                                           std::uint64_t new_size);

// The number of hashes in PATH(leaf_index, D[tree_size]). Requires
// leaf_index < tree_size.
std::size_t InclusionProofSize(std::uint64_t leaf_index,
                               std::uint64_t tree_size);

// The number of hashes in PROOF(old_size, D[new_size]). Requires
// old_size <= new_size.
std::size_t ConsistencyProofSize(std::uint64_t old_size,
                                 std::uint64_t new_size);

// Checks that `proof` proves that the leaf with hash `leaf_hash` is at
// `leaf_index` in the tree of `tree_size` leaves whose root is `root` (RFC 9162
// section 2.1.3.2). OK when it does; otherwise kInvalidArgument saying why: the
// index is not below the size, the proof has the wrong number of hashes, or the
// proof leads to another root.
Status VerifyInclusion(std::uint64_t leaf_index, std::uint64_t tree_size,
                       const Hash& leaf_hash, std::span<const Hash> proof,
                       const Hash& root);

// Checks that `proof` proves that the tree of `old_size` leaves with root
// `old_root` is a prefix of the tree of `new_size` leaves with root `new_root`
// (RFC 9162 section 2.1.4.2). OK when it does; otherwise kInvalidArgument
// saying why. Beyond the RFC's case 0 < old_size < new_size:
//   - old_size > new_size never verifies;
//   - old_size == new_size verifies with an empty proof and equal roots;
//   - old_size == 0 verifies with an empty proof when old_root is EmptyRoot()
//     (a tree of size 0 has no other root), whatever new_root is.
Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         const Hash& old_root, const Hash& new_root,
                         std::span<const Hash> proof);

}  // namespace evidex::ledger

#endif  // EVIDEX_LEDGER_MERKLE_H_
