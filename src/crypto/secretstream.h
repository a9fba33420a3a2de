// Streams of messages encrypted with libsodium's secretstream
// (crypto_secretstream_xchacha20poly1305): XChaCha20-Poly1305 with a nonce
// that ratchets from message to message.
//
// A stream has a 32-byte key and a 24-byte header (random, made by the pushing
// side, sent in the clear). Each message becomes its plaintext length plus
// kSecretStreamOverhead (17) bytes: an encrypted one-byte tag, the ciphertext
// and a 16-byte Poly1305 tag, authenticating also the message's additional
// data (`ad`). Because each message's nonce depends on the previous message's
// MAC, a message only decrypts at its own position: a reordered, duplicated,
// dropped or foreign message fails. The tag says where the sender put
// boundaries: kMessage (ordinary), kPush (end of a logical part), kRekey, and
// kFinal (the last message; the stream then is over).
//
// Status codes: kInvalidArgument for a key or header of the wrong size, an
// output span of the wrong size, or (Pull) a message shorter than the
// overhead; kUnauthenticated (Pull) when the message is not the next message of
// this stream with this `ad` (wrong key, tampered bytes, wrong position).
//
// InitSodium() (crypto/sodium.h) must have succeeded first. Thread safety: a
// SecretStreamPush or SecretStreamPull is thread-compatible (its state changes
// with every message); GenerateSecretStreamKey() is thread-safe.
#ifndef EVIDEX_CRYPTO_SECRETSTREAM_H_
#define EVIDEX_CRYPTO_SECRETSTREAM_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/status.h"
#include "crypto/secret_key.h"

namespace evidex::crypto {

inline constexpr std::size_t kSecretStreamKeySize = 32;
inline constexpr std::size_t kSecretStreamHeaderSize = 24;
inline constexpr std::size_t kSecretStreamOverhead = 17;
// Every message ends with its 16-byte Poly1305 tag (MAC).
inline constexpr std::size_t kSecretStreamMacSize = 16;

using SecretStreamHeader = std::array<std::uint8_t, kSecretStreamHeaderSize>;

enum class SecretStreamTag : std::uint8_t {
  kMessage = 0,
  kPush = 1,
  kRekey = 2,
  kFinal = 3,
};

// Returns a fresh random stream key.
SecretKey32 GenerateSecretStreamKey();

namespace internal {
// libsodium's crypto_secretstream_xchacha20poly1305_state, held as bytes so
// that this header needs no libsodium header (the size is checked in the .cc).
struct SecretStreamState {
  std::array<std::uint8_t, 52> bytes{};
};
}  // namespace internal

// The encrypting side.
class SecretStreamPush {
 public:
  // Starts a stream under `key`; `header` receives the stream header to send.
  static Result<SecretStreamPush> Start(std::span<const std::uint8_t> key,
                                        SecretStreamHeader& header);
  SecretStreamPush(SecretStreamPush&& other) noexcept;
  SecretStreamPush& operator=(SecretStreamPush&&) = delete;
  ~SecretStreamPush();

  // Encrypts the next message into `out`, which must be exactly
  // plaintext.size() + kSecretStreamOverhead bytes.
  Status Push(std::span<const std::uint8_t> plaintext,
              std::span<const std::uint8_t> ad, SecretStreamTag tag,
              std::span<std::uint8_t> out);

 private:
  SecretStreamPush() = default;
  internal::SecretStreamState state_;
};

// The decrypting side.
class SecretStreamPull {
 public:
  // Starts reading the stream of `key` whose header is `header`.
  static Result<SecretStreamPull> Start(std::span<const std::uint8_t> key,
                                        std::span<const std::uint8_t> header);
  SecretStreamPull(SecretStreamPull&& other) noexcept;
  SecretStreamPull& operator=(SecretStreamPull&&) = delete;
  ~SecretStreamPull();

  // Decrypts the next message into `out`, which must be exactly
  // message.size() - kSecretStreamOverhead bytes, and returns its tag. On
  // failure nothing is written to `out` that may be used and the stream's
  // state is unchanged.
  Result<SecretStreamTag> Pull(std::span<const std::uint8_t> message,
                               std::span<const std::uint8_t> ad,
                               std::span<std::uint8_t> out);

 private:
  SecretStreamPull() = default;
  internal::SecretStreamState state_;
};

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_SECRETSTREAM_H_
