#include "crypto/secretstream.h"

#include <sodium.h>

#include <cstring>
#include <string>

namespace evidex::crypto {

static_assert(kSecretStreamKeySize ==
              crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(kSecretStreamHeaderSize ==
              crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kSecretStreamOverhead ==
              crypto_secretstream_xchacha20poly1305_ABYTES);
static_assert(kSecretStreamMacSize == crypto_onetimeauth_poly1305_BYTES &&
              kSecretStreamOverhead == 1 + kSecretStreamMacSize);
static_assert(sizeof(internal::SecretStreamState) ==
              sizeof(crypto_secretstream_xchacha20poly1305_state));
static_assert(alignof(crypto_secretstream_xchacha20poly1305_state) == 1);
static_assert(static_cast<unsigned>(SecretStreamTag::kPush) ==
              crypto_secretstream_xchacha20poly1305_TAG_PUSH);
static_assert(static_cast<unsigned>(SecretStreamTag::kRekey) ==
              crypto_secretstream_xchacha20poly1305_TAG_REKEY);
static_assert(static_cast<unsigned>(SecretStreamTag::kFinal) ==
              crypto_secretstream_xchacha20poly1305_TAG_FINAL);

namespace {

// The libsodium state lives in the byte array; every member of the libsodium
// struct is an unsigned char array, so the array is a valid home for it.
crypto_secretstream_xchacha20poly1305_state* Native(
    internal::SecretStreamState& state) {
  return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(
      state.bytes.data());
}

Status CheckKey(std::span<const std::uint8_t> key) {
  if (key.size() != kSecretStreamKeySize) {
    return InvalidArgumentError("a secretstream key must be 32 bytes, not " +
                                std::to_string(key.size()));
  }
  return OkStatus();
}

}  // namespace

SecretKey32 GenerateSecretStreamKey() {
  SecretKey32 key;
  crypto_secretstream_xchacha20poly1305_keygen(key.data().data());
  return key;
}

Result<SecretStreamPush> SecretStreamPush::Start(
    std::span<const std::uint8_t> key, SecretStreamHeader& header) {
  EVIDEX_RETURN_IF_ERROR(CheckKey(key));
  SecretStreamPush push;
  crypto_secretstream_xchacha20poly1305_init_push(Native(push.state_),
                                                  header.data(), key.data());
  return push;
}

SecretStreamPush::SecretStreamPush(SecretStreamPush&& other) noexcept
    : state_(other.state_) {
  sodium_memzero(other.state_.bytes.data(), other.state_.bytes.size());
}

SecretStreamPush::~SecretStreamPush() {
  sodium_memzero(state_.bytes.data(), state_.bytes.size());
}

Status SecretStreamPush::Push(std::span<const std::uint8_t> plaintext,
                              std::span<const std::uint8_t> ad,
                              SecretStreamTag tag,
                              std::span<std::uint8_t> out) {
  if (out.size() != plaintext.size() + kSecretStreamOverhead) {
    return InvalidArgumentError(
        "a secretstream message of " + std::to_string(plaintext.size()) +
        " bytes needs an output of " +
        std::to_string(plaintext.size() + kSecretStreamOverhead) +
        " bytes, not " + std::to_string(out.size()));
  }
  crypto_secretstream_xchacha20poly1305_push(
      Native(state_), out.data(), nullptr, plaintext.data(), plaintext.size(),
      ad.data(), ad.size(), static_cast<unsigned char>(tag));
  return OkStatus();
}

Result<SecretStreamPull> SecretStreamPull::Start(
    std::span<const std::uint8_t> key, std::span<const std::uint8_t> header) {
  EVIDEX_RETURN_IF_ERROR(CheckKey(key));
  if (header.size() != kSecretStreamHeaderSize) {
    return Err(
        InvalidArgumentError("a secretstream header must be 24 bytes, not " +
                             std::to_string(header.size())));
  }
  SecretStreamPull pull;
  // init_pull fails only for a header of the wrong size, checked above.
  crypto_secretstream_xchacha20poly1305_init_pull(Native(pull.state_),
                                                  header.data(), key.data());
  return pull;
}

SecretStreamPull::SecretStreamPull(SecretStreamPull&& other) noexcept
    : state_(other.state_) {
  sodium_memzero(other.state_.bytes.data(), other.state_.bytes.size());
}

SecretStreamPull::~SecretStreamPull() {
  sodium_memzero(state_.bytes.data(), state_.bytes.size());
}

Result<SecretStreamTag> SecretStreamPull::Pull(
    std::span<const std::uint8_t> message, std::span<const std::uint8_t> ad,
    std::span<std::uint8_t> out) {
  if (message.size() < kSecretStreamOverhead) {
    return Err(InvalidArgumentError(
        "a secretstream message holds at least 17 bytes, this one has " +
        std::to_string(message.size())));
  }
  if (out.size() != message.size() - kSecretStreamOverhead) {
    return Err(InvalidArgumentError(
        "a secretstream message of " + std::to_string(message.size()) +
        " bytes needs an output of " +
        std::to_string(message.size() - kSecretStreamOverhead) +
        " bytes, not " + std::to_string(out.size())));
  }
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          Native(state_), out.data(), nullptr, &tag, message.data(),
          message.size(), ad.data(), ad.size()) != 0) {
    return Err(Status(StatusCode::kUnauthenticated,
                      "the secretstream message does not authenticate at "
                      "this position of this stream"));
  }
  return static_cast<SecretStreamTag>(tag);
}

}  // namespace evidex::crypto
