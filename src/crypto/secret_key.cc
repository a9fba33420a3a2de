#include "crypto/secret_key.h"

#include <sodium.h>

#include <cassert>
#include <cstring>

namespace evidex::crypto {

SecretKey32::SecretKey32(std::span<const std::uint8_t> bytes) {
  assert(bytes.size() == kSize);
  std::memcpy(bytes_.data(), bytes.data(), kSize);
}

SecretKey32::SecretKey32(SecretKey32&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), kSize);
}

SecretKey32& SecretKey32::operator=(SecretKey32&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), kSize);
  }
  return *this;
}

SecretKey32::~SecretKey32() { sodium_memzero(bytes_.data(), kSize); }

}  // namespace evidex::crypto
