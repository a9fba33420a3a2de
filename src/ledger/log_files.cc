#include "ledger/log_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "crypto/sha256.h"
#include "ledger/note.h"

namespace evidex::ledger::internal {
namespace {

void PutU64(std::uint64_t v, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>(v >> shift));
  }
}

void PutU32(std::uint32_t v, std::string& out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>(v >> shift));
  }
}

std::uint64_t GetU64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}

std::uint32_t GetU32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | p[i];
  return v;
}

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Status Errno(const std::string& what, const std::filesystem::path& path) {
  return UnavailableError(what + " `" + path.string() +
                          "`: " + std::strerror(errno));
}

}  // namespace

std::string TreeFileName(int level) {
  std::string name = "tree-";
  name.push_back(static_cast<char>('0' + level / 10));
  name.push_back(static_cast<char>('0' + level % 10));
  return name;
}

void AppendEntryRecord(std::uint64_t index, std::span<const std::uint8_t> data,
                       const Hash& leaf_hash, std::string& out) {
  PutU64(index, out);
  PutU32(static_cast<std::uint32_t>(data.size()), out);
  out.append(reinterpret_cast<const char*>(data.data()), data.size());
  out.append(reinterpret_cast<const char*>(leaf_hash.data()), leaf_hash.size());
}

void AppendCheckpointRecord(std::uint64_t tree_size, std::uint64_t entries_end,
                            std::string_view note, std::string& out) {
  const std::size_t start = out.size();
  PutU64(tree_size, out);
  PutU64(entries_end, out);
  PutU32(static_cast<std::uint32_t>(note.size()), out);
  out.append(note);
  const Hash sum = crypto::Sha256(Bytes(std::string_view(out).substr(start)));
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
}

EntryRecord ParseEntryRecord(std::span<const std::uint8_t> bytes,
                             std::uint64_t want_index,
                             std::size_t max_entry_bytes) {
  EntryRecord r;
  if (bytes.size() < kEntryHeaderSize) {
    r.state = RecordState::kIncomplete;
    r.problem = "the file ends inside the record's header";
    return r;
  }
  r.index = GetU64(bytes.data());
  const std::uint32_t length = GetU32(bytes.data() + 8);
  if (r.index != want_index) {
    r.state = RecordState::kBad;
    r.problem = "the record holds index " + std::to_string(r.index);
    return r;
  }
  if (length > max_entry_bytes) {
    r.state = RecordState::kBad;
    r.problem = "the record's length " + std::to_string(length) +
                " is above the limit " + std::to_string(max_entry_bytes);
    return r;
  }
  r.size = kEntryHeaderSize + length + kHashSize;
  if (bytes.size() < r.size) {
    r.state = RecordState::kIncomplete;
    r.problem = "the file ends inside the record";
    return r;
  }
  const Hash computed = LeafHash(bytes.subspan(kEntryHeaderSize, length));
  std::copy_n(bytes.begin() + kEntryHeaderSize + length, kHashSize,
              r.leaf_hash.begin());
  if (computed != r.leaf_hash) {
    r.state = RecordState::kBad;
    r.problem = "the entry's data does not match its leaf hash";
  }
  return r;
}

CheckpointRecord ParseCheckpointRecord(std::span<const std::uint8_t> bytes) {
  CheckpointRecord r;
  if (bytes.size() < kCheckpointHeaderSize) {
    r.state = RecordState::kIncomplete;
    r.problem = "the file ends inside the record's header";
    return r;
  }
  r.tree_size = GetU64(bytes.data());
  r.entries_end = GetU64(bytes.data() + 8);
  const std::uint32_t length = GetU32(bytes.data() + 16);
  if (length > kMaxNoteBytes) {
    r.state = RecordState::kBad;
    r.problem = "the record's note length " + std::to_string(length) +
                " is above the limit " + std::to_string(kMaxNoteBytes);
    return r;
  }
  r.size = kCheckpointHeaderSize + std::size_t{length} + kHashSize;
  if (bytes.size() < r.size) {
    r.state = RecordState::kIncomplete;
    r.problem = "the file ends inside the record";
    return r;
  }
  const Hash sum = crypto::Sha256(bytes.first(r.size - kHashSize));
  if (!std::equal(
          sum.begin(), sum.end(),
          bytes.begin() + static_cast<std::ptrdiff_t>(r.size - kHashSize))) {
    r.state = RecordState::kBad;
    r.problem = "the record's checksum does not match";
    return r;
  }
  r.note.assign(
      reinterpret_cast<const char*>(bytes.data()) + kCheckpointHeaderSize,
      length);
  return r;
}

LogFile::LogFile(LogFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

LogFile& LogFile::operator=(LogFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

LogFile::~LogFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<LogFile> LogFile::Open(const std::filesystem::path& path, bool create,
                              bool read_only) {
  int flags = (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
  if (create) flags |= O_CREAT;
  LogFile file;
  file.path_ = path;
  file.fd_ = ::open(path.c_str(), flags, 0600);
  if (file.fd_ < 0) {
    if (errno == ENOENT) {
      return Err(NotFoundError("no file `" + path.string() + "`"));
    }
    return Err(Errno("cannot open", path));
  }
  return file;
}

Result<std::uint64_t> LogFile::Size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Err(Errno("cannot stat", path_));
  return static_cast<std::uint64_t>(st.st_size);
}

Status LogFile::PWrite(std::span<const std::uint8_t> bytes,
                       std::uint64_t offset) {
  while (!bytes.empty()) {
    const ssize_t n =
        ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path_);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return OkStatus();
}

Result<std::size_t> LogFile::PRead(std::span<std::uint8_t> out,
                                   std::uint64_t offset) const {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Err(Errno("cannot read", path_));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Status LogFile::Sync() {
  if (::fdatasync(fd_) != 0) return Errno("cannot sync", path_);
  return OkStatus();
}

Status LogFile::Truncate(std::uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return Errno("cannot truncate", path_);
  }
  return OkStatus();
}

Status LogFile::LockExclusive() {
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return OkStatus();
  if (errno == EWOULDBLOCK) {
    return FailedPreconditionError("`" + path_.string() +
                                   "` is locked: the log is open elsewhere");
  }
  return Errno("cannot lock", path_);
}

Status SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot sync directory", dir);
  return OkStatus();
}

FileScanner::FileScanner(const LogFile& file, std::uint64_t offset,
                         std::size_t buffer_bytes)
    : file_(file), offset_(offset), buffer_(buffer_bytes) {}

Result<std::span<const std::uint8_t>> FileScanner::Peek(std::size_t n) {
  if (end_ - begin_ < n && !eof_) {
    if (n > buffer_.size()) buffer_.resize(n);
    std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_),
              buffer_.begin() + static_cast<std::ptrdiff_t>(end_),
              buffer_.begin());
    end_ -= begin_;
    begin_ = 0;
    while (end_ < n && !eof_) {
      EVIDEX_ASSIGN_OR_RETURN(
          std::size_t got,
          file_.PRead(std::span(buffer_).subspan(end_), offset_ + end_));
      if (got == 0) eof_ = true;
      end_ += got;
    }
  }
  return std::span<const std::uint8_t>(buffer_).subspan(
      begin_, std::min(n, end_ - begin_));
}

void FileScanner::Skip(std::size_t n) {
  begin_ += n;
  offset_ += n;
}

}  // namespace evidex::ledger::internal
