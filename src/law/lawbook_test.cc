#include "law/lawbook.h"

#include <gtest/gtest.h>

#include "law/law_testing.h"

namespace evidex::law {
namespace {

constexpr const char* kHeader = R"toml(
instrument = "cets224"
title = "test"

[[procedure]]
id = "cets224.7"
title = "Art. 7"
priority = 1
emergency_priority = 1
)toml";

Result<LawBook> LoadOne(const std::string& body) {
  return LoadLawBook({{"law/rules/test.toml", std::string(kHeader) + body}});
}

std::string ErrorOf(const std::string& body) {
  auto r = LoadOne(body);
  EXPECT_FALSE(r.has_value());
  return r ? "" : r.error().message();
}

constexpr const char* kGeneral = R"toml(
[[rule]]
id = "g"
cite = "CETS 224 Art. 7(7)"
text = "t"
explain = "e"
verified = false
procedures = ["cets224.7"]
decides = "response_deadline"
value = "P30D"
)toml";

TEST(LawBookTest, BuiltInLawLoads) {
  const LawBook& book = testing::BuiltInLaw().book;
  EXPECT_EQ(book.procedures.size(), 15u);
  EXPECT_GT(book.rules.size(), 100u);
  EXPECT_GE(book.FindProcedure("eu2023-1543.epoc"), 0);
  EXPECT_GE(book.FindProcedure("cets185.34"), 0);
  ASSERT_NE(book.FindRule("eu2023-1543.10.4"), nullptr);
  EXPECT_EQ(book.FindRule("eu2023-1543.10.4")->rank, 1);
  EXPECT_EQ(book.FindRule("eu2023-1543.10.3")->rank, 0);
  EXPECT_EQ(book.FindRule("eu2023-1543.8.2")->overrides_indices.size(), 2u);
  EXPECT_TRUE(book.declarations[static_cast<std::size_t>(
                                    book.FindDeclaration("cets224.7.9.a"))]
                  .reservation);
}

TEST(LawBookTest, EveryRuleCitesAndExplains) {
  for (const Rule& r : testing::BuiltInLaw().book.rules) {
    EXPECT_FALSE(r.cite.empty()) << r.id;
    EXPECT_FALSE(r.text.empty()) << r.id;
    EXPECT_EQ(r.explain.find('\n'), std::string::npos) << r.id;
    EXPECT_GT(r.line, 0) << r.id;
  }
}

TEST(LawBookTest, LoadsAMinimalFile) {
  auto r = LoadOne(kGeneral);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->rules.size(), 1u);
  EXPECT_EQ(r->rules[0].duration, "P30D");
  EXPECT_EQ(r->rules[0].line, 11);
}

TEST(LawBookTest, SyntaxErrorNamesFileAndLine) {
  std::string m = ErrorOf("\n[[rule]\nid = 1\n");
  EXPECT_TRUE(m.starts_with("law/rules/test.toml:11:")) << m;
}

TEST(LawBookTest, UnknownKeyNamesFileLineAndKey) {
  std::string m = ErrorOf(std::string(kGeneral) + "whn = {}\n");
  EXPECT_NE(m.find("law/rules/test.toml:"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key `whn`"), std::string::npos) << m;
}

TEST(LawBookTest, RejectsBadValues) {
  std::string bad_duration = kGeneral;
  bad_duration.replace(bad_duration.find("P30D"), 4, "P1M");
  EXPECT_NE(ErrorOf(bad_duration).find("ISO 8601 duration"), std::string::npos);

  std::string bad_proc = kGeneral;
  bad_proc.replace(bad_proc.find("[\"cets224.7\"]"), 13, "[\"cets224.99\"]");
  EXPECT_NE(ErrorOf(bad_proc).find("unknown procedure `cets224.99`"),
            std::string::npos);

  std::string bad_kind = kGeneral;
  bad_kind.replace(bad_kind.find("response_deadline"), 17, "deadline");
  EXPECT_NE(ErrorOf(bad_kind).find("unknown `decides` `deadline`"),
            std::string::npos);
}

TEST(LawBookTest, RejectsDuplicateRule) {
  EXPECT_NE(ErrorOf(std::string(kGeneral) + kGeneral)
                .find("rule `g` is defined twice"),
            std::string::npos);
}

TEST(LawBookTest, RejectsUnknownCondition) {
  std::string m =
      ErrorOf(std::string(kGeneral) + "when = { emergncy = true }\n");
  EXPECT_NE(m.find("unknown condition `emergncy`"), std::string::npos) << m;
}

TEST(LawBookTest, RejectsOverrideOfAnotherKind) {
  std::string m = ErrorOf(std::string(kGeneral) + R"toml(
[[rule]]
id = "s"
cite = "c"
text = "t"
explain = "e"
verified = false
procedures = ["cets224.7"]
decides = "service_deadline"
overrides = "g"
value = "P45D"
)toml");
  EXPECT_NE(m.find("decides `service_deadline` but overrides `g`"),
            std::string::npos)
      << m;
}

TEST(LawBookTest, RejectsOverrideCycle) {
  std::string a = kGeneral;
  a.insert(a.find("value"), "overrides = \"h\"\n");
  std::string m = ErrorOf(a + R"toml(
[[rule]]
id = "h"
cite = "c"
text = "t"
explain = "e"
verified = false
procedures = ["cets224.7"]
decides = "response_deadline"
overrides = "g"
value = "P45D"
)toml");
  EXPECT_NE(m.find("override cycle"), std::string::npos) << m;
}

TEST(LawBookTest, NoneValueOnlyForSpecialRules) {
  std::string none = kGeneral;
  none.replace(none.find("\"P30D\""), 6, "\"none\"");
  EXPECT_NE(ErrorOf(none).find("only a rule that overrides another"),
            std::string::npos);
}

TEST(LawBookTest, RequiresNeedsWhen) {
  std::string m = ErrorOf(R"toml(
[[rule]]
id = "r"
cite = "c"
text = "t"
explain = "e"
verified = false
procedures = ["cets224.7"]
decides = "requires"
)toml");
  EXPECT_NE(m.find("needs a `when`"), std::string::npos) << m;
}

TEST(LawBookTest, AddresseeRuleCannotDependOnAddressee) {
  std::string m = ErrorOf(R"toml(
[[rule]]
id = "a"
cite = "c"
text = "t"
explain = "e"
verified = false
procedures = ["cets224.7"]
decides = "addressee"
when = { present = ["addressee"] }
value = { role = "service_provider", state = "provider" }
)toml");
  EXPECT_NE(m.find("cannot depend on the addressee"), std::string::npos) << m;
}

TEST(LawBookTest, DeclarationReferencesAreChecked) {
  std::string m = ErrorOf(R"toml(
[[rule]]
id = "x"
cite = "c"
text = "t"
explain = "e"
verified = false
procedures = ["cets224.7"]
decides = "excludes"
when = { reserved = ["provider:cets224.7.9.a"] }
)toml");
  EXPECT_NE(m.find("of a known one, got `provider:cets224.7.9.a`"),
            std::string::npos)
      << m;
}

TEST(RuleSetTest, AddHasForEach) {
  RuleSet s;
  EXPECT_TRUE(s.Empty());
  s.Add(3);
  s.Add(64);
  s.Add(511);
  EXPECT_TRUE(s.Has(64));
  EXPECT_FALSE(s.Has(65));
  std::vector<RuleIndex> seen;
  s.ForEach([&](RuleIndex i) { seen.push_back(i); });
  EXPECT_EQ(seen, (std::vector<RuleIndex>{3, 64, 511}));
}

}  // namespace
}  // namespace evidex::law
