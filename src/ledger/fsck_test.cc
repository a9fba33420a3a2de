// fsck of a stored log: a sound log is sound, and every kind of damage
// (truncated, flipped, reordered, duplicated records; changed tree hashes and
// checkpoints; another key) is found at the exact first bad index.
#include "ledger/fsck.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crypto/sodium.h"
#include "ledger/log_files.h"
#include "ledger/stored_log.h"

namespace evidex::ledger {
namespace {

constexpr char kOrigin[] = "evidex.example/fsck-test";
// Every entry is 16 bytes, so every record is 12 + 16 + 32 = 60 bytes.
constexpr std::uint64_t kRecord = 60;

std::vector<std::uint8_t> Entry(std::uint64_t i) {
  char text[17];
  std::snprintf(text, sizeof text, "entry %010llu",
                static_cast<unsigned long long>(i));
  return {text, text + 16};
}

class FsckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::InitSodium().ok()); }

  static NoteSigner Signer(std::uint8_t seed_byte = 5) {
    const std::vector<std::uint8_t> seed(32, seed_byte);
    return NoteSigner::Create(kOrigin,
                              crypto::Ed25519KeyPairFromSeed(seed).value())
        .value();
  }

  // A log of 100 entries with checkpoints at 0, 10, 50 and 100, then 7
  // entries sequenced but not integrated.
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("evidex-fsck-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto log = StoredLog::Open(dir_, Signer()).value();
    ASSERT_TRUE(log->Integrate().has_value());
    std::uint64_t i = 0;
    for (std::uint64_t until : {10, 50, 100}) {
      for (; i < until; ++i) ASSERT_EQ(log->Append(Entry(i)).value(), i);
      ASSERT_TRUE(log->Integrate().has_value());
    }
    for (; i < 107; ++i) ASSERT_EQ(log->Append(Entry(i)).value(), i);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  FsckReport Check(const NoteVerifier* pinned = nullptr) {
    auto report = Fsck(dir_, pinned);
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report.value_or(FsckReport{});
  }

  std::string Read(const std::string& name) const {
    std::ifstream in(dir_ / name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  void FlipBit(const std::string& name, std::uint64_t offset) const {
    std::string bytes = Read(name);
    bytes[offset] ^= 0x04;
    Write(name, bytes);
  }

  // Where each checkpoint record starts.
  std::vector<std::size_t> CheckpointStarts() const {
    const std::string bytes = Read(internal::kCheckpointsFile);
    std::vector<std::size_t> starts;
    for (std::size_t at = 0; at < bytes.size();) {
      starts.push_back(at);
      const auto record = internal::ParseCheckpointRecord(
          {reinterpret_cast<const std::uint8_t*>(bytes.data()) + at,
           bytes.size() - at});
      if (record.state != internal::RecordState::kOk) break;
      at += record.size;
    }
    return starts;
  }

  std::filesystem::path dir_;
};

TEST_F(FsckTest, SoundLog) {
  const FsckReport r = Check();
  EXPECT_TRUE(r.sound) << r.problem;
  EXPECT_EQ(r.problem, "");
  EXPECT_EQ(r.entries, 107u);
  EXPECT_EQ(r.checkpoints, 4u);
  ASSERT_TRUE(r.latest.has_value());
  EXPECT_EQ(r.latest->size, 100u);
  const NoteVerifier key = Signer().verifier();
  EXPECT_TRUE(Check(&key).sound);
}

TEST_F(FsckTest, TruncatedEntry) {
  std::filesystem::resize_file(dir_ / internal::kEntriesFile,
                               37 * kRecord + 20);
  const FsckReport r = Check();
  EXPECT_FALSE(r.sound);
  EXPECT_EQ(r.first_bad_index, 37u);
  EXPECT_EQ(r.problem,
            "first bad index 37: entry at byte 2220: the file "
            "ends inside the record");
  // Cut between records: the checkpoint of size 50 covers missing entries.
  std::filesystem::resize_file(dir_ / internal::kEntriesFile, 37 * kRecord);
  EXPECT_EQ(Check().problem,
            "first bad index 37: checkpoint 3 (size 50, record at byte " +
                std::to_string(CheckpointStarts()[2]) +
                "): the entries file holds only 37 entries");
}

TEST_F(FsckTest, FlippedBitInAnEntry) {
  FlipBit(internal::kEntriesFile, 42 * kRecord + 12 + 3);
  const FsckReport r = Check();
  EXPECT_EQ(r.first_bad_index, 42u);
  EXPECT_EQ(r.problem,
            "first bad index 42: entry at byte 2520: the entry's "
            "data does not match its leaf hash");
  EXPECT_EQ(r.entries, 42u);
  EXPECT_EQ(r.checkpoints, 2u);  // sizes 0 and 10
}

TEST_F(FsckTest, FlippedBitInAnUnintegratedEntry) {
  FlipBit(internal::kEntriesFile, 104 * kRecord + 12 + 15);
  EXPECT_EQ(Check().first_bad_index, 104u);
}

TEST_F(FsckTest, ReorderedEntries) {
  std::string bytes = Read(internal::kEntriesFile);
  const std::string a = bytes.substr(20 * kRecord, kRecord);
  bytes.replace(20 * kRecord, kRecord, bytes.substr(21 * kRecord, kRecord));
  bytes.replace(21 * kRecord, kRecord, a);
  Write(internal::kEntriesFile, bytes);
  const FsckReport r = Check();
  EXPECT_EQ(r.first_bad_index, 20u);
  EXPECT_EQ(r.problem,
            "first bad index 20: entry at byte 1200: the record "
            "holds index 21");
}

TEST_F(FsckTest, DuplicatedEntry) {
  std::string bytes = Read(internal::kEntriesFile);
  bytes.insert(31 * kRecord, bytes.substr(30 * kRecord, kRecord));
  Write(internal::kEntriesFile, bytes);
  const FsckReport r = Check();
  EXPECT_EQ(r.first_bad_index, 31u);
  EXPECT_EQ(r.problem,
            "first bad index 31: entry at byte 1860: the record "
            "holds index 30");
}

TEST_F(FsckTest, ChangedTreeHash) {
  FlipBit("tree-00", 12 * 32 + 7);
  EXPECT_EQ(Check().problem,
            "first bad index 12: `tree-00` hash 12 (leaves 12 "
            "to 12) is not the entries' hash");
  FlipBit("tree-00", 12 * 32 + 7);
  FlipBit("tree-02", 5 * 32);
  EXPECT_EQ(Check().problem,
            "first bad index 20: `tree-02` hash 5 (leaves 20 "
            "to 23) is not the entries' hash");
  FlipBit("tree-02", 5 * 32);
  std::filesystem::resize_file(dir_ / "tree-03", 10 * 32);
  EXPECT_EQ(Check().problem,
            "first bad index 80: `tree-03` holds 10 hashes; "
            "the latest checkpoint needs 12");
}

// An entry rewritten with a matching leaf hash, and the tree files rebuilt:
// only the signed checkpoints can tell, and they bound where.
TEST_F(FsckTest, RewrittenHistory) {
  std::string bytes = Read(internal::kEntriesFile);
  std::vector<std::uint8_t> forged = Entry(0);
  forged[0] = 'E';
  const Hash h = LeafHash(forged);
  bytes.replace(33 * kRecord + 12, 16,
                std::string(forged.begin(), forged.end()));
  bytes.replace(33 * kRecord + 28, 32, std::string(h.begin(), h.end()));
  Write(internal::kEntriesFile, bytes);
  for (int level = 0; level < 7; ++level) {
    std::filesystem::remove(dir_ / internal::TreeFileName(level));
  }
  const FsckReport r = Check();
  EXPECT_FALSE(r.sound);
  // The tree files are missing: reported from index 0.
  EXPECT_EQ(r.first_bad_index, 0u);
  // With tree files rebuilt from the forged entries, the checkpoint of size
  // 50 is the first to disagree: the bad entry is in [10, 50).
  {
    std::filesystem::path other = dir_.string() + "-rebuilt";
    std::filesystem::remove_all(other);
    auto log = StoredLog::Open(other, Signer()).value();
    for (std::uint64_t i = 0; i < 100; ++i) {
      ASSERT_TRUE(log->Append(i == 33 ? forged : Entry(i)).has_value());
    }
    ASSERT_TRUE(log->Integrate().has_value());
    for (int level = 0; level < 7; ++level) {
      const std::string name = internal::TreeFileName(level);
      std::filesystem::copy_file(
          other / name, dir_ / name,
          std::filesystem::copy_options::overwrite_existing);
    }
    std::filesystem::remove_all(other);
  }
  const FsckReport rebuilt = Check();
  EXPECT_EQ(rebuilt.first_bad_index, 10u);
  EXPECT_NE(rebuilt.problem.find("its root is not the entries' root; a bad "
                                 "entry lies in [10, 50)"),
            std::string::npos)
      << rebuilt.problem;
}

TEST_F(FsckTest, ChangedCheckpoint) {
  // The third record's note: flip a bit of its signature and fix the
  // record's checksum, as a forger would.
  std::string bytes = Read(internal::kCheckpointsFile);
  const std::vector<std::size_t> starts = CheckpointStarts();
  ASSERT_EQ(starts.size(), 4u);
  const std::size_t third = starts[2];
  const std::size_t end = starts[3];
  const auto record = internal::ParseCheckpointRecord(
      {reinterpret_cast<const std::uint8_t*>(bytes.data()) + third,
       end - third});
  std::string note = record.note;
  note[note.size() - 5] = note[note.size() - 5] == 'A' ? 'B' : 'A';
  std::string rewritten;
  internal::AppendCheckpointRecord(record.tree_size, record.entries_end, note,
                                   rewritten);
  bytes.replace(third, end - third, rewritten);
  Write(internal::kCheckpointsFile, bytes);
  const FsckReport r = Check();
  EXPECT_FALSE(r.sound);
  EXPECT_FALSE(r.first_bad_index.has_value());
  EXPECT_EQ(r.problem,
            "checkpoint 3 (record at byte " + std::to_string(third) +
                "): signature by `" + std::string(kOrigin) + "+" +
                Signer().verifier().VerifierKey().substr(sizeof kOrigin, 8) +
                "` does not verify");

  // A checkpoint record damaged without fixing its checksum.
  FlipBit(internal::kCheckpointsFile, 3);
  EXPECT_EQ(Check().problem,
            "checkpoints: record at byte 0: the record's "
            "checksum does not match");
}

TEST_F(FsckTest, AnotherKey) {
  const NoteVerifier other = Signer(6).verifier();
  const FsckReport r = Check(&other);
  EXPECT_FALSE(r.sound);
  EXPECT_EQ(r.problem.rfind("the log's key `", 0), 0u) << r.problem;
}

TEST_F(FsckTest, NoLog) {
  EXPECT_EQ(Fsck(dir_ / "nothing", nullptr).error().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace evidex::ledger
