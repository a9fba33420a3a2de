// X25519 Diffie-Hellman (RFC 7748 section 5) over libsodium.
//
// X25519(private_key, public_key) is the shared secret: the clamped private
// scalar times the u-coordinate `public_key`. As RFC 7748 asks, the top bit of
// `public_key` is ignored and non-canonical u-coordinates (>= 2^255 - 19) are
// reduced; points on the twist are accepted.
//
// Contract on low-order points: like libsodium, X25519() fails instead of
// returning an all-zero shared secret (the check of RFC 7748 section 6.1).
// That happens exactly when `public_key` is a point of small order (order 1,
// 2, 4 or 8, in any encoding); such a key would let the peer force a known
// secret. Failures are all kInvalidArgument: a private or public key that is
// not 32 bytes, or a small-order public key.
//
// InitSodium() (crypto/sodium.h) must have succeeded first. Thread safety:
// X25519() may be called from any number of threads at once.
#ifndef EVIDEX_CRYPTO_X25519_H_
#define EVIDEX_CRYPTO_X25519_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/status.h"

namespace evidex::crypto {

inline constexpr std::size_t kX25519KeySize = 32;

// Returns the shared secret of `private_key` and the peer's `public_key`, both
// 32 bytes; kInvalidArgument as the header comment says.
Result<std::array<std::uint8_t, kX25519KeySize>> X25519(
    std::span<const std::uint8_t> private_key,
    std::span<const std::uint8_t> public_key);

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_X25519_H_
