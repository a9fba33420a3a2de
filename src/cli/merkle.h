// `evidex merkle ...`: RFC 9162 Merkle tree roots and proofs, for people and
// scripts.
//
//   evidex merkle root
//       prints the root of the leaves on standard input (hex)
//   evidex merkle inclusion INDEX
//       prints the inclusion proof of leaf INDEX (JSON)
//   evidex merkle consistency OLD_SIZE
//       prints the consistency proof from the first OLD_SIZE leaves to all of
//       them (JSON)
//   evidex merkle verify-inclusion
//       checks an inclusion proof read as JSON from standard input
//   evidex merkle verify-consistency
//       checks a consistency proof read as JSON from standard input
//
// Leaves (root, inclusion, consistency): standard input holds one leaf a line,
// each the hex encoding (either case) of the leaf's bytes; an empty line is
// the empty leaf. A line ends at "\n", and one "\r" before it is dropped, so
// "\r\n" endings work. A final "\n" ends the last line and does not start
// another: "aa\nbb\n" and "aa\nbb" are both the two leaves aa and bb, "\n" is
// one empty leaf, and empty input is no leaves at all (the root is then
// SHA-256 of the empty string). No other whitespace is allowed. At most 64 MiB
// of input and 2^22 leaves.
//
// The JSON shapes are those of ledger/proof_json.h, printed compact on one
// line:
//   {"tree_size":N,"leaf_index":I,"root":H,"leaf_hash":H,"proof":[H,...]}
//   {"old_size":M,"new_size":N,"old_root":H,"new_root":H,"proof":[H,...]}
// and verify-* read exactly these (keys in any order, at most 1 MiB).
//
// Exit codes: 0 on success (for verify-*: the proof verifies; nothing is
// printed); 1 when a proof does not verify, with one line on standard error
// saying why, or when the output cannot be written; 2 when the input or
// argument is malformed or out of range (bad hex with its line number, an INDEX
// that is not a leaf, OLD_SIZE above the number of leaves, JSON that is not
// exactly the shape above), with one line on standard error naming the line or
// field.
#ifndef EVIDEX_CLI_MERKLE_H_
#define EVIDEX_CLI_MERKLE_H_

#include <cstddef>
#include <iosfwd>
#include <string>

namespace evidex::cli {

inline constexpr std::size_t kMaxLeafInputBytes = std::size_t{64} << 20;
inline constexpr std::size_t kMaxLeaves = std::size_t{1} << 22;
inline constexpr std::size_t kMaxProofInputBytes = std::size_t{1} << 20;

enum class MerkleCommand {
  kRoot,
  kInclusion,
  kConsistency,
  kVerifyInclusion,
  kVerifyConsistency,
};

struct MerkleOptions {
  MerkleCommand command = MerkleCommand::kRoot;
  // INDEX for kInclusion, OLD_SIZE for kConsistency, as typed; unused
  // otherwise.
  std::string argument;
};

// Runs one `evidex merkle` subcommand; returns the exit code described above.
int RunMerkle(const MerkleOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err);

}  // namespace evidex::cli

#endif  // EVIDEX_CLI_MERKLE_H_
