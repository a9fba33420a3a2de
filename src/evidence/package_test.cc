#include "evidence/package.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "crypto/sodium.h"
#include "evidence/format.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace evidex::evidence {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kChunk = 256;

Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

Bytes RandomBytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(gen());
  return out;
}

// The parts of a package, to rebuild it with its content rearranged.
struct Parts {
  Bytes header;
  std::vector<Bytes> frames;
  Bytes trailer;  // chunk table, manifest, signature
  Footer footer;
};

Parts Split(const Bytes& package) {
  Parts p;
  p.footer =
      *DecodeFooter(std::span(package).last(kFooterSize), package.size());
  p.header.assign(package.begin(), package.begin() + kHeaderSize);
  std::size_t at = kHeaderSize;
  while (at < p.footer.chunk_table_offset) {
    const FrameHeader f =
        DecodeFrameHeader(std::span(package).subspan(at).first<12>());
    const std::size_t size = kFrameOverhead + f.length;
    p.frames.emplace_back(package.begin() + at, package.begin() + at + size);
    at += size;
  }
  p.trailer.assign(package.begin() + at, package.end() - kFooterSize);
  return p;
}

Bytes Join(const Parts& p) {
  Bytes out = p.header;
  for (const Bytes& f : p.frames) out.insert(out.end(), f.begin(), f.end());
  Footer footer = p.footer;
  const std::uint64_t shift = out.size() - footer.chunk_table_offset;
  footer.chunk_table_offset += shift;
  footer.manifest_offset += shift;
  out.insert(out.end(), p.trailer.begin(), p.trailer.end());
  const auto f = EncodeFooter(footer);
  out.insert(out.end(), f.begin(), f.end());
  return out;
}

class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitSodium().ok());
    char tmpl[] = "/tmp/evidex_package_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    signer_ = *GenerateKey("provider.example", KeyUse::kSign);
    recipient_ = *GenerateKey("authority.example", KeyUse::kEncrypt);
    KeyEntry trusted{.name = signer_.name,
                     .use = KeyUse::kSign,
                     .public_key = signer_.public_key,
                     .secret_key = std::nullopt};
    trust_.keys.push_back(std::move(trusted));
    contents_ = {
        RandomBytes(1000, 1), {}, RandomBytes(256, 2), RandomBytes(3, 3)};
    const char* names[] = {"mailbox.mbox", "empty.txt", "exact.bin", "tail"};
    for (std::size_t i = 0; i < contents_.size(); ++i) {
      WriteFile(dir_ / names[i], contents_[i]);
      PackItem item;
      item.path = dir_ / names[i];
      item.meta.name = names[i];
      item.meta.media_type = "application/octet-stream";
      item.meta.data_category = i == 0 ? "content" : "traffic";
      item.meta.produced_at = "2026-11-28T17:00:00Z";
      item.meta.producer = "export tool 1.0";
      items_.push_back(item);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  PackOptions Options(const std::string& output) {
    PackOptions o;
    o.order = "case_0123";
    o.created_at = "2026-11-29T10:00:00Z";
    o.signer = &signer_;
    o.recipient = recipient_.public_key;
    o.chunk_size = kChunk;
    o.items = items_;
    o.output = dir_ / output;
    return o;
  }

  Bytes PackBytes() {
    auto summary = Pack(Options("p.evx"));
    EXPECT_TRUE(summary.has_value()) << summary.error().message();
    Bytes bytes = ReadFile(dir_ / "p.evx");
    fs::remove(dir_ / "p.evx");
    return bytes;
  }

  Result<VerifyReport> Verify(const Bytes& package, bool decrypt = false,
                              const std::string& output_dir = "") {
    MemorySource source(package);
    VerifyOptions o;
    o.trust = &trust_;
    o.recipient = decrypt ? &recipient_ : nullptr;
    o.output_dir = output_dir;
    return VerifyPackage(source, o);
  }

  void ExpectFailure(const Bytes& package, StatusCode code,
                     std::string_view message) {
    for (bool decrypt : {false, true}) {
      auto r = Verify(package, decrypt);
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(r.error().code(), code) << r.error().message();
      EXPECT_NE(r.error().message().find(message), std::string::npos)
          << r.error().message();
    }
  }

  fs::path dir_;
  KeyEntry signer_, recipient_;
  KeyFile trust_;
  std::vector<Bytes> contents_;
  std::vector<PackItem> items_;
};

TEST_F(PackageTest, RoundTripRecoversEveryItem) {
  auto summary = Pack(Options("p.evx"));
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  // 1000 bytes in 4 chunks, 1 for the empty item, 1 for 256 bytes, 1 for 3.
  EXPECT_EQ(summary->chunk_count, 7u);
  auto source = OpenPackageFile(dir_ / "p.evx");
  ASSERT_TRUE(source.has_value());
  fs::create_directory(dir_ / "out");
  VerifyOptions o{
      .trust = &trust_, .recipient = &recipient_, .output_dir = dir_ / "out"};
  auto report = VerifyPackage(**source, o);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(report->signer_trusted);
  EXPECT_TRUE(report->decrypted);
  EXPECT_EQ(report->chunk_count, 7u);
  EXPECT_EQ(report->package_sha256, summary->package_sha256);
  EXPECT_EQ(report->recipient, recipient_.public_key);
  EXPECT_FALSE(report->log.has_value());
  ASSERT_EQ(report->manifest.items.size(), 4u);
  for (std::size_t i = 0; i < items_.size(); ++i) {
    EXPECT_EQ(ReadFile(dir_ / "out" / items_[i].meta.name), contents_[i]);
    EXPECT_EQ(report->manifest.items[i].size, contents_[i].size());
    EXPECT_EQ(report->manifest.items[i].sha256, crypto::Sha256(contents_[i]));
  }
  EXPECT_FALSE(fs::exists(dir_ / "p.evx.partial"));
}

// Any items and chunk size round-trip: every chunk boundary case (empty
// items, items of exactly one or several chunks, a short last chunk).
TEST_F(PackageTest, AnyItemsRoundTrip) {
  int round = 0;
  rc::check("pack then unpack gives back every item", [&] {
    const auto sizes = *rc::gen::container<std::vector<std::size_t>>(
        *rc::gen::inRange<std::size_t>(1, 5),
        rc::gen::inRange<std::size_t>(0, 2000));
    const std::uint32_t chunk_size =
        *rc::gen::inRange<std::uint32_t>(256, 1025);
    const fs::path work = dir_ / ("round" + std::to_string(round++));
    fs::create_directories(work / "out");
    PackOptions o = Options("unused");
    o.chunk_size = chunk_size;
    o.items.clear();
    std::vector<Bytes> contents;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      contents.push_back(RandomBytes(sizes[i], static_cast<unsigned>(i)));
      const std::string name = "item" + std::to_string(i);
      WriteFile(work / name, contents.back());
      PackItem item = items_[0];
      item.path = work / name;
      item.meta.name = name;
      o.items.push_back(item);
    }
    o.output = work / "p.evx";
    auto summary = Pack(o);
    RC_ASSERT(summary.has_value());
    auto source = OpenPackageFile(o.output);
    RC_ASSERT(source.has_value());
    auto report = VerifyPackage(**source, {.trust = &trust_,
                                           .recipient = &recipient_,
                                           .output_dir = work / "out"});
    RC_ASSERT(report.has_value());
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      RC_ASSERT(ReadFile(work / "out" / ("item" + std::to_string(i))) ==
                contents[i]);
    }
    fs::remove_all(work);
  });
}

TEST_F(PackageTest, VerifiesWithoutKeyOrTrust) {
  Bytes package = PackBytes();
  MemorySource source(package);
  auto report = VerifyPackage(source, {});
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_FALSE(report->signer_trusted);
  EXPECT_FALSE(report->decrypted);
}

TEST_F(PackageTest, UntrustedSignerIsRefused) {
  Bytes package = PackBytes();
  KeyFile other;
  other.keys.push_back(*GenerateKey("someone.else", KeyUse::kSign));
  MemorySource source(package);
  auto r = VerifyPackage(
      source, {.trust = &other, .recipient = nullptr, .output_dir = ""});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(r.error().message().find("which the trust file does not hold"),
            std::string::npos)
      << r.error().message();
  other.keys.push_back(*GenerateKey("provider.example", KeyUse::kSign));
  r = VerifyPackage(source,
                    {.trust = &other, .recipient = nullptr, .output_dir = ""});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("holds another key for that name"),
            std::string::npos);
  // A `log` key is not trusted to sign packages.
  KeyFile log_only;
  log_only.keys.push_back(KeyEntry{.name = signer_.name,
                                   .use = KeyUse::kLog,
                                   .public_key = signer_.public_key,
                                   .secret_key = std::nullopt});
  r = VerifyPackage(
      source, {.trust = &log_only, .recipient = nullptr, .output_dir = ""});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
}

TEST_F(PackageTest, WrongRecipientIsNamed) {
  Bytes package = PackBytes();
  KeyEntry other = *GenerateKey("other.authority", KeyUse::kEncrypt);
  MemorySource source(package);
  auto r = VerifyPackage(
      source, {.trust = &trust_, .recipient = &other, .output_dir = ""});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("not to `other.authority`"),
            std::string::npos)
      << r.error().message();
}

TEST_F(PackageTest, ReorderedChunksAreNamed) {
  Parts parts = Split(PackBytes());
  ASSERT_EQ(parts.frames.size(), 7u);
  std::swap(parts.frames[1], parts.frames[2]);
  ExpectFailure(Join(parts), StatusCode::kDataLoss,
                "item `mailbox.mbox` (0), chunk 1 of 4, offset 437: found "
                "chunk 2 of item `mailbox.mbox` (0) instead (chunks reordered "
                "or missing)");
}

TEST_F(PackageTest, DuplicatedChunksAreNamed) {
  Parts parts = Split(PackBytes());
  parts.frames.insert(parts.frames.begin() + 2, parts.frames[1]);
  ExpectFailure(Join(parts), StatusCode::kDataLoss,
                "item `mailbox.mbox` (0), chunk 2 of 4, offset 722: found "
                "chunk 1 of item `mailbox.mbox` (0) again (duplicated chunk)");
  parts = Split(PackBytes());
  parts.frames.push_back(parts.frames.back());
  ExpectFailure(Join(parts), StatusCode::kDataLoss,
                "bytes after the last chunk");
}

TEST_F(PackageTest, TruncatedContentIsNamed) {
  Parts parts = Split(PackBytes());
  parts.frames.pop_back();
  ExpectFailure(Join(parts), StatusCode::kDataLoss,
                "item `tail` (3), chunk 0 of 1, offset 1582: missing or cut "
                "short, the content ends at offset 1582 (truncated package)");
  parts = Split(PackBytes());
  parts.frames[6].resize(parts.frames[6].size() - 1);
  ExpectFailure(Join(parts), StatusCode::kDataLoss, "cut short");
  Bytes cut = PackBytes();
  cut.resize(cut.size() - 10);
  ExpectFailure(cut, StatusCode::kDataLoss, "no footer magic");
}

TEST_F(PackageTest, AlteredChunkIsNamed) {
  // An altered MAC: seen with or without the key.
  Parts parts = Split(PackBytes());
  parts.frames[5].back() ^= 1;
  ExpectFailure(Join(parts), StatusCode::kDataLoss,
                "item `exact.bin` (2), chunk 0 of 1, offset 1297: its header "
                "and MAC do not match its entry in the signed chunk table");
  // Altered ciphertext: decryption fails.
  parts = Split(PackBytes());
  parts.frames[5][40] ^= 1;
  auto r = Verify(Join(parts), true);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.error().message(),
            "item `exact.bin` (2), chunk 0 of 1: does not decrypt "
            "(secretstream authentication failed)");
}

// A signer can sign a manifest that contradicts its header; the reader says
// so rather than trust either.
TEST_F(PackageTest, ChunkSizeMustMatchTheHeader) {
  Parts parts = Split(PackBytes());
  const std::size_t table_size = parts.footer.chunk_count * 32;
  const std::string manifest_bytes(
      parts.trailer.begin() + table_size,
      parts.trailer.begin() + table_size + parts.footer.manifest_length);
  Manifest manifest = *ParseManifest(manifest_bytes);
  manifest.chunk_size = 512;
  const std::string resigned = *SerializeManifest(manifest);
  auto pair = *crypto::Ed25519KeyPairFromSeed(signer_.secret_key->bytes());
  const auto signature = crypto::Sign(pair.secret_key, SignedBytes(resigned));
  parts.trailer.resize(table_size);
  parts.trailer.insert(parts.trailer.end(), resigned.begin(), resigned.end());
  parts.trailer.insert(parts.trailer.end(), signature.begin(), signature.end());
  parts.footer.manifest_length = resigned.size();
  ExpectFailure(Join(parts), StatusCode::kDataLoss,
                "header: chunk size 256 differs from the manifest's "
                "`chunk_size` 512");
}

TEST_F(PackageTest, FailedUnpackLeavesNothing) {
  Parts parts = Split(PackBytes());
  parts.frames[6][30] ^= 1;
  fs::create_directory(dir_ / "out");
  auto r = Verify(Join(parts), true, dir_ / "out");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("item `tail` (3)"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir_ / "out"));
}

TEST_F(PackageTest, UnpackRefusesToOverwrite) {
  Bytes package = PackBytes();
  fs::create_directory(dir_ / "out");
  WriteFile(dir_ / "out" / "tail", {1});
  auto r = Verify(package, true, dir_ / "out");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(dir_ / "out" / "tail"), Bytes{1});
}

TEST_F(PackageTest, PackRefusesBadInputs) {
  PackOptions o = Options("p.evx");
  o.items[1].path = dir_ / "missing";
  auto r = Pack(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  o = Options("p.evx");
  o.items[0].meta.data_category = "secrets";
  r = Pack(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_ / "p.evx.partial"));
  o = Options("tail");
  r = Pack(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kAlreadyExists);
  o = Options("p.evx");
  o.signer = &recipient_;
  EXPECT_EQ(Pack(o).error().code(), StatusCode::kInvalidArgument);
}

// Any single flipped bit anywhere in the package (header, chunk, chunk
// table, manifest, signature, footer) fails verification: with and without
// the recipient's key, except that the body of a chunk's ciphertext is only
// read with the key (without it, frame headers and MACs are checked).
TEST_F(PackageTest, AnyFlippedBitIsDetected) {
  const Bytes package = PackBytes();
  ASSERT_TRUE(Verify(package).has_value());
  const Parts parts = Split(package);
  const std::size_t manifest_at = parts.footer.manifest_offset;
  const std::size_t signature_at = manifest_at + parts.footer.manifest_length;
  rc::check("a flipped bit fails verification", [&] {
    const std::size_t bit =
        *rc::gen::inRange<std::size_t>(0, package.size() * 8);
    const std::size_t byte = bit / 8;
    bool in_body = false;
    std::size_t frame_at = kHeaderSize;
    for (const Bytes& frame : parts.frames) {
      in_body |= byte >= frame_at + kFrameHeaderSize &&
                 byte < frame_at + frame.size() - 16;
      frame_at += frame.size();
    }
    const bool decrypt = in_body || *rc::gen::arbitrary<bool>();
    Bytes bad = package;
    bad[byte] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto r = Verify(bad, decrypt);
    RC_ASSERT(!r.has_value());
    const std::string& message = r.error().message();
    if (byte >= kHeaderSize && byte < parts.footer.chunk_table_offset) {
      RC_ASSERT(message.find("chunk") != std::string::npos);
    } else if (byte >= manifest_at && byte < signature_at) {
      RC_ASSERT(message.rfind("manifest: ", 0) == 0 ||
                message.rfind("signature: ", 0) == 0);
    } else if (byte >= signature_at && byte < signature_at + 64) {
      RC_ASSERT(message.rfind("signature: ", 0) == 0);
    } else if (byte < kHeaderSize) {
      RC_ASSERT(message.rfind("header: ", 0) == 0);
    }
  });
}

// A log of `size` entries holding the package's entry at `index`, its
// checkpoint signed by `log_key`.
LogProof MakeLogProof(const crypto::Sha256Digest& package_sha256,
                      const KeyEntry& log_key, std::uint64_t index,
                      std::uint64_t size) {
  std::vector<ledger::Hash> leaves;
  LogProof proof;
  for (std::uint64_t i = 0; i < size; ++i) {
    const std::string entry = i == index
                                  ? PackageLogEntry(package_sha256)
                                  : "{\"event\":" + std::to_string(i) + "}";
    if (i == index) proof.entry.assign(entry.begin(), entry.end());
    leaves.push_back(ledger::LeafHash(std::span(
        reinterpret_cast<const std::uint8_t*>(entry.data()), entry.size())));
  }
  ledger::MemoryTree tree(leaves);
  proof.leaf_index = index;
  proof.proof = *ledger::InclusionProof(tree, size, index);
  auto pair = *crypto::Ed25519KeyPairFromSeed(log_key.secret_key->bytes());
  auto signer = *ledger::NoteSigner::Create(log_key.name, std::move(pair));
  ledger::Checkpoint checkpoint{.origin = log_key.name,
                                .size = size,
                                .root = *ledger::Root(tree, size),
                                .extensions = {}};
  proof.checkpoint = *ledger::SignCheckpoint(checkpoint, signer);
  return proof;
}

class LogProofTest : public PackageTest {
 protected:
  void SetUp() override {
    PackageTest::SetUp();
    log_ = *GenerateKey("log.example/evidex", KeyUse::kLog);
    trust_.keys.push_back(KeyEntry{.name = log_.name,
                                   .use = KeyUse::kLog,
                                   .public_key = log_.public_key,
                                   .secret_key = std::nullopt});
    auto summary = Pack(Options("p.evx"));
    ASSERT_TRUE(summary.has_value());
    digest_ = summary->package_sha256;
    path_ = dir_ / "p.evx";
  }

  Result<VerifyReport> VerifyFile(const KeyFile* trust) {
    auto source = OpenPackageFile(path_);
    EXPECT_TRUE(source.has_value());
    return VerifyPackage(
        **source, {.trust = trust, .recipient = &recipient_, .output_dir = ""});
  }

  // Attaches `proof` without AttachLogProof's checks.
  void ForceProof(const LogProof& proof) {
    Bytes package = ReadFile(path_);
    Footer footer =
        *DecodeFooter(std::span(package).last(kFooterSize), package.size());
    const std::uint64_t at =
        footer.manifest_offset + footer.manifest_length + kSignatureSize;
    std::string text = *SerializeLogProof(proof);
    footer.proof_offset = at;
    footer.proof_length = text.size();
    Bytes tail(text.begin(), text.end());
    auto f = EncodeFooter(footer);
    tail.insert(tail.end(), f.begin(), f.end());
    ASSERT_TRUE(OverwriteTail(path_, at, tail).ok());
  }

  KeyEntry log_;
  crypto::Sha256Digest digest_{};
  std::string path_;
};

TEST_F(LogProofTest, AttachedProofVerifiesAgainstTheTrustedLog) {
  const Bytes before = ReadFile(path_);
  ASSERT_TRUE(AttachLogProof(path_, MakeLogProof(digest_, log_, 5, 9)).ok());
  auto report = VerifyFile(&trust_);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  ASSERT_TRUE(report->log.has_value());
  EXPECT_EQ(report->log->leaf_index, 5u);
  EXPECT_EQ(report->log->tree_size, 9u);
  EXPECT_EQ(report->log->origin, "log.example/evidex");
  EXPECT_EQ(report->log->trusted_signers,
            std::vector<std::string>{"log.example/evidex"});
  // Only the tail changed: the content and trailer are as packed.
  const Bytes after = ReadFile(path_);
  ASSERT_GT(after.size(), before.size());
  EXPECT_TRUE(
      std::equal(before.begin(), before.end() - kFooterSize, after.begin()));
  // A later checkpoint replaces the proof.
  ASSERT_TRUE(AttachLogProof(path_, MakeLogProof(digest_, log_, 5, 100)).ok());
  report = VerifyFile(&trust_);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->log->tree_size, 100u);
  // Without a trust file the checkpoint is read but its signer not checked.
  report = VerifyFile(nullptr);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->log->trusted_signers.empty());
}

TEST_F(LogProofTest, AttachRefusesAProofOfAnotherPackage) {
  crypto::Sha256Digest other = digest_;
  other[0] ^= 1;
  Status s = AttachLogProof(path_, MakeLogProof(other, log_, 1, 3));
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("the logged entry records package"),
            std::string::npos)
      << s.message();
  LogProof bad = MakeLogProof(digest_, log_, 1, 3);
  bad.proof[0][0] ^= 1;
  s = AttachLogProof(path_, bad);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("does not lead to the checkpoint's root"),
            std::string::npos)
      << s.message();
}

TEST_F(LogProofTest, BadProofsFailVerification) {
  auto expect = [&](const LogProof& proof, const KeyFile* trust,
                    std::string_view message) {
    ForceProof(proof);
    auto r = VerifyFile(trust);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
    EXPECT_NE(r.error().message().find(message), std::string::npos)
        << r.error().message();
  };
  LogProof bad = MakeLogProof(digest_, log_, 2, 7);
  bad.leaf_index = 3;
  expect(bad, &trust_, "the inclusion proof of leaf 3 does not lead");
  crypto::Sha256Digest other = digest_;
  other[31] ^= 0x80;
  expect(MakeLogProof(other, log_, 2, 7), &trust_,
         "the logged entry records package");
  KeyEntry impostor = *GenerateKey(log_.name, KeyUse::kLog);
  expect(MakeLogProof(digest_, impostor, 2, 7), &trust_,
         "is not signed by the trusted key of that log");
  KeyEntry elsewhere = *GenerateKey("other.log", KeyUse::kLog);
  expect(MakeLogProof(digest_, elsewhere, 2, 7), &trust_,
         "the checkpoint is of log `other.log`, which the trust file does "
         "not hold");
}

TEST_F(LogProofTest, AnyFlippedBitOfTheProofIsDetected) {
  ASSERT_TRUE(AttachLogProof(path_, MakeLogProof(digest_, log_, 4, 6)).ok());
  const Bytes package = ReadFile(path_);
  const Footer footer =
      *DecodeFooter(std::span(package).last(kFooterSize), package.size());
  rc::check("a flipped bit of the proof or footer fails verification", [&] {
    const std::size_t bit = *rc::gen::inRange<std::size_t>(
        footer.proof_offset * 8, package.size() * 8);
    Bytes bad = package;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    MemorySource source(bad);
    auto r = VerifyPackage(
        source, {.trust = &trust_, .recipient = nullptr, .output_dir = ""});
    RC_ASSERT(!r.has_value());
  });
}

}  // namespace
}  // namespace evidex::evidence
