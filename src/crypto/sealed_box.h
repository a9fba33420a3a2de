// Sealed boxes (libsodium's crypto_box_seal): anonymous public-key encryption
// to an X25519 key, and X25519 key pairs to receive them.
//
// SealToRecipient() encrypts a message so that only the holder of the
// recipient's X25519 private key can read it: an ephemeral key pair is made for
// each box, the shared secret keys XSalsa20-Poly1305, and the box is the
// ephemeral public key (32 bytes), the MAC (16) and the ciphertext: message
// size + kSealedBoxOverhead (48) bytes. The box does not say who sealed it;
// authenticity comes from elsewhere (in evidex, a signature over a hash of the
// box).
//
// Status codes: kInvalidArgument for a key of the wrong size, a box shorter
// than the overhead, or (Seal) a recipient key libsodium refuses (small
// order); kUnauthenticated (Open) when the box does not open with this key
// pair (wrong recipient, tampered box).
//
// InitSodium() (crypto/sodium.h) must have succeeded first. Thread safety: all
// functions may be called from any number of threads at once.
#ifndef EVIDEX_CRYPTO_SEALED_BOX_H_
#define EVIDEX_CRYPTO_SEALED_BOX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "crypto/secret_key.h"

namespace evidex::crypto {

inline constexpr std::size_t kSealedBoxOverhead = 48;

using X25519PublicKey = std::array<std::uint8_t, 32>;

struct X25519KeyPair {
  X25519PublicKey public_key;
  SecretKey32 secret_key;
};

// Returns a fresh random X25519 key pair.
X25519KeyPair GenerateX25519KeyPair();

// Returns the public key of `secret_key` (32 bytes; kInvalidArgument
// otherwise).
Result<X25519PublicKey> X25519PublicKeyOf(
    std::span<const std::uint8_t> secret_key);

// Returns the sealed box of `message` for `recipient_public_key`.
Result<std::vector<std::uint8_t>> SealToRecipient(
    std::span<const std::uint8_t> recipient_public_key,
    std::span<const std::uint8_t> message);

// Returns the message in `box` if it opens with the recipient's key pair.
Result<std::vector<std::uint8_t>> OpenSealed(
    std::span<const std::uint8_t> public_key,
    std::span<const std::uint8_t> secret_key,
    std::span<const std::uint8_t> box);

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_SEALED_BOX_H_
