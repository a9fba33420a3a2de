#include "node/master_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "node/node_testing.h"
#include "node/secrets.h"

namespace evidex::node {
namespace {

namespace fs = std::filesystem;

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets().ok());
    dir_ = FreshTestDir("evidex_master_key");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

std::vector<std::uint8_t> Bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST_F(MasterKeyTest, CreatesAPrivateKeyFileAndReloadsTheSameKey) {
  Result<MasterKey> first = MasterKey::LoadOrCreate(dir_);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);

  std::string sealed = first->Seal(Bytes("org secret"), "org-signing-key:k1");
  Result<MasterKey> again = MasterKey::LoadOrCreate(dir_);
  ASSERT_TRUE(again.has_value());
  Result<std::vector<std::uint8_t>> opened =
      again->Open(sealed, "org-signing-key:k1");
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(*opened, Bytes("org secret"));
}

TEST_F(MasterKeyTest, SealsWithAFreshNonceEachTime) {
  MasterKey key = MasterKey::LoadOrCreate(dir_).value();
  std::string a = key.Seal(Bytes("same"), "p");
  std::string b = key.Seal(Bytes("same"), "p");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 1 + 24 + 4 + 16u);
  EXPECT_EQ(a[0], '\x01');
}

TEST_F(MasterKeyTest, RefusesAnotherPurposeAnAlterationAndAnotherKey) {
  MasterKey key = MasterKey::LoadOrCreate(dir_).value();
  std::string sealed = key.Seal(Bytes("secret"), "org-signing-key:k1");

  EXPECT_EQ(key.Open(sealed, "org-signing-key:k2").error().code(),
            StatusCode::kUnauthenticated);
  for (std::size_t i = 1; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] ^= 0x01;
    EXPECT_EQ(key.Open(altered, "org-signing-key:k1").error().code(),
              StatusCode::kUnauthenticated)
        << "byte " << i;
  }
  std::string other_version = sealed;
  other_version[0] = '\x02';
  EXPECT_EQ(key.Open(other_version, "org-signing-key:k1").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(key.Open(sealed.substr(0, 40), "org-signing-key:k1").error().code(),
            StatusCode::kInvalidArgument);

  fs::path other_dir = dir_ / "other";
  fs::create_directories(other_dir);
  MasterKey other = MasterKey::LoadOrCreate(other_dir).value();
  EXPECT_EQ(other.Open(sealed, "org-signing-key:k1").error().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(MasterKeyTest, RefusesAKeyFileOthersCanRead) {
  ASSERT_TRUE(MasterKey::LoadOrCreate(dir_).has_value());
  fs::permissions(dir_ / "master.key", fs::perms::group_read,
                  fs::perm_options::add);
  Result<MasterKey> key = MasterKey::LoadOrCreate(dir_);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find("chmod 600"), std::string::npos);
}

TEST_F(MasterKeyTest, RefusesAKeyFileOfTheWrongSize) {
  {
    std::ofstream out(dir_ / "master.key", std::ios::binary);
    out << std::string(31, 'k');
  }
  fs::permissions(dir_ / "master.key",
                  fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  Result<MasterKey> key = MasterKey::LoadOrCreate(dir_);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find("31 bytes"), std::string::npos);
}

TEST_F(MasterKeyTest, FailsWhenTheDirectoryIsMissing) {
  Result<MasterKey> key = MasterKey::LoadOrCreate(dir_ / "absent");
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace evidex::node
