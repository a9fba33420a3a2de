#include "evidence/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace evidex::evidence {

namespace {

Status SystemError(std::string_view what, const std::string& path) {
  const int error = errno;
  std::string message =
      std::string(what) + " `" + path + "`: " + std::strerror(error);
  if (error == ENOENT) return NotFoundError(std::move(message));
  if (error == EEXIST) {
    return Status(StatusCode::kAlreadyExists, std::move(message));
  }
  return UnavailableError(std::move(message));
}

class FileSource final : public PackageSource {
 public:
  FileSource(int fd, std::string path, std::uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::uint64_t size() const override { return size_; }

  Status ReadAt(std::uint64_t offset,
                std::span<std::uint8_t> out) const override {
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return SystemError("cannot read", path_);
      }
      if (n == 0) {
        return DataLossError("package ends at offset " +
                             std::to_string(offset + done) +
                             " while reading (truncated?)");
      }
      done += static_cast<std::size_t>(n);
    }
    return OkStatus();
  }

 private:
  int fd_;
  std::string path_;
  std::uint64_t size_;
};

Result<std::pair<int, std::uint64_t>> OpenForReading(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Err(SystemError("cannot open", path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = SystemError("cannot stat", path);
    ::close(fd);
    return Err(s);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Err(InvalidArgumentError("`" + path + "` is not a regular file"));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_pair(fd, static_cast<std::uint64_t>(st.st_size));
}

}  // namespace

Result<std::unique_ptr<PackageSource>> OpenPackageFile(
    const std::string& path) {
  EVIDEX_ASSIGN_OR_RETURN(auto opened, OpenForReading(path));
  return std::make_unique<FileSource>(opened.first, path, opened.second);
}

Status MemorySource::ReadAt(std::uint64_t offset,
                            std::span<std::uint8_t> out) const {
  if (offset > bytes_.size() || out.size() > bytes_.size() - offset) {
    return DataLossError("package ends at offset " +
                         std::to_string(bytes_.size()) +
                         " while reading (truncated?)");
  }
  std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return OkStatus();
}

Result<InputFile> InputFile::Open(const std::string& path) {
  EVIDEX_ASSIGN_OR_RETURN(auto opened, OpenForReading(path));
  return InputFile(opened.first, path, opened.second);
}

InputFile::InputFile(InputFile&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), size_(other.size_) {
  other.fd_ = -1;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status InputFile::ReadExactly(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd_, out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SystemError("cannot read", path_);
    }
    if (n == 0) {
      return DataLossError("`" + path_ + "` became shorter while being read");
    }
    done += static_cast<std::size_t>(n);
  }
  return OkStatus();
}

Result<bool> InputFile::AtEnd() {
  std::uint8_t byte;
  while (true) {
    ssize_t n = ::read(fd_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Err(SystemError("cannot read", path_));
    return n == 0;
  }
}

Result<OutputFile> OutputFile::Create(const std::string& path, unsigned mode,
                                      bool direct) {
  int fd = -1;
  if (direct) {
    fd = ::open(path.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, mode);
    // File systems without O_DIRECT (tmpfs) refuse it with EINVAL: write
    // through the cache there.
    if (fd < 0 && errno == EINVAL) direct = false;
  }
  if (fd < 0) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  }
  if (fd < 0) return Err(SystemError("cannot create", path));
  OutputFile file(fd, path);
  if (direct) {
    void* buffer = nullptr;
    if (::posix_memalign(&buffer, 4096, kDirectBufferSize) != 0) {
      return Err(ResourceExhaustedError("cannot allocate a write buffer"));
    }
    file.staging_ = std::unique_ptr<std::uint8_t, void (*)(std::uint8_t*)>(
        static_cast<std::uint8_t*>(buffer),
        [](std::uint8_t* p) { std::free(p); });
  }
  return file;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      staging_(std::move(other.staging_)),
      staged_(other.staged_) {
  other.fd_ = -1;
  other.path_.clear();
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

Status OutputFile::WriteFd(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SystemError("cannot write", path_);
    }
    done += static_cast<std::size_t>(n);
  }
  return OkStatus();
}

Status OutputFile::Write(std::span<const std::uint8_t> bytes) {
  if (!staging_) return WriteFd(bytes);
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kDirectBufferSize - staged_);
    std::memcpy(staging_.get() + staged_, bytes.data(), n);
    staged_ += n;
    bytes = bytes.subspan(n);
    if (staged_ == kDirectBufferSize) EVIDEX_RETURN_IF_ERROR(Flush(false));
  }
  return OkStatus();
}

Status OutputFile::Flush(bool final) {
  constexpr std::size_t kBlock = 4096;
  const std::size_t whole = staged_ / kBlock * kBlock;
  EVIDEX_RETURN_IF_ERROR(WriteFd(std::span(staging_.get(), whole)));
  std::memmove(staging_.get(), staging_.get() + whole, staged_ - whole);
  staged_ -= whole;
  if (final && staged_ > 0) {
    // The last partial block cannot go through O_DIRECT.
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) {
      return SystemError("cannot change the mode of", path_);
    }
    EVIDEX_RETURN_IF_ERROR(WriteFd(std::span(staging_.get(), staged_)));
    staged_ = 0;
  }
  return OkStatus();
}

Status OutputFile::Commit(const std::string& final_path) {
  if (staging_) EVIDEX_RETURN_IF_ERROR(Flush(true));
  if (::fsync(fd_) != 0) return SystemError("cannot sync", path_);
  if (!final_path.empty()) {
    // link() fails if final_path exists, unlike rename(); then the temporary
    // name goes.
    if (::link(path_.c_str(), final_path.c_str()) != 0) {
      return SystemError("cannot create", final_path);
    }
    ::unlink(path_.c_str());
  }
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return SystemError("cannot close", path_);
  return OkStatus();
}

Result<std::string> ReadSmallFile(const std::string& path,
                                  std::size_t max_bytes) {
  EVIDEX_ASSIGN_OR_RETURN(InputFile file, InputFile::Open(path));
  if (file.size() > max_bytes) {
    return Err(InvalidArgumentError("`" + path + "` is larger than " +
                                    std::to_string(max_bytes) + " bytes"));
  }
  std::string text(file.size(), '\0');
  EVIDEX_RETURN_IF_ERROR(file.ReadExactly(std::span<std::uint8_t>(
      reinterpret_cast<std::uint8_t*>(text.data()), text.size())));
  return text;
}

Status OverwriteTail(const std::string& path, std::uint64_t offset,
                     std::span<const std::uint8_t> tail) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return SystemError("cannot open", path);
  Status status;
  std::size_t done = 0;
  while (status.ok() && done < tail.size()) {
    ssize_t n = ::pwrite(fd, tail.data() + done, tail.size() - done,
                         static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = SystemError("cannot write", path);
    } else {
      done += static_cast<std::size_t>(n);
    }
  }
  if (status.ok() &&
      ::ftruncate(fd, static_cast<off_t>(offset + tail.size())) != 0) {
    status = SystemError("cannot truncate", path);
  }
  if (status.ok() && ::fsync(fd) != 0)
    status = SystemError("cannot sync", path);
  ::close(fd);
  return status;
}

}  // namespace evidex::evidence
