#include "node/keys.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "node/node_testing.h"
#include "node/secrets.h"
#include "sign/signed_document.h"
#include "store/sqlite_store.h"

namespace evidex::node {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

class FixedClock final : public Clock {
 public:
  Instant Now() const override { return Instant{}; }
};

class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets().ok());
    dir_ = FreshTestDir("evidex_keys");
    auto master = MasterKey::LoadOrCreate(dir_);
    ASSERT_TRUE(master.has_value()) << master.error().ToString();
    master_.emplace(*master);
    auto store = store::OpenSqliteStore((dir_ / "evidex.db").string(), clock_);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    auto txn = store_->Begin();
    ASSERT_TRUE(txn.has_value());
    for (const char* id : {"org_a", "org_b"}) {
      ASSERT_TRUE(
          (*txn)
              ->PutOrganisation(
                  {id, id, "issuing_authority", "FR", {"prosecutor"}, now_})
              .ok());
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<store::Transaction> Begin() {
    return store_->Begin().value();
  }

  FixedClock clock_;
  Instant now_ = Instant{} + hours(24 * 20000);
  fs::path dir_;
  std::optional<MasterKey> master_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(KeysTest, EnsureGivesEveryOrganisationOneKeyOfEachKindOnce) {
  auto txn = Begin();
  auto created = EnsureOrganisationKeys(*txn, *master_, now_);
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  EXPECT_EQ(*created, 4);
  auto again = EnsureOrganisationKeys(*txn, *master_, now_ + hours(1));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 0);
  auto keys = txn->ListOrganisationKeys("org_a").value();
  ASSERT_EQ(keys.size(), 2u);
  for (const store::OrganisationKey& k : keys) {
    EXPECT_EQ(k.public_key.size(), 32u);
    // Version byte, 24-byte nonce, 32-byte secret, 16-byte tag.
    EXPECT_EQ(k.sealed_secret.size(), 1u + 24 + 32 + 16);
    EXPECT_EQ(k.valid_from, now_);
  }
}

TEST_F(KeysTest, TheCurrentSigningKeySignsWhatItsPublicHalfVerifies) {
  auto txn = Begin();
  ASSERT_TRUE(EnsureOrganisationKeys(*txn, *master_, now_).has_value());
  auto key = CurrentSigningKey(*txn, *master_, "org_a", now_);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  sign::SignedDocument doc;
  doc.document = boost::json::object{{"kind", "order"}};
  ASSERT_TRUE(sign::AddSignature(doc, {"org_a", key->key_id, "issuer", now_},
                                 key->pair.secret_key)
                  .ok());
  sign::VerifyPolicy policy{
      .find_key =
          [&](std::string_view id) { return FindPublicSigningKey(*txn, id); },
      .competence = {},
      .required_roles = {"issuer"},
      .not_after = std::nullopt};
  EXPECT_TRUE(sign::Verify(doc, policy).has_value());
  // The encryption key is no signing key.
  auto enc = CurrentKey(*txn, "org_a", kEncryptionKey, now_).value();
  EXPECT_FALSE(FindPublicSigningKey(*txn, enc.id).has_value());
}

TEST_F(KeysTest, RotationReplacesTheCurrentKeyAndKeepsTheOldOneForThePast) {
  auto txn = Begin();
  ASSERT_TRUE(EnsureOrganisationKeys(*txn, *master_, now_).has_value());
  const std::string old_id =
      CurrentKey(*txn, "org_a", kSigningKey, now_).value().id;
  const Instant later = now_ + hours(2);
  auto rotated = RotateKey(*txn, *master_, "org_a", kSigningKey, later);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  EXPECT_NE(rotated->id, old_id);
  EXPECT_EQ(CurrentKey(*txn, "org_a", kSigningKey, later).value().id,
            rotated->id);
  EXPECT_EQ(CurrentKey(*txn, "org_a", kSigningKey, now_ + hours(1)).value().id,
            old_id);
  auto old = FindPublicSigningKey(*txn, old_id);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->valid_until, later);
  // Another organisation's keys are untouched.
  auto b = txn->ListOrganisationKeys("org_b").value();
  for (const auto& k : b) EXPECT_FALSE(k.valid_until.has_value());
  EXPECT_EQ(
      RotateKey(*txn, *master_, "org_a", "signature", later).error().code(),
      StatusCode::kInvalidArgument);
}

TEST_F(KeysTest, ARevokedCurrentKeyLeavesNoneUntilRotation) {
  auto txn = Begin();
  ASSERT_TRUE(EnsureOrganisationKeys(*txn, *master_, now_).has_value());
  auto key = CurrentKey(*txn, "org_a", kSigningKey, now_).value();
  ASSERT_TRUE(txn->RevokeOrganisationKey(key.id, now_ + hours(1)).ok());
  auto none = CurrentSigningKey(*txn, *master_, "org_a", now_ + hours(1));
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), StatusCode::kFailedPrecondition);
  auto next = RotateKey(*txn, *master_, "org_a", kSigningKey, now_ + hours(2));
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(
      CurrentSigningKey(*txn, *master_, "org_a", now_ + hours(2)).has_value());
}

TEST_F(KeysTest, ASealedSecretOpensOnlyUnderItsOwnKeyId) {
  auto txn = Begin();
  ASSERT_TRUE(EnsureOrganisationKeys(*txn, *master_, now_).has_value());
  auto a = CurrentKey(*txn, "org_a", kSigningKey, now_).value();
  auto b = CurrentKey(*txn, "org_b", kSigningKey, now_).value();
  EXPECT_TRUE(
      master_->Open(a.sealed_secret, "org-signing-key:" + a.id).has_value());
  auto moved = master_->Open(a.sealed_secret, "org-signing-key:" + b.id);
  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace evidex::node
