#include "crypto/xchacha20poly1305.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <vector>

#include "crypto/sodium.h"

namespace evidex::crypto {
namespace {

using Bytes = std::vector<std::uint8_t>;

StatusCode CodeOf(const Result<Bytes>& r) {
  return r.has_value() ? StatusCode::kOk : r.error().code();
}

TEST(XChaCha20Poly1305Test, SealOpenRoundTrip) {
  ASSERT_TRUE(InitSodium().ok());
  const Bytes key(32, 7), nonce(24, 9), aad = {1, 2}, plaintext = {3, 4, 5};
  auto sealed = Seal(key, nonce, aad, plaintext);
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->size(), plaintext.size() + kXChaCha20Poly1305TagSize);
  auto opened = Open(key, nonce, aad, *sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, plaintext);
}

TEST(XChaCha20Poly1305Test, WrongSizesAreInvalidArgument) {
  ASSERT_TRUE(InitSodium().ok());
  const Bytes key(32), nonce(24);
  EXPECT_EQ(CodeOf(Seal(Bytes(31), nonce, {}, {})),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Seal(key, Bytes(12), {}, {})), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Open(Bytes(33), nonce, {}, Bytes(16))),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Open(key, Bytes(25), {}, Bytes(16))),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Open(key, nonce, {}, Bytes(15))),
            StatusCode::kInvalidArgument);
}

void FlipBit(Bytes& bytes, std::size_t bit) {
  bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
}

RC_GTEST_PROP(XChaCha20Poly1305Property,
              SealOpenRoundTripsAndAnyFlippedBitFails,
              (const Bytes& aad, const Bytes& plaintext)) {
  RC_ASSERT(InitSodium().ok());
  const Bytes key = *rc::gen::container<Bytes>(
      kXChaCha20Poly1305KeySize, rc::gen::arbitrary<std::uint8_t>());
  const Bytes nonce = *rc::gen::container<Bytes>(
      kXChaCha20Poly1305NonceSize, rc::gen::arbitrary<std::uint8_t>());
  const auto sealed = Seal(key, nonce, aad, plaintext);
  RC_ASSERT(sealed.has_value());
  const auto opened = Open(key, nonce, aad, *sealed);
  RC_ASSERT(opened.has_value());
  RC_ASSERT(*opened == plaintext);

  // Any bit of the ciphertext or the tag.
  Bytes bad_sealed = *sealed;
  FlipBit(bad_sealed, *rc::gen::inRange<std::size_t>(0, sealed->size() * 8));
  RC_ASSERT(CodeOf(Open(key, nonce, aad, bad_sealed)) ==
            StatusCode::kUnauthenticated);

  Bytes bad_nonce = nonce;
  FlipBit(bad_nonce, *rc::gen::inRange<std::size_t>(0, nonce.size() * 8));
  RC_ASSERT(CodeOf(Open(key, bad_nonce, aad, *sealed)) ==
            StatusCode::kUnauthenticated);

  if (!aad.empty()) {
    Bytes bad_aad = aad;
    FlipBit(bad_aad, *rc::gen::inRange<std::size_t>(0, aad.size() * 8));
    RC_ASSERT(CodeOf(Open(key, nonce, bad_aad, *sealed)) ==
              StatusCode::kUnauthenticated);
  }
}

}  // namespace
}  // namespace evidex::crypto
