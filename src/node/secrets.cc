#include "node/secrets.h"

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <span>

#include "crypto/encoding.h"
#include "crypto/sha256.h"

namespace evidex::node {

Status InitSecrets() {
  if (sodium_init() < 0) return InternalError("libsodium cannot initialise");
  return OkStatus();
}

std::string NewId(std::string_view prefix) {
  // The 32 characters in ASCII order, so that ids sort as their bits do.
  static constexpr char kAlphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  static constexpr int kTimeBits = 45;
  // 130 bits, most significant first: the time in milliseconds (45 bits last
  // until the year 3084), then 85 random bits; one byte more for the loop
  // below.
  unsigned char bytes[17];
  randombytes_buf(bytes, sizeof bytes);
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  for (int i = 0; i < kTimeBits; ++i) {
    const unsigned char mask = 0x80 >> (i % 8);
    if (ms >> (kTimeBits - 1 - i) & 1) {
      bytes[i / 8] |= mask;
    } else {
      bytes[i / 8] &= ~mask;
    }
  }
  std::string id(prefix);
  id.push_back('_');
  for (int i = 0; i < 26; ++i) {
    int bit = i * 5;
    int byte = bit / 8, shift = bit % 8;
    unsigned v = (static_cast<unsigned>(bytes[byte]) << 8 | bytes[byte + 1]) >>
                 (11 - shift);
    id.push_back(kAlphabet[v & 31]);
  }
  return id;
}

Secret NewSecret(std::string_view prefix) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char b64[sodium_base64_ENCODED_LEN(32,
                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  Secret s;
  s.value = std::string(prefix) + b64;
  s.hash = HashSecret(s.value);
  return s;
}

std::string HashSecret(std::string_view value) {
  auto digest = crypto::Sha256(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  return crypto::HexEncode(digest);
}

Result<std::string> HashPassword(std::string_view password) {
  if (password.size() < 12) {
    return Err(InvalidArgumentError("a password has at least 12 characters"));
  }
  if (password.size() > 1024) {
    return Err(InvalidArgumentError("a password has at most 1024 characters"));
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Err(
        ResourceExhaustedError("not enough memory to hash the password"));
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(),
                                  password.size()) == 0;
}

}  // namespace evidex::node
