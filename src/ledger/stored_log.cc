#include "ledger/stored_log.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <system_error>
#include <thread>
#include <utility>

#include "core/file.h"

namespace evidex::ledger {
namespace {

using internal::CheckpointRecord;
using internal::EntryRecord;
using internal::FileScanner;
using internal::kHashSize;
using internal::LogFile;
using internal::RecordState;
using internal::ScanRecord;

std::string At(const char* file, std::uint64_t offset) {
  return std::string(file) + ": record at byte " + std::to_string(offset);
}

}  // namespace

struct StoredLog::Waiter {
  std::span<const std::span<const std::uint8_t>> entries;
  std::uint64_t first = 0;
  Status status;
  bool done = false;
};

StoredLog::Region::~Region() {
  if (base != nullptr) {
    ::munmap(const_cast<std::uint8_t*>(base), length);
  }
}

StoredLog::StoredLog(std::filesystem::path dir, NoteSigner signer)
    : dir_(std::move(dir)), signer_(std::move(signer)) {
  latest_.checkpoint =
      Checkpoint{signer_.verifier().name(), 0, EmptyRoot(), {}};
}

StoredLog::~StoredLog() = default;

Result<std::unique_ptr<StoredLog>> StoredLog::Open(
    const std::filesystem::path& dir, NoteSigner signer) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Err(UnavailableError("cannot create `" + dir.string() +
                                "`: " + ec.message()));
  }
  std::unique_ptr<StoredLog> log(new StoredLog(dir, std::move(signer)));
  EVIDEX_RETURN_IF_ERROR(log->Recover());
  return log;
}

Status StoredLog::Recover() {
  EVIDEX_ASSIGN_OR_RETURN(lock_,
                          LogFile::Open(dir_ / internal::kLockFile, true));
  EVIDEX_RETURN_IF_ERROR(lock_.LockExclusive());
  const std::filesystem::path vkey_path = dir_ / internal::kVkeyFile;
  const std::string vkey = signer_.verifier().VerifierKey() + "\n";
  std::error_code ec;
  if (std::filesystem::exists(vkey_path, ec)) {
    EVIDEX_ASSIGN_OR_RETURN(std::string stored,
                            ReadSmallFile(vkey_path, kMaxNoteBytes));
    if (stored != vkey) {
      if (!stored.empty() && stored.back() == '\n') stored.pop_back();
      return FailedPreconditionError("the log in `" + dir_.string() +
                                     "` belongs to another key `" + stored +
                                     "`");
    }
  } else {
    const auto entries_size =
        std::filesystem::file_size(dir_ / internal::kEntriesFile, ec);
    if (!ec && entries_size > 0) {
      return DataLossError("the log in `" + dir_.string() +
                           "` has entries but no `vkey` file");
    }
    EVIDEX_RETURN_IF_ERROR(WriteFileDurably(vkey_path, vkey));
  }
  EVIDEX_RETURN_IF_ERROR(RecoverCheckpoints());
  EVIDEX_RETURN_IF_ERROR(RecoverTree());
  EVIDEX_RETURN_IF_ERROR(RecoverEntries());
  return internal::SyncDirectory(dir_);
}

Status StoredLog::RecoverCheckpoints() {
  EVIDEX_ASSIGN_OR_RETURN(
      checkpoints_, LogFile::Open(dir_ / internal::kCheckpointsFile, true));
  FileScanner scanner(checkpoints_, 0);
  std::uint64_t entries_end = 0;
  while (true) {
    const std::uint64_t at = scanner.offset();
    EVIDEX_ASSIGN_OR_RETURN(
        CheckpointRecord r,
        ScanRecord<CheckpointRecord>(scanner, internal::kCheckpointHeaderSize,
                                     internal::ParseCheckpointRecord));
    if (r.state == RecordState::kIncomplete) {
      EVIDEX_ASSIGN_OR_RETURN(std::span<const std::uint8_t> rest,
                              scanner.Peek(1));
      if (rest.empty()) break;  // the end of the file, cleanly
      // A checkpoint cut short by a crash: it was never returned.
      EVIDEX_RETURN_IF_ERROR(checkpoints_.Truncate(at));
      EVIDEX_RETURN_IF_ERROR(checkpoints_.Sync());
      break;
    }
    if (r.state == RecordState::kBad) {
      return DataLossError(At(internal::kCheckpointsFile, at) + ": " +
                           r.problem);
    }
    auto opened = OpenCheckpoint(r.note, signer_.verifier());
    if (!opened.has_value()) {
      return DataLossError(At(internal::kCheckpointsFile, at) + ": " +
                           opened.error().message());
    }
    if (opened->size != r.tree_size || opened->size < latest_.checkpoint.size ||
        r.entries_end < entries_end) {
      return DataLossError(At(internal::kCheckpointsFile, at) +
                           ": the checkpoint goes back in size or position");
    }
    entries_end = r.entries_end;
    latest_ = SignedCheckpoint{std::move(*opened), std::move(r.note)};
    scanner.Skip(r.size);
  }
  checkpoints_end_ = scanner.offset();
  entries_end_ = entries_end;
  return OkStatus();
}

Status StoredLog::RecoverTree() {
  const std::uint64_t size = latest_.checkpoint.size;
  for (int level = 0; level < internal::kMaxLevels; ++level) {
    const std::uint64_t want = size >> level;
    const std::filesystem::path path = dir_ / internal::TreeFileName(level);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      if (want > 0) {
        return DataLossError("`" + internal::TreeFileName(level) +
                             "` is missing");
      }
      continue;
    }
    EVIDEX_RETURN_IF_ERROR(OpenLevel(level));
    Level& lv = levels_[level];
    EVIDEX_ASSIGN_OR_RETURN(std::uint64_t bytes, lv.file.Size());
    if (bytes < want * kHashSize) {
      return DataLossError("`" + internal::TreeFileName(level) + "` holds " +
                           std::to_string(bytes / kHashSize) +
                           " hashes; the latest checkpoint needs " +
                           std::to_string(want));
    }
    if (bytes > want * kHashSize) {
      // Hashes of an integration that stopped before its checkpoint.
      EVIDEX_RETURN_IF_ERROR(lv.file.Truncate(want * kHashSize));
      EVIDEX_RETURN_IF_ERROR(lv.file.Sync());
    }
    lv.count = want;
    if (want > 0) EVIDEX_RETURN_IF_ERROR(MapLevel(level));
  }
  integrated_.store(size, std::memory_order_release);
  EVIDEX_ASSIGN_OR_RETURN(Hash root, Root(*this, size));
  if (root != latest_.checkpoint.root) {
    return DataLossError(
        "the tree files do not give the root of the latest checkpoint (size " +
        std::to_string(size) + ")");
  }
  return OkStatus();
}

Status StoredLog::RecoverEntries() {
  EVIDEX_ASSIGN_OR_RETURN(entries_,
                          LogFile::Open(dir_ / internal::kEntriesFile, true));
  EVIDEX_ASSIGN_OR_RETURN(std::uint64_t bytes, entries_.Size());
  if (bytes < entries_end_) {
    return DataLossError(std::string(internal::kEntriesFile) +
                         ": ends at byte " + std::to_string(bytes) +
                         ", before the latest checkpoint's entries (byte " +
                         std::to_string(entries_end_) + ")");
  }
  FileScanner scanner(entries_, entries_end_);
  std::uint64_t index = latest_.checkpoint.size;
  while (true) {
    const std::uint64_t at = scanner.offset();
    EVIDEX_ASSIGN_OR_RETURN(
        EntryRecord r,
        ScanRecord<EntryRecord>(scanner, internal::kEntryHeaderSize,
                                [index](std::span<const std::uint8_t> b) {
                                  return internal::ParseEntryRecord(
                                      b, index, kMaxEntryBytes);
                                }));
    if (r.state == RecordState::kIncomplete) {
      EVIDEX_ASSIGN_OR_RETURN(std::span<const std::uint8_t> rest,
                              scanner.Peek(1));
      if (rest.empty()) break;
      // An append cut short by a crash: it was never acknowledged.
      EVIDEX_RETURN_IF_ERROR(entries_.Truncate(at));
      EVIDEX_RETURN_IF_ERROR(entries_.Sync());
      break;
    }
    if (r.state == RecordState::kBad) {
      return DataLossError(At(internal::kEntriesFile, at) + " (index " +
                           std::to_string(index) + "): " + r.problem);
    }
    scanner.Skip(r.size);
    pending_.push_back(Pending{r.leaf_hash, scanner.offset()});
    ++index;
  }
  sequenced_ = index;
  entries_end_ = scanner.offset();
  return OkStatus();
}

Status StoredLog::OpenLevel(int level) {
  Level& lv = levels_[level];
  if (lv.file.is_open()) return OkStatus();
  const std::filesystem::path path = dir_ / internal::TreeFileName(level);
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  EVIDEX_ASSIGN_OR_RETURN(lv.file, LogFile::Open(path, true));
  if (!existed) EVIDEX_RETURN_IF_ERROR(internal::SyncDirectory(dir_));
  return OkStatus();
}

Status StoredLog::MapLevel(int level) {
  Level& lv = levels_[level];
  const std::size_t need = lv.count * kHashSize;
  const Region* current = lv.region.load(std::memory_order_relaxed);
  if (current != nullptr && current->length >= need) return OkStatus();
  // Map twice what is needed (pages past the end of the file are never read:
  // only hashes below `count` are), so that growth remaps rarely.
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::size_t length = std::max<std::size_t>(need * 2, std::size_t{1} << 20);
  length = (length + page - 1) / page * page;
  void* base = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, lv.file.fd(), 0);
  if (base == MAP_FAILED) {
    return UnavailableError("cannot map `" + lv.file.path().string() +
                            "`: " + std::strerror(errno));
  }
  auto region = std::make_unique<Region>();
  region->base = static_cast<const std::uint8_t*>(base);
  region->length = length;
  lv.region.store(region.get(), std::memory_order_release);
  // Readers may still hold an older region: it stays mapped until the log
  // closes.
  lv.regions.push_back(std::move(region));
  return OkStatus();
}

Hash StoredLog::ReadHash(int level, std::uint64_t index) const {
  const Region* region = levels_[level].region.load(std::memory_order_acquire);
  assert(region != nullptr && (index + 1) * kHashSize <= region->length);
  Hash h;
  std::memcpy(h.data(), region->base + index * kHashSize, kHashSize);
  return h;
}

Result<Hash> StoredLog::CompleteSubtreeHash(int level,
                                            std::uint64_t index) const {
  const std::uint64_t size = integrated_.load(std::memory_order_acquire);
  if (level < 0 || level >= internal::kMaxLevels || index >= (size >> level)) {
    return Err(NotFoundError(
        "no complete subtree at level " + std::to_string(level) + ", index " +
        std::to_string(index) + " in the integrated tree of " +
        std::to_string(size) + " leaves"));
  }
  return ReadHash(level, index);
}

Result<std::uint64_t> StoredLog::Append(std::span<const std::uint8_t> entry) {
  return AppendAll(std::span(&entry, 1));
}

Result<std::uint64_t> StoredLog::AppendAll(
    std::span<const std::span<const std::uint8_t>> entries) {
  if (entries.empty()) {
    return Err(InvalidArgumentError("no entries to append"));
  }
  for (const auto& entry : entries) {
    if (entry.size() > kMaxEntryBytes) {
      return Err(InvalidArgumentError(
          "entry of " + std::to_string(entry.size()) +
          " bytes is above the limit of " + std::to_string(kMaxEntryBytes)));
    }
  }
  Waiter self;
  self.entries = entries;
  std::unique_lock lock(seq_mu_);
  queue_.push_back(&self);
  while (!self.done) {
    if (writing_) {
      seq_cv_.wait(lock);
      continue;
    }
    // Lead: write every waiting entry in one batch.
    writing_ = true;
    std::vector<Waiter*> batch;
    batch.swap(queue_);
    const std::uint64_t first = sequenced_;
    const std::uint64_t offset = entries_end_;
    lock.unlock();

    std::string bytes;
    std::vector<Pending> added;
    std::uint64_t index = first;
    for (Waiter* w : batch) {
      w->first = index;
      for (const auto& entry : w->entries) {
        const Hash leaf = LeafHash(entry);
        internal::AppendEntryRecord(index++, entry, leaf, bytes);
        added.push_back(Pending{leaf, offset + bytes.size()});
      }
    }
    Status status = entries_.PWrite(
        {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
        offset);
    if (status.ok()) status = entries_.Sync();
    if (!status.ok()) {
      // Nothing of the batch is sequenced; cut off what may have been written
      // so that the next batch follows the last good record.
      const Status undo = entries_.Truncate(offset);
      if (!undo.ok()) {
        status = UnavailableError(status.message() +
                                  "; and cannot undo: " + undo.message());
      }
    }

    lock.lock();
    if (status.ok()) {
      sequenced_ = index;
      entries_end_ = offset + bytes.size();
      pending_.insert(pending_.end(), added.begin(), added.end());
    }
    for (Waiter* w : batch) {
      w->status = status;
      w->done = true;
    }
    writing_ = false;
    seq_cv_.notify_all();
  }
  if (!self.status.ok()) return Err(self.status);
  return self.first;
}

std::uint64_t StoredLog::SequencedSize() const {
  std::lock_guard lock(seq_mu_);
  return sequenced_;
}

SignedCheckpoint StoredLog::Latest() const {
  std::lock_guard lock(latest_mu_);
  return latest_;
}

Result<SignedCheckpoint> StoredLog::Integrate() {
  std::lock_guard integrate_lock(integrate_mu_);
  std::vector<Pending> batch;
  {
    std::lock_guard lock(seq_mu_);
    batch = pending_;
  }
  const std::uint64_t old_size = integrated_.load(std::memory_order_relaxed);
  bool signed_before;
  {
    std::lock_guard lock(latest_mu_);
    signed_before = !latest_.note.empty();
  }
  if (batch.empty() && signed_before) return Latest();
  const std::uint64_t new_size = old_size + batch.size();

  // Extend every level; on failure, forget what was written.
  std::vector<Hash> level_hashes;
  level_hashes.reserve(batch.size());
  for (const Pending& p : batch) level_hashes.push_back(p.leaf_hash);
  std::uint64_t first = old_size;
  int touched = 0;
  auto undo = [&] {
    for (int level = 0; level < touched; ++level) {
      Level& lv = levels_[level];
      lv.count = old_size >> level;
      (void)lv.file.Truncate(lv.count * kHashSize);
    }
  };
  for (int level = 0; !level_hashes.empty(); ++level) {
    Level& lv = levels_[level];
    Status s = OpenLevel(level);
    assert(!s.ok() || lv.count == first);
    touched = level + 1;
    if (s.ok()) {
      s = lv.file.PWrite(
          {reinterpret_cast<const std::uint8_t*>(level_hashes.data()),
           level_hashes.size() * kHashSize},
          first * kHashSize);
    }
    if (!s.ok()) {
      undo();
      return Err(s);
    }
    // The parents completed by these hashes; a left child below `first` is
    // already stored.
    const std::uint64_t up_first = first / 2;
    const std::uint64_t up_end = (first + level_hashes.size()) / 2;
    std::vector<Hash> up;
    up.reserve(up_end - up_first);
    for (std::uint64_t k = up_first; k < up_end; ++k) {
      const Hash left =
          2 * k >= first ? level_hashes[2 * k - first] : ReadHash(level, 2 * k);
      up.push_back(NodeHash(left, level_hashes[2 * k + 1 - first]));
    }
    lv.count = first + level_hashes.size();
    level_hashes.swap(up);
    first = up_first;
  }
  // One fdatasync per level file, all at once: the file system commits them
  // together, so integration costs about one sync instead of one per level.
  std::vector<Status> synced(static_cast<std::size_t>(touched));
  {
    std::vector<std::jthread> syncs;
    for (int level = 1; level < touched; ++level) {
      syncs.emplace_back(
          [&, level] { synced[level] = levels_[level].file.Sync(); });
    }
    if (touched > 0) synced[0] = levels_[0].file.Sync();
  }
  for (int level = 0; level < touched; ++level) {
    Status s = synced[level];
    if (s.ok()) s = MapLevel(level);
    if (!s.ok()) {
      undo();
      return Err(s);
    }
  }

  // The root of the new size, read from the files just written.
  struct Unpublished final : SubtreeHashSource {
    const StoredLog* log;
    std::uint64_t size;
    Result<Hash> CompleteSubtreeHash(int level,
                                     std::uint64_t index) const override {
      assert(index < (size >> level));
      return log->ReadHash(level, index);
    }
  };
  Unpublished tree;
  tree.log = this;
  tree.size = new_size;
  EVIDEX_ASSIGN_OR_RETURN(Hash root, Root(tree, new_size));

  Checkpoint checkpoint{signer_.verifier().name(), new_size, root, {}};
  auto note = SignCheckpoint(checkpoint, signer_);
  if (!note.has_value()) {
    undo();
    return Err(note.error());
  }
  const std::uint64_t entries_end =
      batch.empty() ? 0 : batch.back().entries_end;
  std::string record;
  internal::AppendCheckpointRecord(new_size, entries_end, *note, record);
  Status s = checkpoints_.PWrite(
      {reinterpret_cast<const std::uint8_t*>(record.data()), record.size()},
      checkpoints_end_);
  if (s.ok()) s = checkpoints_.Sync();
  if (!s.ok()) {
    (void)checkpoints_.Truncate(checkpoints_end_);
    undo();
    return Err(s);
  }
  checkpoints_end_ += record.size();

  SignedCheckpoint result{std::move(checkpoint), std::move(*note)};
  {
    std::lock_guard lock(latest_mu_);
    latest_ = result;
  }
  integrated_.store(new_size, std::memory_order_release);
  {
    std::lock_guard lock(seq_mu_);
    pending_.erase(
        pending_.begin(),
        pending_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
  }
  return result;
}

}  // namespace evidex::ledger
