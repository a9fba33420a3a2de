#include "law/registry.h"

#include <gtest/gtest.h>

#include "law/law_testing.h"

namespace evidex::law {
namespace {

using testing::BuiltInLaw;
using testing::Day;

StateCode Code(const char* s) { return ParseStateCode(s).value(); }

TEST(RegistryTest, BuiltInRegistryHasEveryStateOfTheSource) {
  const Registry& reg = BuiltInLaw().registry;
  EXPECT_EQ(reg.states().size(), 92u);
  EXPECT_EQ(reg.as_of(), "2026-02-05");
  EXPECT_TRUE(reg.IsIsoCode(Code("CN")));
  EXPECT_FALSE(reg.IsIsoCode(Code("XA")));
  EXPECT_EQ(reg.Find(Code("CN")), nullptr);
}

TEST(RegistryTest, IsReadByDate) {
  const Registry& reg = BuiltInLaw().registry;
  const StateRecord* fr = reg.Find(Code("FR"));
  ASSERT_NE(fr, nullptr);
  EXPECT_EQ(fr->name, "France");
  EXPECT_TRUE(fr->BoundOn(Instrument::kEu20231543, Day("2026-08-18")));
  EXPECT_FALSE(fr->BoundOn(Instrument::kEu20231543, Day("2026-08-17")));
  EXPECT_TRUE(fr->BoundOn(Instrument::kCets185, Day("2006-05-01")));
  EXPECT_FALSE(fr->BoundOn(Instrument::kCets185, Day("2006-04-30")));
  EXPECT_FALSE(fr->BoundOn(Instrument::kCets224, Day("2026-11-29")));
}

TEST(RegistryTest, DenmarkIsNotBoundByTheRegulation) {
  const StateRecord* dk = BuiltInLaw().registry.Find(Code("DK"));
  ASSERT_NE(dk, nullptr);
  EXPECT_FALSE(dk->BoundOn(Instrument::kEu20231543, Day("2030-01-01")));
  EXPECT_TRUE(dk->BoundOn(Instrument::kCets185, Day("2026-11-29")));
}

TEST(RegistryTest, IrelandIsOnlyASignatoryOfTheConvention) {
  const StateRecord* ie = BuiltInLaw().registry.Find(Code("IE"));
  ASSERT_NE(ie, nullptr);
  EXPECT_FALSE(ie->BoundOn(Instrument::kCets185, Day("2026-11-29")));
  EXPECT_TRUE(ie->BoundOn(Instrument::kEu20231543, Day("2026-11-29")));
}

TEST(RegistryTest, JapanReservationsAndDeclarationsAreRecorded) {
  const Law& law = BuiltInLaw();
  const StateRecord* jp = law.registry.Find(Code("JP"));
  ASSERT_NE(jp, nullptr);
  std::vector<std::string> made;
  for (const MadeEntry& m : jp->made)
    made.push_back(law.book.declarations[m.declaration].id);
  EXPECT_EQ(made, (std::vector<std::string>{"cets224.8.11", "cets224.7.9.a"}));
  EXPECT_EQ(FormatDate(*jp->made[0].from), "2023-08-10");
}

Result<Registry> LoadStates(const std::string& json) {
  const Law& law = BuiltInLaw();
  return LoadRegistry({"law/registry/states.json", json},
                      {"law/registry/iso3166-1.txt", "FR France\nXK Kosovo\n"},
                      law.book);
}

std::string ErrorOf(const std::string& json) {
  auto r = LoadStates(json);
  EXPECT_FALSE(r.has_value());
  return r ? "" : r.error().message();
}

TEST(RegistryTest, LoadsAMinimalRegistry) {
  auto r =
      LoadStates(R"({"as_of": "2026-01-01", "states": {"FR": {"name": "France",
      "instruments": {"cets185": {"status": "party", "in_force": "2006-05-01"}},
      "reservations": [{"id": "cets185.29.4", "from": "2010-01-01"}]}}})");
  ASSERT_TRUE(r.has_value()) << r.error().message();
  const StateRecord* fr = r->Find(Code("FR"));
  ASSERT_NE(fr, nullptr);
  EXPECT_TRUE(fr->BoundOn(Instrument::kCets185, Day("2007-01-01")));
  ASSERT_EQ(fr->made.size(), 1u);
}

TEST(RegistryTest, ErrorsNameFileAndPath) {
  EXPECT_EQ(
      ErrorOf(R"({"as_of": "2026-01-01", "states": {"FR": {"name": "France",
      "instruments": {"cets185": {"status": "party", "in_force": "2006-13-01"}}}}})"),
      "law/registry/states.json: `states.FR.instruments.cets185.in_force`: "
      "`2006-13-01` "
      "is not a calendar day");
  EXPECT_NE(
      ErrorOf(R"({"as_of": "2026-01-01", "states": {"FR": {"name": "France",
      "instruments": {"cets999": {"status": "party", "in_force": null}}}}})")
          .find("`states.FR.instruments.cets999`: unknown instrument"),
      std::string::npos);
  EXPECT_NE(
      ErrorOf(R"({"as_of": "2026-01-01", "states": {"FR": {"name": "France",
      "instruments": {}, "declarations": [{"id": "cets224.7.9.a"}]}}})")
          .find("`cets224.7.9.a` is not a known declaration"),
      std::string::npos);
  EXPECT_NE(
      ErrorOf(R"({"as_of": "2026-01-01", "states": {"ZZ": {"name": "Nowhere",
      "instruments": {}}}})")
          .find("`states.ZZ`: not an ISO 3166-1 alpha-2 code"),
      std::string::npos);
  EXPECT_NE(
      ErrorOf(R"({"as_of": "2026-01-01", "states": {"FR": {"name": "France",
      "instruments": {"cets224": {"status": "signatory", "in_force": "2025-01-01"}}}}})")
          .find("a State with status `signatory` is not bound"),
      std::string::npos);
  EXPECT_NE(ErrorOf(R"({"as_of": "2026-01-01", "states": {}, "extra": 1})")
                .find("unknown key `extra`"),
            std::string::npos);
  EXPECT_NE(ErrorOf("{\"as_of\": ")
                .find("law/registry/states.json: malformed JSON at line 1"),
            std::string::npos);
}

}  // namespace
}  // namespace evidex::law
