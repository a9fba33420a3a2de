// The log proof of an evidence package: where the package sits in a
// transparency log, and the log's signed word for it.
//
//   {"checkpoint":"<C2SP signed note of the log's checkpoint>",
//    "entry":"<base64 of the logged entry, the leaf's bytes>",
//    "leaf_index":42,
//    "proof":["<hex>", ...]}
//
// The entry is the log leaf that records the package: a JSON object whose
// member `package_sha256` is the lowercase hex of the package digest
// (SHA-256 of the manifest bytes followed by the signature). The inclusion
// proof (RFC 9162, hashes from the leaf level up) leads from the entry's leaf
// hash at `leaf_index` to the root of the checkpoint, whose tree size it uses.
// The proof is not covered by the provider's signature: it is added after
// logging and proves itself through the checkpoint's signature.
// docs/formats/evx.md, "Log proof", is the reference.
//
// Status codes: kDataLoss for a malformed proof ("log proof: ..." naming the
// field); kUnauthenticated when the entry names another package, the proof
// does not lead to the checkpoint's root, or the checkpoint is not signed by a
// trusted `log` key whose name is the checkpoint's origin.
//
// Pure functions; thread-safe.
#ifndef EVIDEX_EVIDENCE_LOG_PROOF_H_
#define EVIDEX_EVIDENCE_LOG_PROOF_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/sha256.h"
#include "evidence/keys.h"
#include "ledger/merkle.h"

namespace evidex::evidence {

struct LogProof {
  std::string checkpoint;  // the signed note
  std::vector<std::uint8_t> entry;
  std::uint64_t leaf_index = 0;
  std::vector<ledger::Hash> proof;
};

// The canonical JSON of `proof`.
Result<std::string> SerializeLogProof(const LogProof& proof);

// Parses a log proof, which must be in canonical form (one spelling, so that
// no bit of it can change without changing what it says); kDataLoss naming
// the field.
Result<LogProof> ParseLogProof(std::string_view text);

// The log entry that records a package: {"package_sha256":"<hex>"} in
// canonical JSON. A log may record more members; verification only reads
// this one.
std::string PackageLogEntry(const crypto::Sha256Digest& package_sha256);

struct CheckedLogProof {
  std::string origin;
  std::uint64_t tree_size = 0;
  // Names of the trusted `log` keys whose signature verified; empty when no
  // trust file was given (the checkpoint's signature is then not checked).
  std::vector<std::string> trusted_signers;
};

// Checks `proof` for the package whose digest is `package_sha256`, the
// checkpoint against the `log` keys of `trust` (nullptr: not checked).
Result<CheckedLogProof> CheckLogProof(
    const LogProof& proof, const crypto::Sha256Digest& package_sha256,
    const KeyFile* trust);

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_LOG_PROOF_H_
