#include "cli/evidence.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/encoding.h"
#include "evidence/io.h"
#include "evidence/keys.h"
#include "evidence/log_proof.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace evidex::cli {
namespace {

namespace fs = std::filesystem;

class FixedClock final : public Clock {
 public:
  Instant Now() const override {
    return Instant(std::chrono::milliseconds(1796000000000));
  }
};

class EvidenceCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/evidex_evidence_cli_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Keygen("provider.example", "p", false);
    Keygen("authority.example", "a", false);
    Keygen("log.example", "log", true);
    std::ofstream(dir_ / "item.txt") << "subscriber: alice\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  int Run(EvidenceOptions o) {
    out_.str("");
    err_.str("");
    return RunEvidence(o, out_, err_, clock_);
  }

  void Keygen(const std::string& name, const std::string& file, bool log) {
    EvidenceOptions o;
    o.command = EvidenceCommand::kKeygen;
    o.name = name;
    o.secret_out = dir_ / (file + ".key");
    o.public_out = dir_ / (file + ".pub");
    o.log_key = log;
    ASSERT_EQ(Run(o), 0) << err_.str();
  }

  EvidenceOptions Verify(std::vector<std::string> trust) {
    EvidenceOptions o;
    o.command = EvidenceCommand::kVerify;
    o.package = dir_ / "pkg.evx";
    for (const auto& t : trust) o.trust_files.push_back(dir_ / t);
    return o;
  }

  fs::path dir_;
  FixedClock clock_;
  std::ostringstream out_, err_;
};

TEST_F(EvidenceCliTest, PackAttachProofAndVerifyAgainstTheLog) {
  EvidenceOptions pack;
  pack.command = EvidenceCommand::kPack;
  pack.order = "case_0123";
  pack.key_file = dir_ / "p.key";
  pack.recipient_file = dir_ / "a.pub";
  pack.category = "subscriber";
  pack.produced_at = "2026-11-28T17:00:00Z";
  pack.items = {dir_ / "item.txt"};
  pack.output = dir_ / "pkg.evx";
  ASSERT_EQ(Run(pack), 0) << err_.str();
  const std::string summary = out_.str();
  const auto at = summary.find("\"package_sha256\":\"") + 18;
  auto digest_bytes = crypto::HexDecode(summary.substr(at, 64));
  ASSERT_TRUE(digest_bytes.has_value());
  crypto::Sha256Digest digest;
  std::copy(digest_bytes->begin(), digest_bytes->end(), digest.begin());

  // The log: the package's entry at leaf 2 of 5, a checkpoint signed by the
  // log key made above.
  auto log_file = evidence::ParseKeyFile(
      *evidence::ReadSmallFile(dir_ / "log.key", 1 << 20));
  ASSERT_TRUE(log_file.has_value());
  const evidence::KeyEntry& log_key = log_file->keys[0];
  evidence::LogProof proof;
  std::vector<ledger::Hash> leaves;
  for (int i = 0; i < 5; ++i) {
    std::string entry = i == 2 ? evidence::PackageLogEntry(digest)
                               : "{\"event\":" + std::to_string(i) + "}";
    if (i == 2) proof.entry.assign(entry.begin(), entry.end());
    leaves.push_back(ledger::LeafHash(std::span(
        reinterpret_cast<const std::uint8_t*>(entry.data()), entry.size())));
  }
  ledger::MemoryTree tree(leaves);
  proof.leaf_index = 2;
  proof.proof = *ledger::InclusionProof(tree, 5, 2);
  auto signer = *ledger::NoteSigner::Create(
      log_key.name,
      *crypto::Ed25519KeyPairFromSeed(log_key.secret_key->bytes()));
  proof.checkpoint = *ledger::SignCheckpoint({.origin = log_key.name,
                                              .size = 5,
                                              .root = *ledger::Root(tree, 5),
                                              .extensions = {}},
                                             signer);
  std::ofstream(dir_ / "proof.json") << *evidence::SerializeLogProof(proof);

  EvidenceOptions attach;
  attach.command = EvidenceCommand::kAttachProof;
  attach.package = dir_ / "pkg.evx";
  attach.proof_file = dir_ / "proof.json";
  ASSERT_EQ(Run(attach), 0) << err_.str();

  ASSERT_EQ(Run(Verify({"p.pub", "log.pub"})), 0) << err_.str();
  EXPECT_NE(out_.str().find("log: leaf 2 of 5 in log `log.example`, "
                            "inclusion proof valid, checkpoint signed by "
                            "trusted `log.example`"),
            std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("order `case_0123`, created "
                            "2026-11-30T00:53:20Z"),
            std::string::npos)
      << out_.str();

  // Trusting the provider but not the log: the proof is refused.
  EXPECT_EQ(Run(Verify({"p.pub"})), 1);
  EXPECT_EQ(err_.str(),
            "evidex verify: log proof: the checkpoint is of log "
            "`log.example`, which the trust file does not hold\n");
}

TEST_F(EvidenceCliTest, KeygenRefusesABadName) {
  EvidenceOptions o;
  o.command = EvidenceCommand::kKeygen;
  o.name = "bad name";
  o.secret_out = dir_ / "x.key";
  o.public_out = dir_ / "x.pub";
  EXPECT_EQ(Run(o), 2);
  EXPECT_NE(err_.str().find("key name `bad name`"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "x.key"));
}

}  // namespace
}  // namespace evidex::cli
