#include "crypto/ed25519.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/sodium.h"

namespace evidex::crypto {
namespace {

std::vector<std::uint8_t> Hex(std::string_view hex) {
  return HexDecode(hex).value();
}

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
TEST(Ed25519Test, Rfc8032Vectors) {
  ASSERT_TRUE(InitSodium().ok());
  auto pair = Ed25519KeyPairFromSeed(
      Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(pair.has_value());
  EXPECT_EQ(HexEncode(pair->public_key),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const Ed25519Signature sig = Sign(pair->secret_key, {});
  EXPECT_EQ(HexEncode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(Verify(pair->public_key, {}, sig).ok());

  auto pair2 = Ed25519KeyPairFromSeed(
      Hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  ASSERT_TRUE(pair2.has_value());
  EXPECT_EQ(HexEncode(pair2->public_key),
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  EXPECT_EQ(HexEncode(Sign(pair2->secret_key, Hex("72"))),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
}

TEST(Ed25519Test, WrongSizesAreInvalidArgument) {
  ASSERT_TRUE(InitSodium().ok());
  const auto short_seed = Ed25519KeyPairFromSeed(std::vector<std::uint8_t>(31));
  ASSERT_FALSE(short_seed.has_value());
  EXPECT_EQ(short_seed.error().code(), StatusCode::kInvalidArgument);
  const Ed25519KeyPair pair = GenerateEd25519KeyPair();
  const Ed25519Signature sig = Sign(pair.secret_key, Hex("00"));
  EXPECT_EQ(Verify(std::vector<std::uint8_t>(33), Hex("00"), sig).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Verify(pair.public_key, Hex("00"), std::span(sig).first(63)).code(),
            StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, WrongKeyIsUnauthenticated) {
  ASSERT_TRUE(InitSodium().ok());
  const Ed25519KeyPair a = GenerateEd25519KeyPair();
  const Ed25519KeyPair b = GenerateEd25519KeyPair();
  EXPECT_NE(a.public_key, b.public_key);
  const Ed25519Signature sig = Sign(a.secret_key, Hex("abcd"));
  EXPECT_TRUE(Verify(a.public_key, Hex("abcd"), sig).ok());
  EXPECT_EQ(Verify(b.public_key, Hex("abcd"), sig).code(),
            StatusCode::kUnauthenticated);
}

TEST(Ed25519Test, MovedSecretKeyStillSigns) {
  ASSERT_TRUE(InitSodium().ok());
  Ed25519KeyPair pair = GenerateEd25519KeyPair();
  const Ed25519Signature before = Sign(pair.secret_key, Hex("01"));
  Ed25519SecretKey moved = std::move(pair.secret_key);
  EXPECT_EQ(Sign(moved, Hex("01")), before);
}

RC_GTEST_PROP(Ed25519Property, SignVerifyRoundTripsAndAnyFlippedBitFails,
              (const std::vector<std::uint8_t>& message)) {
  RC_ASSERT(InitSodium().ok());
  const auto seed = *rc::gen::container<std::vector<std::uint8_t>>(
      kEd25519SeedSize, rc::gen::arbitrary<std::uint8_t>());
  auto pair = Ed25519KeyPairFromSeed(seed);
  RC_ASSERT(pair.has_value());
  const Ed25519Signature sig = Sign(pair->secret_key, message);
  RC_ASSERT(Verify(pair->public_key, message, sig).ok());

  const std::size_t sig_bit =
      *rc::gen::inRange<std::size_t>(0, kEd25519SignatureSize * 8);
  Ed25519Signature bad_sig = sig;
  bad_sig[sig_bit / 8] ^= static_cast<std::uint8_t>(1u << (sig_bit % 8));
  RC_ASSERT(Verify(pair->public_key, message, bad_sig).code() ==
            StatusCode::kUnauthenticated);

  if (!message.empty()) {
    const std::size_t msg_bit =
        *rc::gen::inRange<std::size_t>(0, message.size() * 8);
    std::vector<std::uint8_t> bad_message = message;
    bad_message[msg_bit / 8] ^= static_cast<std::uint8_t>(1u << (msg_bit % 8));
    RC_ASSERT(Verify(pair->public_key, bad_message, sig).code() ==
              StatusCode::kUnauthenticated);
  }
}

}  // namespace
}  // namespace evidex::crypto
