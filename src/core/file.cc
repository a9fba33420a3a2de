#include "core/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace evidex {
namespace {

Status Errno(const std::string& what, const std::filesystem::path& path) {
  return UnavailableError(what + " `" + path.string() +
                          "`: " + std::strerror(errno));
}

// fsyncs and closes `fd`; false when either fails.
bool SyncAndClose(int fd) {
  const bool synced = ::fsync(fd) == 0;
  return ::close(fd) == 0 && synced;
}

}  // namespace

Status WriteFileDurably(const std::filesystem::path& path,
                        std::string_view bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const int fd =
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", tmp);
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = Errno("cannot write", tmp);
      ::close(fd);
      return s;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (!SyncAndClose(fd)) return Errno("cannot sync", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Errno("cannot rename over", path);
  }
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Errno("cannot open directory", dir);
  if (!SyncAndClose(dfd)) return Errno("cannot sync directory", dir);
  return OkStatus();
}

Status MoveFileDurably(const std::filesystem::path& from,
                       const std::filesystem::path& to) {
  const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return NotFoundError("no file `" + from.string() + "`");
    }
    return Errno("cannot open", from);
  }
  if (!SyncAndClose(fd)) return Errno("cannot sync", from);
  // link + unlink: unlike rename, never replaces an existing `to`.
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) {
      return Status(StatusCode::kAlreadyExists,
                    "`" + to.string() + "` exists already");
    }
    return Errno("cannot link", to);
  }
  if (::unlink(from.c_str()) != 0) return Errno("cannot unlink", from);
  const std::filesystem::path dir =
      to.has_parent_path() ? to.parent_path() : ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Errno("cannot open directory", dir);
  if (!SyncAndClose(dfd)) return Errno("cannot sync directory", dir);
  return OkStatus();
}

Result<std::string> ReadSmallFile(const std::filesystem::path& path,
                                  std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Err(NotFoundError("no file `" + path.string() + "`"));
    }
    return Err(Errno("cannot open", path));
  }
  std::string text;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("cannot read", path);
      ::close(fd);
      return Err(s);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      ::close(fd);
      return Err(ResourceExhaustedError("`" + path.string() +
                                        "` is larger than " +
                                        std::to_string(max_bytes) + " bytes"));
    }
  }
  ::close(fd);
  return text;
}

}  // namespace evidex
