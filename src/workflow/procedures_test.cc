// The procedures as the law runs them: each machine driven with facts from
// real routing decisions, through the guards the law puts on it, with a fake
// clock.
#include <gtest/gtest.h>

#include "workflow/machine.h"
#include "workflow/workflow_testing.h"

namespace evidex::workflow {
namespace {

using testing::Case;
using testing::CoeQuery;
using testing::EuQuery;
using testing::FactsFor;
using testing::FakeClock;
using testing::T0;
using namespace std::chrono_literals;

constexpr std::chrono::hours kDay = 24h;

// Expects `step` to have failed with `code` and a message containing `text`.
template <typename T>
void ExpectRefused(const Result<T>& step, StatusCode code,
                   std::string_view text) {
  ASSERT_FALSE(step.has_value());
  EXPECT_EQ(step.error().code(), code) << step.error().message();
  EXPECT_NE(step.error().message().find(text), std::string::npos)
      << step.error().message();
}

// --- eu2023-1543.epoc --------------------------------------------------------

TEST(EpocTest, SuspensiveNotificationBarsProductionUntilNoGroundsAreConfirmed) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["traffic"])", "production", false),
                  "eu2023-1543.epoc", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  clock.Advance(kDay);
  ExpectRefused(c.Do("produce", "addressee", clock.Now()),
                StatusCode::kFailedPrecondition, "suspends production");
  clock.Advance(kDay);
  auto confirmed =
      c.Do("confirm_no_grounds", "enforcing_authority", clock.Now());
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->event_type, "no_grounds_confirmed");
  EXPECT_EQ(c.state(), "received");
  EXPECT_EQ(c.Find("objection_window")->status, DeadlineStatus::kMet);
  auto produced = c.Do("produce", "addressee", clock.Now());
  ASSERT_TRUE(produced);
  EXPECT_EQ(c.state(), "produced");
  EXPECT_EQ(c.Find("response")->status, DeadlineStatus::kMet);
  ASSERT_TRUE(c.Do("close", "issuer", clock.Now()));
  EXPECT_EQ(c.state(), "closed");
}

TEST(EpocTest, SuspensiveNotificationLiftsWhenTheWindowEnds) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["content"])", "production", false),
                  "eu2023-1543.epoc", "investigating_judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  clock.Advance(10 * kDay - 1ms);
  ExpectRefused(c.Do("produce", "addressee", clock.Now()),
                StatusCode::kFailedPrecondition, "suspends production");
  clock.Advance(1ms);
  // The window is over: too late to object, and production may follow.
  ExpectRefused(c.Do("object", "enforcing_authority", clock.Now()),
                StatusCode::kFailedPrecondition,
                "objection window is not open");
  ASSERT_TRUE(c.Do("produce", "addressee", clock.Now()));
  EXPECT_EQ(c.state(), "produced");
}

TEST(EpocTest, TheEnforcingAuthorityRefusesWithinItsWindow) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["traffic"])", "production", false),
                  "eu2023-1543.epoc", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  clock.Advance(9 * kDay);
  auto objected = c.Do("object", "enforcing_authority", clock.Now());
  ASSERT_TRUE(objected);
  EXPECT_EQ(objected->event_type, "objected");
  EXPECT_EQ(objected->cite, "EU 2023/1543 Art. 12(1)");
  EXPECT_EQ(c.state(), "refused");
  EXPECT_EQ(c.Find("objection_window")->status, DeadlineStatus::kMet);
  EXPECT_EQ(c.Find("response")->status, DeadlineStatus::kCancelled);
  ExpectRefused(c.Do("produce", "addressee", clock.Now()),
                StatusCode::kFailedPrecondition, "is not allowed");
  ASSERT_TRUE(c.Do("withdraw", "issuer", clock.Now()));
  EXPECT_EQ(c.state(), "withdrawn");
}

TEST(EpocTest, InAnEmergencyTheAddresseeProducesAtOnceAndMayStillBeObjectedTo) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["traffic"])", "production", true),
                  "eu2023-1543.epoc", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  clock.Advance(2h);
  ASSERT_TRUE(c.Do("produce", "addressee", clock.Now()));
  EXPECT_EQ(c.Find("response")->status, DeadlineStatus::kMet);
  // The 96 hours of Art. 10(4) still run: the case does not close.
  ExpectRefused(c.Do("close", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition,
                "objection window is still open");
  clock.Advance(48h);
  auto objected = c.Do("object", "enforcing_authority", clock.Now());
  ASSERT_TRUE(objected);
  EXPECT_EQ(objected->cite, "EU 2023/1543 Art. 10(4), 12(1)");
  EXPECT_EQ(c.state(), "refused");
}

TEST(EpocTest, InAnEmergencyTheCaseClosesOnceTheWindowHasPassed) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["content"])", "production", true),
                  "eu2023-1543.epoc", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  ASSERT_TRUE(c.Do("produce", "addressee", clock.Now()));
  clock.Advance(96h);
  auto events = c.Tick(clock.Now());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].deadline.name, "objection_window");
  EXPECT_EQ(events[0].type, "deadline_missed");
  EXPECT_FALSE(c.machine().ExpiryAction("objection_window").has_value());
  ASSERT_TRUE(c.Do("close", "issuer", clock.Now()));
}

TEST(EpocTest, WithoutNotificationUnderArt82TheAddresseeProducesAtOnce) {
  CaseFacts f = FactsFor(EuQuery(R"(["traffic"])", "production", false,
                                 /*domestic=*/true),
                         "eu2023-1543.epoc", "judge");
  EXPECT_FALSE(f.notification_required);
  Case c(f);
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  EXPECT_EQ(c.Find("objection_window"), nullptr);
  ExpectRefused(c.Do("object", "enforcing_authority", T0()),
                StatusCode::kFailedPrecondition, "no authority");
  ASSERT_TRUE(c.Do("produce", "addressee", T0() + 1h));
}

TEST(EpocTest, AProsecutorsTrafficOrderIsValidatedBeforeItIsIssued) {
  CaseFacts f = FactsFor(EuQuery(R"(["traffic"])", "production", false),
                         "eu2023-1543.epoc", "prosecutor");
  EXPECT_TRUE(f.validation_required);
  EXPECT_FALSE(f.ex_post_validation);
  EXPECT_EQ(
      f.validating_authorities,
      (std::vector<std::string>{"judge", "court", "investigating_judge"}));
  Case c(f);
  ExpectRefused(c.Do("issue", "issuer", T0()), StatusCode::kFailedPrecondition,
                "must first be validated");
  ASSERT_TRUE(c.Do("submit_for_validation", "issuer", T0()));
  ExpectRefused(c.Do("validate", "issuer", T0()), StatusCode::kPermissionDenied,
                "is for the `validator`");
  ASSERT_TRUE(c.Do("reject_validation", "validator", T0()));
  EXPECT_EQ(c.state(), "draft");
  ASSERT_TRUE(c.Do("submit_for_validation", "issuer", T0()));
  ASSERT_TRUE(c.Do("validate", "validator", T0()));
  EXPECT_EQ(c.state(), "validated");
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  EXPECT_EQ(c.state(), "issued");
}

TEST(EpocTest, AJudgeIssuesAloneAndNeedsNoValidation) {
  Case c(FactsFor(EuQuery(R"(["content"])", "production", false),
                  "eu2023-1543.epoc", "judge"));
  ExpectRefused(c.Do("submit_for_validation", "issuer", T0()),
                StatusCode::kFailedPrecondition, "without validation");
  ExpectRefused(c.Do("issue_without_validation", "issuer", T0()),
                StatusCode::kFailedPrecondition, "ex-post validation");
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
}

TEST(EpocTest, InAnEmergencyASubscriberOrderIsIssuedFirstAndValidatedIn48h) {
  FakeClock clock(T0());
  CaseFacts f = FactsFor(EuQuery(R"(["subscriber"])", "production", true),
                         "eu2023-1543.epoc", "other_competent_authority");
  EXPECT_TRUE(f.ex_post_validation);
  Case c(f);
  auto issued = c.Do("issue_without_validation", "issuer", clock.Now());
  ASSERT_TRUE(issued);
  EXPECT_EQ(issued->cite, "EU 2023/1543 Art. 4(5)");
  EXPECT_EQ(c.state(), "issued");
  EXPECT_EQ(c.Find("validation")->due_at, T0() + 48h);
  clock.Advance(1h);
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  EXPECT_EQ(c.Find("response")->due_at, T0() + 9h);
  clock.Advance(3h);
  ASSERT_TRUE(c.Do("produce", "addressee", clock.Now()));
  ExpectRefused(c.Do("close", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition,
                "ex-post validation is still pending");
  clock.Advance(20h);
  ASSERT_TRUE(c.Do("validate", "validator", clock.Now()));
  EXPECT_EQ(c.state(), "produced");
  EXPECT_EQ(c.Find("validation")->status, DeadlineStatus::kMet);
  ExpectRefused(c.Do("validate", "validator", clock.Now()),
                StatusCode::kFailedPrecondition, "no ex-post validation");
  ASSERT_TRUE(c.Do("close", "issuer", clock.Now()));
}

TEST(EpocTest, RefusedExPostValidationWithdrawsTheOrder) {
  Case c(FactsFor(EuQuery(R"(["identification"])", "production", true),
                  "eu2023-1543.epoc", "other_competent_authority"));
  ASSERT_TRUE(c.Do("issue_without_validation", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  ASSERT_TRUE(c.Do("produce", "addressee", T0() + 1h));
  auto rejected = c.Do("reject_validation", "validator", T0() + 2h);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->event_type, "validation_rejected");
  EXPECT_EQ(c.state(), "withdrawn");
  EXPECT_EQ(c.Find("validation")->status, DeadlineStatus::kCancelled);
}

TEST(EpocTest, ExPostValidationIsNotForTrafficOrContentData) {
  CaseFacts f = FactsFor(EuQuery(R"(["traffic"])", "production", true),
                         "eu2023-1543.epoc", "prosecutor");
  EXPECT_TRUE(f.validation_required);
  EXPECT_FALSE(f.ex_post_validation);
  Case c(f);
  ExpectRefused(c.Do("issue_without_validation", "issuer", T0()),
                StatusCode::kFailedPrecondition, "Art. 4(5)");
  ASSERT_TRUE(c.Do("submit_for_validation", "issuer", T0()));
}

TEST(EpocTest, AClarificationSuspendsTheResponseDeadlineWhichRunsAfresh) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["subscriber"])", "production", false),
                  "eu2023-1543.epoc", "prosecutor"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  clock.Advance(kDay);
  ASSERT_TRUE(c.Do("request_clarification", "addressee", clock.Now()));
  EXPECT_EQ(c.Find("response")->status, DeadlineStatus::kCancelled);
  ExpectRefused(c.Do("produce", "addressee", clock.Now()),
                StatusCode::kFailedPrecondition, "is not allowed");
  clock.Advance(2 * kDay);
  ASSERT_TRUE(c.Do("clarify", "issuer", clock.Now()));
  EXPECT_EQ(c.state(), "received");
  EXPECT_EQ(c.Find("response")->status, DeadlineStatus::kPending);
  EXPECT_EQ(c.Find("response")->due_at, T0() + 13 * kDay);
}

TEST(EpocTest, InabilityIsReportedAndTheIssuerCloses) {
  Case c(FactsFor(EuQuery(R"(["subscriber"])", "production", false),
                  "eu2023-1543.epoc", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  auto unable = c.Do("report_inability", "addressee", T0() + kDay);
  ASSERT_TRUE(unable);
  EXPECT_EQ(unable->cite, "EU 2023/1543 Art. 10(5)-(8), Annex III");
  EXPECT_EQ(c.Find("response")->status, DeadlineStatus::kCancelled);
  ASSERT_TRUE(c.Do("close", "issuer", T0() + 2 * kDay));
  EXPECT_EQ(c.state(), "closed");
  ExpectRefused(c.Do("withdraw", "issuer", T0() + 3 * kDay),
                StatusCode::kFailedPrecondition, "terminal");
}

TEST(EpocTest, WithdrawalCancelsEveryRunningDeadline) {
  Case c(FactsFor(EuQuery(R"(["traffic"])", "production", false),
                  "eu2023-1543.epoc", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  auto withdrawn = c.Do("withdraw", "issuer", T0() + kDay);
  ASSERT_TRUE(withdrawn);
  ASSERT_EQ(withdrawn->deadlines.size(), 2u);
  for (const Deadline& d : c.deadlines()) {
    EXPECT_EQ(d.status, DeadlineStatus::kCancelled) << d.name;
  }
}

// --- eu2023-1543.epoc-pr -----------------------------------------------------

TEST(EpocPrTest, PreservesSixtyDaysExtendsOnceByThirtyThenConfirmsProduction) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["traffic", "content"])", "preservation", false),
                  "eu2023-1543.epoc-pr", "prosecutor"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  EXPECT_EQ(c.state(), "preserving");
  EXPECT_EQ(c.Find("preservation")->due_at, T0() + 60 * kDay);
  clock.Advance(50 * kDay);
  auto events = c.Tick(clock.Now());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "deadline_approaching");
  auto extended = c.Do("extend", "issuer", clock.Now());
  ASSERT_TRUE(extended);
  EXPECT_EQ(extended->cite, "EU 2023/1543 Art. 11(1), Annex VI");
  const Deadline* p = c.Find("preservation");
  EXPECT_EQ(p->due_at, T0() + 90 * kDay);
  EXPECT_EQ(p->rule_id, "eu2023-1543.11.1.extension");
  EXPECT_EQ(p->status, DeadlineStatus::kPending);
  ExpectRefused(c.Do("extend", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition, "is not allowed");
  clock.Advance(30 * kDay);
  auto confirmed = c.Do("confirm_production_request", "issuer", clock.Now());
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->cite, "EU 2023/1543 Art. 11(1)-(2), Annex V");
  EXPECT_EQ(c.Find("preservation")->status, DeadlineStatus::kMet);
  // Preservation lasts until production: nothing expires any more.
  clock.Advance(365 * kDay);
  EXPECT_TRUE(c.Tick(clock.Now()).empty());
  ExpectRefused(c.Do("expire", "system", clock.Now()),
                StatusCode::kFailedPrecondition, "is not allowed");
  ASSERT_TRUE(c.Do("release", "issuer", clock.Now()));
  EXPECT_EQ(c.state(), "released");
}

TEST(EpocPrTest, ExpiresWhenTheSchedulerFindsThePeriodOver) {
  FakeClock clock(T0());
  Case c(FactsFor(EuQuery(R"(["subscriber"])", "preservation", false),
                  "eu2023-1543.epoc-pr", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  clock.Advance(60 * kDay - 1ms);
  ExpectRefused(c.Do("expire", "system", clock.Now()),
                StatusCode::kFailedPrecondition, "has not ended");
  clock.Advance(1ms);
  auto events = c.Tick(clock.Now());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "deadline_missed");
  auto action = c.machine().ExpiryAction(events[0].deadline.name);
  ASSERT_EQ(action, "expire");
  // Too late for the issuer: the period is over.
  ExpectRefused(c.Do("extend", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition, "not running");
  ExpectRefused(c.Do("confirm_production_request", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition, "not running");
  ExpectRefused(c.Do(*action, "issuer", clock.Now()),
                StatusCode::kPermissionDenied, "is for the `system`");
  auto expired = c.Do(*action, "system", clock.Now());
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->event_type, "expired");
  EXPECT_EQ(c.state(), "expired");
}

TEST(EpocPrTest, AnUnvalidatedEmergencyOrderIsNotExtendedUntilValidated) {
  FakeClock clock(T0());
  CaseFacts f = FactsFor(EuQuery(R"(["content"])", "preservation", true),
                         "eu2023-1543.epoc-pr", "other_competent_authority");
  EXPECT_TRUE(f.ex_post_validation);
  Case c(f);
  ASSERT_TRUE(c.Do("issue_without_validation", "issuer", clock.Now()));
  EXPECT_EQ(c.Find("validation")->due_at, T0() + 48h);
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  ExpectRefused(c.Do("extend", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition,
                "ex-post validation is still pending");
  clock.Advance(30h);
  ASSERT_TRUE(c.Do("validate", "validator", clock.Now()));
  ASSERT_TRUE(c.Do("extend", "issuer", clock.Now()));
  EXPECT_EQ(c.Find("preservation")->due_at, T0() + 90 * kDay);
}

TEST(EpocPrTest, ReleaseEndsPreservationAndCancelsItsDeadline) {
  Case c(FactsFor(EuQuery(R"(["subscriber"])", "preservation", false),
                  "eu2023-1543.epoc-pr", "prosecutor"));
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  ASSERT_TRUE(c.Do("report_inability", "addressee", T0() + kDay));
  EXPECT_EQ(c.Find("preservation")->status, DeadlineStatus::kPending);
  auto released = c.Do("release", "issuer", T0() + 2 * kDay);
  ASSERT_TRUE(released);
  EXPECT_EQ(released->cite, "EU 2023/1543 Art. 11(3)");
  EXPECT_EQ(c.Find("preservation")->status, DeadlineStatus::kCancelled);
}

// --- cets224.7 ---------------------------------------------------------------

TEST(Art7Test, WithoutDeclarationsNobodyIsNotified) {
  CaseFacts f = FactsFor(CoeQuery(R"(["subscriber"])", "production", false),
                         "cets224.7", "prosecutor");
  EXPECT_FALSE(f.notification_required);
  Case c(f);
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ExpectRefused(c.Do("instruct_not_to_disclose", "notified_authority", T0()),
                StatusCode::kFailedPrecondition, "no authority");
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  ASSERT_TRUE(c.Do("produce", "addressee", T0() + kDay));
  EXPECT_EQ(c.Find("art7_fallback")->status, DeadlineStatus::kMet);
  ASSERT_TRUE(c.Do("close", "issuer", T0() + kDay));
}

TEST(Art7Test, TheNotifiedAuthorityInstructsTheProviderNotToDisclose) {
  CaseFacts f = FactsFor(CoeQuery(R"(["subscriber"])", "production", false,
                                  R"(["cets224.7.5.a"])"),
                         "cets224.7", "prosecutor");
  EXPECT_TRUE(f.notification_required);
  EXPECT_FALSE(f.notification_suspensive);
  EXPECT_EQ(f.notified_role, "notified_authority");
  Case c(f);
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  ASSERT_TRUE(c.Do("request_information", "notified_authority", T0() + 1h));
  ASSERT_TRUE(c.Do("provide_information", "issuer", T0() + 2h));
  auto barred =
      c.Do("instruct_not_to_disclose", "notified_authority", T0() + 3h);
  ASSERT_TRUE(barred);
  EXPECT_EQ(barred->cite, "CETS 224 Art. 7(5)(c)");
  EXPECT_EQ(c.state(), "not_disclosed");
  EXPECT_EQ(c.Find("art7_fallback")->status, DeadlineStatus::kCancelled);
  ExpectRefused(c.Do("produce", "addressee", T0() + 4h),
                StatusCode::kFailedPrecondition, "is not allowed");
  ASSERT_TRUE(c.Do("close", "issuer", T0() + 5h));
}

TEST(Art7Test, UnderConsultationTheProviderWaitsForApproval) {
  CaseFacts f = FactsFor(CoeQuery(R"(["subscriber"])", "production", false,
                                  R"(["cets224.7.5.a", "cets224.7.5.b"])"),
                         "cets224.7", "prosecutor");
  EXPECT_TRUE(f.notification_suspensive);
  Case c(f);
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  ExpectRefused(c.Do("produce", "addressee", T0()),
                StatusCode::kFailedPrecondition, "must first consult");
  ASSERT_TRUE(c.Do("approve_disclosure", "notified_authority", T0() + kDay));
  EXPECT_EQ(c.state(), "cleared");
  ASSERT_TRUE(c.Do("produce", "addressee", T0() + 2 * kDay));
}

TEST(Art7Test, AfterThirtyDaysWithoutDisclosureTheCaseOffersTheFallback) {
  FakeClock clock(T0());
  Case c(FactsFor(CoeQuery(R"(["subscriber"])", "production", false),
                  "cets224.7", "prosecutor"));
  ASSERT_TRUE(c.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "addressee", clock.Now()));
  ASSERT_TRUE(c.Do("request_clarification", "addressee", clock.Now() + 1h));
  clock.Advance(30 * kDay - 1ms);
  ExpectRefused(c.Do("offer_fallback", "system", clock.Now()),
                StatusCode::kFailedPrecondition, "has not passed");
  ExpectRefused(c.Do("refer", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition, "is not allowed");
  clock.Advance(1ms);
  auto events = c.Tick(clock.Now());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].deadline.name, "art7_fallback");
  EXPECT_EQ(events[0].type, "deadline_missed");
  auto action = c.machine().ExpiryAction("art7_fallback");
  ASSERT_EQ(action, "offer_fallback");
  auto offered = c.Do(*action, "system", clock.Now());
  ASSERT_TRUE(offered);
  EXPECT_EQ(offered->cite, "CETS 224 Art. 7(7)");
  EXPECT_EQ(c.state(), "fallback_offered");
  ASSERT_TRUE(c.Do("refer", "issuer", clock.Now()));
  EXPECT_EQ(c.state(), "referred");
}

TEST(Art7Test, TheProvidersRefusalOpensTheFallbackAtOnce) {
  Case c(FactsFor(CoeQuery(R"(["subscriber"])", "production", false),
                  "cets224.7", "judge"));
  ASSERT_TRUE(c.Do("issue", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "addressee", T0()));
  auto refused = c.Do("refuse", "addressee", T0() + kDay);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->event_type, "provider_refused");
  EXPECT_EQ(c.state(), "fallback_offered");
  EXPECT_EQ(c.Find("art7_fallback")->status, DeadlineStatus::kCancelled);
  // A late disclosure is still taken.
  ASSERT_TRUE(c.Do("produce", "addressee", T0() + 2 * kDay));
  EXPECT_EQ(c.state(), "produced");
}

// --- cets224.8 ---------------------------------------------------------------

TEST(Art8Test, ServiceRunsFromTheCompleteRequestAndReturnFromService) {
  FakeClock clock(T0());
  Case c(FactsFor(CoeQuery(R"(["subscriber"])", "production", false),
                  "cets224.8", "prosecutor"));
  ASSERT_TRUE(c.Do("submit", "issuer", clock.Now()));
  ExpectRefused(c.Do("receive", "addressee", clock.Now()),
                StatusCode::kPermissionDenied, "`requested_party`");
  ASSERT_TRUE(c.Do("receive", "requested_party", clock.Now()));
  EXPECT_EQ(c.Find("service")->due_at, T0() + 45 * kDay);
  clock.Advance(2 * kDay);
  ASSERT_TRUE(c.Do("request_information", "requested_party", clock.Now()));
  EXPECT_EQ(c.Find("service")->status, DeadlineStatus::kCancelled);
  clock.Advance(3 * kDay);
  ASSERT_TRUE(c.Do("provide_information", "issuer", clock.Now()));
  EXPECT_EQ(c.Find("service")->due_at, T0() + 50 * kDay);
  EXPECT_EQ(c.Find("service")->status, DeadlineStatus::kPending);
  ASSERT_TRUE(c.Do("propose_conditions", "requested_party", clock.Now()));
  ASSERT_TRUE(c.Do("accept_conditions", "issuer", clock.Now()));
  clock.Advance(5 * kDay);
  ASSERT_TRUE(c.Do("serve", "requested_party", clock.Now()));
  EXPECT_EQ(c.Find("service")->status, DeadlineStatus::kMet);
  EXPECT_EQ(c.Find("response")->due_at, T0() + 30 * kDay);
  ASSERT_TRUE(c.Do("transmit", "requested_party", clock.Now() + kDay));
  EXPECT_EQ(c.Find("response")->status, DeadlineStatus::kMet);
  ASSERT_TRUE(c.Do("close", "issuer", clock.Now() + kDay));
}

TEST(Art8Test, TheRequestedPartyMayRefuse) {
  Case c(FactsFor(CoeQuery(R"(["traffic"])", "production", false), "cets224.8",
                  "prosecutor"));
  ASSERT_TRUE(c.Do("submit", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "requested_party", T0()));
  auto refused = c.Do("refuse", "requested_party", T0() + kDay);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->cite, "CETS 224 Art. 8(8)");
  EXPECT_EQ(c.state(), "refused");
  EXPECT_TRUE(c.machine().IsTerminal("refused"));
}

// --- cets224.9 ---------------------------------------------------------------

TEST(Art9Test, ClosesDirectlyWithoutTheArt95Declaration) {
  CaseFacts f = FactsFor(CoeQuery(R"(["traffic"])", "production", true),
                         "cets224.9", "point_of_contact_24_7");
  EXPECT_FALSE(f.formalisation_required);
  EXPECT_TRUE(f.terms.empty());
  Case c(f);
  ASSERT_TRUE(c.Do("send", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "point_of_contact_24_7", T0()));
  ASSERT_TRUE(c.Do("accept", "point_of_contact_24_7", T0() + 1h));
  ASSERT_TRUE(c.Do("transmit", "point_of_contact_24_7", T0() + 2h));
  ExpectRefused(c.Do("formalise", "issuer", T0() + 3h),
                StatusCode::kFailedPrecondition, "requires no formalisation");
  ASSERT_TRUE(c.Do("close", "issuer", T0() + 3h));
  EXPECT_TRUE(c.deadlines().empty());
}

TEST(Art9Test, IsFormalisedAfterExecutionUnderTheArt95Declaration) {
  CaseFacts f = FactsFor(
      CoeQuery(R"(["content"])", "production", true, R"(["cets224.9.5"])"),
      "cets224.9", "point_of_contact_24_7");
  EXPECT_TRUE(f.formalisation_required);
  Case c(f);
  ASSERT_TRUE(c.Do("send", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "point_of_contact_24_7", T0()));
  ASSERT_TRUE(c.Do("accept", "point_of_contact_24_7", T0()));
  ASSERT_TRUE(c.Do("transmit", "point_of_contact_24_7", T0()));
  ExpectRefused(c.Do("close", "issuer", T0()), StatusCode::kFailedPrecondition,
                "formalised first");
  auto formalised = c.Do("formalise", "issuer", T0() + kDay);
  ASSERT_TRUE(formalised);
  EXPECT_EQ(formalised->cite, "CETS 224 Art. 9(5)");
  EXPECT_EQ(c.state(), "closed");
}

// --- cets185.29 and cets185.31 -----------------------------------------------

TEST(Art29Test, PreservesPendingTheMutualAssistanceRequest) {
  FakeClock clock(T0());
  Case c(FactsFor(CoeQuery(R"(["traffic"])", "preservation", false),
                  "cets185.29", "point_of_contact_24_7"));
  ASSERT_TRUE(c.Do("send", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "point_of_contact_24_7", clock.Now()));
  ASSERT_TRUE(c.Do("report_risk", "point_of_contact_24_7", clock.Now()));
  ASSERT_TRUE(c.Do("proceed", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("preserve", "point_of_contact_24_7", clock.Now()));
  EXPECT_EQ(c.Find("preservation")->due_at, T0() + 60 * kDay);
  clock.Advance(40 * kDay);
  ASSERT_TRUE(c.Do("submit_mla_request", "issuer", clock.Now()));
  EXPECT_EQ(c.state(), "mla_pending");
  EXPECT_EQ(c.Find("preservation")->status, DeadlineStatus::kMet);
  ASSERT_TRUE(c.Do("release", "point_of_contact_24_7", clock.Now()));
  EXPECT_EQ(c.state(), "released");
}

TEST(Art29Test, ExpiresAfterSixtyDaysWithoutARequest) {
  FakeClock clock(T0());
  Case c(FactsFor(CoeQuery(R"(["content"])", "preservation", false),
                  "cets185.29", "central_authority"));
  ASSERT_TRUE(c.Do("send", "issuer", clock.Now()));
  ASSERT_TRUE(c.Do("receive", "point_of_contact_24_7", clock.Now()));
  ASSERT_TRUE(c.Do("preserve", "point_of_contact_24_7", clock.Now()));
  clock.Advance(60 * kDay);
  auto events = c.Tick(clock.Now());
  ASSERT_EQ(events.size(), 1u);
  ASSERT_EQ(c.machine().ExpiryAction("preservation"), "expire");
  ExpectRefused(c.Do("submit_mla_request", "issuer", clock.Now()),
                StatusCode::kFailedPrecondition, "not running");
  ASSERT_TRUE(c.Do("expire", "system", clock.Now()));
  EXPECT_EQ(c.state(), "expired");
}

TEST(Art31Test, CentralAuthoritiesPostponeResumeAndTransmit) {
  Case c(FactsFor(CoeQuery(R"(["content"])", "production", false), "cets185.31",
                  "central_authority"));
  ASSERT_TRUE(c.Do("send", "issuer", T0()));
  ASSERT_TRUE(c.Do("receive", "central_authority", T0()));
  ASSERT_TRUE(c.Do("request_information", "central_authority", T0()));
  ASSERT_TRUE(c.Do("provide_information", "issuer", T0()));
  auto postponed = c.Do("postpone", "central_authority", T0() + kDay);
  ASSERT_TRUE(postponed);
  EXPECT_EQ(postponed->cite, "CETS 185 Art. 27(5)");
  ASSERT_TRUE(c.Do("resume", "central_authority", T0() + 10 * kDay));
  ASSERT_TRUE(c.Do("transmit", "central_authority", T0() + 20 * kDay));
  ASSERT_TRUE(c.Do("close", "issuer", T0() + 21 * kDay));
  EXPECT_TRUE(c.deadlines().empty());
}

}  // namespace
}  // namespace evidex::workflow
