#include "law/engine.h"

#include <gtest/gtest.h>

#include "law/law_testing.h"

namespace evidex::law {
namespace {

using testing::BuiltInLaw;
using testing::Channel;
using testing::Day;
using testing::Excluded;
using testing::Route;

constexpr const char* kFrIeTraffic = R"({
  "as_of": "2026-11-29", "issuing_state": "FR",
  "addressee": {"kind": "service_provider", "established_in": "IE",
                "designated_establishment_in": "IE"},
  "data": ["traffic"], "measure": "production", "emergency": false,
  "offence": {"max_custodial_years": 5, "categories": [], "via_information_system": false}
})";

TEST(DecideTest, EveryProcedureIsOpenOrClosedExactlyOnce) {
  boost::json::value d = Route(kFrIeTraffic);
  std::set<std::string> seen;
  for (const auto& c : d.at("channels").as_array()) {
    EXPECT_TRUE(seen.insert(std::string(c.at("procedure").as_string())).second);
  }
  for (const auto& c : d.at("excluded").as_array()) {
    EXPECT_TRUE(seen.insert(std::string(c.at("procedure").as_string())).second);
    EXPECT_FALSE(c.at("reasons").as_array().empty());
  }
  EXPECT_EQ(seen.size(), BuiltInLaw().book.procedures.size());
}

TEST(DecideTest, TrafficDataNotifiesTheEnforcingStateAndExcludesProsecutors) {
  boost::json::value d = Route(kFrIeTraffic);
  const boost::json::object* epoc = Channel(d, "eu2023-1543.epoc");
  ASSERT_NE(epoc, nullptr);
  EXPECT_EQ(boost::json::serialize(epoc->at("issuing_authorities")),
            R"(["judge","court","investigating_judge"])");
  EXPECT_EQ(
      boost::json::serialize(epoc->at("notifications")),
      R"([{"state":"IE","role":"enforcing_authority","objection_window":"P10D","suspensive":true}])");
  EXPECT_EQ(epoc->at("response_deadline").as_string(), "P10D");
}

TEST(DecideTest, OffenceBelowThresholdClosesTrafficEpocWithItsArticle) {
  std::string q = kFrIeTraffic;
  q.replace(q.find("\"max_custodial_years\": 5"), 24,
            "\"max_custodial_years\": 2");
  boost::json::value d = Route(q);
  const boost::json::object* e = Excluded(d, "eu2023-1543.epoc");
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->at("reasons").as_array().size(), 1u);
  const auto& reason = e->at("reasons").as_array()[0];
  EXPECT_EQ(reason.at("rule").as_string(), "eu2023-1543.5.4");
  EXPECT_EQ(reason.at("cite").as_string(), "EU 2023/1543 Art. 5(4)");
}

TEST(DecideTest, IsDeterministic) {
  const Law& law = BuiltInLaw();
  auto q = ParseQuery(kFrIeTraffic, law.book, law.registry, Day("2026-11-29"))
               .value();
  std::string a, b;
  AppendDecisionJson(law.book, Decide(law.book, law.registry, q), a);
  AppendDecisionJson(law.book, Decide(law.book, law.registry, q), b);
  EXPECT_EQ(a, b);
}

// A two-rule law book whose rules set one deadline differently: the engine
// reports the conflict instead of choosing.
TEST(DecideTest, ReportsConflictingRulesOfEqualRank) {
  auto book = LoadLawBook({{"law/rules/t.toml", R"toml(
instrument = "cets224"
title = "t"
[[procedure]]
id = "cets224.7"
title = "t"
priority = 1
emergency_priority = 1
[[rule]]
id = "a"
cite = "A"
text = "t"
explain = "e"
verified = true
procedures = ["cets224.7"]
decides = "response_deadline"
value = "P30D"
[[rule]]
id = "b"
cite = "B"
text = "t"
explain = "e"
verified = true
procedures = ["cets224.7"]
decides = "response_deadline"
when = { emergency = true }
value = "P20D"
)toml"}});
  ASSERT_TRUE(book.has_value()) << book.error().message();
  const Registry& reg = BuiltInLaw().registry;
  std::string q = kFrIeTraffic;
  auto calm = ParseQuery(q, *book, reg, Day("2026-11-29")).value();
  EXPECT_TRUE(Decide(*book, reg, calm).conflicts.empty());
  q.replace(q.find("\"emergency\": false"), 18, "\"emergency\": true");
  auto urgent = ParseQuery(q, *book, reg, Day("2026-11-29")).value();
  Decision d = Decide(*book, reg, urgent);
  ASSERT_EQ(d.conflicts.size(), 1u);
  EXPECT_EQ(book->rules[d.conflicts[0].first].id, "a");
  EXPECT_EQ(book->rules[d.conflicts[0].second].id, "b");
}

TEST(DecideTest, OpenChannelsAreOrderedByPriority) {
  boost::json::value d = Route(R"({
    "as_of": "2026-11-29", "issuing_state": "XA",
    "addressee": {"kind": "service_provider", "established_in": "XB"},
    "data": ["subscriber"], "measure": "production", "emergency": true,
    "offence": {"max_custodial_years": 5, "categories": [], "via_information_system": true},
    "parties": {"XA": {"instruments": {"cets185": "2005-01-01", "cets224": "2025-06-01"}},
                "XB": {"instruments": {"cets185": "2005-01-01", "cets224": "2025-06-01"}}}})");
  std::vector<std::string> open;
  for (const auto& c : d.at("channels").as_array()) {
    open.emplace_back(c.at("procedure").as_string());
  }
  EXPECT_EQ(open, (std::vector<std::string>{
                      "cets224.9", "cets224.10", "cets224.7", "cets224.8",
                      "cets185.32", "cets185.31", "cets224.12"}));
}

}  // namespace
}  // namespace evidex::law

namespace evidex::law {
namespace {

// Japan reserved Art. 7 (7(9)(a)) when it ratified in 2023, but the Protocol is
// not in force: the reservation has no effect yet, so only the Protocol's entry
// into force closes Art. 7.
TEST(DecideTest, ReservationsTakeEffectOnlyWithTheInstrument) {
  boost::json::value d = testing::Route(R"({
    "as_of": "2026-11-29", "issuing_state": "FR",
    "addressee": {"kind": "service_provider", "established_in": "JP"},
    "data": ["subscriber"], "measure": "production", "emergency": false,
    "offence": {"max_custodial_years": 5, "categories": [], "via_information_system": true}})");
  const boost::json::object* e = testing::Excluded(d, "cets224.7");
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->at("reasons").as_array().size(), 1u);
  EXPECT_EQ(e->at("reasons").as_array()[0].at("rule").as_string(),
            "cets224.16.3");

  // With the Protocol in force for both (a query's own records), the
  // reservation closes Art. 7.
  boost::json::value in_force = testing::Route(R"({
    "as_of": "2026-11-29", "issuing_state": "XA",
    "addressee": {"kind": "service_provider", "established_in": "XB"},
    "data": ["subscriber"], "measure": "production", "emergency": false,
    "offence": {"max_custodial_years": 5, "categories": [], "via_information_system": true},
    "parties": {"XA": {"instruments": {"cets224": "2026-01-01"}},
                "XB": {"instruments": {"cets224": "2026-01-01"}, "reservations": ["cets224.7.9.a"]}}})");
  const boost::json::object* e2 = testing::Excluded(in_force, "cets224.7");
  ASSERT_NE(e2, nullptr);
  ASSERT_EQ(e2->at("reasons").as_array().size(), 1u);
  EXPECT_EQ(e2->at("reasons").as_array()[0].at("rule").as_string(),
            "cets224.7.9.a");
}

}  // namespace
}  // namespace evidex::law
