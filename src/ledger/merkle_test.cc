#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "crypto/encoding.h"

namespace evidex::ledger {
namespace {

using crypto::HexEncode;

Hash FromHex(std::string_view hex) {
  auto bytes = crypto::HexDecode(hex);
  EXPECT_TRUE(bytes.has_value() && bytes->size() == 32) << hex;
  Hash h{};
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

std::vector<std::string> Hex(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const Hash& h : hashes) out.push_back(HexEncode(h));
  return out;
}

// The eight leaves of the RFC 6962 test tree (certificate-transparency's
// merkle_tree_test), and the roots of its prefixes, computed independently
// (Python hashlib, straight from RFC 9162 2.1.1).
std::vector<Hash> TestLeafHashes() {
  std::vector<Hash> leaves;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(LeafHash(*crypto::HexDecode(hex)));
  }
  return leaves;
}

const std::vector<std::string> kTestRoots = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// Leaves 0..n-1 of a tree used where the contents do not matter.
std::vector<Hash> Leaves(std::uint64_t n) {
  std::vector<Hash> leaves;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string data = "leaf " + std::to_string(i);
    leaves.push_back(LeafHash(
        {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}));
  }
  return leaves;
}

TEST(MerkleHashTest, LeafNodeAndEmptyHashes) {
  EXPECT_EQ(HexEncode(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const Hash empty_leaf = LeafHash({});
  EXPECT_EQ(HexEncode(empty_leaf),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const Hash zero_leaf = LeafHash(std::vector<std::uint8_t>{0x00});
  EXPECT_EQ(HexEncode(zero_leaf),
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
  EXPECT_EQ(HexEncode(NodeHash(empty_leaf, zero_leaf)),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
}

TEST(MerkleRootTest, RootsOfTheTestTreePrefixes) {
  const std::vector<Hash> leaves = TestLeafHashes();
  const MemoryTree tree(leaves);
  EXPECT_EQ(tree.size(), 8u);
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_EQ(HexEncode(Root(std::span(leaves).first(n))), kTestRoots[n]);
    EXPECT_EQ(HexEncode(Root(tree, n).value()), kTestRoots[n]);
  }
}

TEST(MerkleRootTest, MemoryTreeAgreesWithTheRecursiveDefinition) {
  const std::vector<Hash> leaves = Leaves(300);
  const MemoryTree tree(leaves);
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(Root(tree, n).value(), Root(std::span(leaves).first(n))) << n;
  }
}

TEST(MerkleRootTest, EmptyMemoryTree) {
  const MemoryTree tree({});
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(Root(tree, 0).value(), EmptyRoot());
  EXPECT_EQ(
      Root(tree, 1).error(),
      NotFoundError(
          "no complete subtree at level 0, index 0 in a tree of 0 leaves"));
}

TEST(MemoryTreeTest, AnswersOnlyCompleteSubtrees) {
  const std::vector<Hash> leaves = TestLeafHashes();
  const MemoryTree tree(std::vector<Hash>(leaves.begin(), leaves.begin() + 7));
  EXPECT_EQ(tree.CompleteSubtreeHash(0, 6).value(), leaves[6]);
  EXPECT_EQ(tree.CompleteSubtreeHash(1, 0).value(),
            NodeHash(leaves[0], leaves[1]));
  EXPECT_EQ(HexEncode(tree.CompleteSubtreeHash(2, 0).value()), kTestRoots[4]);
  EXPECT_EQ(
      tree.CompleteSubtreeHash(1, 3).error(),
      NotFoundError(
          "no complete subtree at level 1, index 3 in a tree of 7 leaves"));
  EXPECT_EQ(
      tree.CompleteSubtreeHash(3, 0).error(),
      NotFoundError(
          "no complete subtree at level 3, index 0 in a tree of 7 leaves"));
  EXPECT_FALSE(tree.CompleteSubtreeHash(-1, 0).has_value());
  EXPECT_FALSE(tree.CompleteSubtreeHash(0, 7).has_value());
}

// Proofs of the test tree, computed independently (Python, straight from RFC
// 9162 PATH/PROOF).
struct InclusionCase {
  std::uint64_t index, size;
  std::vector<std::string> proof;
};

const std::vector<InclusionCase> kInclusionCases = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     3,
     {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

TEST(InclusionProofTest, ProofsOfTheTestTree) {
  const std::vector<Hash> leaves = TestLeafHashes();
  const MemoryTree tree(leaves);
  for (const InclusionCase& c : kInclusionCases) {
    SCOPED_TRACE(std::to_string(c.index) + " in " + std::to_string(c.size));
    auto proof = InclusionProof(tree, c.size, c.index);
    ASSERT_TRUE(proof.has_value()) << proof.error().message();
    EXPECT_EQ(Hex(*proof), c.proof);
    EXPECT_EQ(InclusionProofSize(c.index, c.size), c.proof.size());
    EXPECT_EQ(VerifyInclusion(c.index, c.size, leaves[c.index], *proof,
                              FromHex(kTestRoots[c.size])),
              OkStatus());
  }
}

TEST(InclusionProofTest, RejectsAnIndexOutsideTheTree) {
  const MemoryTree tree(TestLeafHashes());
  EXPECT_EQ(InclusionProof(tree, 8, 8).error(),
            InvalidArgumentError(
                "leaf index 8 is out of range for a tree of 8 leaves"));
  EXPECT_EQ(InclusionProof(tree, 0, 0).error(),
            InvalidArgumentError(
                "leaf index 0 is out of range for a tree of 0 leaves"));
  // A size beyond the tree is the source's error.
  EXPECT_EQ(InclusionProof(tree, 9, 0).error().code(), StatusCode::kNotFound);
}

struct ConsistencyCase {
  std::uint64_t old_size, new_size;
  std::vector<std::string> proof;
};

const std::vector<ConsistencyCase> kConsistencyCases = {
    {0, 8, {}},
    {8, 8, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {3,
     7,
     {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
      "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
    {4,
     7,
     {"837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

TEST(ConsistencyProofTest, ProofsOfTheTestTree) {
  const MemoryTree tree(TestLeafHashes());
  for (const ConsistencyCase& c : kConsistencyCases) {
    SCOPED_TRACE(std::to_string(c.old_size) + " to " +
                 std::to_string(c.new_size));
    auto proof = ConsistencyProof(tree, c.old_size, c.new_size);
    ASSERT_TRUE(proof.has_value()) << proof.error().message();
    EXPECT_EQ(Hex(*proof), c.proof);
    EXPECT_EQ(ConsistencyProofSize(c.old_size, c.new_size), c.proof.size());
    EXPECT_EQ(VerifyConsistency(c.old_size, c.new_size,
                                FromHex(kTestRoots[c.old_size]),
                                FromHex(kTestRoots[c.new_size]), *proof),
              OkStatus());
  }
}

TEST(ConsistencyProofTest, RejectsAnOldSizeLargerThanTheNewSize) {
  const MemoryTree tree(TestLeafHashes());
  EXPECT_EQ(ConsistencyProof(tree, 5, 4).error(),
            InvalidArgumentError("old size 5 is larger than new size 4"));
}

// Every proof of every tree up to 64 leaves has the size that
// InclusionProofSize and ConsistencyProofSize predict, and verifies. (This also
// runs the verifiers' internal asserts over every (index, size) and (old size,
// new size) pair up to 64.)
TEST(MerkleProofTest, EveryProofOfSmallTreesVerifies) {
  const std::vector<Hash> leaves = Leaves(64);
  const MemoryTree tree(leaves);
  std::vector<Hash> roots;
  for (std::uint64_t n = 0; n <= 64; ++n)
    roots.push_back(Root(tree, n).value());
  for (std::uint64_t n = 1; n <= 64; ++n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(tree, n, i).value();
      EXPECT_EQ(proof.size(), InclusionProofSize(i, n));
      EXPECT_EQ(VerifyInclusion(i, n, leaves[i], proof, roots[n]), OkStatus())
          << i << " " << n;
    }
  }
  for (std::uint64_t n = 0; n <= 64; ++n) {
    for (std::uint64_t m = 0; m <= n; ++m) {
      auto proof = ConsistencyProof(tree, m, n).value();
      EXPECT_EQ(proof.size(), ConsistencyProofSize(m, n));
      EXPECT_EQ(VerifyConsistency(m, n, roots[m], roots[n], proof), OkStatus())
          << m << " " << n;
    }
  }
}

TEST(VerifyInclusionTest, SaysWhyAProofFails) {
  const std::vector<Hash> leaves = TestLeafHashes();
  const MemoryTree tree(leaves);
  const Hash root = FromHex(kTestRoots[8]);
  std::vector<Hash> proof = InclusionProof(tree, 8, 5).value();

  EXPECT_EQ(VerifyInclusion(8, 8, leaves[5], proof, root),
            InvalidArgumentError("leaf index 8 is not less than tree size 8"));
  EXPECT_EQ(VerifyInclusion(0, 0, leaves[0], {}, EmptyRoot()),
            InvalidArgumentError("leaf index 0 is not less than tree size 0"));
  EXPECT_EQ(VerifyInclusion(5, 8, leaves[5], std::span(proof).first(2), root),
            InvalidArgumentError("proof has 2 hashes, expected 3"));
  EXPECT_EQ(
      VerifyInclusion(0, 1, leaves[0], std::span(proof).first(1), leaves[0]),
      InvalidArgumentError("proof has 1 hash, expected 0"));
  EXPECT_EQ(VerifyInclusion(4, 8, leaves[5], proof, root),
            InvalidArgumentError("root mismatch: the proof leads to "
                                 "`cc2c138b5dd6f08a14e508c18ad2cca73e0da2047aee"
                                 "376727fa0b56de2dd9b3`"));
  EXPECT_EQ(
      VerifyInclusion(5, 8, leaves[4], proof, root).message().substr(0, 35),
      "root mismatch: the proof leads to `");
  // The tree of one leaf: its root is the leaf hash.
  EXPECT_EQ(VerifyInclusion(0, 1, leaves[0], {}, leaves[0]), OkStatus());
}

TEST(VerifyInclusionTest, EveryBitOfTheProofRootAndLeafMatters) {
  const std::vector<Hash> leaves = TestLeafHashes();
  const MemoryTree tree(std::vector<Hash>(leaves.begin(), leaves.begin() + 7));
  const Hash root = FromHex(kTestRoots[7]);
  const std::vector<Hash> proof = InclusionProof(tree, 7, 2).value();
  ASSERT_EQ(VerifyInclusion(2, 7, leaves[2], proof, root), OkStatus());
  for (std::size_t bit = 0; bit < 256; ++bit) {
    const auto flip = [bit](Hash h) {
      h[bit / 8] ^= static_cast<std::uint8_t>(1u << bit % 8);
      return h;
    };
    for (std::size_t i = 0; i < proof.size(); ++i) {
      std::vector<Hash> bad = proof;
      bad[i] = flip(bad[i]);
      EXPECT_FALSE(VerifyInclusion(2, 7, leaves[2], bad, root).ok())
          << i << " " << bit;
    }
    EXPECT_FALSE(VerifyInclusion(2, 7, leaves[2], proof, flip(root)).ok())
        << bit;
    EXPECT_FALSE(VerifyInclusion(2, 7, flip(leaves[2]), proof, root).ok())
        << bit;
  }
}

TEST(VerifyConsistencyTest, SaysWhyAProofFails) {
  const MemoryTree tree(TestLeafHashes());
  const Hash root3 = FromHex(kTestRoots[3]);
  const Hash root7 = FromHex(kTestRoots[7]);
  const std::vector<Hash> proof = ConsistencyProof(tree, 3, 7).value();

  EXPECT_EQ(VerifyConsistency(7, 3, root7, root3, proof),
            InvalidArgumentError("old size 7 is larger than new size 3"));
  EXPECT_EQ(VerifyConsistency(3, 7, root3, root7, std::span(proof).first(3)),
            InvalidArgumentError("proof has 3 hashes, expected 4"));
  EXPECT_EQ(
      VerifyConsistency(3, 7, root7, root7, proof).message().substr(0, 39),
      "old root mismatch: the proof leads to `");
  EXPECT_EQ(VerifyConsistency(3, 7, root3, root3, proof),
            InvalidArgumentError("new root mismatch: the proof leads to "
                                 "`ddb89be403809e325750d3d263cd78929c2942b7942a"
                                 "34b77e122c9594a74c8c`"));
}

TEST(VerifyConsistencyTest, EqualSizes) {
  const Hash root3 = FromHex(kTestRoots[3]);
  const Hash root4 = FromHex(kTestRoots[4]);
  EXPECT_EQ(VerifyConsistency(3, 3, root3, root3, {}), OkStatus());
  EXPECT_EQ(VerifyConsistency(3, 3, root3, root3, std::vector<Hash>{root3}),
            InvalidArgumentError("proof has 1 hash, expected 0"));
  EXPECT_EQ(
      VerifyConsistency(3, 3, root3, root4, {}),
      InvalidArgumentError(
          "root mismatch: trees of the same size 3 have different roots"));
  EXPECT_EQ(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}), OkStatus());
  EXPECT_EQ(VerifyConsistency(0, 0, root3, root3, {}),
            InvalidArgumentError("old root "
                                 "`aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5"
                                 "e0ba159158f329e06e77` is "
                                 "not the root of the empty tree"));
}

TEST(VerifyConsistencyTest, FromTheEmptyTree) {
  const Hash root3 = FromHex(kTestRoots[3]);
  EXPECT_EQ(VerifyConsistency(0, 3, EmptyRoot(), root3, {}), OkStatus());
  EXPECT_EQ(VerifyConsistency(0, 3, EmptyRoot(), root3,
                              std::vector<Hash>{EmptyRoot()}),
            InvalidArgumentError("proof has 1 hash, expected 0"));
  EXPECT_EQ(VerifyConsistency(0, 3, root3, root3, {}).message(),
            "old root "
            "`aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77`"
            " is not "
            "the root of the empty tree");
}

// A source that counts reads, or fails them all.
class CountingSource final : public SubtreeHashSource {
 public:
  explicit CountingSource(const SubtreeHashSource* tree) : tree_(tree) {}
  Result<Hash> CompleteSubtreeHash(int level,
                                   std::uint64_t index) const override {
    ++reads;
    if (tree_ == nullptr) return Err(UnavailableError("the store is down"));
    return tree_->CompleteSubtreeHash(level, index);
  }
  mutable int reads = 0;

 private:
  const SubtreeHashSource* tree_;
};

TEST(SubtreeHashSourceTest, ProofsReadLogarithmicallyManyHashes) {
  const MemoryTree tree(Leaves(1000));
  int worst = 0;
  for (std::uint64_t n = 1; n <= 1000; n += 7) {
    const int bound = 2 * std::bit_width(n);
    for (std::uint64_t i = 0; i < n; i += 5) {
      CountingSource counted(&tree);
      ASSERT_TRUE(InclusionProof(counted, n, i).has_value());
      EXPECT_LE(counted.reads, bound) << "inclusion " << i << " in " << n;
      worst = std::max(worst, counted.reads);
      CountingSource counted2(&tree);
      ASSERT_TRUE(ConsistencyProof(counted2, i, n).has_value());
      EXPECT_LE(counted2.reads, bound) << "consistency " << i << " to " << n;
    }
  }
  EXPECT_GT(worst, 10);
}

TEST(SubtreeHashSourceTest, SourceErrorsPassThroughUnchanged) {
  const CountingSource down(nullptr);
  EXPECT_EQ(InclusionProof(down, 8, 3).error(),
            UnavailableError("the store is down"));
  EXPECT_EQ(ConsistencyProof(down, 3, 8).error(),
            UnavailableError("the store is down"));
  EXPECT_EQ(Root(down, 8).error(), UnavailableError("the store is down"));
  // Nothing to read: no error.
  EXPECT_EQ(InclusionProof(down, 1, 0).value(), std::vector<Hash>{});
  EXPECT_EQ(ConsistencyProof(down, 0, 8).value(), std::vector<Hash>{});
  EXPECT_EQ(Root(down, 0).value(), EmptyRoot());
}

}  // namespace
}  // namespace evidex::ledger
