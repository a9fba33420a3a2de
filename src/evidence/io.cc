#include "evidence/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

Result<OutputFile> OutputFile::Create(const std::string& path, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Err(SystemError("cannot create", path));
  return OutputFile(fd, path);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
  other.path_.clear();
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

Status OutputFile::Write(std::span<const std::uint8_t> bytes) {
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

Status OutputFile::Commit(const std::string& final_path) {
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
