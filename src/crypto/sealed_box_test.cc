#include "crypto/sealed_box.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <vector>

#include "crypto/sodium.h"

namespace evidex::crypto {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(SealedBoxTest, OpensOnlyForTheRecipient) {
  ASSERT_TRUE(InitSodium().ok());
  X25519KeyPair recipient = GenerateX25519KeyPair();
  X25519KeyPair other = GenerateX25519KeyPair();
  const Bytes message = {1, 2, 3, 4};
  auto box = SealToRecipient(recipient.public_key, message);
  ASSERT_TRUE(box.has_value());
  EXPECT_EQ(box->size(), message.size() + kSealedBoxOverhead);
  auto opened =
      OpenSealed(recipient.public_key, recipient.secret_key.bytes(), *box);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, message);
  auto wrong = OpenSealed(other.public_key, other.secret_key.bytes(), *box);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), StatusCode::kUnauthenticated);
}

TEST(SealedBoxTest, PublicKeyOfSecretKeyMatchesThePair) {
  ASSERT_TRUE(InitSodium().ok());
  X25519KeyPair pair = GenerateX25519KeyPair();
  auto public_key = X25519PublicKeyOf(pair.secret_key.bytes());
  ASSERT_TRUE(public_key.has_value());
  EXPECT_EQ(*public_key, pair.public_key);
  EXPECT_EQ(X25519PublicKeyOf(Bytes(31)).error().code(),
            StatusCode::kInvalidArgument);
}

TEST(SealedBoxTest, MalformedInputsAreInvalidArgument) {
  ASSERT_TRUE(InitSodium().ok());
  X25519KeyPair pair = GenerateX25519KeyPair();
  EXPECT_EQ(SealToRecipient(Bytes(33), Bytes{1}).error().code(),
            StatusCode::kInvalidArgument);
  // The all-zero key is of small order.
  EXPECT_EQ(SealToRecipient(Bytes(32), Bytes{1}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSealed(pair.public_key, pair.secret_key.bytes(), Bytes(47))
                .error()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSealed(Bytes(32), Bytes(3), Bytes(48)).error().code(),
            StatusCode::kInvalidArgument);
}

RC_GTEST_PROP(SealedBoxProperty, AnyFlippedBitFails, (const Bytes& message)) {
  RC_ASSERT(InitSodium().ok());
  X25519KeyPair pair = GenerateX25519KeyPair();
  auto box = SealToRecipient(pair.public_key, message);
  RC_ASSERT(box.has_value());
  Bytes bad = *box;
  const std::size_t bit = *rc::gen::inRange<std::size_t>(0, bad.size() * 8);
  bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  auto opened = OpenSealed(pair.public_key, pair.secret_key.bytes(), bad);
  RC_ASSERT(!opened.has_value());
  RC_ASSERT(opened.error().code() == StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace evidex::crypto
