// XChaCha20-Poly1305, the IETF AEAD construction with a 24-byte nonce
// (draft-irtf-cfrg-xchacha), over libsodium.
//
// Seal() encrypts `plaintext` and authenticates it together with `aad`; the
// output is the ciphertext (as long as the plaintext) followed by the 16-byte
// Poly1305 tag. Open() checks the tag in constant time and only then
// decrypts; it never returns unauthenticated plaintext.
//
// Contract: a (key, nonce) pair must never seal two different messages. The
// nonce is long enough to be drawn at random for each message.
//
// Status codes: kInvalidArgument when the key is not 32 bytes or the nonce not
// 24 bytes, or (Open) the input is shorter than a tag; kUnauthenticated (Open)
// when the tag does not match, i.e. the key, nonce, aad, ciphertext or tag is
// not the one sealed.
//
// InitSodium() (crypto/sodium.h) must have succeeded first. Thread safety: both
// functions may be called from any number of threads at once.
#ifndef EVIDEX_CRYPTO_XCHACHA20POLY1305_H_
#define EVIDEX_CRYPTO_XCHACHA20POLY1305_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace evidex::crypto {

inline constexpr std::size_t kXChaCha20Poly1305KeySize = 32;
inline constexpr std::size_t kXChaCha20Poly1305NonceSize = 24;
inline constexpr std::size_t kXChaCha20Poly1305TagSize = 16;

// Returns ciphertext || tag for `plaintext` and `aad` under `key` and `nonce`.
Result<std::vector<std::uint8_t>> Seal(std::span<const std::uint8_t> key,
                                       std::span<const std::uint8_t> nonce,
                                       std::span<const std::uint8_t> aad,
                                       std::span<const std::uint8_t> plaintext);

// Returns the plaintext of `ciphertext_with_tag` (as Seal() produced it) if its
// tag authenticates it and `aad` under `key` and `nonce`.
Result<std::vector<std::uint8_t>> Open(
    std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
    std::span<const std::uint8_t> aad,
    std::span<const std::uint8_t> ciphertext_with_tag);

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_XCHACHA20POLY1305_H_
