#include "law/query.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "law/law_testing.h"

namespace evidex::law {
namespace {

using testing::BuiltInLaw;
using testing::Day;

constexpr const char* kBase = R"({
  "as_of": "2026-11-29",
  "issuing_state": "FR",
  "addressee": {"kind": "service_provider", "established_in": "IE",
                "designated_establishment_in": "IE", "legal_representative_in": null,
                "offers_services_in": ["FR", "IE"]},
  "data": ["subscriber", "traffic"],
  "measure": "production",
  "emergency": false,
  "offence": {"max_custodial_years": 5, "categories": ["terrorism"],
              "via_information_system": true},
  "committed_in_issuing_state": true,
  "person_resides_in": "FR"
})";

Result<Query> Parse(const std::string& json) {
  const Law& law = BuiltInLaw();
  return ParseQuery(json, law.book, law.registry, Day("2030-01-01"));
}

// kBase with `from` replaced by `to` (which must occur exactly once).
std::string With(const std::string& from, const std::string& to) {
  std::string s = kBase;
  std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(s.find(from, at + 1), std::string::npos) << from;
  s.replace(at, from.size(), to);
  return s;
}

std::string ErrorOf(const std::string& json) {
  auto q = Parse(json);
  EXPECT_FALSE(q.has_value());
  if (q) return "";
  EXPECT_EQ(q.error().code(), StatusCode::kInvalidArgument);
  return q.error().message();
}

TEST(QueryTest, ParsesTheFullQuery) {
  auto q = Parse(kBase);
  ASSERT_TRUE(q.has_value()) << q.error().message();
  EXPECT_EQ(FormatDate(q->as_of), "2026-11-29");
  EXPECT_EQ(StateCodeName(q->issuing_state), "FR");
  EXPECT_EQ(StateCodeName(*q->designated_establishment_in), "IE");
  EXPECT_FALSE(q->legal_representative_in.has_value());
  EXPECT_EQ(q->offers_services_in.size(), 2u);
  EXPECT_EQ(q->data, (1u << 0) | (1u << 2));
  EXPECT_EQ(q->measure, Measure::kProduction);
  EXPECT_EQ(*q->max_custodial_years, 5.0);
  EXPECT_EQ(q->offence_categories, 1u << 3);
  EXPECT_TRUE(*q->committed_in_issuing_state);
  EXPECT_EQ(StateCodeName(*q->person_resides_in), "FR");
}

TEST(QueryTest, OptionalFieldsMayBeAbsent) {
  auto q = Parse(R"({"issuing_state": "FR",
    "addressee": {"kind": "domain_registrar", "established_in": "DE"},
    "data": ["subscriber"], "measure": "preservation", "emergency": true,
    "offence": {"max_custodial_years": null, "categories": [], "via_information_system": false}})");
  ASSERT_TRUE(q.has_value()) << q.error().message();
  EXPECT_EQ(FormatDate(q->as_of), "2030-01-01");  // today
  EXPECT_FALSE(q->max_custodial_years.has_value());
  EXPECT_FALSE(q->committed_in_issuing_state.has_value());
  EXPECT_FALSE(q->person_resides_in.has_value());
  EXPECT_EQ(q->addressee_kind, AddresseeKind::kDomainRegistrar);
}

TEST(QueryTest, ErrorsNameTheOffendingField) {
  EXPECT_EQ(
      ErrorOf(With("\"issuing_state\": \"FR\"", "\"issuing_state\": \"FRA\"")),
      "field `issuing_state`: `FRA` is not an ISO 3166-1 alpha-2 code");
  EXPECT_EQ(
      ErrorOf(With("\"established_in\": \"IE\"", "\"established_in\": \"XA\"")),
      "field `addressee.established_in`: `XA` is not an ISO 3166-1 alpha-2 "
      "code");
  EXPECT_EQ(ErrorOf(With("\"emergency\": false", "\"emergency\": \"no\"")),
            "field `emergency`: expected true or false");
  EXPECT_EQ(
      ErrorOf(With("\"measure\": \"production\"", "\"measure\": \"seizure\"")),
      "field `measure`: unknown value `seizure`, expected `production`, "
      "`preservation`, "
      "`real_time_collection` or `interception`");
  EXPECT_EQ(
      ErrorOf(With("[\"subscriber\", \"traffic\"]", "[]")),
      "field `data`: must name at least one of `subscriber`, `identification`, "
      "`traffic` or `content`");
  EXPECT_EQ(ErrorOf(With("[\"subscriber\", \"traffic\"]",
                         "[\"subscriber\", \"subscriber\"]")),
            "field `data[1]`: `subscriber` is listed twice");
  EXPECT_EQ(
      ErrorOf(With("[\"subscriber\", \"traffic\"]", "[\"subscriber\", 7]")),
      "field `data[1]`: expected a string");
  EXPECT_EQ(
      ErrorOf(
          With("\"max_custodial_years\": 5", "\"max_custodial_years\": -1")),
      "field `offence.max_custodial_years`: must be between 0 and 1000 years");
  EXPECT_EQ(ErrorOf(With("\"max_custodial_years\": 5",
                         "\"max_custodial_years\": \"5\"")),
            "field `offence.max_custodial_years`: expected a number of years "
            "or null");
  EXPECT_EQ(ErrorOf(With("[\"terrorism\"]", "[\"fraud\"]")),
            "field `offence.categories[0]`: unknown value `fraud`, expected "
            "`non_cash_payment_fraud`, `child_sexual_abuse`, "
            "`attack_on_information_systems` "
            "or `terrorism`");
  EXPECT_EQ(
      ErrorOf(With("\"as_of\": \"2026-11-29\"", "\"as_of\": \"2026-02-30\"")),
      "field `as_of`: `2026-02-30` is not a date of the form YYYY-MM-DD");
  EXPECT_EQ(ErrorOf(With("\"person_resides_in\": \"FR\"",
                         "\"person_resides_in\": 1")),
            "field `person_resides_in`: expected a string");
  EXPECT_EQ(ErrorOf(With("[\"FR\", \"IE\"]", "[\"FR\", \"ie\"]")),
            "field `addressee.offers_services_in[1]`: `ie` is not an ISO "
            "3166-1 alpha-2 code");
  EXPECT_EQ(
      ErrorOf(With("\"kind\": \"service_provider\"", "\"kind\": \"bank\"")),
      "field `addressee.kind`: unknown value `bank`, expected "
      "`service_provider` or "
      "`domain_registrar`");
}

TEST(QueryTest, UnknownAndMissingFields) {
  EXPECT_EQ(ErrorOf(With("\"emergency\": false",
                         "\"emergency\": false, \"urgent\": true")),
            "unknown field `urgent`");
  EXPECT_EQ(ErrorOf(With("\"kind\": \"service_provider\"",
                         "\"kind\": \"service_provider\", \"name\": \"x\"")),
            "unknown field `addressee.name`");
  EXPECT_EQ(
      ErrorOf(With("\"via_information_system\": true", "\"via_is\": true")),
      "unknown field `offence.via_is`");
  EXPECT_EQ(ErrorOf(With("\"measure\": \"production\",", "")),
            "missing field `measure`");
  EXPECT_EQ(ErrorOf(With("\"categories\": [\"terrorism\"],", "")),
            "missing field `offence.categories`");
}

TEST(QueryTest, MalformedJsonAndNonObjects) {
  EXPECT_NE(ErrorOf("{\"issuing_state\": ").find("malformed JSON at line 1"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("[]"), "the query must be a JSON object");
  EXPECT_NE(ErrorOf(With("\"emergency\": false",
                         "\"emergency\": false, \"emergency\": true"))
                .find("the key `emergency` appears twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kMaxQueryBytes + 1, ' ')).find("larger than"),
            std::string::npos);
}

TEST(QueryTest, PartiesDefineStatesForTheQuery) {
  auto q = Parse(With("\"person_resides_in\": \"FR\"",
                      "\"person_resides_in\": \"XB\", \"parties\": {"
                      "\"XA\": {\"instruments\": {\"cets224\": \"2025-06-01\", "
                      "\"cets185\": null},"
                      " \"declarations\": [\"cets224.7.5.a\"], "
                      "\"reservations\": [\"cets224.8.13\"]},"
                      "\"XB\": {}}"));
  ASSERT_TRUE(q.has_value()) << q.error().message();
  ASSERT_EQ(q->parties.size(), 2u);
  EXPECT_EQ(StateCodeName(q->parties[0].code), "XA");
  EXPECT_TRUE(q->parties[0].BoundOn(Instrument::kCets224, Day("2025-06-01")));
  EXPECT_FALSE(q->parties[0].BoundOn(Instrument::kCets185, Day("2025-06-01")));
  EXPECT_EQ(q->parties[0].made.size(), 2u);
  EXPECT_EQ(StateCodeName(*q->person_resides_in), "XB");
}

TEST(QueryTest, PartiesErrorsNameTheField) {
  auto with_parties = [](const std::string& parties) {
    return With("\"person_resides_in\": \"FR\"",
                "\"person_resides_in\": \"FR\", \"parties\": " + parties);
  };
  EXPECT_EQ(
      ErrorOf(with_parties(R"({"XA": {"declarations": ["cets224.7.9.a"]}})")),
      "field `parties.XA.declarations[0]`: `cets224.7.9.a` is not a known "
      "declaration");
  EXPECT_EQ(
      ErrorOf(with_parties(R"({"XA": {"reservations": ["cets224.7.5.a"]}})")),
      "field `parties.XA.reservations[0]`: `cets224.7.5.a` is not a known "
      "reservation");
  EXPECT_EQ(ErrorOf(with_parties(
                R"({"XA": {"instruments": {"cets999": "2020-01-01"}}})")),
            "unknown field `parties.XA.instruments.cets999`, expected "
            "`cets185`, `cets189`, "
            "`cets224` or `eu2023-1543`");
  EXPECT_EQ(
      ErrorOf(with_parties(R"({"XA": {"instruments": {"cets224": "soon"}}})")),
      "field `parties.XA.instruments.cets224`: `soon` is not a date of the "
      "form YYYY-MM-DD");
  EXPECT_EQ(ErrorOf(with_parties(R"({"xa": {}})")),
            "field `parties`: `xa` is not a two-letter State code");
  EXPECT_EQ(ErrorOf(with_parties(R"({"XA": {"treaties": {}}})")),
            "unknown field `parties.XA.treaties`");
  EXPECT_EQ(
      ErrorOf(with_parties(
          R"({"XA": {"declarations": ["cets224.8.4", "cets224.8.4"]}})")),
      "field `parties.XA.declarations[1]`: `cets224.8.4` is listed twice");
}

}  // namespace
}  // namespace evidex::law

namespace evidex::law {
namespace {

// The query parser is the JSON edge of `evidex route`: it must reject every
// JSONTestSuite `n_` case with an error, and never crash on any case.
TEST(QueryTest, JsonTestSuiteCasesNeverCrashAndNoCasesAreAccepted) {
  namespace fs = std::filesystem;
  fs::path dir =
      fs::path(EVIDEX_SHARED_DIR) / "testdata/jsontestsuite/test_parsing";
  ASSERT_TRUE(fs::is_directory(dir));
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto q = Parse(ss.str());
    // None of the corpus's documents is a complete query.
    EXPECT_FALSE(q.has_value()) << entry.path().filename();
    if (!q) {
      EXPECT_EQ(q.error().message().find('\n'), std::string::npos);
    }
    ++n;
  }
  EXPECT_GT(n, 300);
}

}  // namespace
}  // namespace evidex::law
