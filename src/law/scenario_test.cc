// Runs the legal scenario corpus (tests/scenarios/route/*.json, format:
// docs/formats/route-scenarios.md): each file is a query and the facts its
// decision must show. Across the corpus it also checks that no decision has a
// conflict between rules, and that every rule, declaration and reservation of
// the law book is exercised by at least one scenario.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "law/law_testing.h"

namespace evidex::law {
namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;

struct Scenario {
  std::string file;
  bj::value doc;
};

std::vector<Scenario> LoadScenarios() {
  std::vector<Scenario> out;
  fs::path dir = fs::path(EVIDEX_SOURCE_DIR) / "tests/scenarios/route";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = ParseJson(ss.str());
    if (!doc) {
      ADD_FAILURE() << p << ": " << doc.error().message();
      continue;
    }
    out.push_back({p.filename().string(), std::move(*doc)});
  }
  return out;
}

const std::vector<Scenario>& Scenarios() {
  static const std::vector<Scenario> scenarios = LoadScenarios();
  return scenarios;
}

std::vector<std::string> Strings(const bj::value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
  return out;
}

std::set<std::string> RuleIds(const bj::value& list, const char* key) {
  std::set<std::string> out;
  for (const auto& r : list.as_array()) {
    out.emplace(key == nullptr ? r.as_string() : r.at(key).as_string());
  }
  return out;
}

// Checks one scenario and adds the rules its decision shows to `fired`.
void Check(const Scenario& s, std::set<std::string>& fired) {
  SCOPED_TRACE(s.file);
  const bj::object& doc = s.doc.as_object();
  for (const auto& kv : doc) {
    ASSERT_TRUE(kv.key() == "name" || kv.key() == "checks" ||
                kv.key() == "description" || kv.key() == "query" ||
                kv.key() == "expect")
        << "unknown key " << kv.key();
  }
  ASSERT_TRUE(doc.contains("checks") && !doc.at("checks").as_array().empty())
      << "a scenario names the articles it checks";
  bj::value decision = testing::Route(bj::serialize(doc.at("query")));
  ASSERT_TRUE(decision.is_object());
  EXPECT_TRUE(decision.at("conflicts").as_array().empty())
      << "rules conflict: " << bj::serialize(decision.at("conflicts"));

  for (const auto& c : decision.at("channels").as_array()) {
    for (const std::string& id : Strings(c.at("rules"))) fired.insert(id);
  }
  for (const auto& e : decision.at("excluded").as_array()) {
    for (const std::string& id : RuleIds(e.at("reasons"), "rule"))
      fired.insert(id);
  }

  const bj::object& expect = doc.at("expect").as_object();
  if (const bj::value* open = expect.if_contains("open")) {
    std::vector<std::string> got;
    for (const auto& c : decision.at("channels").as_array()) {
      got.emplace_back(c.at("procedure").as_string());
    }
    EXPECT_EQ(got, Strings(*open)) << "open channels, best first";
  }
  if (const bj::value* channels = expect.if_contains("channels")) {
    for (const auto& kv : channels->as_object()) {
      const bj::object* c = testing::Channel(decision, kv.key());
      if (c == nullptr) {
        ADD_FAILURE() << "expected open channel " << kv.key();
        continue;
      }
      for (const auto& field : kv.value().as_object()) {
        std::string_view name = field.key();
        if (name == "rules_include" || name == "preconditions_include" ||
            name == "duties_include") {
          std::set<std::string> have =
              name == "rules_include" ? RuleIds(c->at("rules"), nullptr)
              : name == "preconditions_include"
                  ? RuleIds(c->at("preconditions"), "rule")
                  : RuleIds(c->at("duties"), "rule");
          for (const std::string& id : Strings(field.value())) {
            EXPECT_TRUE(have.contains(id))
                << kv.key() << " " << name << " lacks " << id;
          }
        } else if (name == "rules_exclude") {
          std::set<std::string> have = RuleIds(c->at("rules"), nullptr);
          for (const std::string& id : Strings(field.value())) {
            EXPECT_FALSE(have.contains(id)) << kv.key() << " rests on " << id;
          }
        } else if (name == "citations_include") {
          std::set<std::string> have = RuleIds(c->at("citations"), nullptr);
          for (const std::string& cite : Strings(field.value())) {
            EXPECT_TRUE(have.contains(cite))
                << kv.key() << " does not cite " << cite;
          }
        } else {
          ASSERT_TRUE(c->contains(name)) << "unknown channel field " << name;
          EXPECT_EQ(bj::serialize(c->at(name)), bj::serialize(field.value()))
              << kv.key() << "." << name;
        }
      }
    }
  }
  if (const bj::value* excluded = expect.if_contains("excluded")) {
    for (const auto& kv : excluded->as_object()) {
      const bj::object* e = testing::Excluded(decision, kv.key());
      if (e == nullptr) {
        ADD_FAILURE() << "expected " << kv.key() << " to be excluded";
        continue;
      }
      std::set<std::string> have = RuleIds(e->at("reasons"), "rule");
      for (const std::string& id : Strings(kv.value())) {
        EXPECT_TRUE(have.contains(id))
            << kv.key() << " is not excluded by " << id;
      }
    }
  }
}

void CollectDeclarations(const Condition& c, std::set<std::uint8_t>& out) {
  for (const SlotDeclaration& m : c.made) out.insert(m.declaration);
  for (const Condition& sub : c.any_of) CollectDeclarations(sub, out);
  for (const Condition& sub : c.none_of) CollectDeclarations(sub, out);
}

TEST(ScenarioCorpus, EveryScenarioHolds) {
  ASSERT_GE(Scenarios().size(), 60u);
  std::set<std::string> fired;
  for (const Scenario& s : Scenarios()) Check(s, fired);
}

TEST(ScenarioCorpus, EveryRuleDeclarationAndReservationIsExercised) {
  std::set<std::string> fired;
  for (const Scenario& s : Scenarios()) Check(s, fired);
  const LawBook& book = testing::BuiltInLaw().book;
  std::set<std::uint8_t> exercised;
  for (const Rule& r : book.rules) {
    EXPECT_TRUE(fired.contains(r.id)) << "no scenario exercises rule " << r.id;
    if (fired.contains(r.id)) {
      CollectDeclarations(r.scope, exercised);
      CollectDeclarations(r.when, exercised);
    }
  }
  for (std::size_t d = 0; d < book.declarations.size(); ++d) {
    EXPECT_TRUE(exercised.contains(static_cast<std::uint8_t>(d)))
        << "no scenario exercises " << book.declarations[d].id;
  }
}

}  // namespace
}  // namespace evidex::law
