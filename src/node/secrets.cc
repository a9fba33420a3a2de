#include "node/secrets.h"

#include <sodium.h>

#include <span>

#include "crypto/encoding.h"
#include "crypto/sha256.h"

namespace evidex::node {

Status InitSecrets() {
  if (sodium_init() < 0) return InternalError("libsodium cannot initialise");
  return OkStatus();
}

std::string NewId(std::string_view prefix) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char bytes[17] = {};
  randombytes_buf(bytes, 16);
  std::string id(prefix);
  id.push_back('_');
  // 26 groups of 5 bits cover the 128 bits (the last group is padded with zero
  // bits).
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
