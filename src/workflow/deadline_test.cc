// Deadlines: each deadline rule of the law, computed from the real law at a
// recorded moment given by a fake clock; and the scheduler.
#include "workflow/deadline.h"

#include <gtest/gtest.h>

#include <set>

#include "law/law_testing.h"
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

struct Act {
  const char* action;
  const char* party;
};

// A case driven by `steps`, all at the fake clock's instant, and the deadline
// one of them starts.
struct DeadlineCase {
  const char* label;
  std::string query;
  const char* procedure;
  const char* authority;
  std::vector<Act> steps;
  const char* name;
  const char* rule;
  std::chrono::hours due_after;  // from the recorded moment
  std::chrono::minutes warn_before;
};

std::vector<DeadlineCase> AllDeadlineCases() {
  const auto d = [](int days) { return std::chrono::hours(24 * days); };
  return {
      {"epoc response, 10 days",
       EuQuery(R"(["subscriber"])", "production", false),
       "eu2023-1543.epoc",
       "judge",
       {{"issue", "issuer"}, {"receive", "addressee"}},
       "response",
       "eu2023-1543.10.3",
       d(10),
       2 * 24 * 60min},
      {"epoc response at the end of the objection window, 10 days",
       EuQuery(R"(["traffic"])", "production", false),
       "eu2023-1543.epoc",
       "judge",
       {{"issue", "issuer"}, {"receive", "addressee"}},
       "response",
       "eu2023-1543.10.2",
       d(10),
       2 * 24 * 60min},
      {"epoc response in an emergency, 8 hours",
       EuQuery(R"(["subscriber"])", "production", true),
       "eu2023-1543.epoc",
       "judge",
       {{"issue", "issuer"}, {"receive", "addressee"}},
       "response",
       "eu2023-1543.10.4",
       8h,
       96min},
      {"epoc objection window, 10 days",
       EuQuery(R"(["traffic"])", "production", false),
       "eu2023-1543.epoc",
       "judge",
       {{"issue", "issuer"}, {"receive", "addressee"}},
       "objection_window",
       "eu2023-1543.8.1",
       d(10),
       2 * 24 * 60min},
      {"epoc objection window in an emergency, 96 hours",
       EuQuery(R"(["content"])", "production", true),
       "eu2023-1543.epoc",
       "judge",
       {{"issue", "issuer"}, {"receive", "addressee"}},
       "objection_window",
       "eu2023-1543.8.4",
       96h,
       1152min},
      {"epoc ex-post validation, 48 hours",
       EuQuery(R"(["subscriber"])", "production", true),
       "eu2023-1543.epoc",
       "other_competent_authority",
       {{"issue_without_validation", "issuer"}},
       "validation",
       "eu2023-1543.4.5",
       48h,
       576min},
      {"epoc-pr ex-post validation, 48 hours",
       EuQuery(R"(["traffic"])", "preservation", true),
       "eu2023-1543.epoc-pr",
       "other_competent_authority",
       {{"issue_without_validation", "issuer"}},
       "validation",
       "eu2023-1543.4.5",
       48h,
       576min},
      {"epoc-pr preservation, 60 days",
       EuQuery(R"(["content"])", "preservation", false),
       "eu2023-1543.epoc-pr",
       "prosecutor",
       {{"issue", "issuer"}, {"receive", "addressee"}},
       "preservation",
       "eu2023-1543.11.1",
       d(60),
       12 * 24 * 60min},
      {"epoc-pr preservation extended by 30 days (Annex VI)",
       EuQuery(R"(["content"])", "preservation", false),
       "eu2023-1543.epoc-pr",
       "prosecutor",
       {{"issue", "issuer"}, {"receive", "addressee"}, {"extend", "issuer"}},
       "preservation",
       "eu2023-1543.11.1.extension",
       d(90),
       6 * 24 * 60min},
      {"cets224.7 fallback, 30 days",
       CoeQuery(R"(["subscriber"])", "production", false),
       "cets224.7",
       "prosecutor",
       {{"issue", "issuer"}, {"receive", "addressee"}},
       "art7_fallback",
       "cets224.7.7",
       d(30),
       6 * 24 * 60min},
      {"cets224.8 service, 45 days",
       CoeQuery(R"(["traffic"])", "production", false),
       "cets224.8",
       "prosecutor",
       {{"submit", "issuer"}, {"receive", "requested_party"}},
       "service",
       "cets224.8.6.a",
       d(45),
       9 * 24 * 60min},
      {"cets224.8 return of subscriber information, 20 days",
       CoeQuery(R"(["subscriber"])", "production", false),
       "cets224.8",
       "prosecutor",
       {{"submit", "issuer"},
        {"receive", "requested_party"},
        {"serve", "requested_party"}},
       "response",
       "cets224.8.6.b.subscriber",
       d(20),
       4 * 24 * 60min},
      {"cets224.8 return of traffic data, 45 days",
       CoeQuery(R"(["subscriber", "traffic"])", "production", false),
       "cets224.8",
       "prosecutor",
       {{"submit", "issuer"},
        {"receive", "requested_party"},
        {"serve", "requested_party"}},
       "response",
       "cets224.8.6.b.traffic",
       d(45),
       9 * 24 * 60min},
      {"cets185.29 preservation, 60 days",
       CoeQuery(R"(["traffic"])", "preservation", false),
       "cets185.29",
       "point_of_contact_24_7",
       {{"send", "issuer"},
        {"receive", "point_of_contact_24_7"},
        {"preserve", "point_of_contact_24_7"}},
       "preservation",
       "cets185.29.7",
       d(60),
       12 * 24 * 60min},
  };
}

class RuleDeadlineTest : public ::testing::TestWithParam<DeadlineCase> {};

INSTANTIATE_TEST_SUITE_P(Rules, RuleDeadlineTest,
                         ::testing::ValuesIn(AllDeadlineCases()),
                         [](const ::testing::TestParamInfo<DeadlineCase>& p) {
                           std::string s = p.param.label;
                           for (char& c : s) {
                             if (!std::isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           }
                           return s;
                         });

TEST_P(RuleDeadlineTest, IsDueTheRuleTermAfterTheRecordedMoment) {
  const DeadlineCase& dc = GetParam();
  FakeClock clock(T0());
  Case c(FactsFor(dc.query, dc.procedure, dc.authority));
  for (const Act& a : dc.steps) {
    auto step = c.Do(a.action, a.party, clock.Now());
    ASSERT_TRUE(step.has_value()) << a.action << ": " << step.error().message();
  }
  const Deadline* d = c.Find(dc.name);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->case_id, "case-1");
  EXPECT_EQ(d->rule_id, dc.rule);
  EXPECT_EQ(d->due_at, T0() + dc.due_after);
  EXPECT_EQ(d->warn_at, d->due_at - dc.warn_before);
  EXPECT_EQ(d->status, DeadlineStatus::kPending);
}

// The table above covers every deadline and window the rule files set for a
// procedure that has a machine.
TEST(RuleDeadlineCoverageTest, EveryDeadlineRuleOfTheLawIsComputedAbove) {
  const law::LawBook& book = law::testing::BuiltInLaw().book;
  std::set<std::string> in_law;
  for (const law::Rule& r : book.rules) {
    bool timed = !r.removes &&
                 ((law::IsSingleValued(r.decides) && !r.duration.empty()) ||
                  (r.decides == law::Decides::kNotification &&
                   !r.notification.objection_window.empty()));
    if (!timed) continue;
    for (std::uint8_t p : r.procedures) {
      if (FindMachine(book.procedures[p].id) != nullptr) in_law.insert(r.id);
    }
  }
  std::set<std::string> tested;
  for (const DeadlineCase& dc : AllDeadlineCases()) tested.insert(dc.rule);
  EXPECT_EQ(tested, in_law);
}

TEST(DeadlineTest, ADayIsTwentyFourHoursInUtcFromTheRecordedMoment) {
  // Across the end of daylight saving time in Europe (25 October 2026).
  DeadlineTerm term{"response", "eu2023-1543.10.3", "EU 2023/1543 Art. 10(3)",
                    "P10D", 10 * 86400};
  Deadline d = Start("c", term, testing::At("2026-10-20T23:15:00+02:00"));
  EXPECT_EQ(FormatRfc3339(d.due_at), "2026-10-30T21:15:00Z");
  EXPECT_EQ(FormatRfc3339(*d.warn_at), "2026-10-28T21:15:00Z");
}

TEST(DeadlineTest, WarnsInTheLastFifthOfThePeriod) {
  EXPECT_EQ(WarnAt(T0(), 8 * 3600), T0() - 96min);
  EXPECT_EQ(WarnAt(T0(), 48 * 3600), T0() - 576min);
  EXPECT_EQ(WarnAt(T0(), 60 * 86400), T0() - 288h);
}

// --- The scheduler -----------------------------------------------------------

Deadline Pending(const char* name, Instant due, Instant warn) {
  return Deadline{"case-1", name, "rule.x",
                  due,      warn, DeadlineStatus::kPending};
}

TEST(CheckDeadlinesTest, NothingBeforeTheWarningTime) {
  std::vector<Deadline> ds = {Pending("response", T0() + 10h, T0() + 8h)};
  EXPECT_TRUE(CheckDeadlines(ds, T0() + 8h - 1ms).empty());
}

TEST(CheckDeadlinesTest, ApproachingAtTheWarningTimeThenMissedAtTheDueTime) {
  std::vector<Deadline> ds = {Pending("response", T0() + 10h, T0() + 8h)};
  auto warn = CheckDeadlines(ds, T0() + 8h);
  ASSERT_EQ(warn.size(), 1u);
  EXPECT_EQ(warn[0].type, "deadline_approaching");
  EXPECT_EQ(warn[0].deadline.status, DeadlineStatus::kApproaching);
  EXPECT_EQ(warn[0].payload_json,
            R"({"deadline":"response","rule":"rule.x",)"
            R"("due_at":"2026-12-01T19:30:00Z","status":"approaching"})");
  ds[0] = warn[0].deadline;
  EXPECT_TRUE(CheckDeadlines(ds, T0() + 10h - 1ms).empty());
  auto missed = CheckDeadlines(ds, T0() + 10h);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].type, "deadline_missed");
  EXPECT_EQ(missed[0].deadline.status, DeadlineStatus::kMissed);
  EXPECT_EQ(missed[0].payload_json,
            R"({"deadline":"response","rule":"rule.x",)"
            R"("due_at":"2026-12-01T19:30:00Z","status":"missed"})");
}

TEST(CheckDeadlinesTest, APendingDeadlinePastItsDueTimeGoesStraightToMissed) {
  std::vector<Deadline> ds = {Pending("response", T0(), T0() - 2h)};
  auto events = CheckDeadlines(ds, T0() + 1h);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "deadline_missed");
}

TEST(CheckDeadlinesTest, IsIdempotentAtTheSameInstant) {
  std::vector<Deadline> ds = {Pending("response", T0() + 10h, T0() + 8h),
                              Pending("objection_window", T0() + 1h, T0()),
                              Pending("validation", T0() + 30h, T0() + 20h)};
  Instant now = T0() + 9h;
  auto first = CheckDeadlines(ds, now);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].deadline.name, "response");
  EXPECT_EQ(first[0].type, "deadline_approaching");
  EXPECT_EQ(first[1].deadline.name, "objection_window");
  EXPECT_EQ(first[1].type, "deadline_missed");
  for (const DeadlineEvent& e : first) {
    for (Deadline& d : ds) {
      if (d.name == e.deadline.name) d = e.deadline;
    }
  }
  EXPECT_TRUE(CheckDeadlines(ds, now).empty());
}

TEST(CheckDeadlinesTest, MetCancelledAndMissedDeadlinesNeverChange) {
  std::vector<Deadline> ds = {Pending("response", T0(), T0() - 2h),
                              Pending("service", T0(), T0() - 2h),
                              Pending("validation", T0(), T0() - 2h)};
  ds[0].status = DeadlineStatus::kMet;
  ds[1].status = DeadlineStatus::kCancelled;
  ds[2].status = DeadlineStatus::kMissed;
  EXPECT_TRUE(CheckDeadlines(ds, T0() + 1000h).empty());
}

TEST(CheckDeadlinesTest, ADeadlineWithoutWarningTimeIsOnlyEverMissed) {
  std::vector<Deadline> ds = {Deadline{"case-1", "response", "rule.x", T0(),
                                       std::nullopt, DeadlineStatus::kPending}};
  EXPECT_TRUE(CheckDeadlines(ds, T0() - 1ms).empty());
  auto events = CheckDeadlines(ds, T0());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "deadline_missed");
}

// A restart changes nothing: the stored records alone drive the scheduler,
// which reaches the same events as a node that never stopped.
TEST(CheckDeadlinesTest, StoredDeadlinesSurviveARestart) {
  FakeClock clock(T0());
  CaseFacts facts = FactsFor(EuQuery(R"(["traffic"])", "production", false),
                             "eu2023-1543.epoc", "judge");
  Case running(facts);
  ASSERT_TRUE(running.Do("issue", "issuer", clock.Now()));
  ASSERT_TRUE(running.Do("receive", "addressee", clock.Now()));
  std::vector<Deadline> stored = running.deadlines();
  std::string facts_json = FactsJson(facts);

  clock.Advance(240h);
  auto restarted_facts = ParseFactsJson(facts_json);
  ASSERT_TRUE(restarted_facts.has_value());
  EXPECT_EQ(*restarted_facts, facts);
  auto after_restart = CheckDeadlines(stored, clock.Now());
  auto without_restart = running.Tick(clock.Now());
  ASSERT_EQ(after_restart.size(), 2u);
  EXPECT_EQ(after_restart[0].deadline, without_restart[0].deadline);
  EXPECT_EQ(after_restart[1].deadline, without_restart[1].deadline);
  EXPECT_EQ(after_restart[0].type, "deadline_missed");
}

}  // namespace
}  // namespace evidex::workflow
