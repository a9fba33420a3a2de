#include "evidence/keys.h"

#include <gtest/gtest.h>

#include "crypto/sodium.h"

namespace evidex::evidence {
namespace {

TEST(KeysTest, GeneratedKeysRoundTripWithAndWithoutSecrets) {
  ASSERT_TRUE(crypto::InitSodium().ok());
  KeyFile file;
  for (KeyUse use : {KeyUse::kSign, KeyUse::kEncrypt, KeyUse::kLog}) {
    auto key = GenerateKey("org.example", use);
    ASSERT_TRUE(key.has_value());
    file.keys.push_back(std::move(*key));
  }
  auto secret_text = SerializeKeyFile(file, true);
  ASSERT_TRUE(secret_text.has_value());
  auto secret = ParseKeyFile(*secret_text);
  ASSERT_TRUE(secret.has_value()) << secret.error().message();
  ASSERT_EQ(secret->keys.size(), 3u);
  EXPECT_TRUE(secret->keys[1].secret_key.has_value());
  EXPECT_EQ(secret->keys[1].public_key, file.keys[1].public_key);
  auto public_text = SerializeKeyFile(file, false);
  EXPECT_EQ(public_text->find("secret_key"), std::string::npos);
  auto pub = ParseKeyFile(*public_text);
  ASSERT_TRUE(pub.has_value());
  EXPECT_FALSE(pub->keys[0].secret_key.has_value());
  EXPECT_TRUE(FindKey(*pub, KeyUse::kLog, false).has_value());
  auto missing = FindKey(*pub, KeyUse::kSign, true);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
}

TEST(KeysTest, RefusesMismatchedAndMalformedKeys) {
  ASSERT_TRUE(crypto::InitSodium().ok());
  KeyFile a, b;
  a.keys.push_back(*GenerateKey("a", KeyUse::kSign));
  b.keys.push_back(*GenerateKey("a", KeyUse::kSign));
  // a's secret with b's public key.
  std::string text = *SerializeKeyFile(a, true);
  std::string other = *SerializeKeyFile(b, false);
  const auto pk = [](const std::string& t) {
    auto at = t.find("\"public_key\":\"") + 14;
    return t.substr(at, t.find('"', at) - at);
  };
  text.replace(text.find(pk(text)), pk(text).size(), pk(other));
  auto r = ParseKeyFile(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(),
            "key file: `keys[0].secret_key` does not match `public_key`");
  auto expect = [](std::string_view t, std::string_view message) {
    auto parsed = ParseKeyFile(t);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message().find(message), std::string::npos)
        << parsed.error().message();
  };
  expect("{}", "exactly `format` and `keys`");
  expect(R"({"format":"x","keys":[]})", "`format` must be");
  expect(R"({"format":"evidex-keys/1","keys":[]})", "1 to 1000 keys");
  expect(R"({"format":"evidex-keys/1","keys":[{"name":"a","use":"sign",)"
         R"("algorithm":"x25519","public_key":""}]})",
         "`keys[0].algorithm` must be `ed25519`");
  expect(R"({"format":"evidex-keys/1","keys":[{"name":"a","use":"sign",)"
         R"("algorithm":"ed25519","public_key":"AAAA"}]})",
         "`keys[0].public_key` must be 32 bytes");
  expect(R"({"format":"evidex-keys/1","keys":[{"name":"a b"}]})",
         "`keys[0].name`");
  expect(R"({"format":"evidex-keys/1","keys":[{"x":1}]})",
         "`keys[0].x` is not a key file field");
  EXPECT_FALSE(GenerateKey("", KeyUse::kSign).has_value());
}

}  // namespace
}  // namespace evidex::evidence
