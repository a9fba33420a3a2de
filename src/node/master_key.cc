#include "node/master_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/file.h"
#include "crypto/xchacha20poly1305.h"

namespace evidex::node {
namespace {

namespace fs = std::filesystem;

constexpr std::uint8_t kSealVersion = 1;
constexpr char kFileName[] = "master.key";

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Status Errno(std::string_view what, const std::filesystem::path& path) {
  return UnavailableError(std::string(what) + " " + path.string() + ": " +
                          std::strerror(errno));
}

Result<std::vector<std::uint8_t>> ReadKeyFile(
    const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Err(Errno("cannot open", path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Err(Errno("cannot stat", path));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Err(FailedPreconditionError(
        path.string() + " is readable or writable by group or others; " +
        "chmod 600 it"));
  }
  std::vector<std::uint8_t> key(33);
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n < 0) return Err(Errno("cannot read", path));
  if (n != 32) {
    return Err(FailedPreconditionError(path.string() + " holds " +
                                       std::to_string(n) +
                                       " bytes, not a 32-byte key"));
  }
  key.resize(32);
  return key;
}

}  // namespace

Result<MasterKey> MasterKey::LoadOrCreate(
    const std::filesystem::path& data_dir) {
  std::filesystem::path path = data_dir / kFileName;
  if (!fs::exists(path)) {
    // Written whole beside the key file, then linked into place without
    // replacing a key another process created meanwhile.
    std::array<std::uint8_t, 32> fresh;
    randombytes_buf(fresh.data(), fresh.size());
    fs::path pending = path;
    pending += ".new" + std::to_string(::getpid());
    Status created = WriteFileDurably(
        pending, std::string_view(reinterpret_cast<const char*>(fresh.data()),
                                  fresh.size()));
    sodium_memzero(fresh.data(), fresh.size());
    if (created.ok()) created = MoveFileDurably(pending, path);
    std::error_code ignored;
    fs::remove(pending, ignored);
    if (!created.ok() && created.code() != StatusCode::kAlreadyExists) {
      return Err(created);
    }
  }
  // Read back even a key just written, so that two processes starting at once
  // agree on the one that won.
  EVIDEX_ASSIGN_OR_RETURN(std::vector<std::uint8_t> key, ReadKeyFile(path));
  MasterKey master(key);
  sodium_memzero(key.data(), key.size());
  return master;
}

MasterKey::MasterKey(std::span<const std::uint8_t> key) {
  std::copy(key.begin(), key.end(), key_.begin());
}

MasterKey::~MasterKey() { sodium_memzero(key_.data(), key_.size()); }

std::string MasterKey::Seal(std::span<const std::uint8_t> plaintext,
                            std::string_view purpose) const {
  std::uint8_t nonce[crypto::kXChaCha20Poly1305NonceSize];
  randombytes_buf(nonce, sizeof nonce);
  // Only a wrong key or nonce size fails, and both are fixed here.
  std::vector<std::uint8_t> sealed =
      crypto::Seal(key_, nonce, Bytes(purpose), plaintext).value();
  std::string out;
  out.reserve(1 + sizeof nonce + sealed.size());
  out.push_back(static_cast<char>(kSealVersion));
  out.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
  out.append(reinterpret_cast<const char*>(sealed.data()), sealed.size());
  return out;
}

Result<std::vector<std::uint8_t>> MasterKey::Open(
    std::string_view sealed, std::string_view purpose) const {
  constexpr std::size_t kHeader = 1 + crypto::kXChaCha20Poly1305NonceSize;
  if (sealed.size() < kHeader + crypto::kXChaCha20Poly1305TagSize) {
    return Err(InvalidArgumentError("sealed value too short"));
  }
  if (static_cast<std::uint8_t>(sealed[0]) != kSealVersion) {
    return Err(InvalidArgumentError(
        "sealed value of unknown version " +
        std::to_string(static_cast<std::uint8_t>(sealed[0]))));
  }
  return crypto::Open(key_, Bytes(sealed.substr(1, kHeader - 1)),
                      Bytes(purpose), Bytes(sealed.substr(kHeader)));
}

}  // namespace evidex::node
