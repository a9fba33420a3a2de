// The manifest of an evidence package: what the package holds and who made
// it, as canonical JSON (RFC 8785) that the provider signs.
//
//   {"chunk_size":1048576,
//    "chunk_table_sha256":"<hex>",
//    "created_at":"2026-11-29T10:00:00Z",
//    "format":"evx/1",
//    "header_sha256":"<hex>",
//    "items":[{"data_category":"content","media_type":"application/mbox",
//              "name":"mailbox.mbox","produced_at":"2026-11-28T17:00:00Z",
//              "producer":"mail-export 4.2","sha256":"<hex>","size":123}],
//    "order":"case_0123",
//    "signer":{"name":"provider.example","public_key":"<base64>"}}
//
// docs/formats/evx.md gives every field's rule. ParseManifest accepts exactly
// this shape in its canonical form (members in canonical order, no others, no
// whitespace), so that a manifest has one spelling and its signature covers
// every byte that is read. Errors are kDataLoss ("manifest: ..."), naming the
// field (`items[2].sha256`). ValidateManifest applies the same rules to a
// Manifest built in memory (kInvalidArgument), so that pack refuses what
// verify would refuse.
//
// Pure functions; thread-safe.
#ifndef EVIDEX_EVIDENCE_MANIFEST_H_
#define EVIDEX_EVIDENCE_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"

namespace evidex::evidence {

inline constexpr std::string_view kManifestFormat = "evx/1";

struct ManifestItem {
  std::string name;
  std::uint64_t size = 0;
  std::string media_type;
  std::string data_category;
  crypto::Sha256Digest sha256{};
  std::string produced_at;  // UTC RFC 3339, `Z`
  std::string producer;
};

struct Manifest {
  std::string order;
  std::string created_at;  // UTC RFC 3339, `Z`
  std::string signer_name;
  crypto::Ed25519PublicKey signer_public_key{};
  std::uint32_t chunk_size = 0;
  crypto::Sha256Digest header_sha256{};
  crypto::Sha256Digest chunk_table_sha256{};
  std::vector<ManifestItem> items;
};

// Checks every field rule of docs/formats/evx.md; kInvalidArgument naming the
// field.
Status ValidateManifest(const Manifest& manifest);

// The canonical JSON bytes of a valid manifest.
Result<std::string> SerializeManifest(const Manifest& manifest);

// Parses and validates manifest bytes (kDataLoss as the header comment says).
Result<Manifest> ParseManifest(std::string_view bytes);

// The bytes an Ed25519 manifest signature covers: the ASCII context
// "evidex evx/1 manifest\n" followed by the manifest bytes.
std::vector<std::uint8_t> SignedBytes(std::string_view manifest_bytes);

// True if `text` is a UTC RFC 3339 date and time as the manifest writes it:
// YYYY-MM-DDTHH:MM:SS, optionally .d to .ddddddddd, then Z; a real calendar
// day, hours below 24, minutes and seconds below 60.
bool IsUtcTimestamp(std::string_view text);

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_MANIFEST_H_
