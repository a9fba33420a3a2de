// The stored log: sequencing and integration against the in-memory tree,
// concurrent appends, reopening, and recovery from every kind of interrupted
// write (repaired) and of damage (refused).
#include "ledger/stored_log.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/sodium.h"
#include "ledger/log_files.h"

namespace evidex::ledger {
namespace {

constexpr char kOrigin[] = "evidex.example/stored-log-test";

std::vector<std::uint8_t> Entry(std::uint64_t i) {
  const std::string s = "entry " + std::to_string(i);
  return {s.begin(), s.end()};
}

class StoredLogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::InitSodium().ok()); }

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("evidex-stored-log-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static NoteSigner Signer(std::uint8_t seed_byte = 3) {
    const std::vector<std::uint8_t> seed(32, seed_byte);
    return NoteSigner::Create(kOrigin,
                              crypto::Ed25519KeyPairFromSeed(seed).value())
        .value();
  }

  std::unique_ptr<StoredLog> OpenLog() {
    auto log = StoredLog::Open(dir_, Signer());
    EXPECT_TRUE(log.has_value()) << log.error().ToString();
    return log.has_value() ? std::move(*log) : nullptr;
  }

  static void AppendRange(StoredLog& log, std::uint64_t from,
                          std::uint64_t to) {
    for (std::uint64_t i = from; i < to; ++i) {
      ASSERT_EQ(log.Append(Entry(i)).value(), i);
    }
  }

  static std::vector<Hash> LeafHashes(std::uint64_t n) {
    std::vector<Hash> leaves;
    for (std::uint64_t i = 0; i < n; ++i) leaves.push_back(LeafHash(Entry(i)));
    return leaves;
  }

  std::uint64_t FileSize(const std::string& name) const {
    return std::filesystem::file_size(dir_ / name);
  }
  void Resize(const std::string& name, std::uint64_t size) const {
    std::filesystem::resize_file(dir_ / name, size);
  }
  void FlipBit(const std::string& name, std::uint64_t offset) const {
    std::fstream f(dir_ / name,
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ 0x10));
  }
  // The size of entry i's record.
  static std::uint64_t RecordSize(std::uint64_t i) {
    return internal::kEntryHeaderSize + Entry(i).size() + internal::kHashSize;
  }

  std::filesystem::path dir_;
};

TEST_F(StoredLogTest, ProofsMatchTheMemoryTree) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->Latest().checkpoint.size, 0u);
  EXPECT_TRUE(log->Latest().note.empty());
  // Integrate at uneven sizes so that every level is extended piecewise.
  std::uint64_t size = 0;
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t step : {1, 2, 5, 1, 8, 13, 64, 3, 40}) {
    AppendRange(*log, size, size + step);
    size += step;
    EXPECT_EQ(log->SequencedSize(), size);
    auto c = log->Integrate();
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    EXPECT_EQ(c->checkpoint.size, size);
    EXPECT_EQ(OpenCheckpoint(c->note, log->verifier()).value(), c->checkpoint);
    sizes.push_back(size);
  }
  const MemoryTree memory(LeafHashes(size));
  for (std::uint64_t n : sizes) {
    ASSERT_EQ(Root(*log, n).value(), Root(memory, n).value()) << n;
    for (std::uint64_t i = 0; i < n; ++i) {
      ASSERT_EQ(InclusionProof(*log, n, i).value(),
                InclusionProof(memory, n, i).value());
    }
    for (std::uint64_t m = 0; m <= n; ++m) {
      ASSERT_EQ(ConsistencyProof(*log, m, n).value(),
                ConsistencyProof(memory, m, n).value());
    }
  }
  EXPECT_EQ(log->Latest().checkpoint.root, Root(memory, size).value());
}

TEST_F(StoredLogTest, EmptyLogSignsTheEmptyTree) {
  auto log = OpenLog();
  auto c = log->Integrate().value();
  EXPECT_EQ(c.checkpoint.size, 0u);
  EXPECT_EQ(c.checkpoint.root, EmptyRoot());
  EXPECT_EQ(OpenCheckpoint(c.note, log->verifier()).value(), c.checkpoint);
  // Nothing new: the same checkpoint, not another.
  const auto bytes = FileSize(internal::kCheckpointsFile);
  EXPECT_EQ(log->Integrate()->note, c.note);
  EXPECT_EQ(FileSize(internal::kCheckpointsFile), bytes);
}

TEST_F(StoredLogTest, ServesOnlyTheIntegratedTree) {
  auto log = OpenLog();
  AppendRange(*log, 0, 4);
  ASSERT_TRUE(log->Integrate().has_value());
  AppendRange(*log, 4, 8);
  EXPECT_EQ(log->IntegratedSize(), 4u);
  EXPECT_TRUE(log->CompleteSubtreeHash(2, 0).has_value());
  EXPECT_EQ(log->CompleteSubtreeHash(0, 4).error(),
            NotFoundError("no complete subtree at level 0, index 4 in the "
                          "integrated tree of 4 leaves"));
  EXPECT_EQ(log->CompleteSubtreeHash(64, 0).error().code(),
            StatusCode::kNotFound);
}

TEST_F(StoredLogTest, RefusesBadAppends) {
  auto log = OpenLog();
  EXPECT_EQ(log->AppendAll({}).error(),
            InvalidArgumentError("no entries to append"));
  const std::vector<std::uint8_t> big(kMaxEntryBytes + 1);
  EXPECT_EQ(log->Append(big).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->SequencedSize(), 0u);
  // The empty entry is an entry.
  EXPECT_EQ(log->Append({}).value(), 0u);
}

TEST_F(StoredLogTest, ConcurrentAppendsGetDistinctIndexes) {
  auto log = OpenLog();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  std::vector<std::vector<std::pair<std::uint64_t, std::string>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string data =
            "thread " + std::to_string(t) + " entry " + std::to_string(i);
        if (i % 10 == 0) {
          // Some batches of several entries at once.
          const std::string second = data + " second";
          const std::span<const std::uint8_t> both[] = {
              {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()},
              {reinterpret_cast<const std::uint8_t*>(second.data()),
               second.size()}};
          const std::uint64_t first = log->AppendAll(both).value();
          got[t].emplace_back(first, data);
          got[t].emplace_back(first + 1, second);
        } else {
          got[t].emplace_back(
              log->Append({reinterpret_cast<const std::uint8_t*>(data.data()),
                           data.size()})
                  .value(),
              data);
        }
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(log->Integrate().has_value());
  });
  for (auto& t : threads) t.join();
  const std::uint64_t total = kThreads * (kPerThread + kPerThread / 10);
  EXPECT_EQ(log->SequencedSize(), total);
  std::vector<Hash> leaves(total);
  std::vector<bool> seen(total);
  for (const auto& list : got) {
    for (const auto& [index, data] : list) {
      ASSERT_LT(index, total);
      ASSERT_FALSE(seen[index]) << index;
      seen[index] = true;
      leaves[index] = LeafHash(
          {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
    }
  }
  EXPECT_EQ(log->Integrate()->checkpoint.root, Root(leaves));
}

TEST_F(StoredLogTest, ReopenKeepsSequencedAndIntegrated) {
  {
    auto log = OpenLog();
    AppendRange(*log, 0, 20);
    ASSERT_TRUE(log->Integrate().has_value());
    AppendRange(*log, 20, 31);
  }
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->IntegratedSize(), 20u);
  EXPECT_EQ(log->SequencedSize(), 31u);
  EXPECT_EQ(log->Latest().checkpoint.root, Root(LeafHashes(20)));
  AppendRange(*log, 31, 40);
  EXPECT_EQ(log->Integrate()->checkpoint.root, Root(LeafHashes(40)));
}

TEST_F(StoredLogTest, OneOpenerAtATime) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(StoredLog::Open(dir_, Signer()).error(),
            FailedPreconditionError("`" + (dir_ / "lock").string() +
                                    "` is locked: the log is open elsewhere"));
  log.reset();
  EXPECT_TRUE(StoredLog::Open(dir_, Signer()).has_value());
}

TEST_F(StoredLogTest, AnotherKeyIsRefused) {
  { OpenLog(); }
  EXPECT_EQ(StoredLog::Open(dir_, Signer(4)).error(),
            FailedPreconditionError("the log in `" + dir_.string() +
                                    "` belongs to another key `" +
                                    Signer().verifier().VerifierKey() + "`"));
}

// A crash mid-append leaves a record cut short: it was never acknowledged, and
// Open removes it.
TEST_F(StoredLogTest, RepairsATruncatedEntriesTail) {
  {
    auto log = OpenLog();
    AppendRange(*log, 0, 10);
    ASSERT_TRUE(log->Integrate().has_value());
    AppendRange(*log, 10, 15);
  }
  const std::uint64_t full = FileSize(internal::kEntriesFile);
  Resize(internal::kEntriesFile, full - RecordSize(14) / 2);
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->SequencedSize(), 14u);
  EXPECT_EQ(FileSize(internal::kEntriesFile), full - RecordSize(14));
  EXPECT_EQ(log->Append(Entry(14)).value(), 14u);
  EXPECT_EQ(log->Integrate()->checkpoint.root, Root(LeafHashes(15)));
  // A tail cut inside the header too.
  ASSERT_EQ(log->Append(Entry(15)).value(), 15u);
  log.reset();
  Resize(internal::kEntriesFile,
         FileSize(internal::kEntriesFile) - RecordSize(15) + 5);
  log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->SequencedSize(), 15u);
  EXPECT_EQ(log->IntegratedSize(), 15u);
  // An integrated entry cut off is damage, not a torn write.
  log.reset();
  Resize(internal::kEntriesFile, FileSize(internal::kEntriesFile) - 1);
  EXPECT_EQ(StoredLog::Open(dir_, Signer()).error().code(),
            StatusCode::kDataLoss);
}

// A crash during integration: hashes written, checkpoint cut short.
TEST_F(StoredLogTest, RepairsAnInterruptedIntegration) {
  {
    auto log = OpenLog();
    AppendRange(*log, 0, 6);
    ASSERT_TRUE(log->Integrate().has_value());
  }
  const std::uint64_t tree0 = FileSize("tree-00");
  const std::uint64_t checkpoints = FileSize(internal::kCheckpointsFile);
  {
    auto log = OpenLog();
    AppendRange(*log, 6, 9);
    ASSERT_TRUE(log->Integrate().has_value());
  }
  Resize(internal::kCheckpointsFile, checkpoints + 30);
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->IntegratedSize(), 6u);
  EXPECT_EQ(log->SequencedSize(), 9u);
  EXPECT_EQ(FileSize("tree-00"), tree0);
  EXPECT_EQ(FileSize(internal::kCheckpointsFile), checkpoints);
  EXPECT_EQ(log->Integrate()->checkpoint.root, Root(LeafHashes(9)));
}

TEST_F(StoredLogTest, RefusesDamage) {
  {
    auto log = OpenLog();
    AppendRange(*log, 0, 8);
    ASSERT_TRUE(log->Integrate().has_value());
    AppendRange(*log, 8, 12);
  }
  const std::filesystem::path copy = dir_.string() + "-copy";
  std::filesystem::remove_all(copy);
  std::filesystem::copy(dir_, copy);
  auto restore = [&] {
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(copy, dir_);
  };
  std::uint64_t record9 = 0;
  for (std::uint64_t i = 0; i < 9; ++i) record9 += RecordSize(i);

  // A flipped bit in a sequenced entry that is not the last.
  FlipBit(internal::kEntriesFile, record9 + 14);
  EXPECT_EQ(StoredLog::Open(dir_, Signer()).error(),
            DataLossError("entries: record at byte " + std::to_string(record9) +
                          " (index 9): the entry's data does not match its "
                          "leaf hash"));
  restore();
  // ... or in the last one, whole: damage, not a torn write.
  FlipBit(internal::kEntriesFile, FileSize(internal::kEntriesFile) - 1);
  EXPECT_EQ(StoredLog::Open(dir_, Signer()).error().code(),
            StatusCode::kDataLoss);
  restore();
  // A tree file shorter than the checkpoint needs.
  Resize("tree-01", 32 * 3);
  EXPECT_EQ(StoredLog::Open(dir_, Signer()).error(),
            DataLossError("`tree-01` holds 3 hashes; the latest checkpoint "
                          "needs 4"));
  restore();
  // A tree hash changed.
  FlipBit("tree-03", 5);
  EXPECT_EQ(StoredLog::Open(dir_, Signer()).error(),
            DataLossError("the tree files do not give the root of the latest "
                          "checkpoint (size 8)"));
  restore();
  // A checkpoint record changed.
  FlipBit(internal::kCheckpointsFile, 40);
  EXPECT_EQ(StoredLog::Open(dir_, Signer()).error(),
            DataLossError("checkpoints: record at byte 0: the record's "
                          "checksum does not match"));
  restore();
  EXPECT_TRUE(StoredLog::Open(dir_, Signer()).has_value());
  std::filesystem::remove_all(copy);
}

// Any history of batches, integrations and reopenings gives the tree of the
// entries in index order: its proofs are the in-memory tree's, and every
// checkpoint it signed is consistent with the final one.
RC_GTEST_FIXTURE_PROP(StoredLogTest, AnyHistoryGivesTheMemoryTree, ()) {
  std::filesystem::remove_all(dir_);
  auto log = OpenLog();
  RC_ASSERT(log != nullptr);
  const std::size_t count = *rc::gen::inRange<std::size_t>(0, 10);
  const auto steps =
      *rc::gen::container<std::vector<int>>(count, rc::gen::inRange(0, 6));
  std::uint64_t size = 0;
  std::vector<SignedCheckpoint> signed_checkpoints;
  for (int n : steps) {
    if (n == 0) {
      log.reset();
      log = OpenLog();
      RC_ASSERT(log != nullptr);
      continue;
    }
    std::vector<std::vector<std::uint8_t>> entries;
    for (int i = 0; i < n; ++i) entries.push_back(Entry(size + i));
    const std::vector<std::span<const std::uint8_t>> spans(entries.begin(),
                                                           entries.end());
    RC_ASSERT(log->AppendAll(spans).value() == size);
    size += n;
    if (*rc::gen::arbitrary<bool>()) {
      signed_checkpoints.push_back(log->Integrate().value());
    }
  }
  const SignedCheckpoint last = log->Integrate().value();
  RC_ASSERT(last.checkpoint.size == size);
  const MemoryTree memory(LeafHashes(size));
  RC_ASSERT(last.checkpoint.root == Root(memory, size).value());
  for (const SignedCheckpoint& c : signed_checkpoints) {
    const auto proof = ConsistencyProof(*log, c.checkpoint.size, size).value();
    RC_ASSERT(VerifyConsistency(c.checkpoint.size, size, c.checkpoint.root,
                                last.checkpoint.root, proof)
                  .ok());
  }
  if (size > 0) {
    const std::uint64_t i = *rc::gen::inRange<std::uint64_t>(0, size);
    RC_ASSERT(InclusionProof(*log, size, i).value() ==
              InclusionProof(memory, size, i).value());
  }
}

// A crash can stop any write anywhere: cut the unintegrated tail of `entries`,
// or the last checkpoint record, at any byte, or leave any number of extra
// bytes in a tree file; Open recovers the longest whole prefix, and the log
// goes on to the tree of exactly the entries that survived.
RC_GTEST_FIXTURE_PROP(StoredLogTest, RecoversFromAWriteCutAnywhere, ()) {
  std::filesystem::remove_all(dir_);
  const std::uint64_t integrated = *rc::gen::inRange<std::uint64_t>(1, 20);
  const std::uint64_t tail = *rc::gen::inRange<std::uint64_t>(1, 10);
  std::uint64_t checkpoints_before = 0;
  std::uint64_t entries_before = 0;
  {
    auto log = OpenLog();
    RC_ASSERT(log != nullptr);
    AppendRange(*log, 0, integrated);
    RC_ASSERT(log->Integrate().has_value());
    checkpoints_before = FileSize(internal::kCheckpointsFile);
    entries_before = FileSize(internal::kEntriesFile);
    AppendRange(*log, integrated, integrated + tail);
    RC_ASSERT(log->Integrate().has_value());
  }
  std::uint64_t survivors = integrated + tail;
  switch (*rc::gen::inRange(0, 3)) {
    case 0: {
      // Integration stopped inside its checkpoint record.
      const std::uint64_t end = FileSize(internal::kCheckpointsFile);
      Resize(internal::kCheckpointsFile,
             *rc::gen::inRange(checkpoints_before, end));
      // And the entries after the first checkpoint were cut anywhere.
      std::uint64_t at =
          *rc::gen::inRange(entries_before, FileSize(internal::kEntriesFile));
      Resize(internal::kEntriesFile, at);
      survivors = integrated;
      at -= entries_before;  // bytes of the tail that survived
      for (std::uint64_t i = integrated; i < integrated + tail; ++i) {
        if (at < RecordSize(i)) break;
        at -= RecordSize(i);
        ++survivors;
      }
      break;
    }
    case 1: {
      // Garbage left after the hashes of a level.
      const std::string level =
          *rc::gen::element<std::string>("tree-00", "tree-01", "tree-02");
      if (!std::filesystem::exists(dir_ / level)) break;
      std::ofstream out(dir_ / level, std::ios::binary | std::ios::app);
      out << std::string(*rc::gen::inRange(1, 100), '\x7f');
      break;
    }
    default:
      break;
  }
  auto log = OpenLog();
  RC_ASSERT(log != nullptr);
  RC_ASSERT(log->SequencedSize() == survivors);
  RC_ASSERT(log->Integrate()->checkpoint.root == Root(LeafHashes(survivors)));
}

}  // namespace
}  // namespace evidex::ledger
