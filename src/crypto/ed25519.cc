#include "crypto/ed25519.h"

#include <sodium.h>

#include <string>

namespace evidex::crypto {

static_assert(kEd25519SeedSize == crypto_sign_SEEDBYTES);
static_assert(kEd25519PublicKeySize == crypto_sign_PUBLICKEYBYTES);
static_assert(kEd25519SignatureSize == crypto_sign_BYTES);

Ed25519SecretKey::Ed25519SecretKey(Ed25519SecretKey&& other) noexcept
    : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

Ed25519SecretKey& Ed25519SecretKey::operator=(
    Ed25519SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

Ed25519SecretKey::~Ed25519SecretKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

Ed25519KeyPair GenerateEd25519KeyPair() {
  static_assert(Ed25519SecretKey::kSize == crypto_sign_SECRETKEYBYTES);
  Ed25519KeyPair pair{.public_key = {}, .secret_key = Ed25519SecretKey()};
  crypto_sign_keypair(pair.public_key.data(), pair.secret_key.bytes_.data());
  return pair;
}

Result<Ed25519KeyPair> Ed25519KeyPairFromSeed(
    std::span<const std::uint8_t> seed) {
  if (seed.size() != kEd25519SeedSize) {
    return Err(InvalidArgumentError("an ed25519 seed must be 32 bytes, not " +
                                    std::to_string(seed.size())));
  }
  Ed25519KeyPair pair{.public_key = {}, .secret_key = Ed25519SecretKey()};
  crypto_sign_seed_keypair(pair.public_key.data(),
                           pair.secret_key.bytes_.data(), seed.data());
  return pair;
}

Ed25519Signature Sign(const Ed25519SecretKey& secret_key,
                      std::span<const std::uint8_t> message) {
  Ed25519Signature signature;
  crypto_sign_detached(signature.data(), nullptr, message.data(),
                       message.size(), secret_key.bytes_.data());
  return signature;
}

Status Verify(std::span<const std::uint8_t> public_key,
              std::span<const std::uint8_t> message,
              std::span<const std::uint8_t> signature) {
  if (public_key.size() != kEd25519PublicKeySize) {
    return InvalidArgumentError("an ed25519 public key must be 32 bytes, not " +
                                std::to_string(public_key.size()));
  }
  if (signature.size() != kEd25519SignatureSize) {
    return InvalidArgumentError("an ed25519 signature must be 64 bytes, not " +
                                std::to_string(signature.size()));
  }
  if (crypto_sign_verify_detached(signature.data(), message.data(),
                                  message.size(), public_key.data()) != 0) {
    return Status(StatusCode::kUnauthenticated,
                  "the ed25519 signature does not verify");
  }
  return OkStatus();
}

}  // namespace evidex::crypto
