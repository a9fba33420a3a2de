// Runs JSONTestSuite's parsing cases (../shared/testdata/jsontestsuite) through
// ParseJson in its RFC 8259 mode (repeated keys allowed, as the RFC allows
// them): every `y_` case must be accepted, every `n_` case rejected, and `i_`
// cases must not crash. The strict default mode must reject every `n_` case
// too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"

namespace evidex {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(JsonTestSuite, AcceptsYesRejectsNo) {
  fs::path dir =
      fs::path(EVIDEX_SHARED_DIR) / "testdata/jsontestsuite/test_parsing";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int yes = 0, no = 0, either = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    std::string text = ReadFile(entry.path());
    // JSONTestSuite's deepest accepted case nests 500 arrays (`i_`); `y_` cases
    // stay shallow.
    auto result = ParseJson(
        text, JsonLimits{.max_depth = 1000, .allow_duplicate_keys = true});
    auto strict = ParseJson(text);
    if (name.starts_with("y_")) {
      EXPECT_TRUE(result.has_value())
          << name << ": " << result.error().message();
      ++yes;
    } else if (name.starts_with("n_")) {
      EXPECT_FALSE(result.has_value()) << name;
      EXPECT_FALSE(strict.has_value()) << name;
      ++no;
    } else {
      ++either;
    }
  }
  EXPECT_GT(yes, 90);
  EXPECT_GT(no, 180);
  EXPECT_GT(either, 20);
}

}  // namespace
}  // namespace evidex
