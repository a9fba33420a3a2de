#include "crypto/x25519.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "crypto/sodium.h"

namespace evidex::crypto {
namespace {

// The u-coordinate of the base point (RFC 7748 section 4.1).
constexpr std::array<std::uint8_t, kX25519KeySize> kBasePoint = {9};

StatusCode CodeOf(const Result<std::array<std::uint8_t, kX25519KeySize>>& r) {
  return r.has_value() ? StatusCode::kOk : r.error().code();
}

TEST(X25519Test, WrongSizesAreInvalidArgument) {
  ASSERT_TRUE(InitSodium().ok());
  const std::vector<std::uint8_t> key(32, 1);
  EXPECT_EQ(CodeOf(X25519(std::vector<std::uint8_t>(31), kBasePoint)),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(X25519(key, std::vector<std::uint8_t>(33))),
            StatusCode::kInvalidArgument);
}

TEST(X25519Test, SmallOrderPublicKeyIsInvalidArgument) {
  ASSERT_TRUE(InitSodium().ok());
  const std::vector<std::uint8_t> key(32, 1);
  // u = 0 (order 2) and u = 1 (order 4) give an all-zero secret.
  EXPECT_EQ(CodeOf(X25519(key, std::array<std::uint8_t, 32>{})),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(X25519(key, std::array<std::uint8_t, 32>{1})),
            StatusCode::kInvalidArgument);
}

RC_GTEST_PROP(X25519Property, BothSidesDeriveTheSameSecret, ()) {
  RC_ASSERT(InitSodium().ok());
  const auto gen_key = rc::gen::container<std::vector<std::uint8_t>>(
      kX25519KeySize, rc::gen::arbitrary<std::uint8_t>());
  const std::vector<std::uint8_t> a = *gen_key;
  const std::vector<std::uint8_t> b = *gen_key;
  const auto a_pub = X25519(a, kBasePoint);
  const auto b_pub = X25519(b, kBasePoint);
  RC_ASSERT(a_pub.has_value());
  RC_ASSERT(b_pub.has_value());
  const auto ab = X25519(a, *b_pub);
  const auto ba = X25519(b, *a_pub);
  RC_ASSERT(ab.has_value());
  RC_ASSERT(ba.has_value());
  RC_ASSERT(*ab == *ba);
}

// A new organisation's encryption key: 32 random bytes as private key, its
// product with the base point as public key; two draws never coincide.
TEST(X25519Test, RandomPrivateKeysGiveDistinctPublicKeys) {
  ASSERT_TRUE(InitSodium().ok());
  std::array<std::uint8_t, kX25519KeySize> a{}, b{};
  RandomBytes(a);
  RandomBytes(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<std::uint8_t, kX25519KeySize>{}));
  auto a_pub = X25519(a, kBasePoint);
  auto b_pub = X25519(b, kBasePoint);
  ASSERT_TRUE(a_pub.has_value());
  ASSERT_TRUE(b_pub.has_value());
  EXPECT_NE(*a_pub, *b_pub);
}

}  // namespace
}  // namespace evidex::crypto
