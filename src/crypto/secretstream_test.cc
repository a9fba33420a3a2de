#include "crypto/secretstream.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <vector>

#include "crypto/sodium.h"

namespace evidex::crypto {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Sealed {
  SecretStreamHeader header;
  std::vector<Bytes> messages;
};

Sealed PushAll(const SecretKey32& key, const std::vector<Bytes>& plaintexts,
               const Bytes& ad) {
  Sealed sealed;
  auto push = SecretStreamPush::Start(key.bytes(), sealed.header);
  EXPECT_TRUE(push.has_value());
  for (std::size_t i = 0; i < plaintexts.size(); ++i) {
    Bytes out(plaintexts[i].size() + kSecretStreamOverhead);
    SecretStreamTag tag = i + 1 == plaintexts.size()
                              ? SecretStreamTag::kFinal
                              : SecretStreamTag::kMessage;
    EXPECT_TRUE(push->Push(plaintexts[i], ad, tag, out).ok());
    sealed.messages.push_back(std::move(out));
  }
  return sealed;
}

// Pulls `messages` in order; returns the index of the first that fails, or
// messages.size() when all pull, with the plaintexts in `out`.
std::size_t PullAll(const SecretKey32& key, const Sealed& sealed,
                    const std::vector<Bytes>& messages, const Bytes& ad,
                    std::vector<Bytes>& out) {
  auto pull = SecretStreamPull::Start(key.bytes(), sealed.header);
  EXPECT_TRUE(pull.has_value());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    Bytes plaintext(messages[i].size() - kSecretStreamOverhead);
    auto tag = pull->Pull(messages[i], ad, plaintext);
    if (!tag.has_value()) {
      EXPECT_EQ(tag.error().code(), StatusCode::kUnauthenticated);
      return i;
    }
    out.push_back(std::move(plaintext));
  }
  return messages.size();
}

TEST(SecretStreamTest, RoundTripKeepsTags) {
  ASSERT_TRUE(InitSodium().ok());
  SecretKey32 key = GenerateSecretStreamKey();
  SecretStreamHeader header;
  auto push = SecretStreamPush::Start(key.bytes(), header);
  ASSERT_TRUE(push.has_value());
  const Bytes a = {1, 2, 3}, b = {};
  Bytes ca(a.size() + kSecretStreamOverhead), cb(kSecretStreamOverhead);
  ASSERT_TRUE(push->Push(a, {}, SecretStreamTag::kPush, ca).ok());
  ASSERT_TRUE(push->Push(b, Bytes{9}, SecretStreamTag::kFinal, cb).ok());
  auto pull = SecretStreamPull::Start(key.bytes(), header);
  ASSERT_TRUE(pull.has_value());
  Bytes pa(3), pb;
  auto ta = pull->Pull(ca, {}, pa);
  ASSERT_TRUE(ta.has_value());
  EXPECT_EQ(*ta, SecretStreamTag::kPush);
  EXPECT_EQ(pa, a);
  auto tb = pull->Pull(cb, Bytes{9}, pb);
  ASSERT_TRUE(tb.has_value());
  EXPECT_EQ(*tb, SecretStreamTag::kFinal);
}

TEST(SecretStreamTest, ReorderedDuplicatedAndDroppedMessagesFail) {
  ASSERT_TRUE(InitSodium().ok());
  SecretKey32 key = GenerateSecretStreamKey();
  const std::vector<Bytes> plaintexts = {{1}, {2}, {3}};
  Sealed sealed = PushAll(key, plaintexts, {});
  std::vector<Bytes> out;
  EXPECT_EQ(PullAll(key, sealed, sealed.messages, {}, out), 3u);
  EXPECT_EQ(out, plaintexts);
  const auto& m = sealed.messages;
  out.clear();
  EXPECT_EQ(PullAll(key, sealed, {m[1], m[0], m[2]}, {}, out), 0u);
  out.clear();
  EXPECT_EQ(PullAll(key, sealed, {m[0], m[0], m[1]}, {}, out), 1u);
  out.clear();
  EXPECT_EQ(PullAll(key, sealed, {m[0], m[2]}, {}, out), 1u);
}

TEST(SecretStreamTest, WrongKeyOrAdFails) {
  ASSERT_TRUE(InitSodium().ok());
  SecretKey32 key = GenerateSecretStreamKey();
  SecretKey32 other = GenerateSecretStreamKey();
  Sealed sealed = PushAll(key, {{5, 6}}, {1});
  std::vector<Bytes> out;
  EXPECT_EQ(PullAll(other, sealed, sealed.messages, {1}, out), 0u);
  EXPECT_EQ(PullAll(key, sealed, sealed.messages, {2}, out), 0u);
}

TEST(SecretStreamTest, WrongSizesAreInvalidArgument) {
  ASSERT_TRUE(InitSodium().ok());
  SecretStreamHeader header;
  EXPECT_EQ(SecretStreamPush::Start(Bytes(31), header).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SecretStreamPull::Start(Bytes(32), Bytes(23)).error().code(),
            StatusCode::kInvalidArgument);
  SecretKey32 key = GenerateSecretStreamKey();
  auto push = SecretStreamPush::Start(key.bytes(), header);
  ASSERT_TRUE(push.has_value());
  Bytes small(kSecretStreamOverhead);
  EXPECT_EQ(push->Push(Bytes{1}, {}, SecretStreamTag::kMessage, small).code(),
            StatusCode::kInvalidArgument);
  auto pull = SecretStreamPull::Start(key.bytes(), header);
  ASSERT_TRUE(pull.has_value());
  Bytes out;
  EXPECT_EQ(pull->Pull(Bytes(16), {}, out).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(pull->Pull(Bytes(20), {}, out).error().code(),
            StatusCode::kInvalidArgument);
}

RC_GTEST_PROP(SecretStreamProperty, AnyFlippedBitFails,
              (const Bytes& plaintext, const Bytes& ad)) {
  RC_ASSERT(InitSodium().ok());
  SecretKey32 key = GenerateSecretStreamKey();
  Sealed sealed = PushAll(key, {plaintext}, ad);
  Bytes message = sealed.messages[0];
  const std::size_t bit = *rc::gen::inRange<std::size_t>(0, message.size() * 8);
  message[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  std::vector<Bytes> out;
  RC_ASSERT(PullAll(key, sealed, {message}, ad, out) == 0u);
  // Flipping a bit of the header fails too.
  Sealed bad_header = sealed;
  const std::size_t hbit = *rc::gen::inRange<std::size_t>(0, 24 * 8);
  bad_header.header[hbit / 8] ^= static_cast<std::uint8_t>(1u << (hbit % 8));
  RC_ASSERT(PullAll(key, bad_header, sealed.messages, ad, out) == 0u);
}

}  // namespace
}  // namespace evidex::crypto
