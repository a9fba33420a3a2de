// The binary framing of an evidence package (.evx): header, chunk frames,
// chunk table and footer. The whole format, with every check that verify
// makes, is specified in docs/formats/evx.md; this header holds its constants
// and the encoders and strict decoders of its fixed-size parts.
//
// Layout (all integers little-endian):
//   header       kHeaderSize bytes at offset 0
//   content      frames, one per chunk, in order
//   chunk table  chunk_count SHA-256 digests, one per frame
//   manifest     canonical JSON (RFC 8785), manifest_length bytes
//   signature    64 bytes, Ed25519
//   log proof    optional canonical JSON, proof_length bytes
//   footer       kFooterSize bytes, the last bytes of the file
// Every section starts where the previous one ends; the footer gives the
// offsets, and DecodeFooter checks that they tile the file exactly.
//
// Decoders fail with kDataLoss (the package is corrupt), naming the field and
// its byte offset in the package. Pure functions; thread-safe.
#ifndef EVIDEX_EVIDENCE_FORMAT_H_
#define EVIDEX_EVIDENCE_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/status.h"
#include "crypto/sealed_box.h"
#include "crypto/secretstream.h"
#include "crypto/sha256.h"

namespace evidex::evidence {

inline constexpr std::uint16_t kFormatVersion = 1;
inline constexpr std::array<std::uint8_t, 8> kHeaderMagic = {
    0x89, 'E', 'V', 'X', '\r', '\n', 0x1a, '\n'};
inline constexpr std::array<std::uint8_t, 8> kFooterMagic = {
    0x89, 'E', 'V', 'X', 'E', 'N', 'D', '\n'};

inline constexpr std::size_t kSealedKeySize =
    crypto::kSecretStreamKeySize + crypto::kSealedBoxOverhead;
inline constexpr std::size_t kHeaderSize =
    8 + 2 + 2 + 4 + 32 + kSealedKeySize + crypto::kSecretStreamHeaderSize;
static_assert(kHeaderSize == 152);
inline constexpr std::size_t kFrameHeaderSize = 12;
inline constexpr std::size_t kFrameOverhead =
    kFrameHeaderSize + crypto::kSecretStreamOverhead;
inline constexpr std::size_t kFooterSize = 64;
inline constexpr std::size_t kSignatureSize = 64;

// Limits (docs/formats/evx.md, "Limits").
inline constexpr std::uint32_t kMinChunkSize = 256;
inline constexpr std::uint32_t kMaxChunkSize = 16u << 20;
inline constexpr std::uint32_t kDefaultChunkSize = 1u << 20;
inline constexpr std::uint64_t kMaxChunkCount = std::uint64_t{1} << 24;
inline constexpr std::size_t kMaxManifestSize = 16u << 20;
inline constexpr std::size_t kMaxProofSize = 1u << 20;
inline constexpr std::size_t kMaxItems = 100000;

struct Header {
  std::uint32_t chunk_size = kDefaultChunkSize;
  crypto::X25519PublicKey recipient{};
  std::array<std::uint8_t, kSealedKeySize> sealed_key{};
  crypto::SecretStreamHeader stream_header{};
};

std::array<std::uint8_t, kHeaderSize> EncodeHeader(const Header& header);
// Checks the magic, version, flags and chunk size range.
Result<Header> DecodeHeader(std::span<const std::uint8_t> bytes);

// The 12 bytes before each chunk's ciphertext; also its additional data.
struct FrameHeader {
  std::uint32_t item = 0;    // index of the item in the manifest
  std::uint32_t chunk = 0;   // index of the chunk within the item
  std::uint32_t length = 0;  // plaintext bytes in this chunk
  friend bool operator==(const FrameHeader&, const FrameHeader&) = default;
};

std::array<std::uint8_t, kFrameHeaderSize> EncodeFrameHeader(
    const FrameHeader& frame);
FrameHeader DecodeFrameHeader(std::span<const std::uint8_t, kFrameHeaderSize>);

// The number of chunks of an item of `size` bytes: ceil(size / chunk_size),
// and 1 for an empty item (every item has a last chunk, which ends it).
std::uint64_t ChunkCount(std::uint64_t size, std::uint32_t chunk_size);

struct Footer {
  std::uint64_t chunk_table_offset = 0;
  std::uint64_t chunk_count = 0;
  std::uint64_t manifest_offset = 0;
  std::uint64_t manifest_length = 0;
  std::uint64_t proof_offset = 0;  // 0 when no log proof is attached
  std::uint64_t proof_length = 0;
};

std::array<std::uint8_t, kFooterSize> EncodeFooter(const Footer& footer);
// Decodes the footer of a package of `file_size` bytes and checks that its
// sections tile the file exactly, within the limits.
Result<Footer> DecodeFooter(std::span<const std::uint8_t> bytes,
                            std::uint64_t file_size);

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_FORMAT_H_
