#include "node/secrets.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace evidex::node {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSecrets().ok()); }
};

TEST_F(SecretsTest, IdsAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId("case");
    ASSERT_EQ(id.size(), 5u + 26u);
    ASSERT_TRUE(id.starts_with("case_"));
    for (char c : id.substr(5)) {
      ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << id;
    }
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST_F(SecretsTest, IdsSortByCreationTime) {
  std::string first = NewId("case");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::string second = NewId("case");
  EXPECT_LT(first, second);
  // Ids of the same millisecond share their first nine characters (45 bits of
  // time) and differ in the random rest.
  std::string a = NewId("case"), b = NewId("case");
  EXPECT_NE(a, b);
  if (a.substr(0, 5 + 9) == b.substr(0, 5 + 9)) {
    EXPECT_NE(a.substr(5 + 9), b.substr(5 + 9));
  }
}

TEST_F(SecretsTest, SecretsAreStoredOnlyAsHashes) {
  Secret a = NewSecret("evx_t_");
  Secret b = NewSecret("evx_t_");
  EXPECT_TRUE(a.value.starts_with("evx_t_"));
  EXPECT_EQ(a.value.size(), 6u + 43u);
  EXPECT_NE(a.value, b.value);
  EXPECT_EQ(a.hash.size(), 64u);
  EXPECT_EQ(HashSecret(a.value), a.hash);
  EXPECT_NE(a.hash.find_first_not_of("0123456789abcdef"), 0u);
  EXPECT_EQ(a.hash.find(a.value), std::string::npos);
  // SHA-256("abc")
  EXPECT_EQ(HashSecret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(SecretsTest, PasswordsUseArgon2id) {
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "x"));
  EXPECT_EQ(HashPassword("short").error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evidex::node
