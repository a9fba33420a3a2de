#include "cli/merkle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>

namespace evidex::cli {
namespace {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Merkle(MerkleCommand command, const std::string& stdin_text,
               const std::string& argument = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  int code = RunMerkle({command, argument}, in, out, err);
  return {code, out.str(), err.str()};
}

// The eight leaves of the RFC 6962 test tree, one hex leaf a line (the first is
// empty). Every expected value below was computed independently with Python's
// hashlib from RFC 9162 2.1.
const std::string kTestLeaves =
    "\n00\n10\n2021\n3031\n40414243\n5051525354555657\n606162636465666768696a6b"
    "6c6d6e6f\n";
const std::string kEmptyRoot =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kEmptyLeafRoot =
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
const std::string kAaBbRoot =
    "3a6c27fde711243b24095e21cfa3ab2fd6c4e186412e526b2684850209247eca";

const std::string kInclusion5Of8 =
    R"({"tree_size":8,"leaf_index":5,)"
    R"("root":"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",)"
    R"("leaf_hash":"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",)"
    R"("proof":["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",)"
    R"("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",)"
    R"("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]})";

const std::string kConsistency3To7 =
    R"({"old_size":3,"new_size":7,)"
    R"("old_root":"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",)"
    R"("new_root":"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",)"
    R"("proof":["0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",)"
    R"("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",)"
    R"("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",)"
    R"("837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"]})";

// Leaves 0..n-1, each the 4-byte big-endian encoding of its index.
std::string CountingLeaves(int n) {
  std::string text;
  char line[10];
  for (int i = 0; i < n; ++i) {
    std::snprintf(line, sizeof line, "%08x\n", i);
    text += line;
  }
  return text;
}

TEST(MerkleRootCommandTest, PrintsTheRootInHex) {
  EXPECT_EQ(
      Merkle(MerkleCommand::kRoot, kTestLeaves).out,
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\n");
  EXPECT_EQ(
      Merkle(MerkleCommand::kRoot, CountingLeaves(1000)).out,
      "ed58fe22105717ceedf760a43eedfb173a60c44ef40fd61b6cd86bd4ebb59b61\n");
}

TEST(MerkleRootCommandTest, LinesAndLineEndings) {
  struct Case {
    std::string input;
    std::string root;
  };
  const Case cases[] = {
      {"", kEmptyRoot},             // no leaves
      {"\n", kEmptyLeafRoot},       // one empty leaf
      {"aa\nbb\n", kAaBbRoot},      // a final newline ends the last line
      {"aa\nbb", kAaBbRoot},        // so does the end of input
      {"AA\r\nbb\r\n", kAaBbRoot},  // CR LF, and either case of hex
      {"aa\r\nbb", kAaBbRoot},      // mixed
      {"aa\n\nbb\n",
       "aa81adb69acb85d74c65a05562bf478fb79ad1ac467e737ac5e7763d84944676"},
      {"\n\n",
       "fe43d66afa4a9a5c4f9c9da89f4ffb52635c8f342e7ffb731d68e36c5982072a"},
  };
  for (const Case& c : cases) {
    Outcome r = Merkle(MerkleCommand::kRoot, c.input);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, c.root + "\n") << c.input;
    EXPECT_EQ(r.err, "");
  }
}

TEST(MerkleRootCommandTest, RejectsBadHexNamingTheLine) {
  Outcome r = Merkle(MerkleCommand::kRoot, "aa\nbb\nxyz\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "evidex merkle root: line 3: odd number of hex digits (3)\n");
  r = Merkle(MerkleCommand::kRoot, "aa\n\nbg\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "evidex merkle root: line 3: invalid hex digit `g` at offset 1\n");
  r = Merkle(MerkleCommand::kRoot, "aa \n");
  EXPECT_EQ(r.err,
            "evidex merkle root: line 1: odd number of hex digits (3)\n");
  r = Merkle(MerkleCommand::kRoot, "a\rbc\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(
      r.err,
      "evidex merkle root: line 1: invalid hex digit byte 13 at offset 1\n");
}

TEST(MerkleRootCommandTest, BoundsItsInput) {
  Outcome r =
      Merkle(MerkleCommand::kRoot, std::string(kMaxLeafInputBytes + 1, 'a'));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err,
      "evidex merkle root: standard input is larger than 67108864 bytes\n");
  r = Merkle(MerkleCommand::kRoot, std::string(kMaxLeaves + 1, '\n'));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "evidex merkle root: more than 4194304 leaves\n");
}

TEST(MerkleInclusionCommandTest, PrintsTheProofAsJson) {
  Outcome r = Merkle(MerkleCommand::kInclusion, kTestLeaves, "5");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, kInclusion5Of8 + "\n");
  EXPECT_EQ(r.err, "");
  r = Merkle(MerkleCommand::kInclusion, "\n", "0");
  EXPECT_EQ(r.out, R"({"tree_size":1,"leaf_index":0,"root":")" +
                       kEmptyLeafRoot + R"(","leaf_hash":")" + kEmptyLeafRoot +
                       R"(","proof":[]})" + "\n");
}

TEST(MerkleInclusionCommandTest, RejectsABadIndex) {
  Outcome r = Merkle(MerkleCommand::kInclusion, kTestLeaves, "8");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "evidex merkle inclusion: leaf index 8 is out of range for a tree "
            "of 8 leaves\n");
  r = Merkle(MerkleCommand::kInclusion, "", "0");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "evidex merkle inclusion: leaf index 0 is out of range for a tree "
            "of 0 leaves\n");
  for (const char* bad : {"", "-1", "+1", "1.0", "0x1", " 1", "1 ", "abc"}) {
    r = Merkle(MerkleCommand::kInclusion, kTestLeaves, bad);
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_EQ(r.err, "evidex merkle inclusion: INDEX `" + std::string(bad) +
                         "` is not a non-negative integer\n");
  }
  r = Merkle(MerkleCommand::kInclusion, kTestLeaves, "1\n2");
  EXPECT_EQ(r.err,
            "evidex merkle inclusion: INDEX `1?2` is not a non-negative "
            "integer\n");
  r = Merkle(MerkleCommand::kInclusion, kTestLeaves, "18446744073709551616");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "evidex merkle inclusion: INDEX `18446744073709551616` is larger "
            "than 2^64 - 1\n");
  r = Merkle(MerkleCommand::kInclusion, kTestLeaves, std::string(40, '9'));
  EXPECT_EQ(r.err, "evidex merkle inclusion: INDEX `" + std::string(32, '9') +
                       "...` is larger than 2^64 - 1\n");
  r = Merkle(MerkleCommand::kInclusion, kTestLeaves, "18446744073709551615");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "evidex merkle inclusion: leaf index 18446744073709551615 is out "
            "of range for a tree of 8 leaves\n");
  // Bad leaves are reported like `root` does.
  r = Merkle(MerkleCommand::kInclusion, "aa\nzz\n", "0");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(
      r.err,
      "evidex merkle inclusion: line 2: invalid hex digit `z` at offset 0\n");
}

TEST(MerkleConsistencyCommandTest, PrintsTheProofAsJson) {
  const std::string first_seven =
      "\n00\n10\n2021\n3031\n40414243\n5051525354555657\n";
  Outcome r = Merkle(MerkleCommand::kConsistency, first_seven, "3");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, kConsistency3To7 + "\n");
  r = Merkle(MerkleCommand::kConsistency, "\n00\n", "0");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      R"({"old_size":0,"new_size":2,"old_root":")" + kEmptyRoot +
          R"(","new_root":"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",)"
          R"("proof":[]})" +
          "\n");
  r = Merkle(MerkleCommand::kConsistency, "", "0");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"old_size":0,"new_size":0,"old_root":")" + kEmptyRoot +
                       R"(","new_root":")" + kEmptyRoot + R"(","proof":[]})" +
                       "\n");
}

TEST(MerkleConsistencyCommandTest, RejectsABadOldSize) {
  Outcome r = Merkle(MerkleCommand::kConsistency, kTestLeaves, "9");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err,
      "evidex merkle consistency: old size 9 is larger than new size 8\n");
  r = Merkle(MerkleCommand::kConsistency, kTestLeaves, "-3");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "evidex merkle consistency: OLD_SIZE `-3` is not a non-negative "
            "integer\n");
}

// What `inclusion` and `consistency` print, `verify-*` accepts: a tree of
// 1000 leaves, at indexes and sizes at the edges and around powers of two.
TEST(MerkleVerifyCommandTest, RoundTrips) {
  const std::string leaves = CountingLeaves(1000);
  for (const char* index : {"0", "1", "499", "512", "998", "999"}) {
    Outcome proof = Merkle(MerkleCommand::kInclusion, leaves, index);
    ASSERT_EQ(proof.code, 0) << proof.err;
    Outcome check = Merkle(MerkleCommand::kVerifyInclusion, proof.out);
    EXPECT_EQ(check.code, 0) << index << ": " << check.err;
    EXPECT_EQ(check.out, "");
    EXPECT_EQ(check.err, "");
  }
  for (const char* old_size :
       {"0", "1", "2", "511", "512", "777", "999", "1000"}) {
    Outcome proof = Merkle(MerkleCommand::kConsistency, leaves, old_size);
    ASSERT_EQ(proof.code, 0) << proof.err;
    Outcome check = Merkle(MerkleCommand::kVerifyConsistency, proof.out);
    EXPECT_EQ(check.code, 0) << old_size << ": " << check.err;
  }
  EXPECT_EQ(Merkle(MerkleCommand::kVerifyInclusion, kInclusion5Of8).code, 0);
  EXPECT_EQ(Merkle(MerkleCommand::kVerifyConsistency, kConsistency3To7).code,
            0);
}

// `text` with the first occurrence of `from` replaced by `to`.
std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(MerkleVerifyCommandTest, ATamperedProofDoesNotVerify) {
  Outcome r = Merkle(MerkleCommand::kVerifyInclusion,
                     Replace(kInclusion5Of8, "\"bc1a0643", "\"bc1a0644"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with(
      "evidex merkle verify-inclusion: the proof does not verify: root "
      "mismatch: the proof leads to `"))
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);

  r = Merkle(MerkleCommand::kVerifyInclusion,
             Replace(kInclusion5Of8, R"("leaf_index":5)", R"("leaf_index":4)"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(
      r.err,
      "evidex merkle verify-inclusion: the proof does not verify: root "
      "mismatch: the proof "
      "leads to "
      "`cc2c138b5dd6f08a14e508c18ad2cca73e0da2047aee376727fa0b56de2dd9b3`\n");

  r = Merkle(MerkleCommand::kVerifyInclusion,
             Replace(kInclusion5Of8, R"("tree_size":8)", R"("tree_size":6)"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "evidex merkle verify-inclusion: the proof does not verify: proof "
            "has 3 hashes, "
            "expected 2\n");

  r = Merkle(MerkleCommand::kVerifyInclusion,
             Replace(kInclusion5Of8, R"("leaf_index":5)", R"("leaf_index":8)"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "evidex merkle verify-inclusion: the proof does not verify: leaf "
            "index 8 is not less "
            "than tree size 8\n");

  r = Merkle(MerkleCommand::kVerifyConsistency,
             Replace(kConsistency3To7, R"("old_size":3)", R"("old_size":8)"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "evidex merkle verify-consistency: the proof does not verify: old "
            "size 8 is larger than "
            "new size 7\n");

  r = Merkle(MerkleCommand::kVerifyConsistency,
             Replace(kConsistency3To7, "\"aeb6bcfe", "\"aeb6bcff"));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.err.starts_with(
      "evidex merkle verify-consistency: the proof does not verify: old "
      "root mismatch: the proof leads to `aeb6bcfe"))
      << r.err;

  r = Merkle(MerkleCommand::kVerifyConsistency,
             Replace(kConsistency3To7, "\"ddb89be4", "\"ddb89be5"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(
      r.err,
      "evidex merkle verify-consistency: the proof does not verify: new root "
      "mismatch: the "
      "proof leads to "
      "`ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c`\n");

  // A proof from the empty tree holds only for the empty tree's root.
  r = Merkle(MerkleCommand::kVerifyConsistency,
             R"({"old_size":0,"new_size":7,"old_root":")" + kEmptyLeafRoot +
                 R"(","new_root":")" + kEmptyLeafRoot + R"(","proof":[]})");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "evidex merkle verify-consistency: the proof does not verify: old "
            "root `" +
                kEmptyLeafRoot + "` is not the root of the empty tree\n");
}

TEST(MerkleVerifyCommandTest, MalformedInputNamesTheField) {
  struct Case {
    MerkleCommand command;
    std::string input;
    std::string err;
  };
  const std::string incl = "evidex merkle verify-inclusion: invalid input: ";
  const std::string cons = "evidex merkle verify-consistency: invalid input: ";
  const Case cases[] = {
      {MerkleCommand::kVerifyInclusion, "",
       incl + "malformed JSON at line 1, column 1: "},
      {MerkleCommand::kVerifyInclusion, "[]", incl + "expected a JSON object"},
      {MerkleCommand::kVerifyInclusion,
       Replace(kInclusion5Of8, R"("tree_size":8,)", ""),
       incl + "missing field `tree_size`"},
      {MerkleCommand::kVerifyInclusion,
       Replace(kInclusion5Of8, R"("tree_size":8,)",
               R"("tree_size":8,"size":8,)"),
       incl + "unknown field `size`"},
      {MerkleCommand::kVerifyInclusion,
       Replace(kInclusion5Of8, R"("tree_size":8)", R"("tree_size":-8)"),
       incl + "field `tree_size` must not be negative, got -8"},
      {MerkleCommand::kVerifyInclusion,
       Replace(kInclusion5Of8, R"("leaf_index":5)", R"("leaf_index":"5")"),
       incl + "field `leaf_index` must be an integer"},
      {MerkleCommand::kVerifyInclusion,
       Replace(kInclusion5Of8, "\"5dc9da79", "\"5dc9da7"),
       incl + "field `root`: odd number of hex digits (63)"},
      {MerkleCommand::kVerifyInclusion,
       Replace(kInclusion5Of8, "\"4271a26b", "\"4271a2"),
       incl +
           "field `leaf_hash` must be 32 bytes (64 hex digits), got 31 bytes"},
      {MerkleCommand::kVerifyInclusion,
       Replace(kInclusion5Of8, "\"ca854ea1", "\"ca854eaq"),
       incl + "field `proof[1]`: invalid hex digit `q` at offset 7"},
      {MerkleCommand::kVerifyInclusion, kConsistency3To7,
       incl + "unknown field `old_size`"},
      {MerkleCommand::kVerifyConsistency, kInclusion5Of8,
       cons + "unknown field `tree_size`"},
      {MerkleCommand::kVerifyConsistency,
       Replace(kConsistency3To7, R"("proof":[)", R"("proof":[1,)"),
       cons + "field `proof[0]` must be a string of hex digits"},
      {MerkleCommand::kVerifyConsistency,
       Replace(kConsistency3To7, R"("old_size":3)",
               R"("old_size":3,"old_size":3)"),
       cons + "malformed JSON at line 1, column 24: the key `old_size` appears "
              "twice"},
      {MerkleCommand::kVerifyConsistency,
       Replace(kConsistency3To7, R"("new_size":7)", R"("new_size":7.0)"),
       cons + "field `new_size` must be an integer"},
  };
  for (const Case& c : cases) {
    Outcome r = Merkle(c.command, c.input);
    EXPECT_EQ(r.code, 2) << c.input;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(r.err.starts_with(c.err)) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(MerkleVerifyCommandTest, BoundsItsInput) {
  std::string big = kInclusion5Of8;
  big.append(kMaxProofInputBytes, ' ');
  Outcome r = Merkle(MerkleCommand::kVerifyInclusion, big);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "evidex merkle verify-inclusion: invalid input: standard input is "
            "larger than 1048576 "
            "bytes\n");
  // Just under the bound, trailing whitespace is fine.
  big.resize(kMaxProofInputBytes);
  EXPECT_EQ(Merkle(MerkleCommand::kVerifyInclusion, big).code, 0);
}

}  // namespace
}  // namespace evidex::cli
