// The node's master key: the key under which the node keeps every other secret
// key at rest (organisations' signing and encryption keys, the ledger's
// checkpoint key).
//
// It is 32 random bytes in DATA_DIR/master.key, created on first use with mode
// 0600 and fsync'd (file and directory) before it is used, so that nothing is
// ever sealed under a key that a crash could lose. A key file readable by group
// or others, or of the wrong size, is refused: the node does not start rather
// than run with an exposed or damaged key. Back the file up apart from the
// database: without it the sealed keys cannot be opened.
//
// Seal() encrypts with XChaCha20-Poly1305 under a random nonce and binds
// `purpose` (e.g. "org-signing-key:" + key id) as associated data, so that a
// sealed value cannot be moved to another use. Sealed form: version byte 0x01,
// the 24-byte nonce, then ciphertext and tag.
//
// Thread safety: a MasterKey is immutable; Seal and Open may be called from any
// number of threads at once. InitSecrets() (node/secrets.h) must have succeeded
// first.
#ifndef EVIDEX_NODE_MASTER_KEY_H_
#define EVIDEX_NODE_MASTER_KEY_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace evidex::node {

class MasterKey {
 public:
  // Reads DATA_DIR/master.key, creating it when absent. kFailedPrecondition for
  // a key file with group or other permissions or of the wrong size;
  // kUnavailable when the file cannot be read or written.
  static Result<MasterKey> LoadOrCreate(const std::filesystem::path& data_dir);

  MasterKey(const MasterKey&) = default;
  MasterKey& operator=(const MasterKey&) = default;
  ~MasterKey();

  std::string Seal(std::span<const std::uint8_t> plaintext,
                   std::string_view purpose) const;
  // kUnauthenticated when `sealed` was not sealed under this key for
  // `purpose`, or was altered; kInvalidArgument when it is malformed.
  Result<std::vector<std::uint8_t>> Open(std::string_view sealed,
                                         std::string_view purpose) const;

 private:
  explicit MasterKey(std::span<const std::uint8_t> key);

  std::array<std::uint8_t, 32> key_;
};

}  // namespace evidex::node

#endif  // EVIDEX_NODE_MASTER_KEY_H_
