// `evidex ledger fsck`: exit codes and output for a sound ledger, a damaged
// one, a pinned key, and bad usage.
#include "cli/ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/sodium.h"
#include "ledger/stored_log.h"

namespace evidex::cli {
namespace {

class LedgerFsckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitSodium().ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("evidex-ledger-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto log = ledger::StoredLog::Open(dir_, Signer()).value();
    for (int i = 0; i < 5; ++i) {
      const std::vector<std::uint8_t> entry(10, static_cast<std::uint8_t>(i));
      ASSERT_TRUE(log->Append(entry).has_value());
    }
    root_ = log->Integrate()->checkpoint.root;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static ledger::NoteSigner Signer(std::uint8_t seed_byte = 1) {
    const std::vector<std::uint8_t> seed(32, seed_byte);
    return ledger::NoteSigner::Create(
               "evidex.example/cli",
               crypto::Ed25519KeyPairFromSeed(seed).value())
        .value();
  }

  int Run(const std::string& vkey = "") {
    out_.str("");
    err_.str("");
    return RunLedgerFsck({dir_.string(), vkey}, out_, err_);
  }

  std::filesystem::path dir_;
  ledger::Hash root_{};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(LedgerFsckTest, Sound) {
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(out_.str(),
            "sound: 5 entries, 1 checkpoints; latest checkpoint: "
            "size 5, root " +
                crypto::Base64Encode(root_) + "\n");
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(Run(Signer().verifier().VerifierKey()), 0);
}

TEST_F(LedgerFsckTest, NotSound) {
  // Entry 3's data (records are 12 + 10 + 32 bytes).
  std::fstream f(dir_ / "entries",
                 std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(3 * 54 + 12);
  f.put('x');
  f.close();
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(),
            "not sound: first bad index 3: entry at byte 162: "
            "the entry's data does not match its leaf hash\n");
}

TEST_F(LedgerFsckTest, PinnedKeyDiffers) {
  EXPECT_EQ(Run(Signer(2).verifier().VerifierKey()), 1);
  EXPECT_EQ(err_.str().rfind("not sound: the log's key", 0), 0u) << err_.str();
}

TEST_F(LedgerFsckTest, BadUsage) {
  EXPECT_EQ(Run("not a key"), 2);
  EXPECT_EQ(err_.str(),
            "error: --vkey: verifier key is not <name>+<key id>+<key>\n");
  EXPECT_EQ(RunLedgerFsck({(dir_ / "none").string(), ""}, out_, err_), 2);
}

TEST_F(LedgerFsckTest, CheckpointOffline) {
  const std::string vkey = Signer().verifier().VerifierKey();
  // The latest checkpoint, as the node serves it.
  auto log = ledger::StoredLog::Open(dir_, Signer()).value();
  const std::string note = log->Latest().note;
  std::istringstream in(note);
  EXPECT_EQ(RunLedgerCheckpoint({"-", vkey}, in, out_, err_), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            R"({"origin":"evidex.example/cli","tree_size":5,"root":")" +
                crypto::HexEncode(root_) + "\"}\n");
  // Another key; a changed checkpoint; bad usage.
  std::istringstream again(note);
  EXPECT_EQ(RunLedgerCheckpoint({"-", Signer(2).verifier().VerifierKey()},
                                again, out_, err_),
            1);
  std::string forged = note;
  forged[forged.find("\n5\n") + 1] = '6';
  std::istringstream changed(forged);
  out_.str("");
  err_.str("");
  EXPECT_EQ(RunLedgerCheckpoint({"-", vkey}, changed, out_, err_), 1);
  EXPECT_EQ(err_.str(), "error: signature by `" +
                            vkey.substr(0, vkey.rfind('+')) +
                            "` does not verify\n");
  std::istringstream garbage("not a checkpoint");
  EXPECT_EQ(RunLedgerCheckpoint({"-", vkey}, garbage, out_, err_), 2);
  std::istringstream unused;
  EXPECT_EQ(
      RunLedgerCheckpoint({(dir_ / "none").string(), vkey}, unused, out_, err_),
      2);
  EXPECT_EQ(RunLedgerCheckpoint({"-", "bad key"}, unused, out_, err_), 2);
}

}  // namespace
}  // namespace evidex::cli
