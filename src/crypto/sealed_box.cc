#include "crypto/sealed_box.h"

#include <sodium.h>

#include <string>

namespace evidex::crypto {

static_assert(kSealedBoxOverhead == crypto_box_SEALBYTES);
static_assert(sizeof(X25519PublicKey) == crypto_box_PUBLICKEYBYTES);
static_assert(SecretKey32::kSize == crypto_box_SECRETKEYBYTES);

namespace {

Status CheckKey(std::string_view what, std::span<const std::uint8_t> key) {
  if (key.size() != 32) {
    return InvalidArgumentError("an x25519 " + std::string(what) +
                                " must be 32 bytes, not " +
                                std::to_string(key.size()));
  }
  return OkStatus();
}

}  // namespace

X25519KeyPair GenerateX25519KeyPair() {
  X25519KeyPair pair;
  crypto_box_keypair(pair.public_key.data(), pair.secret_key.data().data());
  return pair;
}

Result<X25519PublicKey> X25519PublicKeyOf(
    std::span<const std::uint8_t> secret_key) {
  EVIDEX_RETURN_IF_ERROR(CheckKey("private key", secret_key));
  X25519PublicKey public_key;
  crypto_scalarmult_base(public_key.data(), secret_key.data());
  return public_key;
}

Result<std::vector<std::uint8_t>> SealToRecipient(
    std::span<const std::uint8_t> recipient_public_key,
    std::span<const std::uint8_t> message) {
  EVIDEX_RETURN_IF_ERROR(CheckKey("public key", recipient_public_key));
  std::vector<std::uint8_t> box(message.size() + kSealedBoxOverhead);
  if (crypto_box_seal(box.data(), message.data(), message.size(),
                      recipient_public_key.data()) != 0) {
    return Err(InvalidArgumentError(
        "the recipient's x25519 public key is refused (a point of small "
        "order)"));
  }
  return box;
}

Result<std::vector<std::uint8_t>> OpenSealed(
    std::span<const std::uint8_t> public_key,
    std::span<const std::uint8_t> secret_key,
    std::span<const std::uint8_t> box) {
  EVIDEX_RETURN_IF_ERROR(CheckKey("public key", public_key));
  EVIDEX_RETURN_IF_ERROR(CheckKey("private key", secret_key));
  if (box.size() < kSealedBoxOverhead) {
    return Err(InvalidArgumentError(
        "a sealed box holds at least 48 bytes, this one has " +
        std::to_string(box.size())));
  }
  std::vector<std::uint8_t> message(box.size() - kSealedBoxOverhead);
  if (crypto_box_seal_open(message.data(), box.data(), box.size(),
                           public_key.data(), secret_key.data()) != 0) {
    return Err(Status(StatusCode::kUnauthenticated,
                      "the sealed box does not open with this x25519 key"));
  }
  return message;
}

}  // namespace evidex::crypto
