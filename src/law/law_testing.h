// Test helpers for the law layer: the built-in law, loaded once, and a query
// runner.
#ifndef EVIDEX_LAW_LAW_TESTING_H_
#define EVIDEX_LAW_LAW_TESTING_H_

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "core/json.h"
#include "law/decision_json.h"
#include "law/engine.h"
#include "law/law.h"

namespace evidex::law::testing {

inline const Law& BuiltInLaw() {
  static const Law* law = [] {
    auto loaded = LoadLaw(EmbeddedLawFiles());
    if (!loaded) {
      std::cerr << "built-in law does not load: " << loaded.error().message()
                << "\n";
      std::abort();
    }
    return new Law(std::move(*loaded));
  }();
  return *law;
}

inline Date Day(const char* text) { return ParseDate(text).value(); }

// Decides `query_json` (which must be valid) and returns the decision as parsed
// JSON.
inline boost::json::value Route(const std::string& query_json) {
  const Law& law = BuiltInLaw();
  auto q = ParseQuery(query_json, law.book, law.registry, Day("2026-11-29"));
  EXPECT_TRUE(q.has_value()) << q.error().message();
  if (!q) return {};
  std::string out;
  AppendDecisionJson(law.book, Decide(law.book, law.registry, *q), out);
  return ParseJson(out).value();
}

// The open channel for `procedure` in a decision, or nullptr.
inline const boost::json::object* Channel(const boost::json::value& decision,
                                          std::string_view procedure) {
  for (const auto& c : decision.at("channels").as_array()) {
    if (c.at("procedure").as_string() == procedure) return &c.as_object();
  }
  return nullptr;
}

// The exclusion of `procedure` in a decision, or nullptr.
inline const boost::json::object* Excluded(const boost::json::value& decision,
                                           std::string_view procedure) {
  for (const auto& c : decision.at("excluded").as_array()) {
    if (c.at("procedure").as_string() == procedure) return &c.as_object();
  }
  return nullptr;
}

}  // namespace evidex::law::testing

#endif  // EVIDEX_LAW_LAW_TESTING_H_
