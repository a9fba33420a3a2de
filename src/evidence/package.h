// Evidence packages (.evx): pack, verify, unpack, and attach a log proof.
//
// The format is specified in docs/formats/evx.md. In short: a provider packs
// files ("items") for an order into one file; every item is cut into chunks,
// each chunk encrypted with libsodium's secretstream under a random package
// key that is sealed to the receiving authority's X25519 key; a manifest
// (canonical JSON) names the order and every item with its size, media type,
// data category, SHA-256 of the plaintext, time produced and producer, and
// commits to the header and to a table that pins every chunk's position and
// Poly1305 MAC; the provider signs the manifest with Ed25519. After the package
// is logged, AttachLogProof appends its leaf index, inclusion proof and the
// signed checkpoint without rewriting the content.
//
// Everything streams: Pack reads each item once and writes the package front
// to back; VerifyPackage reads the small trailer first, then the content once.
// Memory is bounded by a few chunk buffers, whatever the package's size (plus
// 32 bytes a chunk for the chunk table while packing).
//
// Threads: Pack reads and hashes the plaintext on the calling thread,
// encrypts on a second and writes (around the page cache) on a third;
// VerifyPackage with a recipient key decrypts on a second thread while the
// calling thread reads, checks, hashes and writes. Without the key, verify
// reads only the frames' headers and MACs. Each call is independent; the
// functions are thread-safe.
//
// Failures name exactly what failed. Status codes:
//   kInvalidArgument     bad options (an item that is not a regular file, an
//                        invalid name, media type, category, time, key);
//   kNotFound            an input file or directory does not exist;
//   kAlreadyExists       an output file exists already;
//   kDataLoss            the package is corrupt: structure, a chunk's
//                        position or hash, an item's hash, a decryption that
//                        fails, a malformed manifest or log proof;
//   kUnauthenticated     the manifest's signature does not verify, or its
//                        signer is not trusted; the log proof does not lead to
//                        the checkpoint, or the checkpoint is not signed by a
//                        trusted log;
//   kFailedPrecondition  the recipient key given is not the one the package
//                        is sealed to;
//   kUnavailable         an I/O error.
#ifndef EVIDEX_EVIDENCE_PACKAGE_H_
#define EVIDEX_EVIDENCE_PACKAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "crypto/sha256.h"
#include "evidence/io.h"
#include "evidence/keys.h"
#include "evidence/log_proof.h"
#include "evidence/manifest.h"

namespace evidex::evidence {

struct PackItem {
  std::string path;  // the file to pack
  // name, media_type, data_category, produced_at and producer; size and
  // sha256 are computed.
  ManifestItem meta;
};

struct PackOptions {
  std::string order;
  std::string created_at;  // UTC RFC 3339
  // The provider's `sign` key, with its secret key.
  const KeyEntry* signer = nullptr;
  // The receiving authority's `encrypt` key.
  std::array<std::uint8_t, 32> recipient{};
  std::uint32_t chunk_size = 0;  // 0: kDefaultChunkSize
  std::vector<PackItem> items;
  // Written as `output` + ".partial", then renamed; must not exist.
  std::string output;
};

struct PackSummary {
  crypto::Sha256Digest package_sha256{};
  std::uint64_t content_bytes = 0;
  std::uint64_t chunk_count = 0;
};

Result<PackSummary> Pack(const PackOptions& options);

// What the package says about itself once its trailer is checked.
struct VerifyOptions {
  // Trusted `sign` and `log` keys; nullptr checks the signature against the
  // key the manifest names, and the checkpoint's signature not at all (the
  // report says so).
  const KeyFile* trust = nullptr;
  // The recipient's `encrypt` key with its secret key: decrypt every chunk and
  // check every item's SHA-256. Without it every chunk's position, header and
  // MAC are checked against the signed chunk table, not its ciphertext.
  const KeyEntry* recipient = nullptr;
  // With `recipient`: write the items into this existing directory (none may
  // exist there yet). Empty: decrypt and check without writing.
  std::string output_dir;
};

struct LogReport {
  std::uint64_t leaf_index = 0;
  std::uint64_t tree_size = 0;
  std::string origin;
  // The key names that signed the checkpoint and are trusted; empty when no
  // trust file was given.
  std::vector<std::string> trusted_signers;
};

struct VerifyReport {
  Manifest manifest;
  // SHA-256 of the manifest bytes followed by the signature: what the log
  // records (docs/formats/evx.md, "Log proof").
  crypto::Sha256Digest package_sha256{};
  bool signer_trusted = false;
  // The X25519 key the package is sealed to (from the signed header).
  std::array<std::uint8_t, 32> recipient{};
  std::uint64_t chunk_count = 0;
  bool decrypted = false;
  std::optional<LogReport> log;
};

Result<VerifyReport> VerifyPackage(const PackageSource& source,
                                   const VerifyOptions& options);

// Attaches `proof` to the package file at `path`, replacing any proof it had:
// rewrites only the proof and the footer at the end of the file. Checks first
// that the package's trailer is sound, that the proof's entry names this
// package and that the proof leads to the checkpoint's root (the checkpoint's
// signature is for verify to check against a trust file). Not atomic: a crash
// while writing can leave the footer unreadable, so the caller keeps the proof
// until this returns.
Status AttachLogProof(const std::string& path, const LogProof& proof);

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_PACKAGE_H_
