// SecretKey32: 32 secret bytes (a symmetric key or an X25519 private key) that
// zero themselves.
//
// The bytes are wiped (sodium_memzero, which the compiler may not elide) when
// the object is destroyed and in the moved-from object, and the class cannot
// be copied implicitly, so a key lives in exactly one place. A new SecretKey32
// holds 32 zero bytes until filled through data().
//
// Thread safety: thread-compatible.
#ifndef EVIDEX_CRYPTO_SECRET_KEY_H_
#define EVIDEX_CRYPTO_SECRET_KEY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace evidex::crypto {

class SecretKey32 {
 public:
  static constexpr std::size_t kSize = 32;

  SecretKey32() = default;
  // Copies `bytes`, which must be kSize long (callers check; asserted).
  explicit SecretKey32(std::span<const std::uint8_t> bytes);
  SecretKey32(const SecretKey32&) = delete;
  SecretKey32& operator=(const SecretKey32&) = delete;
  SecretKey32(SecretKey32&& other) noexcept;
  SecretKey32& operator=(SecretKey32&& other) noexcept;
  ~SecretKey32();

  std::span<const std::uint8_t, kSize> bytes() const { return bytes_; }
  std::span<std::uint8_t, kSize> data() { return bytes_; }

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_SECRET_KEY_H_
