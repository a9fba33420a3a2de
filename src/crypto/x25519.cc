#include "crypto/x25519.h"

#include <sodium.h>

#include <string>

namespace evidex::crypto {

static_assert(kX25519KeySize == crypto_scalarmult_BYTES);
static_assert(kX25519KeySize == crypto_scalarmult_SCALARBYTES);

Result<std::array<std::uint8_t, kX25519KeySize>> X25519(
    std::span<const std::uint8_t> private_key,
    std::span<const std::uint8_t> public_key) {
  if (private_key.size() != kX25519KeySize) {
    return Err(
        InvalidArgumentError("an x25519 private key must be 32 bytes, not " +
                             std::to_string(private_key.size())));
  }
  if (public_key.size() != kX25519KeySize) {
    return Err(
        InvalidArgumentError("an x25519 public key must be 32 bytes, not " +
                             std::to_string(public_key.size())));
  }
  std::array<std::uint8_t, kX25519KeySize> shared;
  if (crypto_scalarmult(shared.data(), private_key.data(), public_key.data()) !=
      0) {
    return Err(InvalidArgumentError(
        "the x25519 public key is a point of small order"));
  }
  return shared;
}

}  // namespace evidex::crypto
