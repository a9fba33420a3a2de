// Files as evidence packages need them: a random-access source to read a
// package from (a file, or bytes in memory for tests and fuzzing), and an
// output file written front to back.
//
// Errors: kUnavailable for a failing system call (naming the path and the
// system's reason), kNotFound for a missing file, kDataLoss for a read past
// the end of a source (the package is shorter than its own offsets say).
//
// Thread safety: a PackageSource's ReadAt may be called from several threads
// at once (pread); an OutputFile is thread-compatible.
#ifndef EVIDEX_EVIDENCE_IO_H_
#define EVIDEX_EVIDENCE_IO_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace evidex::evidence {

class PackageSource {
 public:
  virtual ~PackageSource() = default;
  virtual std::uint64_t size() const = 0;
  // Fills `out` with the bytes at `offset`.
  virtual Status ReadAt(std::uint64_t offset,
                        std::span<std::uint8_t> out) const = 0;
};

// Opens a package file for reading.
Result<std::unique_ptr<PackageSource>> OpenPackageFile(const std::string& path);

// A package held in memory (the bytes are borrowed, not copied).
class MemorySource final : public PackageSource {
 public:
  explicit MemorySource(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  Status ReadAt(std::uint64_t offset,
                std::span<std::uint8_t> out) const override;

 private:
  std::span<const std::uint8_t> bytes_;
};

// A file opened for reading front to back.
class InputFile {
 public:
  static Result<InputFile> Open(const std::string& path);
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  ~InputFile();

  std::uint64_t size() const { return size_; }
  // Fills `out`; fails with kDataLoss if the file ends first.
  Status ReadExactly(std::span<std::uint8_t> out);
  // True if the file has no more bytes.
  Result<bool> AtEnd();

 private:
  InputFile(int fd, std::string path, std::uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  int fd_;
  std::string path_;
  std::uint64_t size_;
};

// A new file written front to back. Created with O_EXCL (it must not exist)
// and mode `mode`; Commit() flushes it to stable storage; a file not
// committed is removed when the object is destroyed.
//
// With `direct`, the file is written around the page cache (O_DIRECT, where
// the file system allows it) through an aligned staging buffer of
// kDirectBufferSize bytes: for packages of gigabytes this costs the CPU a copy
// instead of the kernel's page-cache work, and leaves the cache to others.
class OutputFile {
 public:
  static constexpr std::size_t kDirectBufferSize = 4u << 20;

  static Result<OutputFile> Create(const std::string& path, unsigned mode,
                                   bool direct = false);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();

  const std::string& path() const { return path_; }
  Status Write(std::span<const std::uint8_t> bytes);
  // fsync, close, and (when `final_path` is not empty) rename to
  // `final_path`, which must not exist.
  Status Commit(const std::string& final_path);

 private:
  OutputFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status WriteFd(std::span<const std::uint8_t> bytes);
  // Writes the staging buffer's whole blocks (all of it when `final`, the tail
  // without O_DIRECT).
  Status Flush(bool final);

  int fd_;
  std::string path_;
  // The aligned staging buffer of a direct file, and how much of it is used.
  std::unique_ptr<std::uint8_t, void (*)(std::uint8_t*)> staging_{nullptr,
                                                                  nullptr};
  std::size_t staged_ = 0;
};

// Writes `tail` at `offset` of the existing file `path`, cuts the file after
// it, and flushes it to stable storage.
Status OverwriteTail(const std::string& path, std::uint64_t offset,
                     std::span<const std::uint8_t> tail);

// Reads a whole small file (a key file), refusing more than `max_bytes`.
Result<std::string> ReadSmallFile(const std::string& path,
                                  std::size_t max_bytes);

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_IO_H_
