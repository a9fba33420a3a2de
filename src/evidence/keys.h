// Key files: the keys that pack, unpack and verify use, in a small JSON format
// a node can export (docs/formats/evx.md, "Key files").
//
//   {"format":"evidex-keys/1",
//    "keys":[{"algorithm":"ed25519","name":"provider.example",
//             "public_key":"<base64>","use":"sign"},
//            {"algorithm":"x25519","name":"provider.example",
//             "public_key":"<base64>","secret_key":"<base64>",
//             "use":"encrypt"}]}
//
// `use` is `sign` (Ed25519: signs package manifests), `encrypt` (X25519:
// receives packages) or `log` (Ed25519: signs a log's checkpoints). A key with
// `secret_key` is a secret key file entry (for Ed25519 the 32-byte seed); the
// file then must not be readable by others. A trust file is a key file of
// public keys: the signers and logs the reader trusts.
//
// ParseKeyFile checks every key (sizes, that a secret key matches its public
// key) and fails with kInvalidArgument naming `keys[i].field`. Pure functions;
// thread-safe.
#ifndef EVIDEX_EVIDENCE_KEYS_H_
#define EVIDEX_EVIDENCE_KEYS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/secret_key.h"

namespace evidex::evidence {

enum class KeyUse { kSign, kEncrypt, kLog };

// "sign", "encrypt" or "log".
std::string_view KeyUseName(KeyUse use);

// Whether `name` is a valid key name, as C2SP signed notes allow it: 1 to 128
// printable ASCII characters without space or `+`.
bool IsKeyName(std::string_view name);

struct KeyEntry {
  std::string name;
  KeyUse use = KeyUse::kSign;
  std::array<std::uint8_t, 32> public_key{};
  // The Ed25519 seed or the X25519 private key, for secret key files.
  std::optional<crypto::SecretKey32> secret_key;
};

struct KeyFile {
  std::vector<KeyEntry> keys;
};

Result<KeyFile> ParseKeyFile(std::string_view text);

// The JSON text of `file` (with secret keys when `with_secrets`), one line,
// ending in a newline.
Result<std::string> SerializeKeyFile(const KeyFile& file, bool with_secrets);

// A new key pair for `name`: an Ed25519 key for kSign and kLog, an X25519 key
// for kEncrypt. kInvalidArgument if `name` is not a valid key name (1 to 128
// printable ASCII characters without space or `+`).
Result<KeyEntry> GenerateKey(std::string_view name, KeyUse use);

// The first entry of `file` with this use (and a secret key when
// `need_secret`); kNotFound naming what is missing otherwise.
Result<const KeyEntry*> FindKey(const KeyFile& file, KeyUse use,
                                bool need_secret);

}  // namespace evidex::evidence

#endif  // EVIDEX_EVIDENCE_KEYS_H_
