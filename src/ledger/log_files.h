// The on-disk records of a stored log (docs/formats/ledger.md), shared by the
// log (stored_log.h) and its checker (fsck.h), and the small file helpers they
// use. Internal to src/ledger.
//
// Entry record, in the file `entries`:
//   index (u64 big-endian) || length (u32 big-endian) || data || LeafHash(data)
// Checkpoint record, in the file `checkpoints`:
//   tree size (u64) || end of its last entry in `entries` (u64) ||
//   note length (u32) || signed checkpoint note || SHA-256 of all before it
// Tree files `tree-00` .. `tree-63`: the hashes of the complete subtrees of
// that level, 32 bytes each, index order.
//
// Thread safety: the parsing functions are pure; a LogFile is
// thread-compatible except that PWrite and PRead at disjoint offsets may run
// at once.
#ifndef EVIDEX_LEDGER_LOG_FILES_H_
#define EVIDEX_LEDGER_LOG_FILES_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/merkle.h"

namespace evidex::ledger::internal {

inline constexpr char kEntriesFile[] = "entries";
inline constexpr char kCheckpointsFile[] = "checkpoints";
inline constexpr char kVkeyFile[] = "vkey";
inline constexpr char kLockFile[] = "lock";
inline constexpr std::size_t kEntryHeaderSize = 12;
inline constexpr std::size_t kHashSize = 32;
inline constexpr std::size_t kCheckpointHeaderSize = 20;
inline constexpr int kMaxLevels = 64;

// "tree-05" for level 5.
std::string TreeFileName(int level);

// Appends the entry record of `data` at `index` to `out`.
void AppendEntryRecord(std::uint64_t index, std::span<const std::uint8_t> data,
                       const Hash& leaf_hash, std::string& out);

// Appends a checkpoint record to `out`.
void AppendCheckpointRecord(std::uint64_t tree_size, std::uint64_t entries_end,
                            std::string_view note, std::string& out);

enum class RecordState {
  kOk,
  kIncomplete,  // the bytes end before the record does
  kBad,         // the record is whole but wrong; `problem` says how
};

struct EntryRecord {
  RecordState state = RecordState::kOk;
  std::string problem;
  std::size_t size = 0;  // bytes of the whole record (when kOk)
  std::uint64_t index = 0;
  Hash leaf_hash{};
};

// Parses the entry record at the start of `bytes`, expected at `want_index`,
// with data of at most `max_entry_bytes`. Checks the index and the leaf hash.
EntryRecord ParseEntryRecord(std::span<const std::uint8_t> bytes,
                             std::uint64_t want_index,
                             std::size_t max_entry_bytes);

struct CheckpointRecord {
  RecordState state = RecordState::kOk;
  std::string problem;
  std::size_t size = 0;
  std::uint64_t tree_size = 0;
  std::uint64_t entries_end = 0;
  std::string note;
};

// Parses the checkpoint record at the start of `bytes` (checksum, bounds; not
// the note's signature).
CheckpointRecord ParseCheckpointRecord(std::span<const std::uint8_t> bytes);

// A file opened for reading and writing at offsets. Errors are kUnavailable
// naming the file and the system's reason.
class LogFile {
 public:
  LogFile() = default;
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  LogFile(LogFile&& other) noexcept;
  LogFile& operator=(LogFile&& other) noexcept;
  ~LogFile();

  // Opens `path`, creating it (empty) when `create` and it does not exist;
  // read-only when `read_only`.
  static Result<LogFile> Open(const std::filesystem::path& path, bool create,
                              bool read_only = false);

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }

  Result<std::uint64_t> Size() const;
  Status PWrite(std::span<const std::uint8_t> bytes, std::uint64_t offset);
  // Reads up to out.size() bytes at `offset`; fewer only at the end of file.
  Result<std::size_t> PRead(std::span<std::uint8_t> out,
                            std::uint64_t offset) const;
  // fdatasync: the bytes written and the size are durable when it returns.
  Status Sync();
  Status Truncate(std::uint64_t size);
  // Takes an exclusive advisory lock (flock) on the file, held until it is
  // closed. kFailedPrecondition when another open file holds it.
  Status LockExclusive();

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// Makes the directory's entries (files created in it) durable.
Status SyncDirectory(const std::filesystem::path& dir);

// Reads a file front to back through a buffer, for scans.
class FileScanner {
 public:
  // Reads `file` from `offset` in reads of up to `buffer_bytes` (more when a
  // Peek asks for more).
  FileScanner(const LogFile& file, std::uint64_t offset,
              std::size_t buffer_bytes = std::size_t{4} << 20);
  // Up to `n` bytes from the current offset (fewer only at the end of file).
  Result<std::span<const std::uint8_t>> Peek(std::size_t n);
  void Skip(std::size_t n);
  std::uint64_t offset() const { return offset_; }

 private:
  const LogFile& file_;
  std::uint64_t offset_;
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0;  // buffer_[begin_, end_) holds bytes at offset_
  std::size_t end_ = 0;
  bool eof_ = false;
};

// Reads the record at the scanner's offset with `parse` (ParseEntryRecord or
// ParseCheckpointRecord): its header first, then the whole record once the
// header gives its size. Does not move past it.
template <typename Record, typename Parse>
Result<Record> ScanRecord(FileScanner& scanner, std::size_t header_size,
                          Parse parse) {
  EVIDEX_ASSIGN_OR_RETURN(std::span<const std::uint8_t> bytes,
                          scanner.Peek(header_size));
  Record r = parse(bytes);
  if (r.state == RecordState::kIncomplete && r.size > bytes.size()) {
    EVIDEX_ASSIGN_OR_RETURN(bytes, scanner.Peek(r.size));
    r = parse(bytes);
  }
  return r;
}

}  // namespace evidex::ledger::internal

#endif  // EVIDEX_LEDGER_LOG_FILES_H_
