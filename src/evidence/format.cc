#include "evidence/format.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace evidex::evidence {

namespace {

void Put16(std::uint8_t* p, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void Put32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void Put64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t Get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t Get32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t Get64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Offsets of the header's fields.
constexpr std::size_t kVersionAt = 8;
constexpr std::size_t kFlagsAt = 10;
constexpr std::size_t kChunkSizeAt = 12;
constexpr std::size_t kRecipientAt = 16;
constexpr std::size_t kSealedKeyAt = 48;
constexpr std::size_t kStreamHeaderAt = kSealedKeyAt + kSealedKeySize;
static_assert(kStreamHeaderAt + crypto::kSecretStreamHeaderSize == kHeaderSize);

Status Corrupt(std::string what) { return DataLossError(std::move(what)); }

}  // namespace

std::array<std::uint8_t, kHeaderSize> EncodeHeader(const Header& header) {
  std::array<std::uint8_t, kHeaderSize> out{};
  std::copy(kHeaderMagic.begin(), kHeaderMagic.end(), out.begin());
  Put16(&out[kVersionAt], kFormatVersion);
  Put16(&out[kFlagsAt], 0);
  Put32(&out[kChunkSizeAt], header.chunk_size);
  std::copy(header.recipient.begin(), header.recipient.end(),
            out.begin() + kRecipientAt);
  std::copy(header.sealed_key.begin(), header.sealed_key.end(),
            out.begin() + kSealedKeyAt);
  std::copy(header.stream_header.begin(), header.stream_header.end(),
            out.begin() + kStreamHeaderAt);
  return out;
}

Result<Header> DecodeHeader(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) {
    return Err(Corrupt("header: the package is " +
                       std::to_string(bytes.size()) +
                       " bytes, shorter than the 152-byte header"));
  }
  if (!std::equal(kHeaderMagic.begin(), kHeaderMagic.end(), bytes.begin())) {
    return Err(Corrupt(
        "header: offset 0: not an evidence package (wrong magic bytes)"));
  }
  const std::uint16_t version = Get16(&bytes[kVersionAt]);
  if (version != kFormatVersion) {
    return Err(Corrupt("header: offset 8: format version " +
                       std::to_string(version) +
                       " is not supported (this program reads version 1)"));
  }
  const std::uint16_t flags = Get16(&bytes[kFlagsAt]);
  if (flags != 0) {
    return Err(Corrupt("header: offset 10: flags must be 0, not " +
                       std::to_string(flags)));
  }
  Header header;
  header.chunk_size = Get32(&bytes[kChunkSizeAt]);
  if (header.chunk_size < kMinChunkSize || header.chunk_size > kMaxChunkSize) {
    return Err(Corrupt("header: offset 12: chunk size " +
                       std::to_string(header.chunk_size) +
                       " is outside 256..16777216"));
  }
  std::copy_n(&bytes[kRecipientAt], header.recipient.size(),
              header.recipient.begin());
  std::copy_n(&bytes[kSealedKeyAt], header.sealed_key.size(),
              header.sealed_key.begin());
  std::copy_n(&bytes[kStreamHeaderAt], header.stream_header.size(),
              header.stream_header.begin());
  return header;
}

std::array<std::uint8_t, kFrameHeaderSize> EncodeFrameHeader(
    const FrameHeader& frame) {
  std::array<std::uint8_t, kFrameHeaderSize> out{};
  Put32(&out[0], frame.item);
  Put32(&out[4], frame.chunk);
  Put32(&out[8], frame.length);
  return out;
}

FrameHeader DecodeFrameHeader(
    std::span<const std::uint8_t, kFrameHeaderSize> bytes) {
  return FrameHeader{.item = Get32(&bytes[0]),
                     .chunk = Get32(&bytes[4]),
                     .length = Get32(&bytes[8])};
}

std::uint64_t ChunkCount(std::uint64_t size, std::uint32_t chunk_size) {
  if (size == 0) return 1;
  return size / chunk_size + (size % chunk_size != 0 ? 1 : 0);
}

std::array<std::uint8_t, kFooterSize> EncodeFooter(const Footer& footer) {
  std::array<std::uint8_t, kFooterSize> out{};
  Put64(&out[0], footer.chunk_table_offset);
  Put64(&out[8], footer.chunk_count);
  Put64(&out[16], footer.manifest_offset);
  Put64(&out[24], footer.manifest_length);
  Put64(&out[32], footer.proof_offset);
  Put64(&out[40], footer.proof_length);
  Put64(&out[48], 0);
  std::copy(kFooterMagic.begin(), kFooterMagic.end(), out.begin() + 56);
  return out;
}

Result<Footer> DecodeFooter(std::span<const std::uint8_t> bytes,
                            std::uint64_t file_size) {
  if (file_size < kHeaderSize + kFooterSize || bytes.size() != kFooterSize) {
    return Err(Corrupt("footer: the package is " + std::to_string(file_size) +
                       " bytes, too short to hold a header and a footer "
                       "(truncated?)"));
  }
  const std::uint64_t at = file_size - kFooterSize;
  const auto where = [&](std::size_t field) {
    return "footer: offset " + std::to_string(at + field) + ": ";
  };
  if (!std::equal(kFooterMagic.begin(), kFooterMagic.end(),
                  bytes.begin() + 56)) {
    return Err(Corrupt(where(56) + "no footer magic at the end of the package "
                                   "(truncated or not finished?)"));
  }
  if (Get64(&bytes[48]) != 0) {
    return Err(Corrupt(where(48) + "reserved field must be 0"));
  }
  Footer f{.chunk_table_offset = Get64(&bytes[0]),
           .chunk_count = Get64(&bytes[8]),
           .manifest_offset = Get64(&bytes[16]),
           .manifest_length = Get64(&bytes[24]),
           .proof_offset = Get64(&bytes[32]),
           .proof_length = Get64(&bytes[40])};
  // Each check bounds the values the next one adds, so nothing overflows.
  if (f.chunk_table_offset < kHeaderSize || f.chunk_table_offset > at) {
    return Err(Corrupt(where(0) + "chunk table offset " +
                       std::to_string(f.chunk_table_offset) +
                       " is outside the package"));
  }
  if (f.chunk_count == 0 || f.chunk_count > kMaxChunkCount) {
    return Err(Corrupt(where(8) + "chunk count " +
                       std::to_string(f.chunk_count) +
                       " is outside 1..16777216"));
  }
  const std::uint64_t table_end =
      f.chunk_table_offset + f.chunk_count * crypto::kSha256Size;
  if (f.manifest_offset != table_end) {
    return Err(Corrupt(where(16) + "manifest offset " +
                       std::to_string(f.manifest_offset) +
                       " is not the end of the chunk table (" +
                       std::to_string(table_end) + ")"));
  }
  if (f.manifest_length == 0 || f.manifest_length > kMaxManifestSize) {
    return Err(Corrupt(where(24) + "manifest length " +
                       std::to_string(f.manifest_length) +
                       " is outside 1..16777216"));
  }
  const std::uint64_t signature_end =
      f.manifest_offset + f.manifest_length + kSignatureSize;
  if (f.proof_offset == 0) {
    if (f.proof_length != 0) {
      return Err(Corrupt(where(40) + "proof length " +
                         std::to_string(f.proof_length) +
                         " without a proof offset"));
    }
    if (signature_end != at) {
      return Err(Corrupt(where(24) + "the manifest and signature end at " +
                         std::to_string(signature_end) +
                         ", not at the footer (" + std::to_string(at) + ")"));
    }
    return f;
  }
  if (f.proof_offset != signature_end) {
    return Err(Corrupt(where(32) + "proof offset " +
                       std::to_string(f.proof_offset) +
                       " is not the end of the signature (" +
                       std::to_string(signature_end) + ")"));
  }
  if (f.proof_length == 0 || f.proof_length > kMaxProofSize ||
      f.proof_offset + f.proof_length != at) {
    return Err(Corrupt(
        where(40) + "proof length " + std::to_string(f.proof_length) +
        " does not end the proof at the footer (" + std::to_string(at) + ")"));
  }
  return f;
}

}  // namespace evidex::evidence
