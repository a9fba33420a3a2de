#include "crypto/xchacha20poly1305.h"

#include <sodium.h>

#include <string>

namespace evidex::crypto {

static_assert(kXChaCha20Poly1305KeySize ==
              crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kXChaCha20Poly1305NonceSize ==
              crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kXChaCha20Poly1305TagSize ==
              crypto_aead_xchacha20poly1305_ietf_ABYTES);

namespace {

Status CheckKeyAndNonce(std::span<const std::uint8_t> key,
                        std::span<const std::uint8_t> nonce) {
  if (key.size() != kXChaCha20Poly1305KeySize) {
    return InvalidArgumentError(
        "an xchacha20-poly1305 key must be 32 bytes, not " +
        std::to_string(key.size()));
  }
  if (nonce.size() != kXChaCha20Poly1305NonceSize) {
    return InvalidArgumentError(
        "an xchacha20-poly1305 nonce must be 24 bytes, not " +
        std::to_string(nonce.size()));
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<std::uint8_t>> Seal(
    std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
    std::span<const std::uint8_t> aad,
    std::span<const std::uint8_t> plaintext) {
  EVIDEX_RETURN_IF_ERROR(CheckKeyAndNonce(key, nonce));
  std::vector<std::uint8_t> out(plaintext.size() + kXChaCha20Poly1305TagSize);
  unsigned long long out_size = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data(), &out_size, plaintext.data(), plaintext.size(), aad.data(),
      aad.size(), nullptr, nonce.data(), key.data());
  return out;
}

Result<std::vector<std::uint8_t>> Open(
    std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
    std::span<const std::uint8_t> aad,
    std::span<const std::uint8_t> ciphertext_with_tag) {
  EVIDEX_RETURN_IF_ERROR(CheckKeyAndNonce(key, nonce));
  if (ciphertext_with_tag.size() < kXChaCha20Poly1305TagSize) {
    return Err(InvalidArgumentError(
        "an xchacha20-poly1305 ciphertext must hold a 16-byte tag, it has " +
        std::to_string(ciphertext_with_tag.size()) + " bytes"));
  }
  std::vector<std::uint8_t> plaintext(ciphertext_with_tag.size() -
                                      kXChaCha20Poly1305TagSize);
  unsigned long long plaintext_size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plaintext.data(), &plaintext_size, nullptr,
          ciphertext_with_tag.data(), ciphertext_with_tag.size(), aad.data(),
          aad.size(), nonce.data(), key.data()) != 0) {
    return Err(Status(StatusCode::kUnauthenticated,
                      "the xchacha20-poly1305 tag does not match"));
  }
  return plaintext;
}

}  // namespace evidex::crypto
