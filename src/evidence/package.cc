#include "evidence/package.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <thread>

#include "crypto/ed25519.h"
#include "crypto/encoding.h"
#include "crypto/sealed_box.h"
#include "crypto/secretstream.h"
#include "evidence/channel.h"
#include "evidence/format.h"

namespace evidex::evidence {

namespace {

using crypto::SecretStreamTag;
using Bytes = std::vector<std::uint8_t>;

// Chunk buffers in flight between the threads of a pipeline: enough that a
// thread descheduled for a few milliseconds on a busy machine does not stall
// the others.
constexpr std::size_t kSlots = 16;

crypto::SecretStreamTag TagOf(bool last_chunk_of_item, bool last_item) {
  if (!last_chunk_of_item) return SecretStreamTag::kMessage;
  return last_item ? SecretStreamTag::kFinal : SecretStreamTag::kPush;
}

std::string_view TagName(SecretStreamTag tag) {
  switch (tag) {
    case SecretStreamTag::kMessage:
      return "message";
    case SecretStreamTag::kPush:
      return "end of item";
    case SecretStreamTag::kRekey:
      return "rekey";
    case SecretStreamTag::kFinal:
      return "end of package";
  }
  return "message";
}

// Where one chunk sits: for error messages and frame checks.
struct ChunkPosition {
  std::uint64_t index = 0;  // in the package
  std::uint32_t item = 0;
  std::uint32_t chunk = 0;  // in the item
  std::uint64_t item_chunks = 0;
  std::uint32_t length = 0;  // plaintext bytes
  SecretStreamTag tag = SecretStreamTag::kMessage;
};

std::string Describe(const Manifest& m, const ChunkPosition& p) {
  return "item `" + m.items[p.item].name + "` (" + std::to_string(p.item) +
         "), chunk " + std::to_string(p.chunk) + " of " +
         std::to_string(p.item_chunks);
}

// Walks the chunk positions that a manifest's items imply, in order.
class ChunkPlan {
 public:
  ChunkPlan(const std::vector<std::uint64_t>& sizes, std::uint32_t chunk_size)
      : sizes_(sizes), chunk_size_(chunk_size) {
    Start();
  }

  bool done() const { return item_ >= sizes_.size(); }
  const ChunkPosition& current() const { return position_; }

  void Next() {
    ++position_.index;
    if (position_.chunk + 1 < position_.item_chunks) {
      ++position_.chunk;
      Fill();
      return;
    }
    ++item_;
    Start();
  }

 private:
  void Start() {
    if (done()) return;
    position_.item = static_cast<std::uint32_t>(item_);
    position_.chunk = 0;
    position_.item_chunks = ChunkCount(sizes_[item_], chunk_size_);
    Fill();
  }

  void Fill() {
    const std::uint64_t before = std::uint64_t{position_.chunk} * chunk_size_;
    position_.length = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(chunk_size_, sizes_[item_] - before));
    position_.tag = TagOf(position_.chunk + 1 == position_.item_chunks,
                          item_ + 1 == sizes_.size());
  }

  const std::vector<std::uint64_t>& sizes_;
  std::uint32_t chunk_size_;
  std::size_t item_ = 0;
  ChunkPosition position_;
};

std::span<const std::uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The chunk table's entry for a frame: SHA-256 of its header and of its
// secretstream message's Poly1305 tag (its last 16 bytes).
crypto::Sha256Digest ChunkSeal(std::span<const std::uint8_t> frame_header,
                               std::span<const std::uint8_t> tag) {
  crypto::Sha256Hasher hasher;
  hasher.Update(frame_header);
  hasher.Update(tag);
  return hasher.Finish();
}

// ---------------------------------------------------------------------------
// Pack

struct PackSlot {
  ChunkPosition position;
  Bytes plaintext;
  Bytes frame;  // frame header || secretstream message
};

Status CheckPackOptions(const PackOptions& o) {
  if (o.signer == nullptr || o.signer->use != KeyUse::kSign ||
      !o.signer->secret_key.has_value()) {
    return InvalidArgumentError(
        "pack needs the provider's `sign` key with its secret key");
  }
  if (o.items.empty()) return InvalidArgumentError("pack needs an item");
  if (o.output.empty()) return InvalidArgumentError("pack needs an output");
  return OkStatus();
}

}  // namespace

Result<PackSummary> Pack(const PackOptions& options) {
  EVIDEX_RETURN_IF_ERROR(CheckPackOptions(options));
  struct stat st;
  if (::lstat(options.output.c_str(), &st) == 0) {
    return Err(Status(StatusCode::kAlreadyExists,
                      "`" + options.output + "` exists already"));
  }
  Manifest manifest;
  manifest.order = options.order;
  manifest.created_at = options.created_at;
  manifest.signer_name = options.signer->name;
  manifest.signer_public_key = options.signer->public_key;
  manifest.chunk_size =
      options.chunk_size == 0 ? kDefaultChunkSize : options.chunk_size;
  // Sizes first (the plan of chunks needs them); each file is opened when
  // its turn comes, so that many items do not hold many descriptors.
  std::vector<std::uint64_t> sizes;
  for (const PackItem& item : options.items) {
    EVIDEX_ASSIGN_OR_RETURN(InputFile input, InputFile::Open(item.path));
    sizes.push_back(input.size());
    manifest.items.push_back(item.meta);
    manifest.items.back().size = input.size();
  }
  // Every rule but the hashes holds before a byte is written.
  EVIDEX_RETURN_IF_ERROR(ValidateManifest(manifest));
  std::uint64_t chunk_count = 0;
  for (std::uint64_t size : sizes) {
    chunk_count += ChunkCount(size, manifest.chunk_size);
  }

  Header header{.chunk_size = manifest.chunk_size,
                .recipient = options.recipient,
                .sealed_key = {},
                .stream_header = {}};
  crypto::SecretKey32 key = crypto::GenerateSecretStreamKey();
  EVIDEX_ASSIGN_OR_RETURN(
      Bytes sealed, crypto::SealToRecipient(options.recipient, key.bytes()));
  std::copy(sealed.begin(), sealed.end(), header.sealed_key.begin());
  EVIDEX_ASSIGN_OR_RETURN(
      crypto::SecretStreamPush push,
      crypto::SecretStreamPush::Start(key.bytes(), header.stream_header));
  const auto header_bytes = EncodeHeader(header);
  manifest.header_sha256 = crypto::Sha256(header_bytes);

  EVIDEX_ASSIGN_OR_RETURN(
      OutputFile out,
      OutputFile::Create(options.output + ".partial", 0644, /*direct=*/true));
  EVIDEX_RETURN_IF_ERROR(out.Write(header_bytes));

  // Three threads: this one reads and hashes the plaintext, the second
  // encrypts, the third writes; kSlots buffers circulate between them.
  std::vector<crypto::Sha256Digest> chunk_hashes(chunk_count);
  Channel<PackSlot*> free_slots;
  PipelineStage<PackSlot*> writer(free_slots, [&](PackSlot*& slot) -> Status {
    return out.Write(slot->frame);
  });
  PipelineStage<PackSlot*> encryptor(
      writer.input(), [&](PackSlot*& slot) -> Status {
        const ChunkPosition& p = slot->position;
        const auto frame_header = EncodeFrameHeader(
            {.item = p.item, .chunk = p.chunk, .length = p.length});
        slot->frame.resize(kFrameOverhead + p.length);
        std::copy(frame_header.begin(), frame_header.end(),
                  slot->frame.begin());
        EVIDEX_RETURN_IF_ERROR(
            push.Push(std::span(slot->plaintext).first(p.length), frame_header,
                      p.tag, std::span(slot->frame).subspan(kFrameHeaderSize)));
        chunk_hashes[p.index] = ChunkSeal(
            frame_header,
            std::span(slot->frame).last(crypto::kSecretStreamMacSize));
        return OkStatus();
      });
  std::vector<PackSlot> slots(kSlots);
  for (PackSlot& slot : slots) {
    slot.plaintext.resize(manifest.chunk_size);
    slot.frame.reserve(kFrameOverhead + manifest.chunk_size);
    free_slots.Push(&slot);
  }
  std::thread encrypt_thread([&] { encryptor.Run(); });
  std::thread write_thread([&] { writer.Run(); });

  Status status;
  ChunkPlan plan(sizes, manifest.chunk_size);
  crypto::Sha256Hasher hasher;
  std::optional<InputFile> input;
  while (!plan.done() && !encryptor.failed() && !writer.failed()) {
    const ChunkPosition& p = plan.current();
    std::optional<PackSlot*> slot = free_slots.Pop();
    if (!slot.has_value()) break;
    (*slot)->position = p;
    if (p.chunk == 0) {
      auto opened = InputFile::Open(options.items[p.item].path);
      if (!opened.has_value()) {
        status = opened.error();
        break;
      }
      if (opened->size() != sizes[p.item]) {
        status = DataLossError("item `" + manifest.items[p.item].name + "`: `" +
                               options.items[p.item].path +
                               "` changed size while being packed");
        break;
      }
      input.emplace(std::move(*opened));
    }
    const auto plaintext = std::span((*slot)->plaintext).first(p.length);
    status = input->ReadExactly(plaintext);
    if (!status.ok()) break;
    hasher.Update(plaintext);
    if (p.chunk + 1 == p.item_chunks) {
      manifest.items[p.item].sha256 = hasher.Finish();
      auto at_end = input->AtEnd();
      if (!at_end.has_value()) {
        status = at_end.error();
      } else if (!*at_end) {
        status = DataLossError("item `" + manifest.items[p.item].name + "`: `" +
                               options.items[p.item].path +
                               "` grew while being packed");
      }
      if (!status.ok()) break;
    }
    encryptor.input().Push(*slot);
    plan.Next();
  }
  encryptor.input().Close();
  encrypt_thread.join();
  write_thread.join();
  EVIDEX_RETURN_IF_ERROR(status);
  EVIDEX_RETURN_IF_ERROR(encryptor.status());
  EVIDEX_RETURN_IF_ERROR(writer.status());

  // The trailer.
  crypto::Sha256Hasher table_hasher;
  for (const auto& digest : chunk_hashes) table_hasher.Update(digest);
  manifest.chunk_table_sha256 = table_hasher.Finish();
  const std::uint64_t table_offset = kHeaderSize + [&] {
    std::uint64_t content = 0;
    for (std::uint64_t size : sizes) {
      content += ChunkCount(size, manifest.chunk_size) * kFrameOverhead + size;
    }
    return content;
  }();
  for (const auto& digest : chunk_hashes) {
    EVIDEX_RETURN_IF_ERROR(out.Write(digest));
  }
  EVIDEX_ASSIGN_OR_RETURN(std::string manifest_bytes,
                          SerializeManifest(manifest));
  EVIDEX_ASSIGN_OR_RETURN(
      crypto::Ed25519KeyPair signer,
      crypto::Ed25519KeyPairFromSeed(options.signer->secret_key->bytes()));
  const crypto::Ed25519Signature signature =
      crypto::Sign(signer.secret_key, SignedBytes(manifest_bytes));
  EVIDEX_RETURN_IF_ERROR(out.Write(AsBytes(manifest_bytes)));
  EVIDEX_RETURN_IF_ERROR(out.Write(signature));
  const Footer footer{
      .chunk_table_offset = table_offset,
      .chunk_count = chunk_count,
      .manifest_offset = table_offset + chunk_count * crypto::kSha256Size,
      .manifest_length = manifest_bytes.size(),
      .proof_offset = 0,
      .proof_length = 0};
  EVIDEX_RETURN_IF_ERROR(out.Write(EncodeFooter(footer)));
  EVIDEX_RETURN_IF_ERROR(out.Commit(options.output));

  PackSummary summary;
  crypto::Sha256Hasher digest;
  digest.Update(AsBytes(manifest_bytes));
  digest.Update(signature);
  summary.package_sha256 = digest.Finish();
  summary.content_bytes = table_offset - kHeaderSize;
  summary.chunk_count = chunk_count;
  return summary;
}

namespace {

// ---------------------------------------------------------------------------
// Verify

struct Trailer {
  Footer footer;
  std::array<std::uint8_t, kHeaderSize> header_bytes{};
  Header header;
  std::string manifest_bytes;
  crypto::Ed25519Signature signature{};
  std::string proof_bytes;
};

Result<Trailer> ReadTrailer(const PackageSource& source) {
  Trailer t;
  const std::uint64_t size = source.size();
  std::array<std::uint8_t, kFooterSize> footer_bytes{};
  if (size >= kFooterSize) {
    EVIDEX_RETURN_IF_ERROR(source.ReadAt(size - kFooterSize, footer_bytes));
  }
  EVIDEX_ASSIGN_OR_RETURN(t.footer, DecodeFooter(footer_bytes, size));
  EVIDEX_RETURN_IF_ERROR(source.ReadAt(0, t.header_bytes));
  EVIDEX_ASSIGN_OR_RETURN(t.header, DecodeHeader(t.header_bytes));
  t.manifest_bytes.resize(t.footer.manifest_length);
  EVIDEX_RETURN_IF_ERROR(source.ReadAt(
      t.footer.manifest_offset,
      std::span(reinterpret_cast<std::uint8_t*>(t.manifest_bytes.data()),
                t.manifest_bytes.size())));
  EVIDEX_RETURN_IF_ERROR(source.ReadAt(
      t.footer.manifest_offset + t.footer.manifest_length, t.signature));
  if (t.footer.proof_offset != 0) {
    t.proof_bytes.resize(t.footer.proof_length);
    EVIDEX_RETURN_IF_ERROR(source.ReadAt(
        t.footer.proof_offset,
        std::span(reinterpret_cast<std::uint8_t*>(t.proof_bytes.data()),
                  t.proof_bytes.size())));
  }
  return t;
}

Status Unauthenticated(std::string message) {
  return Status(StatusCode::kUnauthenticated, std::move(message));
}

// Checks the signature, and the signer against the trust file if any. Returns
// whether the signer is trusted.
Result<bool> CheckSignature(const Trailer& t, const Manifest& m,
                            const KeyFile* trust) {
  const std::string signer = "`" + m.signer_name + "` (ed25519 key " +
                             crypto::Base64Encode(m.signer_public_key) + ")";
  if (!crypto::Verify(m.signer_public_key, SignedBytes(t.manifest_bytes),
                      t.signature)
           .ok()) {
    return Err(Unauthenticated(
        "signature: the manifest's ed25519 signature does not verify under "
        "the key of its signer " +
        signer + " (manifest or signature altered)"));
  }
  if (trust == nullptr) return false;
  bool name_known = false;
  for (const KeyEntry& key : trust->keys) {
    if (key.use != KeyUse::kSign) continue;
    if (key.public_key == m.signer_public_key) return true;
    name_known |= key.name == m.signer_name;
  }
  return Err(Unauthenticated(
      "signature: the manifest is signed by " + signer +
      (name_known ? ", but the trust file holds another key for that name"
                  : ", which the trust file does not hold")));
}

struct VerifySlot {
  ChunkPosition position;
  Bytes frame;  // the whole frame, or (not decrypting) header || MAC
  Bytes plaintext;
};

// What becomes of the decrypted chunks, in order, on the reading thread:
// each item's SHA-256 is checked and, when unpacking, the item is written to
// a temporary file that takes the item's name once its hash holds. A failed
// unpack leaves no item behind.
class ItemSink {
 public:
  ItemSink(const Manifest& manifest, std::string output_dir)
      : manifest_(manifest), output_dir_(std::move(output_dir)) {}
  ItemSink(const ItemSink&) = delete;
  ItemSink& operator=(const ItemSink&) = delete;
  ~ItemSink() {
    if (!complete_) {
      for (const std::string& path : committed_) ::unlink(path.c_str());
    }
  }

  Status Take(const VerifySlot& slot) {
    const ChunkPosition& p = slot.position;
    hasher_.Update(slot.plaintext);
    if (!output_dir_.empty()) {
      if (p.chunk == 0) {
        EVIDEX_ASSIGN_OR_RETURN(
            OutputFile file,
            OutputFile::Create(
                output_dir_ + "/.evx-partial-" + std::to_string(p.item), 0600));
        out_.emplace(std::move(file));
      }
      EVIDEX_RETURN_IF_ERROR(out_->Write(slot.plaintext));
    }
    if (p.chunk + 1 < p.item_chunks) return OkStatus();
    const ManifestItem& item = manifest_.items[p.item];
    const crypto::Sha256Digest digest = hasher_.Finish();
    if (digest != item.sha256) {
      return DataLossError("item `" + item.name + "` (" +
                           std::to_string(p.item) +
                           "): the sha-256 of the decrypted content is " +
                           crypto::HexEncode(digest) + ", the manifest says " +
                           crypto::HexEncode(item.sha256));
    }
    if (out_.has_value()) {
      const std::string path = output_dir_ + "/" + item.name;
      EVIDEX_RETURN_IF_ERROR(out_->Commit(path));
      committed_.push_back(path);
      out_.reset();
    }
    return OkStatus();
  }

  // Keeps the items written: everything held.
  void Complete() { complete_ = true; }

 private:
  const Manifest& manifest_;
  std::string output_dir_;
  std::optional<OutputFile> out_;
  std::vector<std::string> committed_;
  crypto::Sha256Hasher hasher_;
  bool complete_ = false;
};

// The chunk table, read in blocks as the content is read.
class ChunkTable {
 public:
  static constexpr std::size_t kBlock = 4096;
  ChunkTable(const PackageSource& source, const Footer& footer)
      : source_(source), footer_(footer) {}

  Result<crypto::Sha256Digest> Get(std::uint64_t index) {
    if (index < first_ || index >= first_ + count_) {
      EVIDEX_RETURN_IF_ERROR(Load(index));
    }
    crypto::Sha256Digest digest;
    std::memcpy(digest.data(),
                block_.data() + (index - first_) * crypto::kSha256Size,
                crypto::kSha256Size);
    return digest;
  }

  // SHA-256 of the whole table.
  Result<crypto::Sha256Digest> Digest() {
    crypto::Sha256Hasher hasher;
    for (std::uint64_t i = 0; i < footer_.chunk_count; i += kBlock) {
      EVIDEX_RETURN_IF_ERROR(Load(i));
      hasher.Update(block_);
    }
    return hasher.Finish();
  }

 private:
  // Reads up to kBlock entries from `index` on.
  Status Load(std::uint64_t index) {
    first_ = index;
    count_ = std::min<std::uint64_t>(kBlock, footer_.chunk_count - index);
    block_.resize(count_ * crypto::kSha256Size);
    return source_.ReadAt(
        footer_.chunk_table_offset + index * crypto::kSha256Size, block_);
  }

  const PackageSource& source_;
  const Footer& footer_;
  std::uint64_t first_ = 0;
  std::uint64_t count_ = 0;
  Bytes block_;
};

// Says what a frame header that is not the expected one means.
Status WrongFrame(const Manifest& m, const ChunkPosition& p,
                  const FrameHeader& found, std::uint64_t offset) {
  const std::string at = Describe(m, p) + ", offset " + std::to_string(offset);
  if (found.item >= m.items.size()) {
    return DataLossError(at + ": the frame names item " +
                         std::to_string(found.item) + ", the package has " +
                         std::to_string(m.items.size()) + " items");
  }
  const std::string what = "chunk " + std::to_string(found.chunk) +
                           " of item `" + m.items[found.item].name + "` (" +
                           std::to_string(found.item) + ")";
  if (found.item == p.item && found.chunk == p.chunk) {
    return DataLossError(
        at + ": the frame says " + std::to_string(found.length) +
        " plaintext bytes, the item's size needs " + std::to_string(p.length));
  }
  if (found.item < p.item || (found.item == p.item && found.chunk < p.chunk)) {
    return DataLossError(at + ": found " + what + " again (duplicated chunk)");
  }
  return DataLossError(at + ": found " + what +
                       " instead (chunks reordered or missing)");
}

}  // namespace

Result<VerifyReport> VerifyPackage(const PackageSource& source,
                                   const VerifyOptions& options) {
  EVIDEX_ASSIGN_OR_RETURN(Trailer t, ReadTrailer(source));
  VerifyReport report;
  EVIDEX_ASSIGN_OR_RETURN(report.manifest, ParseManifest(t.manifest_bytes));
  const Manifest& m = report.manifest;
  EVIDEX_ASSIGN_OR_RETURN(report.signer_trusted,
                          CheckSignature(t, m, options.trust));
  {
    crypto::Sha256Hasher digest;
    digest.Update(AsBytes(t.manifest_bytes));
    digest.Update(t.signature);
    report.package_sha256 = digest.Finish();
  }
  if (!t.proof_bytes.empty()) {
    EVIDEX_ASSIGN_OR_RETURN(LogProof proof, ParseLogProof(t.proof_bytes));
    EVIDEX_ASSIGN_OR_RETURN(
        CheckedLogProof checked,
        CheckLogProof(proof, report.package_sha256, options.trust));
    report.log = LogReport{.leaf_index = proof.leaf_index,
                           .tree_size = checked.tree_size,
                           .origin = checked.origin,
                           .trusted_signers = checked.trusted_signers};
  }
  if (crypto::Sha256(t.header_bytes) != m.header_sha256) {
    return Err(DataLossError(
        "header: its sha-256 does not match the manifest's `header_sha256` "
        "(header altered: chunk size, recipient, sealed key or stream "
        "header)"));
  }
  if (t.header.chunk_size != m.chunk_size) {
    return Err(DataLossError("header: chunk size " +
                             std::to_string(t.header.chunk_size) +
                             " differs from the manifest's `chunk_size` " +
                             std::to_string(m.chunk_size)));
  }
  report.recipient = t.header.recipient;
  std::vector<std::uint64_t> sizes;
  std::uint64_t chunk_count = 0;
  for (const ManifestItem& item : m.items) {
    sizes.push_back(item.size);
    chunk_count += ChunkCount(item.size, m.chunk_size);
  }
  if (chunk_count != t.footer.chunk_count) {
    return Err(DataLossError(
        "chunk table: holds " + std::to_string(t.footer.chunk_count) +
        " chunks, the manifest's items need " + std::to_string(chunk_count)));
  }
  ChunkTable table(source, t.footer);
  EVIDEX_ASSIGN_OR_RETURN(crypto::Sha256Digest table_digest, table.Digest());
  if (table_digest != m.chunk_table_sha256) {
    return Err(
        DataLossError("chunk table: its sha-256 does not match the manifest's "
                      "`chunk_table_sha256` (chunk table altered)"));
  }

  std::optional<crypto::SecretStreamPull> pull;
  if (options.recipient != nullptr) {
    const KeyEntry& key = *options.recipient;
    if (key.use != KeyUse::kEncrypt || !key.secret_key.has_value()) {
      return Err(InvalidArgumentError(
          "decrypting needs the recipient's `encrypt` key with its secret "
          "key"));
    }
    if (key.public_key != t.header.recipient) {
      return Err(FailedPreconditionError(
          "recipient: the package is sealed to x25519 key " +
          crypto::Base64Encode(t.header.recipient) + ", not to `" + key.name +
          "` (" + crypto::Base64Encode(key.public_key) + ")"));
    }
    auto package_key = crypto::OpenSealed(
        key.public_key, key.secret_key->bytes(), t.header.sealed_key);
    if (!package_key.has_value()) {
      return Err(
          DataLossError("header: the sealed package key does not open with the "
                        "recipient's key"));
    }
    crypto::SecretKey32 stream_key(*package_key);
    std::fill(package_key->begin(), package_key->end(), 0);
    EVIDEX_ASSIGN_OR_RETURN(crypto::SecretStreamPull started,
                            crypto::SecretStreamPull::Start(
                                stream_key.bytes(), t.header.stream_header));
    pull.emplace(std::move(started));
    report.decrypted = true;
    if (!options.output_dir.empty()) {
      for (const ManifestItem& item : m.items) {
        struct stat st;
        const std::string path = options.output_dir + "/" + item.name;
        if (::lstat(path.c_str(), &st) == 0) {
          return Err(Status(StatusCode::kAlreadyExists,
                            "`" + path + "` exists already"));
        }
      }
    }
  }

  // Decrypting, a second thread decrypts while this one reads, checks and
  // hashes; without the key only frame headers and MACs are read.
  const bool decrypt = pull.has_value();
  ItemSink sink(m, decrypt ? options.output_dir : std::string());
  Channel<VerifySlot*> decrypted;
  PipelineStage<VerifySlot*> decryptor(
      decrypted, [&](VerifySlot*& slot) -> Status {
        const ChunkPosition& p = slot->position;
        slot->plaintext.resize(p.length);
        auto tag = pull->Pull(std::span(slot->frame).subspan(kFrameHeaderSize),
                              std::span(slot->frame).first(kFrameHeaderSize),
                              slot->plaintext);
        if (!tag.has_value()) {
          return DataLossError(Describe(m, p) +
                               ": does not decrypt (secretstream "
                               "authentication failed)");
        }
        if (*tag != p.tag) {
          return DataLossError(Describe(m, p) + ": is marked `" +
                               std::string(TagName(*tag)) + "`, expected `" +
                               std::string(TagName(p.tag)) + "`");
        }
        return OkStatus();
      });
  std::vector<VerifySlot> slots(decrypt ? kSlots : 1);
  std::vector<VerifySlot*> free_slots;
  for (VerifySlot& slot : slots) {
    slot.frame.reserve(kFrameOverhead + m.chunk_size);
    free_slots.push_back(&slot);
  }
  std::optional<std::thread> thread;
  if (decrypt) thread.emplace([&] { decryptor.Run(); });
  Status sink_status;
  // Takes back a decrypted slot and hands its plaintext to the sink.
  auto take_back = [&]() {
    std::optional<VerifySlot*> slot = decrypted.Pop();
    if (!slot.has_value()) return false;
    if (sink_status.ok() && !decryptor.failed()) {
      sink_status = sink.Take(**slot);
    }
    free_slots.push_back(*slot);
    return true;
  };

  Status status;
  std::uint64_t offset = kHeaderSize;
  const std::uint64_t content_end = t.footer.chunk_table_offset;
  ChunkPlan plan(sizes, m.chunk_size);
  while (!plan.done() && sink_status.ok() && !decryptor.failed()) {
    const ChunkPosition& p = plan.current();
    if (free_slots.empty() && !take_back()) break;
    if (!sink_status.ok()) break;
    VerifySlot* slot = free_slots.back();
    free_slots.pop_back();
    slot->position = p;
    const FrameHeader expected_header{
        .item = p.item, .chunk = p.chunk, .length = p.length};
    const std::uint64_t frame_size = kFrameOverhead + p.length;
    const std::string at =
        Describe(m, p) + ", offset " + std::to_string(offset);
    const auto mac = [&] {
      return std::span(slot->frame).last(crypto::kSecretStreamMacSize);
    };
    if (content_end - offset < frame_size) {
      // Read what there is of the header to say what is wrong.
      if (content_end - offset >= kFrameHeaderSize) {
        std::array<std::uint8_t, kFrameHeaderSize> header_bytes;
        status = source.ReadAt(offset, header_bytes);
        const FrameHeader found = DecodeFrameHeader(header_bytes);
        if (status.ok() && found != expected_header) {
          status = WrongFrame(m, p, found, offset);
        }
      }
      if (status.ok()) {
        status = DataLossError(
            at + ": missing or cut short, the content ends at offset " +
            std::to_string(content_end) + " (truncated package)");
      }
    } else if (decrypt) {
      slot->frame.resize(frame_size);
      status = source.ReadAt(offset, slot->frame);
    } else {
      slot->frame.resize(kFrameHeaderSize + crypto::kSecretStreamMacSize);
      status =
          source.ReadAt(offset, std::span(slot->frame).first(kFrameHeaderSize));
      if (status.ok()) {
        status = source.ReadAt(
            offset + frame_size - crypto::kSecretStreamMacSize, mac());
      }
    }
    if (status.ok()) {
      const auto header = std::span(slot->frame).first<kFrameHeaderSize>();
      const FrameHeader found = DecodeFrameHeader(header);
      if (found != expected_header) {
        status = WrongFrame(m, p, found, offset);
      } else {
        auto expected = table.Get(p.index);
        if (!expected.has_value()) {
          status = expected.error();
        } else if (ChunkSeal(header, mac()) != *expected) {
          status = DataLossError(
              at +
              ": its header and MAC do not match its entry in the signed "
              "chunk table (chunk replaced or altered)");
        }
      }
    }
    if (!status.ok()) {
      free_slots.push_back(slot);
      break;
    }
    offset += frame_size;
    if (decrypt) {
      decryptor.input().Push(slot);
    } else {
      free_slots.push_back(slot);
    }
    plan.Next();
  }
  if (status.ok() && plan.done() && offset != content_end) {
    status =
        DataLossError("content: " + std::to_string(content_end - offset) +
                      " bytes after the last chunk, at offset " +
                      std::to_string(offset) + " (extra or duplicated chunks)");
  }
  decryptor.input().Close();
  if (thread.has_value()) {
    while (take_back()) {
    }
    thread->join();
  }
  // The failures in the order of the chunks they concern: the sink is behind
  // the decrypting thread, which is behind this one.
  EVIDEX_RETURN_IF_ERROR(sink_status);
  EVIDEX_RETURN_IF_ERROR(decryptor.status());
  EVIDEX_RETURN_IF_ERROR(status);
  sink.Complete();
  report.chunk_count = chunk_count;
  return report;
}

Status AttachLogProof(const std::string& path, const LogProof& proof) {
  EVIDEX_ASSIGN_OR_RETURN(auto source, OpenPackageFile(path));
  EVIDEX_ASSIGN_OR_RETURN(Trailer t, ReadTrailer(*source));
  if (auto manifest = ParseManifest(t.manifest_bytes); !manifest.has_value()) {
    return manifest.error();
  }
  crypto::Sha256Hasher digest;
  digest.Update(AsBytes(t.manifest_bytes));
  digest.Update(t.signature);
  if (auto checked = CheckLogProof(proof, digest.Finish(), nullptr);
      !checked.has_value()) {
    return checked.error();
  }
  EVIDEX_ASSIGN_OR_RETURN(std::string proof_bytes, SerializeLogProof(proof));
  if (proof_bytes.size() > kMaxProofSize) {
    return InvalidArgumentError("the log proof is " +
                                std::to_string(proof_bytes.size()) +
                                " bytes, more than 1048576");
  }
  Footer footer = t.footer;
  const std::uint64_t at =
      footer.manifest_offset + footer.manifest_length + kSignatureSize;
  footer.proof_offset = at;
  footer.proof_length = proof_bytes.size();
  Bytes tail(proof_bytes.begin(), proof_bytes.end());
  const auto footer_bytes = EncodeFooter(footer);
  tail.insert(tail.end(), footer_bytes.begin(), footer_bytes.end());
  source.reset();
  return OverwriteTail(path, at, tail);
}

}  // namespace evidex::evidence
