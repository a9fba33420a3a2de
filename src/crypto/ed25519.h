// Ed25519 signatures (RFC 8032, pure Ed25519 without context) over libsodium.
//
// Key pairs come from a 32-byte seed (deterministic) or from the operating
// system's randomness. Signatures are deterministic: the same key and message
// always give the same 64 bytes. Verify() is libsodium's strict verifier: it
// rejects a non-canonical S (S >= L, so signatures are not malleable), a
// non-canonical or small-order R, and a small-order public key.
//
// Status codes of Verify():
//   kInvalidArgument  the public key is not 32 bytes or the signature is not
//                     64 bytes (malformed input; nothing was checked);
//   kUnauthenticated  the inputs are well-sized but the signature does not
//                     verify for this key and message. It is kUnauthenticated,
//                     not kPermissionDenied, because a bad signature is a
//                     missing proof of who signed, not a refused right.
//
// Secret keys live in Ed25519SecretKey, which zeroes its bytes (sodium_memzero)
// when destroyed or moved from, and is never copied implicitly.
//
// InitSodium() (crypto/sodium.h) must have succeeded before any function here
// is called. Thread safety: the free functions may be called from any number of
// threads at once; an Ed25519SecretKey is thread-compatible.
#ifndef EVIDEX_CRYPTO_ED25519_H_
#define EVIDEX_CRYPTO_ED25519_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/status.h"

namespace evidex::crypto {

inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;

using Ed25519PublicKey = std::array<std::uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<std::uint8_t, kEd25519SignatureSize>;

struct Ed25519KeyPair;

// An Ed25519 secret key (libsodium's 64-byte form: seed || public key). Its
// bytes are zeroed on destruction and in the moved-from object.
class Ed25519SecretKey {
 public:
  Ed25519SecretKey(const Ed25519SecretKey&) = delete;
  Ed25519SecretKey& operator=(const Ed25519SecretKey&) = delete;
  Ed25519SecretKey(Ed25519SecretKey&& other) noexcept;
  Ed25519SecretKey& operator=(Ed25519SecretKey&& other) noexcept;
  ~Ed25519SecretKey();

 private:
  static constexpr std::size_t kSize = 64;

  Ed25519SecretKey() = default;

  friend Ed25519KeyPair GenerateEd25519KeyPair();
  friend Result<Ed25519KeyPair> Ed25519KeyPairFromSeed(
      std::span<const std::uint8_t> seed);
  friend Ed25519Signature Sign(const Ed25519SecretKey& secret_key,
                               std::span<const std::uint8_t> message);

  std::array<std::uint8_t, kSize> bytes_{};
};

struct Ed25519KeyPair {
  Ed25519PublicKey public_key;
  Ed25519SecretKey secret_key;
};

// Returns a key pair from a fresh random seed.
Ed25519KeyPair GenerateEd25519KeyPair();

// Returns the key pair that `seed` determines (RFC 8032 section 5.1.5). Fails
// with kInvalidArgument unless `seed` is 32 bytes.
Result<Ed25519KeyPair> Ed25519KeyPairFromSeed(
    std::span<const std::uint8_t> seed);

// Returns the signature of `message` under `secret_key`.
Ed25519Signature Sign(const Ed25519SecretKey& secret_key,
                      std::span<const std::uint8_t> message);

// OK if `signature` is a valid signature of `message` under `public_key`;
// otherwise kInvalidArgument or kUnauthenticated as the header comment says.
Status Verify(std::span<const std::uint8_t> public_key,
              std::span<const std::uint8_t> message,
              std::span<const std::uint8_t> signature);

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_ED25519_H_
