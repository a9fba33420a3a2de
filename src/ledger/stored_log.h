// A durable, append-only RFC 9162 log in a directory, with signed C2SP
// checkpoints. Generic: an entry is bytes; what they mean is the caller's (the
// "personality"). The file format is docs/formats/ledger.md.
//
// Life of an entry, in two separate steps (as in transparency-dev/tessera):
//
//   1. Sequencing: Append assigns the next index(es) and writes the entry to
//      the file `entries`. Append MUST NOT return an index before the entry is
//      durable: its record is written and fdatasync'd before Append returns.
//      Appends from many threads at once are batched: one thread writes every
//      waiting entry with one write and one fdatasync and wakes the others.
//      Indexes are assigned without gaps, in the order the batches are written.
//   2. Integration: Integrate extends the stored tree hashes over every
//      sequenced entry, makes them durable, then signs a checkpoint of the new
//      size with the log's key and appends it, durably, to `checkpoints`. A
//      checkpoint MUST NOT be stored or returned before every hash of the tree
//      it commits to is durable. Integration never blocks appends for longer
//      than it takes to copy the new leaf hashes.
//
// Proofs: the log is a SubtreeHashSource over the integrated tree. Every
// complete subtree hash is stored (the file `tree-LL` holds level LL, 32 bytes
// a hash) and read through a memory map, so an inclusion or consistency proof
// (merkle.h) costs O(log n) reads of mapped pages and no system call. Only
// subtrees within the latest checkpoint's size are served: never a hash that is
// not yet committed to by a durable checkpoint.
//
// Recovery (Open): the latest checkpoint whose record is whole is the
// integrated state; it must be signed by the log's key and match the stored
// tree, and the tree files must hold at least its hashes (extra hashes, left by
// an integration that stopped before its checkpoint, are cut off). Entries
// after it are re-read and checked (index, leaf hash) and become sequenced,
// waiting for integration. A record that the end of a file cuts short (a crash
// mid-write; never acknowledged, since acknowledgement follows the fdatasync)
// is removed. Anything else wrong is refused with kDataLoss naming the file
// and byte offset: Open never accepts damaged data as entries. `evidex ledger
// fsck` (fsck.h) checks everything, including the integrated part that Open
// does not re-read.
//
// The log's key: the directory's `vkey` file holds the verifier key of the
// signer it was created with; Open refuses another signer (kFailedPrecondition)
// so that every checkpoint verifies under one key.
//
// Thread safety: all methods may be called from any number of threads at once.
// One StoredLog at a time may have a directory open: Open takes an exclusive
// lock on its `lock` file (flock), held until the log is destroyed, and fails
// with kFailedPrecondition while another process or StoredLog holds it. (fsck
// reads without the lock.)
#ifndef EVIDEX_LEDGER_STORED_LOG_H_
#define EVIDEX_LEDGER_STORED_LOG_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "ledger/checkpoint.h"
#include "ledger/log_files.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

namespace evidex::ledger {

// The largest entry Append accepts.
inline constexpr std::size_t kMaxEntryBytes = std::size_t{1} << 20;

// A checkpoint and its signed note, as stored.
struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;
};

class StoredLog final : public SubtreeHashSource {
 public:
  // Opens the log in `dir`, creating the directory and an empty log when it
  // does not exist, and recovers as the header comment says. `signer` signs
  // checkpoints; its key name is the log's origin. Fails with kDataLoss for
  // damaged files, kFailedPrecondition for another signer's log or a log open
  // elsewhere, kUnavailable for I/O errors.
  static Result<std::unique_ptr<StoredLog>> Open(
      const std::filesystem::path& dir, NoteSigner signer);

  ~StoredLog() override;
  StoredLog(const StoredLog&) = delete;
  StoredLog& operator=(const StoredLog&) = delete;

  // Sequences `entry` and returns its index once it is durable. Fails with
  // kInvalidArgument for an entry above kMaxEntryBytes, kUnavailable when the
  // write or sync fails (nothing of the batch is then sequenced).
  Result<std::uint64_t> Append(std::span<const std::uint8_t> entry);

  // Sequences `entries` at consecutive indexes and returns the first, once all
  // are durable; as Append otherwise. Fails with kInvalidArgument for an empty
  // list.
  Result<std::uint64_t> AppendAll(
      std::span<const std::span<const std::uint8_t>> entries);

  // The number of durable entries (sequenced, integrated or not).
  std::uint64_t SequencedSize() const;

  // Integrates every entry sequenced so far and returns the new checkpoint.
  // When nothing is new it returns the latest checkpoint unchanged (a new log
  // first signs the empty tree's). Fails with kUnavailable for I/O errors (the
  // entries stay sequenced; a later call retries).
  Result<SignedCheckpoint> Integrate();

  // The latest checkpoint; of the empty tree, unsigned (empty note), before
  // the first Integrate of a new log.
  SignedCheckpoint Latest() const;

  // The size of the latest checkpoint: proofs are served up to it.
  std::uint64_t IntegratedSize() const {
    return integrated_.load(std::memory_order_acquire);
  }

  const NoteVerifier& verifier() const { return signer_.verifier(); }

  // Fails with kNotFound when the subtree is not complete within
  // IntegratedSize().
  Result<Hash> CompleteSubtreeHash(int level,
                                   std::uint64_t index) const override;

 private:
  // A read-only map of a prefix (or more) of a tree file.
  struct Region {
    const std::uint8_t* base = nullptr;
    std::size_t length = 0;
    ~Region();
  };
  struct Level {
    internal::LogFile file;
    std::uint64_t count = 0;  // hashes in the file (integration only)
    std::atomic<const Region*> region{nullptr};
    std::vector<std::unique_ptr<Region>> regions;  // kept until closed
  };
  struct Pending {
    Hash leaf_hash;
    std::uint64_t entries_end;  // where its record ends in `entries`
  };
  struct Waiter;

  StoredLog(std::filesystem::path dir, NoteSigner signer);

  Status Recover();
  Status RecoverCheckpoints();
  Status RecoverTree();
  Status RecoverEntries();
  Status OpenLevel(int level);
  Status MapLevel(int level);
  Hash ReadHash(int level, std::uint64_t index) const;
  Result<SignedCheckpoint> SignAndStore(std::uint64_t size,
                                        std::uint64_t entries_end);
  void WriteBatch(std::vector<Waiter*>& batch);

  const std::filesystem::path dir_;
  const NoteSigner signer_;
  internal::LogFile lock_;  // held while open
  internal::LogFile entries_;
  internal::LogFile checkpoints_;
  std::uint64_t checkpoints_end_ = 0;  // integration only

  // Sequencing.
  mutable std::mutex seq_mu_;
  std::condition_variable seq_cv_;
  std::vector<Waiter*> queue_;     // guarded by seq_mu_
  bool writing_ = false;           // guarded by seq_mu_
  std::uint64_t sequenced_ = 0;    // guarded by seq_mu_
  std::uint64_t entries_end_ = 0;  // guarded by seq_mu_
  std::vector<Pending> pending_;   // guarded by seq_mu_; after integrated_

  // Integration.
  std::mutex integrate_mu_;
  std::array<Level, internal::kMaxLevels> levels_;
  std::atomic<std::uint64_t> integrated_{0};
  mutable std::mutex latest_mu_;
  SignedCheckpoint latest_;  // guarded by latest_mu_
};

}  // namespace evidex::ledger

#endif  // EVIDEX_LEDGER_STORED_LOG_H_
