#include "node/signing.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "node/keys.h"
#include "node/node_testing.h"
#include "node/secrets.h"
#include "store/sqlite_store.h"

namespace evidex::node {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;
using std::chrono::hours;

workflow::CaseFacts Facts() {
  workflow::CaseFacts f;
  f.procedure = "eu2023-1543.epoc";
  f.issuing_state = "FR";
  f.issuing_authority = "prosecutor";
  f.validation_required = true;
  f.validating_authorities = {"judge", "investigating_judge"};
  f.notification_required = true;
  f.notified_role = "enforcing_authority";
  f.addressee_role = "designated_establishment";
  f.addressee_state = "IE";
  return f;
}

store::Organisation Org(std::string id, std::string kind, std::string state,
                        std::vector<std::string> authorities) {
  return {std::move(id),          "name",   std::move(kind), std::move(state),
          std::move(authorities), Instant{}};
}

TEST(SignedKindOfTest, BindingActionsSignTheirDocument) {
  EXPECT_EQ(SignedKindOf("issue"), "order");
  EXPECT_EQ(SignedKindOf("issue_without_validation"), "order");
  EXPECT_EQ(SignedKindOf("validate"), "order");
  EXPECT_EQ(SignedKindOf("submit"), "order");
  EXPECT_EQ(SignedKindOf("produce"), "response");
  EXPECT_EQ(SignedKindOf("refuse"), "response");
  EXPECT_EQ(SignedKindOf("transmit"), "response");
  EXPECT_EQ(SignedKindOf("object"), "objection");
  EXPECT_EQ(SignedKindOf("confirm_no_grounds"), "notification");
  EXPECT_EQ(SignedKindOf("withdraw"), std::nullopt);
  EXPECT_EQ(SignedKindOf("receive"), std::nullopt);
}

TEST(CompetenceTest, FollowsTheFactsOfTheCase) {
  const workflow::CaseFacts f = Facts();
  const auto parquet = Org("org_p", "issuing_authority", "FR", {"prosecutor"});
  const auto judge = Org("org_j", "validating_authority", "FR", {"judge"});
  const auto be_judge = Org("org_b", "validating_authority", "BE", {"judge"});
  const auto nimbus = Org("org_n", "service_provider", "IE", {});
  const auto enforcing = Org("org_e", "enforcing_authority", "IE", {});
  EXPECT_EQ(CompetenceProblem(parquet, "order", "issuer", f), std::nullopt);
  EXPECT_EQ(CompetenceProblem(judge, "order", "validator", f), std::nullopt);
  EXPECT_EQ(CompetenceProblem(nimbus, "response", "addressee", f),
            std::nullopt);
  EXPECT_EQ(CompetenceProblem(enforcing, "objection", "enforcing_authority", f),
            std::nullopt);
  EXPECT_EQ(CompetenceProblem(judge, "order", "issuer", f),
            "`org_j` is not a `prosecutor`, the authority that issues this "
            "order");
  EXPECT_EQ(CompetenceProblem(be_judge, "order", "validator", f),
            "`org_b` is no authority of `FR` that the law lets validate this "
            "order");
  EXPECT_EQ(CompetenceProblem(parquet, "order", "validator", f),
            "`org_p` is no authority of `FR` that the law lets validate this "
            "order");
  EXPECT_EQ(CompetenceProblem(enforcing, "response", "addressee", f),
            "`org_e` is not the `service_provider` of `IE` the order is "
            "addressed to");
  EXPECT_EQ(CompetenceProblem(nimbus, "objection", "enforcing_authority", f),
            "`org_n` is not the authority of `IE` notified of this order");
  EXPECT_EQ(
      CompetenceProblem(enforcing, "notification", "enforcing_authority", f),
      std::nullopt);
  EXPECT_EQ(CompetenceProblem(nimbus, "notification", "enforcing_authority", f),
            "`org_n` is not the authority of `IE` notified of this order");
  EXPECT_EQ(CompetenceProblem(nimbus, "order", "addressee", f),
            "a `addressee` does not sign an `order`");
}

class FixedClock final : public Clock {
 public:
  Instant Now() const override { return Instant{}; }
};

class SignActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets().ok());
    dir_ = FreshTestDir("evidex_signing");
    master_.emplace(MasterKey::LoadOrCreate(dir_).value());
    store_ =
        store::OpenSqliteStore((dir_ / "evidex.db").string(), clock_).value();
    txn_ = store_->Begin().value();
    for (const auto& org :
         {Org("org_p", "issuing_authority", "FR", {"prosecutor"}),
          Org("org_j", "validating_authority", "FR", {"judge"}),
          Org("org_n", "service_provider", "IE", {})}) {
      ASSERT_TRUE(txn_->PutOrganisation(org).ok());
    }
    ASSERT_TRUE(EnsureOrganisationKeys(*txn_, *master_, now_).has_value());
    c_.id = "case_1";
    c_.procedure = "eu2023-1543.epoc";
    c_.issuing_organisation_id = "org_p";
    c_.content_json = R"({"targets":[{"value":"203.0.113.7"}]})";
  }
  void TearDown() override {
    txn_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  Result<SignedAction> Sign(const std::string& org_id, std::string_view role,
                            std::string_view action,
                            const std::vector<store::CaseEvent>& events,
                            Instant at) {
    return SignAction(*txn_, *master_, c_, facts_, events,
                      txn_->GetOrganisation(org_id).value(), "person_1", role,
                      action, bj::object{}, at);
  }

  FixedClock clock_;
  Instant now_ = Instant{} + hours(24 * 20000);
  fs::path dir_;
  std::optional<MasterKey> master_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Transaction> txn_;
  store::Case c_;
  workflow::CaseFacts facts_ = Facts();
};

TEST_F(SignActionTest, TheIssuerNeedsTheValidatorsSignatureFirst) {
  auto alone = Sign("org_p", "issuer", "issue", {}, now_);
  ASSERT_TRUE(alone.has_value()) << alone.error().ToString();
  EXPECT_EQ(alone->refusal_reason, "missing_required_signature");
  EXPECT_TRUE(alone->envelope_json.empty());

  auto validated = Sign("org_j", "validator", "validate", {}, now_);
  ASSERT_TRUE(validated.has_value());
  ASSERT_FALSE(validated->refused()) << validated->refusal_message;
  store::CaseEvent event{
      "case_1",
      1,
      1,
      "validated",
      "person_j",
      "org_j",
      now_,
      R"({"step":{},"signed_document":)" + validated->envelope_json + "}",
      std::nullopt};
  auto issued = Sign("org_p", "issuer", "issue", {event}, now_ + hours(1));
  ASSERT_TRUE(issued.has_value());
  ASSERT_FALSE(issued->refused()) << issued->refusal_message;
  auto envelope = sign::ParseSignedDocument(issued->envelope_json);
  ASSERT_TRUE(envelope.has_value());
  ASSERT_EQ(envelope->signatures.size(), 2u);
  EXPECT_EQ(envelope->signatures[0].meta.signer, "org_j");
  EXPECT_EQ(envelope->signatures[1].meta.signer, "org_p");
  EXPECT_EQ(envelope->document.at("facts").at("issuing_authority"),
            "prosecutor");
}

// The validator's signature is found again although the order holds 5.0, which
// the signed (canonical) document read back from the event spells 5.
TEST_F(SignActionTest, EarlierSignaturesAreFoundWhateverTheNumbersSpelling) {
  c_.content_json = R"({"max_custodial_years":5.0,"share":0.25})";
  auto validated = Sign("org_j", "validator", "validate", {}, now_);
  ASSERT_TRUE(validated.has_value());
  ASSERT_FALSE(validated->refused()) << validated->refusal_message;
  EXPECT_NE(validated->envelope_json.find(R"("max_custodial_years":5,)"),
            std::string::npos);
  store::CaseEvent event{
      "case_1",    1,
      1,           "validated",
      "person_j",  "org_j",
      now_,        R"({"signed_document":)" + validated->envelope_json + "}",
      std::nullopt};
  auto issued = Sign("org_p", "issuer", "issue", {event}, now_);
  ASSERT_TRUE(issued.has_value());
  EXPECT_FALSE(issued->refused()) << issued->refusal_message;
}

TEST_F(SignActionTest, AnIncompetentSignerIsRefusedBeforeAnyKeyIsOpened) {
  auto r = Sign("org_n", "issuer", "issue", {}, now_);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->refusal_reason, "signer_not_competent");
  EXPECT_EQ(r->refusal_message,
            "`org_n` is not an authority of the issuing State `FR`");
}

TEST_F(SignActionTest, AnEmergencyOrderNeedsAnotherPersonsApproval) {
  facts_.emergency = true;
  facts_.validation_required = false;
  auto unapproved = Sign("org_p", "issuer", "issue", {}, now_);
  ASSERT_FALSE(unapproved.has_value());
  EXPECT_EQ(unapproved.error().code(), StatusCode::kFailedPrecondition);
  auto approval = [](std::string person, std::string org, std::string action) {
    return store::CaseEvent{"case_1",
                            2,
                            2,
                            "signing_approved",
                            std::move(person),
                            std::move(org),
                            Instant{},
                            R"({"action":")" + action + R"("})",
                            std::nullopt};
  };
  // The signer's own approval, another organisation's, another action's: none
  // counts.
  for (const auto& e : {approval("person_1", "org_p", "issue"),
                        approval("person_2", "org_j", "issue"),
                        approval("person_2", "org_p", "send")}) {
    auto r = Sign("org_p", "issuer", "issue", {e}, now_);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  }
  auto approved = Sign("org_p", "issuer", "issue",
                       {approval("person_2", "org_p", "issue")}, now_);
  ASSERT_TRUE(approved.has_value()) << approved.error().ToString();
  EXPECT_FALSE(approved->refused()) << approved->refusal_message;
  // With four eyes off, the issuer signs alone.
  ASSERT_TRUE(txn_->SetFourEyesEmergency("org_p", false).ok());
  auto alone = Sign("org_p", "issuer", "issue", {}, now_);
  ASSERT_TRUE(alone.has_value());
  EXPECT_FALSE(alone->refused());
}

TEST_F(SignActionTest, ARevokedKeySignsNothing) {
  auto key = CurrentKey(*txn_, "org_n", kSigningKey, now_).value();
  ASSERT_TRUE(txn_->RevokeOrganisationKey(key.id, now_).ok());
  auto r = Sign("org_n", "addressee", "produce", {}, now_);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace evidex::node
