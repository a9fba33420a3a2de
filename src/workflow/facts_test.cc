// Case facts from real routing decisions, their stored form, and PlanCase.
#include "workflow/facts.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "workflow/plan.h"
#include "workflow/workflow_testing.h"

namespace evidex::workflow {
namespace {

using testing::CoeQuery;
using testing::EuQuery;
using testing::FactsFor;
using testing::RouteQuery;

const law::LawBook& Book() { return law::testing::BuiltInLaw().book; }

Result<CaseFacts> Facts(const std::string& query, std::string_view procedure,
                        std::string_view authority) {
  testing::Routed r = RouteQuery(query);
  return FactsFromDecision(Book(), r.query, r.decision, procedure, authority);
}

TEST(FactsTest, TrafficEpocIsNotifiedAndSuspensiveWithItsTerms) {
  CaseFacts f = FactsFor(EuQuery(R"(["traffic"])", "production", false),
                         "eu2023-1543.epoc", "judge");
  EXPECT_EQ(f.procedure, "eu2023-1543.epoc");
  EXPECT_FALSE(f.emergency);
  EXPECT_EQ(f.issuing_state, "FR");
  EXPECT_EQ(f.issuing_authority, "judge");
  EXPECT_FALSE(f.validation_required);
  EXPECT_FALSE(f.ex_post_validation);
  EXPECT_TRUE(f.notification_required);
  EXPECT_TRUE(f.notification_suspensive);
  EXPECT_EQ(f.notified_role, "enforcing_authority");
  EXPECT_FALSE(f.formalisation_required);
  EXPECT_EQ(f.data, 1u << static_cast<unsigned>(law::DataCategory::kTraffic));
  EXPECT_EQ(f.addressee_role, "designated_establishment");
  EXPECT_EQ(f.addressee_state, "IE");
  EXPECT_EQ(f.terms, (std::vector<DeadlineTerm>{
                         {"response", "eu2023-1543.10.2",
                          "EU 2023/1543 Art. 10(2)", "P10D", 864000},
                         {"objection_window", "eu2023-1543.8.1",
                          "EU 2023/1543 Art. 8(1)", "P10D", 864000}}));
}

TEST(FactsTest, EmergencyTermsAreTheShortOnes) {
  CaseFacts f = FactsFor(EuQuery(R"(["content"])", "production", true),
                         "eu2023-1543.epoc", "court");
  EXPECT_TRUE(f.emergency);
  EXPECT_FALSE(f.notification_suspensive);
  ASSERT_NE(f.Term("response"), nullptr);
  EXPECT_EQ(f.Term("response")->duration, "PT8H");
  EXPECT_EQ(f.Term("response")->rule_id, "eu2023-1543.10.4");
  ASSERT_NE(f.Term("objection_window"), nullptr);
  EXPECT_EQ(f.Term("objection_window")->seconds, 96 * 3600);
  EXPECT_EQ(f.Term("validation"), nullptr);
}

TEST(FactsTest, PreservationCarriesItsExtensionTerm) {
  CaseFacts f = FactsFor(EuQuery(R"(["subscriber"])", "preservation", false),
                         "eu2023-1543.epoc-pr", "prosecutor");
  ASSERT_NE(f.Term("preservation"), nullptr);
  EXPECT_EQ(f.Term("preservation")->duration, "P60D");
  ASSERT_NE(f.Term(kPreservationExtensionTerm), nullptr);
  EXPECT_EQ(f.Term(kPreservationExtensionTerm)->rule_id,
            "eu2023-1543.11.1.extension");
  EXPECT_EQ(f.Term(kPreservationExtensionTerm)->cite,
            "EU 2023/1543 Art. 11(1), Annex VI");
}

TEST(FactsTest, AClosedChannelIsRefusedWithEveryReason) {
  std::string q = EuQuery(R"(["traffic"])", "production", false);
  q.replace(q.find("\"max_custodial_years\": 5"), 24,
            "\"max_custodial_years\": 2");
  auto f = Facts(q, "eu2023-1543.epoc", "judge");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.error().message().rfind("channel `eu2023-1543.epoc` is closed: "
                                      "EU 2023/1543 Art. 5(4) "
                                      "(eu2023-1543.5.4): ",
                                      0),
            0u)
      << f.error().message();

  auto art9 = Facts(CoeQuery(R"(["traffic"])", "production", false),
                    "cets224.9", "point_of_contact_24_7");
  ASSERT_FALSE(art9.has_value());
  EXPECT_EQ(art9.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(art9.error().message().find("(cets224.9.1.a)"), std::string::npos);
}

TEST(FactsTest, AProcedureWithoutMachineOrAWordThatIsNoAuthorityIsInvalid) {
  std::string q = EuQuery(R"(["traffic"])", "production", false);
  auto none = Facts(q, "cets185.18", "judge");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(none.error().message(), "no workflow for procedure `cets185.18`");
  auto word = Facts(q, "eu2023-1543.epoc", "sheriff");
  ASSERT_FALSE(word.has_value());
  EXPECT_EQ(word.error().code(), StatusCode::kInvalidArgument);
}

TEST(FactsTest, AnAuthorityTheLawDoesNotEmpowerIsDenied) {
  auto f = Facts(EuQuery(R"(["subscriber"])", "production", false),
                 "eu2023-1543.epoc", "central_authority");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(f.error().message(),
            "`central_authority` may not issue `eu2023-1543.epoc` here: only "
            "`judge`, `court`, `investigating_judge` or `prosecutor` may (EU "
            "2023/1543 Art. 4(1))");
  // The Protocol's procedures know no validation: their issuers act alone.
  auto art9 = Facts(CoeQuery(R"(["traffic"])", "production", true), "cets224.9",
                    "prosecutor");
  ASSERT_FALSE(art9.has_value());
  EXPECT_EQ(art9.error().code(), StatusCode::kPermissionDenied);
}

TEST(FactsTest, RoundTripsThroughItsStoredForm) {
  CaseFacts f = FactsFor(CoeQuery(R"(["subscriber"])", "production", false,
                                  R"(["cets224.7.5.a"])"),
                         "cets224.7", "prosecutor");
  std::string json = FactsJson(f);
  EXPECT_EQ(json,
            R"({"procedure":"cets224.7","emergency":false,)"
            R"("issuing_state":"XA","issuing_authority":"prosecutor",)"
            R"("validation_required":false,"ex_post_validation":false,)"
            R"("validating_authorities":[],"notification_required":true,)"
            R"("notification_suspensive":false,)"
            R"("notified_role":"notified_authority",)"
            R"("formalisation_required":false,"data":["subscriber"],)"
            R"("addressee_role":"service_provider","addressee_state":"XB",)"
            R"("terms":[{"name":"art7_fallback","rule":"cets224.7.7",)"
            R"j("cite":"CETS 224 Art. 7(7)","duration":"P30D"}]})j");
  auto back = ParseFactsJson(json);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(*back, f);

  CaseFacts epoc = FactsFor(
      EuQuery(R"(["subscriber", "identification"])", "production", true),
      "eu2023-1543.epoc", "other_competent_authority");
  EXPECT_TRUE(epoc.ex_post_validation);
  auto epoc_back = ParseFactsJson(FactsJson(epoc));
  ASSERT_TRUE(epoc_back.has_value());
  EXPECT_EQ(*epoc_back, epoc);
}

TEST(FactsTest, StoredFactsThatDoNotDecodeAreDataLoss) {
  for (const char* bad : {
           "{",
           "[]",
           R"({"procedure":"cets224.7"})",
           R"({"procedure":"cets185.18","emergency":false,"issuing_state":"XA",
              "issuing_authority":"judge","validation_required":false,
              "ex_post_validation":false,"validating_authorities":[],
              "notification_required":false,"notification_suspensive":false,
              "notified_role":"","formalisation_required":false,"data":[],
              "addressee_role":"","addressee_state":"","terms":[]})",
       }) {
    auto f = ParseFactsJson(bad);
    ASSERT_FALSE(f.has_value()) << bad;
    EXPECT_EQ(f.error().code(), StatusCode::kDataLoss) << bad;
  }
}

// --- PlanCase ----------------------------------------------------------------

Result<CasePlan> Plan(const std::string& query, std::string_view procedure,
                      const char* body) {
  testing::Routed r = RouteQuery(query);
  return PlanCase(Book(), r.query, r.decision, procedure,
                  ParseJson(body).value());
}

TEST(PlanCaseTest, AValidOrderGivesTheFactsAndNoErrors) {
  auto plan = Plan(EuQuery(R"(["traffic"])", "production", false),
                   "eu2023-1543.epoc", testing::kEpocBody);
  ASSERT_TRUE(plan.has_value()) << plan.error().message();
  EXPECT_TRUE(plan->errors.empty());
  EXPECT_EQ(plan->facts,
            FactsFor(EuQuery(R"(["traffic"])", "production", false),
                     "eu2023-1543.epoc", "judge"));
}

TEST(PlanCaseTest, RefusesAClosedChannelBeforeLookingAtTheBody) {
  auto plan =
      Plan(CoeQuery(R"(["traffic"])", "production", false), "cets224.7", "{}");
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(plan.error().message().find("(cets224.7.1.data)"),
            std::string::npos)
      << plan.error().message();
}

TEST(PlanCaseTest, NamesAMissingOrUnknownIssuingAuthority) {
  auto plan = Plan(EuQuery(R"(["traffic"])", "production", false),
                   "eu2023-1543.epoc", "{}");
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->errors,
            (std::vector<FieldError>{
                {"issuing_authority.authority", "required", ""}}));
  auto unknown =
      Plan(EuQuery(R"(["traffic"])", "production", false), "eu2023-1543.epoc",
           R"({"issuing_authority": {"authority": "sheriff"}})");
  ASSERT_TRUE(unknown.has_value());
  ASSERT_EQ(unknown->errors.size(), 1u);
  EXPECT_EQ(unknown->errors[0].field, "issuing_authority.authority");
  EXPECT_NE(unknown->errors[0].problem.find("unknown value `sheriff`"),
            std::string::npos);
}

TEST(PlanCaseTest, DeniesAnIssuerTheLawDoesNotEmpower) {
  std::string body = testing::kArt9Body;
  body.replace(body.find("\"point_of_contact_24_7\""), 23, "\"prosecutor\"");
  auto plan = Plan(CoeQuery(R"(["traffic"])", "production", true), "cets224.9",
                   body.c_str());
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code(), StatusCode::kPermissionDenied);
}

TEST(PlanCaseTest, ReturnsTheFieldErrorsOfTheBody) {
  std::string body = testing::kEpocBody;
  body.replace(body.find("2026-11-02T21:14:05+01:00"), 25,
               "2026-11-02T21:14:05");
  auto plan = Plan(EuQuery(R"(["traffic"])", "production", false),
                   "eu2023-1543.epoc", body.c_str());
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->errors.size(), 1u);
  EXPECT_EQ(plan->errors[0].field, "targets[0].timestamp");
}

TEST(PlanCaseTest, TheArt7TermIsTheLongerOfThirtyDaysAndTheTimeFrame) {
  std::string q = CoeQuery(R"(["subscriber"])", "production", false,
                           R"(["cets224.7.5.a"])");
  auto longer = Plan(q, "cets224.7", testing::kArt7Body);
  ASSERT_TRUE(longer.has_value());
  ASSERT_TRUE(longer->errors.empty());
  const DeadlineTerm* t = longer->facts.Term("art7_fallback");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->duration, "P45D");
  EXPECT_EQ(t->seconds, 45 * 86400);
  EXPECT_EQ(t->rule_id, "cets224.7.7");

  std::string shorter_body = testing::kArt7Body;
  shorter_body.replace(shorter_body.find("P45D"), 4, "P10D");
  auto shorter = Plan(q, "cets224.7", shorter_body.c_str());
  ASSERT_TRUE(shorter.has_value());
  EXPECT_EQ(shorter->facts.Term("art7_fallback")->duration, "P30D");
}

}  // namespace
}  // namespace evidex::workflow
