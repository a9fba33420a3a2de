// The JSON form of RFC 9162 proofs, as `evidex merkle` prints and reads them.
//
//   inclusion:
//     {"tree_size": N, "leaf_index": I, "root": H, "leaf_hash": H,
//      "proof": [H, ...]}
//   consistency:
//     {"old_size": M, "new_size": N, "old_root": H, "new_root": H,
//      "proof": [H, ...]}
//
// where H is a SHA-256 hash as a string of 64 hex digits and "proof" lists the
// proof's hashes in RFC 9162 order (from the leaf level up). A message only
// states a claim; whether the proof holds is for VerifyInclusion and
// VerifyConsistency (merkle.h) to say.
//
// The writers emit exactly these keys in this order, compact, with lowercase
// hex. The parsers are strict: one JSON object (ParseJson: no repeated keys)
// with exactly these keys in any order; sizes and indexes are integers from 0
// to 2^63 - 1 (no fraction, no exponent); hashes have exactly 32 bytes, in hex
// of either case. Any other input fails with kInvalidArgument and a one-line
// message that names the field, e.g. "field `proof[2]` must be 32 bytes (64 hex
// digits), got 31 bytes".
//
// All functions are pure and thread-safe.
#ifndef EVIDEX_LEDGER_PROOF_JSON_H_
#define EVIDEX_LEDGER_PROOF_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/merkle.h"

namespace evidex::ledger {

// The largest size or index a message can carry: JSON integers are written as
// int64.
inline constexpr std::uint64_t kMaxMessageInteger =
    (std::uint64_t{1} << 63) - 1;

struct InclusionProofMessage {
  std::uint64_t tree_size = 0;
  std::uint64_t leaf_index = 0;
  Hash root{};
  Hash leaf_hash{};
  std::vector<Hash> proof;

  friend bool operator==(const InclusionProofMessage&,
                         const InclusionProofMessage&) = default;
};

struct ConsistencyProofMessage {
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  Hash old_root{};
  Hash new_root{};
  std::vector<Hash> proof;

  friend bool operator==(const ConsistencyProofMessage&,
                         const ConsistencyProofMessage&) = default;
};

// Appends `m` as compact JSON (no trailing newline) to `out`. Sizes and indexes
// must not exceed kMaxMessageInteger.
void AppendInclusionProofJson(const InclusionProofMessage& m, std::string& out);
void AppendConsistencyProofJson(const ConsistencyProofMessage& m,
                                std::string& out);

// Parses one message; see the header comment for what is accepted.
Result<InclusionProofMessage> ParseInclusionProofJson(std::string_view text);
Result<ConsistencyProofMessage> ParseConsistencyProofJson(
    std::string_view text);

}  // namespace evidex::ledger

#endif  // EVIDEX_LEDGER_PROOF_JSON_H_
