// Content validation: a valid body per procedure, then each required element
// taken away or spoiled, with the field and the article named.
#include "workflow/order.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/json.h"
#include "workflow/workflow_testing.h"

namespace evidex::workflow {
namespace {

namespace bj = boost::json;
using testing::CoeQuery;
using testing::EuQuery;
using testing::FactsFor;

bj::value Body(const char* json) { return ParseJson(json).value(); }

bj::object& Obj(bj::value& v, std::initializer_list<const char*> path) {
  bj::value* cur = &v;
  for (const char* k : path) cur = &cur->as_object()[k];
  return cur->as_object();
}

const CaseFacts& EpocFacts() {
  static const CaseFacts f =
      FactsFor(EuQuery(R"(["traffic"])", "production", false),
               "eu2023-1543.epoc", "judge");
  return f;
}

std::string Dump(const std::vector<FieldError>& errors) {
  std::string out;
  for (const FieldError& e : errors) {
    out += e.field + ": " + e.problem + " [" + e.cite + "]\n";
  }
  return out;
}

// Expects exactly one error, on `field`, whose problem contains `problem` and
// whose citation is `cite`.
void ExpectError(const CaseFacts& facts, const bj::value& body,
                 std::string_view field, std::string_view problem,
                 std::string_view cite) {
  std::vector<FieldError> errors = ValidateOrder(facts, body);
  ASSERT_EQ(errors.size(), 1u) << Dump(errors);
  EXPECT_EQ(errors[0].field, field);
  EXPECT_NE(errors[0].problem.find(problem), std::string::npos)
      << errors[0].problem;
  EXPECT_EQ(errors[0].cite, cite);
}

struct ValidBody {
  const char* label;
  std::string query;
  const char* procedure;
  const char* authority;
  const char* body;
};

class ValidBodyTest : public ::testing::TestWithParam<ValidBody> {};

INSTANTIATE_TEST_SUITE_P(
    Procedures, ValidBodyTest,
    ::testing::Values(
        ValidBody{"epoc", EuQuery(R"(["traffic"])", "production", false),
                  "eu2023-1543.epoc", "judge", testing::kEpocBody},
        ValidBody{"epoc_pr", EuQuery(R"(["content"])", "preservation", false),
                  "eu2023-1543.epoc-pr", "prosecutor", testing::kEpocPrBody},
        ValidBody{"cets224_7",
                  CoeQuery(R"(["subscriber"])", "production", false,
                           R"(["cets224.7.5.a"])"),
                  "cets224.7", "prosecutor", testing::kArt7Body},
        ValidBody{"cets224_8",
                  CoeQuery(R"(["subscriber"])", "production", false),
                  "cets224.8", "prosecutor", testing::kArt8Body},
        ValidBody{"cets224_9", CoeQuery(R"(["traffic"])", "production", true),
                  "cets224.9", "point_of_contact_24_7", testing::kArt9Body},
        ValidBody{"cets185_29",
                  CoeQuery(R"(["traffic"])", "preservation", false),
                  "cets185.29", "point_of_contact_24_7", testing::kArt29Body},
        ValidBody{"cets185_31", CoeQuery(R"(["content"])", "production", false),
                  "cets185.31", "central_authority", testing::kArt31Body}),
    [](const ::testing::TestParamInfo<ValidBody>& p) {
      return std::string(p.param.label);
    });

TEST_P(ValidBodyTest, HasNoErrors) {
  const ValidBody& vb = GetParam();
  CaseFacts f = FactsFor(vb.query, vb.procedure, vb.authority);
  EXPECT_EQ(Dump(ValidateOrder(f, Body(vb.body))), "");
}

TEST_P(ValidBodyTest, RejectsAnUnknownFieldByName) {
  const ValidBody& vb = GetParam();
  CaseFacts f = FactsFor(vb.query, vb.procedure, vb.authority);
  bj::value body = Body(vb.body);
  body.as_object()["priority"] = "high";
  Obj(body, {"issuing_authority"})["fax"] = "+33100000000";
  std::vector<FieldError> errors = ValidateOrder(f, body);
  ASSERT_EQ(errors.size(), 2u) << Dump(errors);
  EXPECT_EQ(errors[0], (FieldError{"priority", "unknown field", ""}));
  EXPECT_EQ(errors[1],
            (FieldError{"issuing_authority.fax", "unknown field", ""}));
}

TEST_P(ValidBodyTest, RequiresTheIssuingAuthority) {
  const ValidBody& vb = GetParam();
  CaseFacts f = FactsFor(vb.query, vb.procedure, vb.authority);
  bj::value body = Body(vb.body);
  body.as_object().erase("issuing_authority");
  std::vector<FieldError> errors = ValidateOrder(f, body);
  ASSERT_EQ(errors.size(), 1u) << Dump(errors);
  EXPECT_EQ(errors[0].field, "issuing_authority");
  EXPECT_EQ(errors[0].problem, "required");
  EXPECT_FALSE(errors[0].cite.empty());
}

TEST_P(ValidBodyTest, RequiresTheCategoriesTheCaseWasRoutedFor) {
  const ValidBody& vb = GetParam();
  CaseFacts f = FactsFor(vb.query, vb.procedure, vb.authority);
  bj::value body = Body(vb.body);
  Obj(body, {"data"})["categories"] = bj::array{"subscriber", "content"};
  std::vector<FieldError> errors = ValidateOrder(f, body);
  ASSERT_EQ(errors.size(), 1u) << Dump(errors);
  EXPECT_EQ(errors[0].field, "data.categories");
  EXPECT_NE(errors[0].problem.find("must be the categories the case was "
                                   "routed for"),
            std::string::npos);
}

TEST(OrderTest, ABodyMustBeAnObject) {
  EXPECT_EQ(ValidateOrder(EpocFacts(), bj::value(bj::array{})),
            (std::vector<FieldError>{{"", "expected an object", ""}}));
}

// --- EPOC, Annex I
// -------------------------------------------------------------

TEST(EpocOrderTest, AnIpAddressNeedsItsTimestampWithItsTimeZone) {
  bj::value body = Body(testing::kEpocBody);
  bj::object& ip = body.as_object()["targets"].as_array()[0].as_object();
  ip["timestamp"] = "2026-11-02T21:14:05";
  ExpectError(EpocFacts(), body, "targets[0].timestamp", "has no time zone",
              "EU 2023/1543 Annex I Section E");
  ip.erase("timestamp");
  ExpectError(EpocFacts(), body, "targets[0].timestamp", "required",
              "EU 2023/1543 Annex I Section E");
  ip["timestamp"] = "2026-11-02 21:14";
  ExpectError(EpocFacts(), body, "targets[0].timestamp",
              "is not an RFC 3339 date and time",
              "EU 2023/1543 Annex I Section E");
}

TEST(EpocOrderTest, IdentifiersHaveTheirForm) {
  struct Bad {
    const char* type;
    const char* value;
    const char* problem;
  };
  for (const Bad& b : {
           Bad{"ip_address", "203.0.113.300", "not an IPv4 or IPv6 address"},
           Bad{"phone_number", "0612345678", "not an international number"},
           Bad{"email", "nobody@localhost", "not an e-mail address"},
           Bad{"imei", "490154203237519", "wrong IMEI check digit"},
           Bad{"imei", "49015420323751", "not an IMEI"},
           Bad{"mac_address", "00:1a:2b:3c:4d", "not a MAC address"},
       }) {
    SCOPED_TRACE(b.value);
    bj::value body = Body(testing::kEpocBody);
    bj::object& t = body.as_object()["targets"].as_array()[1].as_object();
    t["type"] = b.type;
    t["value"] = b.value;
    if (std::string_view(b.type) == "ip_address") {
      t["timestamp"] = "2026-11-02T20:14:05Z";
    }
    ExpectError(EpocFacts(), body, "targets[1].value", b.problem,
                "EU 2023/1543 Annex I Section E");
  }
}

TEST(EpocOrderTest, AcceptsWellFormedIdentifiersOfEveryKind) {
  bj::value body = Body(testing::kEpocBody);
  body.as_object()["targets"] = bj::array{
      bj::object{{"type", "ip_address"},
                 {"value", "2001:db8::1"},
                 {"timestamp", "2026-11-02T20:14:05.250Z"}},
      bj::object{{"type", "phone_number"}, {"value", "+353861234567"}},
      bj::object{{"type", "imei"}, {"value", "490154203237518"}},
      bj::object{{"type", "imei"}, {"value", "3566460412345601"}},
      bj::object{{"type", "mac_address"}, {"value", "00-1A-2B-3C-4D-5E"}},
      bj::object{{"type", "other"},
                 {"value", "wallet 0xabc"},
                 {"description", "payment wallet"}}};
  EXPECT_EQ(Dump(ValidateOrder(EpocFacts(), body)), "");
}

TEST(EpocOrderTest, FieldsOfAnotherKindOfTargetAreRefused) {
  bj::value body = Body(testing::kEpocBody);
  body.as_object()["targets"].as_array()[1].as_object()["port"] = 25;
  ExpectError(EpocFacts(), body, "targets[1].port", "unknown field", "");
}

TEST(EpocOrderTest, IdentificationDataNeedAnIpAddress) {
  CaseFacts f = FactsFor(EuQuery(R"(["identification"])", "production", false),
                         "eu2023-1543.epoc", "prosecutor");
  bj::value body = Body(testing::kEpocBody);
  Obj(body, {"issuing_authority"})["authority"] = "prosecutor";
  Obj(body, {"data"})["categories"] = bj::array{"identification"};
  body.as_object()["notification"] =
      bj::object{{"enforcing_authority_notified", false},
                 {"reason_for_none", "data_category"}};
  EXPECT_EQ(Dump(ValidateOrder(f, body)), "");
  body.as_object()["targets"].as_array().erase(
      body.as_object()["targets"].as_array().begin());
  ExpectError(f, body, "targets", "need an `ip_address` target",
              "EU 2023/1543 Art. 3(10)");
}

TEST(EpocOrderTest, RequiresTheGroundsOfSectionG) {
  bj::value body = Body(testing::kEpocBody);
  Obj(body, {"grounds"}).erase("necessity_and_proportionality");
  ExpectError(EpocFacts(), body, "grounds.necessity_and_proportionality",
              "required", "EU 2023/1543 Art. 5(2), Annex I Section G");
  body = Body(testing::kEpocBody);
  Obj(body, {"offence"})["legal_provisions"] = bj::array{};
  ExpectError(EpocFacts(), body, "offence.legal_provisions",
              "must not be empty", "EU 2023/1543 Annex I Section G");
  body = Body(testing::kEpocBody);
  Obj(body, {"offence"}).erase("max_custodial_years");
  ExpectError(EpocFacts(), body, "offence.max_custodial_years",
              "required for traffic or content data",
              "EU 2023/1543 Art. 5(4), Annex I Section G");
  Obj(body, {"offence"})["max_custodial_years"] = nullptr;
  Obj(body, {"offence"})["categories"] = bj::array{};
  ExpectError(EpocFacts(), body, "offence",
              "need the maximum sentence or one of the listed",
              "EU 2023/1543 Art. 5(4), Annex I Section G");
}

TEST(EpocOrderTest, AnEmergencyIsJustifiedAndOnlyAnEmergency) {
  CaseFacts f = FactsFor(EuQuery(R"(["traffic"])", "production", true),
                         "eu2023-1543.epoc", "judge");
  bj::value body = Body(testing::kEpocBody);
  ExpectError(f, body, "grounds.emergency_justification", "required",
              "EU 2023/1543 Art. 3(18), Annex I Section G");
  Obj(body, {"grounds"})["emergency_justification"] =
      "the victim is held hostage";
  EXPECT_EQ(Dump(ValidateOrder(f, body)), "");
  ExpectError(EpocFacts(), body, "grounds.emergency_justification",
              "not an emergency", "EU 2023/1543 Art. 3(18), Annex I Section G");
}

TEST(EpocOrderTest, TheNotificationMatchesTheLaw) {
  bj::value body = Body(testing::kEpocBody);
  Obj(body, {"notification"})["enforcing_authority_notified"] = false;
  std::vector<FieldError> errors = ValidateOrder(EpocFacts(), body);
  ASSERT_EQ(errors.size(), 1u) << Dump(errors);
  EXPECT_EQ(errors[0].field, "notification.enforcing_authority_notified");
  EXPECT_EQ(errors[0].cite, "EU 2023/1543 Art. 8(1)");

  body = Body(testing::kEpocBody);
  Obj(body, {"notification", "enforcing_authority"})["state"] = "DE";
  ExpectError(EpocFacts(), body, "notification.enforcing_authority.state",
              "that of `IE`", "EU 2023/1543 Art. 8(1)");

  // Art. 8(2): the offence and the person are in the issuing State.
  CaseFacts domestic = FactsFor(
      EuQuery(R"(["traffic"])", "production", false, /*domestic=*/true),
      "eu2023-1543.epoc", "judge");
  body = Body(testing::kEpocBody);
  ExpectError(domestic, body, "notification.enforcing_authority_notified",
              "must be false", "EU 2023/1543 Art. 8");
  body.as_object()["notification"] =
      bj::object{{"enforcing_authority_notified", false}};
  ExpectError(domestic, body, "notification.reason_for_none", "required",
              "EU 2023/1543 Art. 8, Annex I Section H");
  Obj(body, {"notification"})["reason_for_none"] = "data_category";
  ExpectError(domestic, body, "notification.reason_for_none", "`art_8_2`",
              "EU 2023/1543 Art. 8(2)");
  Obj(body, {"notification"})["reason_for_none"] = "art_8_2";
  EXPECT_EQ(Dump(ValidateOrder(domestic, body)), "");
}

TEST(EpocOrderTest, ValidationFollowsArticle4) {
  // A judge issues alone.
  bj::value body = Body(testing::kEpocBody);
  body.as_object()["validating_authority"] = Obj(body, {"issuing_authority"});
  ExpectError(EpocFacts(), body, "validating_authority",
              "issues this order alone",
              "EU 2023/1543 Art. 4, Annex I Section A");

  // A prosecutor's traffic order is validated by a judge, court or
  // investigating judge.
  CaseFacts f = FactsFor(EuQuery(R"(["traffic"])", "production", false),
                         "eu2023-1543.epoc", "prosecutor");
  body = Body(testing::kEpocBody);
  Obj(body, {"issuing_authority"})["authority"] = "prosecutor";
  ExpectError(f, body, "validating_authority", "required",
              "EU 2023/1543 Art. 4, Annex I Section A");
  bj::object validator = Obj(body, {"issuing_authority"});
  validator["authority"] = "prosecutor";
  body.as_object()["validating_authority"] = validator;
  ExpectError(f, body, "validating_authority.authority",
              "`prosecutor` may not validate this order",
              "EU 2023/1543 Art. 4, Annex I Section A");
  Obj(body, {"validating_authority"})["authority"] = "judge";
  EXPECT_EQ(Dump(ValidateOrder(f, body)), "");
}

TEST(EpocOrderTest, TheIssuerAndTheAddresseeAreThoseRouted) {
  bj::value body = Body(testing::kEpocBody);
  Obj(body, {"issuing_authority"})["state"] = "DE";
  ExpectError(EpocFacts(), body, "issuing_authority.state",
              "not the issuing State `FR`", "EU 2023/1543 Annex I Section A");
  body = Body(testing::kEpocBody);
  Obj(body, {"addressee"})["kind"] = "legal_representative";
  ExpectError(EpocFacts(), body, "addressee.kind", "`designated_establishment`",
              "EU 2023/1543 Annex I Section B");
  Obj(body, {"addressee"})["kind"] = "emergency_addressee";
  Obj(body, {"addressee"})["emergency_reason"] = "no answer in 8 hours";
  ExpectError(EpocFacts(), body, "addressee.kind", "only in an emergency",
              "EU 2023/1543 Annex I Section B");
  body = Body(testing::kEpocBody);
  Obj(body, {"addressee"})["state"] = "LU";
  ExpectError(EpocFacts(), body, "addressee.state", "`IE`",
              "EU 2023/1543 Annex I Section B");
}

TEST(EpocOrderTest, StringsAreBoundedAndNotBlank) {
  bj::value body = Body(testing::kEpocBody);
  Obj(body, {"addressee"})["name"] = std::string(201, 'x');
  ExpectError(EpocFacts(), body, "addressee.name", "longer than 200 characters",
              "");
  // Code points, not bytes: 200 accented letters fit.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
  Obj(body, {"addressee"})["name"] = accents;
  EXPECT_EQ(Dump(ValidateOrder(EpocFacts(), body)), "");
  Obj(body, {"addressee"})["name"] = " \t";
  ExpectError(EpocFacts(), body, "addressee.name", "must not be blank",
              "EU 2023/1543 Annex I Section B");
  Obj(body, {"addressee"})["name"] = "Example\nCloud";
  ExpectError(EpocFacts(), body, "addressee.name", "control character", "");
  Obj(body, {"addressee"})["name"] = 42;
  ExpectError(EpocFacts(), body, "addressee.name", "expected a string", "");
}

TEST(EpocOrderTest, OptionalSectionsAreCheckedWhenGiven) {
  bj::value body = Body(testing::kEpocBody);
  body.as_object()["earlier_order"] = bj::object{{"type", "epoc-pr"},
                                                 {"reference", "P-26-1187"},
                                                 {"issued_on", "2026-11-03"}};
  body.as_object()["data_recipient"] =
      bj::object{{"name", "OFAC, Nanterre"},
                 {"email", "ofac@police.example"},
                 {"phone", "+33147445566"}};
  body.as_object()["further_information"] = "the account is shared";
  EXPECT_EQ(Dump(ValidateOrder(EpocFacts(), body)), "");
  Obj(body, {"data_recipient"})["phone"] = "01 47 44 55 66";
  ExpectError(EpocFacts(), body, "data_recipient.phone",
              "not an international number", "EU 2023/1543 Annex I Section L");
  Obj(body, {"data_recipient"})["phone"] = "+33147445566";
  Obj(body, {"earlier_order"})["type"] = "warrant";
  ExpectError(EpocFacts(), body, "earlier_order.type",
              "unknown value `warrant`", "EU 2023/1543 Annex I Section D");
  Obj(body, {"earlier_order"})["type"] = "epoc-pr";
  Obj(body, {"issuing_authority"})["email"] = "ji.cyber";
  ExpectError(EpocFacts(), body, "issuing_authority.email",
              "`ji.cyber` is not an e-mail address",
              "EU 2023/1543 Annex I Section A");
}

TEST(EpocOrderTest, TheTimeRangeRunsForward) {
  bj::value body = Body(testing::kEpocBody);
  Obj(body, {"data", "time_range"})["to"] = "2026-09-30T23:00:00-01:00";
  ExpectError(EpocFacts(), body, "data.time_range.to", "later than `from`",
              "EU 2023/1543 Annex I Section F");
  Obj(body, {"data"}).erase("time_range");
  ExpectError(EpocFacts(), body, "data.time_range", "required",
              "EU 2023/1543 Annex I Section F");
}

TEST(EpocOrderTest, ReportsEveryProblemAtOnceUpToALimit) {
  bj::value body = Body(testing::kEpocBody);
  for (int i = 0; i < 150; ++i) {
    body.as_object()["x" + std::to_string(i)] = i;
  }
  std::vector<FieldError> errors = ValidateOrder(EpocFacts(), body);
  ASSERT_EQ(errors.size(), kMaxFieldErrors + 1);
  EXPECT_EQ(errors.back().problem,
            "too many errors; the rest are not reported");
}

// --- EPOC-PR, Annex II
// ---------------------------------------------------------

TEST(EpocPrOrderTest, NamesTheProductionRouteThatWillFollow) {
  CaseFacts f = FactsFor(EuQuery(R"(["content"])", "preservation", false),
                         "eu2023-1543.epoc-pr", "prosecutor");
  bj::value body = Body(testing::kEpocPrBody);
  Obj(body, {"subsequent_request"})["route"] = "letter_rogatory";
  ExpectError(f, body, "subsequent_request.route", "`epoc`, `eio` or `mla`",
              "EU 2023/1543 Art. 6, Annex II");
  body.as_object().erase("subsequent_request");
  ExpectError(f, body, "subsequent_request", "required",
              "EU 2023/1543 Art. 6, Annex II");
  body = Body(testing::kEpocPrBody);
  body.as_object()["notification"] =
      bj::object{{"enforcing_authority_notified", false}};
  ExpectError(f, body, "notification", "unknown field", "");
  body = Body(testing::kEpocPrBody);
  Obj(body, {"grounds"}).erase("necessity_and_proportionality");
  ExpectError(f, body, "grounds.necessity_and_proportionality", "required",
              "EU 2023/1543 Art. 6, Annex II");
}

// --- CETS 224 ----------------------------------------------------------------

const CaseFacts& Art7Facts() {
  static const CaseFacts f =
      FactsFor(CoeQuery(R"(["subscriber"])", "production", false,
                        R"(["cets224.7.5.a"])"),
               "cets224.7", "prosecutor");
  return f;
}

TEST(Art7OrderTest, RequiresTheContentOfArticle7) {
  struct Missing {
    std::vector<const char*> path;
    const char* key;
    const char* field;
    const char* cite;
  };
  for (const Missing& m : {
           Missing{{}, "issued_on", "issued_on", "CETS 224 Art. 7(3)(a)"},
           Missing{{},
                   "service_provider",
                   "service_provider",
                   "CETS 224 Art. 7(3)(c)"},
           Missing{{"offence"},
                   "description",
                   "offence.description",
                   "CETS 224 Art. 7(3)(d)"},
           Missing{{"data"},
                   "description",
                   "data.description",
                   "CETS 224 Art. 7(3)(f)"},
           Missing{
               {}, "legal_grounds", "legal_grounds", "CETS 224 Art. 7(4)(a)"},
           Missing{{"offence"},
                   "penalties",
                   "offence.penalties",
                   "CETS 224 Art. 7(4)(b)"},
           Missing{{"return"},
                   "contact",
                   "return.contact",
                   "CETS 224 Art. 7(4)(c)"},
           Missing{
               {"return"}, "manner", "return.manner", "CETS 224 Art. 7(4)(d)"},
           Missing{{}, "preservation", "preservation", "CETS 224 Art. 7(4)(e)"},
           Missing{{},
                   "notification_made",
                   "notification_made",
                   "CETS 224 Art. 7(4)(g), 7(5)(a)"},
       }) {
    SCOPED_TRACE(m.field);
    bj::value body = Body(testing::kArt7Body);
    bj::value* at = &body;
    for (const char* k : m.path) at = &at->as_object()[k];
    at->as_object().erase(m.key);
    ExpectError(Art7Facts(), body, m.field, "required", m.cite);
  }
}

TEST(Art7OrderTest, StatementsMustBeMade) {
  bj::value body = Body(testing::kArt7Body);
  body.as_object()["issued_pursuant_to_protocol"] = false;
  ExpectError(Art7Facts(), body, "issued_pursuant_to_protocol", "must be true",
              "CETS 224 Art. 7(3)(b)");
  body = Body(testing::kArt7Body);
  body.as_object()["notification_made"] = false;
  ExpectError(Art7Facts(), body, "notification_made",
              "requires simultaneous notification",
              "CETS 224 Art. 7(4)(g), 7(5)(a)");
}

TEST(Art7OrderTest, TheTimeFrameIsADuration) {
  bj::value body = Body(testing::kArt7Body);
  Obj(body, {"return"})["time_frame"] = "P1M";
  ExpectError(Art7Facts(), body, "return.time_frame", "ISO 8601 duration",
              "CETS 224 Art. 7(4)(d)");
}

TEST(Art7OrderTest, APreviousPreservationIsIdentified) {
  bj::value body = Body(testing::kArt7Body);
  Obj(body, {"preservation"})["sought"] = true;
  std::vector<FieldError> errors = ValidateOrder(Art7Facts(), body);
  ASSERT_EQ(errors.size(), 2u) << Dump(errors);
  EXPECT_EQ(errors[0].field, "preservation.date");
  EXPECT_EQ(errors[1].field, "preservation.reference");
  EXPECT_EQ(errors[1].cite, "CETS 224 Art. 7(4)(e)");
}

TEST(Art7OrderTest, TheProviderIsInTheStateRoutedTo) {
  bj::value body = Body(testing::kArt7Body);
  Obj(body, {"service_provider"})["state"] = "XC";
  ExpectError(Art7Facts(), body, "service_provider.state", "`XB`",
              "CETS 224 Art. 7(3)(c)");
}

TEST(Art8OrderTest, RequiresTheSupportingInformationOfArticle8_3_b) {
  CaseFacts f = FactsFor(CoeQuery(R"(["subscriber"])", "production", false),
                         "cets224.8", "prosecutor");
  bj::value body = Body(testing::kArt8Body);
  Obj(body, {"supporting_information"}).erase("possession_reason");
  ExpectError(f, body, "supporting_information.possession_reason", "required",
              "CETS 224 Art. 8(3)(b)(iii)");
  body = Body(testing::kArt8Body);
  Obj(body, {"supporting_information", "other_means"})["sought"] = true;
  ExpectError(f, body, "supporting_information.other_means.description",
              "required", "CETS 224 Art. 8(3)(b)(viii)");
  body = Body(testing::kArt8Body);
  Obj(body, {"supporting_information", "offence"})["legal_provisions"] =
      bj::array{"Penal Code s. 201", ""};
  ExpectError(f, body, "supporting_information.offence.legal_provisions[1]",
              "must not be blank", "CETS 224 Art. 8(3)(b)(ii)");
}

TEST(Art9OrderTest, ShowsTheEmergency) {
  CaseFacts f = FactsFor(CoeQuery(R"(["traffic"])", "production", true),
                         "cets224.9", "point_of_contact_24_7");
  bj::value body = Body(testing::kArt9Body);
  Obj(body, {"emergency"}).erase("facts");
  ExpectError(f, body, "emergency.facts", "required", "CETS 224 Art. 9(3)(e)");
  body = Body(testing::kArt9Body);
  body.as_object().erase("requesting_authority");
  ExpectError(f, body, "requesting_authority", "required",
              "CETS 224 Art. 9(3)(a)");
}

// --- CETS 185 ----------------------------------------------------------------

TEST(Art29OrderTest, RequiresTheContentOfArticle29_2) {
  CaseFacts f = FactsFor(CoeQuery(R"(["traffic"])", "preservation", false),
                         "cets185.29", "point_of_contact_24_7");
  bj::value body = Body(testing::kArt29Body);
  body.as_object()["mla_intended"] = false;
  ExpectError(f, body, "mla_intended", "must be true",
              "CETS 185 Art. 29(2)(f)");
  body = Body(testing::kArt29Body);
  body.as_object()["custodian"] = bj::object{{"state", "XB"}};
  ExpectError(f, body, "custodian", "name the custodian or the location",
              "CETS 185 Art. 29(2)(d)");
  body = Body(testing::kArt29Body);
  Obj(body, {"data"}).erase("relation_to_offence");
  ExpectError(f, body, "data.relation_to_offence", "required",
              "CETS 185 Art. 29(2)(c)");
  body = Body(testing::kArt29Body);
  body.as_object().erase("necessity");
  ExpectError(f, body, "necessity", "required", "CETS 185 Art. 29(2)(e)");
}

TEST(Art31OrderTest, RequiresTheOffenceAndTheData) {
  CaseFacts f = FactsFor(CoeQuery(R"(["content"])", "production", false),
                         "cets185.31", "central_authority");
  bj::value body = Body(testing::kArt31Body);
  Obj(body, {"offence"}).erase("summary_of_facts");
  ExpectError(f, body, "offence.summary_of_facts", "required",
              "CETS 185 Art. 25(4), 27(4)");
  body = Body(testing::kArt31Body);
  Obj(body, {"preservation"})["date"] = "2026-02-30";
  ExpectError(f, body, "preservation.date", "YYYY-MM-DD",
              "CETS 185 Art. 29, 31(1)");
}

}  // namespace
}  // namespace evidex::workflow
