#include "ledger/fsck.h"

#include <array>
#include <memory>
#include <vector>

#include "core/file.h"
#include "ledger/log_files.h"
#include "ledger/stored_log.h"

namespace evidex::ledger {
namespace {

using internal::CheckpointRecord;
using internal::EntryRecord;
using internal::FileScanner;
using internal::kHashSize;
using internal::LogFile;
using internal::RecordState;
using internal::ScanRecord;

struct StoredCheckpoint {
  std::size_t number;  // 1-based, in file order
  std::uint64_t offset;
  std::uint64_t entries_end;
  Checkpoint checkpoint;
};

// Collects problems; keeps the one with the smallest leaf index, else the
// first without one.
class Problems {
 public:
  void Add(std::uint64_t index, std::string problem) {
    if (!index_ || index < *index_) {
      index_ = index;
      indexed_ = std::move(problem);
    }
  }
  void Add(std::string problem) {
    if (other_.empty()) other_ = std::move(problem);
  }
  // Leaf indexes at and above this one need no checking.
  std::uint64_t limit() const { return index_ ? *index_ : UINT64_MAX; }
  void Fill(FsckReport& report) const {
    report.first_bad_index = index_;
    report.problem =
        index_ ? "first bad index " + std::to_string(*index_) + ": " + indexed_
               : other_;
    report.sound = !index_ && other_.empty();
  }

 private:
  std::optional<std::uint64_t> index_;
  std::string indexed_;
  std::string other_;
};

std::string CheckpointName(const StoredCheckpoint& c) {
  return "checkpoint " + std::to_string(c.number) + " (size " +
         std::to_string(c.checkpoint.size) + ", record at byte " +
         std::to_string(c.offset) + ")";
}

Result<std::vector<StoredCheckpoint>> ReadCheckpoints(
    const std::filesystem::path& dir, const NoteVerifier& key,
    Problems& problems) {
  std::vector<StoredCheckpoint> out;
  auto file = LogFile::Open(dir / internal::kCheckpointsFile, false, true);
  if (!file.has_value()) {
    if (file.error().code() == StatusCode::kNotFound) return out;
    return Err(file.error());
  }
  FileScanner scanner(*file, 0);
  std::uint64_t last_size = 0;
  while (true) {
    const std::uint64_t at = scanner.offset();
    EVIDEX_ASSIGN_OR_RETURN(
        CheckpointRecord r,
        ScanRecord<CheckpointRecord>(scanner, internal::kCheckpointHeaderSize,
                                     internal::ParseCheckpointRecord));
    if (r.state == RecordState::kIncomplete) {
      EVIDEX_ASSIGN_OR_RETURN(auto rest, scanner.Peek(1));
      if (!rest.empty()) {
        problems.Add("checkpoints: record at byte " + std::to_string(at) +
                     ": " + r.problem);
      }
      break;
    }
    if (r.state == RecordState::kBad) {
      problems.Add("checkpoints: record at byte " + std::to_string(at) + ": " +
                   r.problem);
      break;
    }
    StoredCheckpoint c{out.size() + 1, at, r.entries_end, {}};
    auto opened = OpenCheckpoint(r.note, key);
    if (!opened.has_value()) {
      problems.Add("checkpoint " + std::to_string(c.number) +
                   " (record at byte " + std::to_string(at) +
                   "): " + opened.error().message());
      break;
    }
    c.checkpoint = std::move(*opened);
    if (c.checkpoint.size != r.tree_size || c.checkpoint.size < last_size) {
      problems.Add(CheckpointName(c) +
                   ": its size goes back or disagrees with its record");
      break;
    }
    last_size = c.checkpoint.size;
    out.push_back(std::move(c));
    scanner.Skip(r.size);
  }
  return out;
}

// The hashes of one level's tree file, read in index order.
struct TreeLevel {
  std::unique_ptr<LogFile> file;
  std::unique_ptr<FileScanner> scanner;
  std::uint64_t checked = 0;  // hashes below this index are within the
                              // latest checkpoint and compared
};

}  // namespace

Result<FsckReport> Fsck(const std::filesystem::path& dir,
                        const NoteVerifier* pinned_key) {
  FsckReport report;
  Problems problems;

  // The log's key.
  auto vkey_file = ReadSmallFile(dir / internal::kVkeyFile, kMaxNoteBytes);
  if (!vkey_file.has_value()) {
    if (vkey_file.error().code() == StatusCode::kNotFound) {
      return Err(
          NotFoundError("no log in `" + dir.string() + "` (no `vkey` file)"));
    }
    return Err(vkey_file.error());
  }
  std::string vkey = std::move(*vkey_file);
  if (!vkey.empty() && vkey.back() == '\n') vkey.pop_back();
  auto key = NoteVerifier::Parse(vkey);
  if (!key.has_value()) {
    problems.Add("vkey: " + key.error().message());
    problems.Fill(report);
    return report;
  }
  if (pinned_key != nullptr && pinned_key->VerifierKey() != vkey) {
    problems.Add("the log's key `" + vkey + "` is not the pinned key `" +
                 pinned_key->VerifierKey() + "`");
  }
  const NoteVerifier& log_key = pinned_key != nullptr ? *pinned_key : *key;

  EVIDEX_ASSIGN_OR_RETURN(std::vector<StoredCheckpoint> checkpoints,
                          ReadCheckpoints(dir, log_key, problems));
  const std::uint64_t latest_size =
      checkpoints.empty() ? 0 : checkpoints.back().checkpoint.size;

  // The tree files: each must hold the hashes of the latest checkpoint.
  std::array<TreeLevel, internal::kMaxLevels> levels;
  for (int level = 0; level < internal::kMaxLevels; ++level) {
    const std::uint64_t want = latest_size >> level;
    auto file = LogFile::Open(dir / internal::TreeFileName(level), false, true);
    std::uint64_t have = 0;
    if (file.has_value()) {
      EVIDEX_ASSIGN_OR_RETURN(std::uint64_t bytes, file->Size());
      have = bytes / kHashSize;
      levels[level].file = std::make_unique<LogFile>(std::move(*file));
      // Small reads: up to 64 levels are read side by side.
      levels[level].scanner = std::make_unique<FileScanner>(
          *levels[level].file, 0, std::size_t{64} << 10);
    } else if (file.error().code() != StatusCode::kNotFound) {
      return Err(file.error());
    }
    levels[level].checked = std::min(have, want);
    if (have < want) {
      problems.Add(have << level, "`" + internal::TreeFileName(level) +
                                      "` holds " + std::to_string(have) +
                                      " hashes; the latest checkpoint "
                                      "needs " +
                                      std::to_string(want));
    }
  }

  // Re-derive the tree from the entries.
  auto entries_file = LogFile::Open(dir / internal::kEntriesFile, false, true);
  std::vector<Hash> stack;  // complete subtrees of the prefix, largest first
  auto prefix_root = [&] {
    if (stack.empty()) return EmptyRoot();
    Hash r = stack.back();
    for (std::size_t j = stack.size() - 1; j-- > 0;) r = NodeHash(stack[j], r);
    return r;
  };
  std::size_t next_checkpoint = 0;
  std::uint64_t last_matching_size = 0;
  // Checks the checkpoints of size `size`, reached at `entries_end`.
  auto check_checkpoints = [&](std::uint64_t size, std::uint64_t entries_end) {
    while (next_checkpoint < checkpoints.size() &&
           checkpoints[next_checkpoint].checkpoint.size == size) {
      const StoredCheckpoint& c = checkpoints[next_checkpoint++];
      if (c.checkpoint.root != prefix_root()) {
        problems.Add(last_matching_size,
                     CheckpointName(c) +
                         ": its root is not the entries' root; a bad entry "
                         "lies in [" +
                         std::to_string(last_matching_size) + ", " +
                         std::to_string(size) + ")");
        return false;
      }
      if (c.entries_end != entries_end) {
        problems.Add(size == 0 ? 0 : size - 1,
                     CheckpointName(c) + ": it says its entries end at byte " +
                         std::to_string(c.entries_end) + ", they end at " +
                         std::to_string(entries_end));
        return false;
      }
      last_matching_size = size;
      ++report.checkpoints;
      report.latest = c.checkpoint;
    }
    return true;
  };
  // Compares a re-derived complete subtree hash with the stored one.
  auto check_tree = [&](int level, std::uint64_t k, const Hash& h) -> Status {
    TreeLevel& lv = levels[level];
    if (k >= lv.checked) return OkStatus();
    EVIDEX_ASSIGN_OR_RETURN(auto stored, lv.scanner->Peek(kHashSize));
    if (stored.size() != kHashSize ||
        !std::equal(h.begin(), h.end(), stored.begin())) {
      problems.Add(k << level, "`" + internal::TreeFileName(level) + "` hash " +
                                   std::to_string(k) + " (leaves " +
                                   std::to_string(k << level) + " to " +
                                   std::to_string(((k + 1) << level) - 1) +
                                   ") is not the entries' hash");
    }
    lv.scanner->Skip(kHashSize);
    return OkStatus();
  };

  std::uint64_t index = 0;
  if (check_checkpoints(0, 0) && entries_file.has_value()) {
    FileScanner scanner(*entries_file, 0);
    while (index < problems.limit()) {
      const std::uint64_t at = scanner.offset();
      EVIDEX_ASSIGN_OR_RETURN(
          EntryRecord r,
          ScanRecord<EntryRecord>(scanner, internal::kEntryHeaderSize,
                                  [index](std::span<const std::uint8_t> b) {
                                    return internal::ParseEntryRecord(
                                        b, index, kMaxEntryBytes);
                                  }));
      if (r.state == RecordState::kIncomplete) {
        EVIDEX_ASSIGN_OR_RETURN(auto rest, scanner.Peek(1));
        if (rest.empty()) break;
      }
      if (r.state != RecordState::kOk) {
        problems.Add(index,
                     "entry at byte " + std::to_string(at) + ": " + r.problem);
        break;
      }
      scanner.Skip(r.size);
      Hash h = r.leaf_hash;
      EVIDEX_RETURN_IF_ERROR(check_tree(0, index, h));
      int level = 0;
      for (std::uint64_t k = index; (k & 1) == 1; k >>= 1) {
        h = NodeHash(stack.back(), h);
        stack.pop_back();
        ++level;
        EVIDEX_RETURN_IF_ERROR(check_tree(level, k >> 1, h));
      }
      stack.push_back(h);
      ++index;
      if (!check_checkpoints(index, scanner.offset())) break;
    }
  } else if (!entries_file.has_value() &&
             entries_file.error().code() != StatusCode::kNotFound) {
    return Err(entries_file.error());
  }
  report.entries = index;
  if (next_checkpoint < checkpoints.size() &&
      checkpoints[next_checkpoint].checkpoint.size > index &&
      index < problems.limit()) {
    problems.Add(index, CheckpointName(checkpoints[next_checkpoint]) +
                            ": the entries file holds only " +
                            std::to_string(index) + " entries");
  }
  problems.Fill(report);
  return report;
}

}  // namespace evidex::ledger
