#include "cli/route.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"

namespace evidex::cli {
namespace {

namespace fs = std::filesystem;

class FixedClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::sys_days(std::chrono::year(2026) / 11 / 29) +
           std::chrono::hours(12);
  }
};

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Route(const RouteOptions& options, const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  FixedClock clock;
  int code = RunRoute(options, in, out, err, clock);
  return {code, out.str(), err.str()};
}

const std::string kExample =
    std::string(EVIDEX_SOURCE_DIR) + "/examples/route-fr-ie-subscriber.json";

TEST(RouteCommandTest, PrintsTheDecisionForAFile) {
  Outcome r = Route({kExample, ""});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty());
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.back(), '\n');
  auto d = ParseJson(r.out);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->at("as_of").as_string(), "2026-11-29");
  EXPECT_EQ(d->at("channels").as_array()[0].at("procedure").as_string(),
            "eu2023-1543.epoc");
}

TEST(RouteCommandTest, ReadsStandardInputAndDefaultsAsOfToToday) {
  Outcome r = Route({"-", ""}, R"({"issuing_state": "FR",
    "addressee": {"kind": "service_provider", "established_in": "DE"},
    "data": ["content"], "measure": "production", "emergency": false,
    "offence": {"max_custodial_years": 1, "categories": [], "via_information_system": false}})");
  EXPECT_EQ(r.code, 0) << r.err;
  auto d = ParseJson(r.out);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->at("as_of").as_string(), "2026-11-29");
}

TEST(RouteCommandTest, NoOpenChannelIsStillADecision) {
  Outcome r = Route({"-", ""}, R"({"as_of": "2020-01-01", "issuing_state": "CN",
    "addressee": {"kind": "service_provider", "established_in": "RU"},
    "data": ["content"], "measure": "interception", "emergency": false,
    "offence": {"max_custodial_years": 1, "categories": [], "via_information_system": false}})");
  EXPECT_EQ(r.code, 0) << r.err;
  auto d = ParseJson(r.out);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->at("channels").as_array().empty());
  EXPECT_EQ(d->at("excluded").as_array().size(), 15u);
}

TEST(RouteCommandTest, InvalidQueryExitsTwoWithOneLineNamingTheField) {
  Outcome r = Route({"-", ""}, R"({"issuing_state": "France",
    "addressee": {"kind": "service_provider", "established_in": "DE"},
    "data": ["content"], "measure": "production", "emergency": false,
    "offence": {"max_custodial_years": 1, "categories": [], "via_information_system": false}})");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err,
            "evidex route: invalid query: field `issuing_state`: `France` is "
            "not an ISO 3166-1 "
            "alpha-2 code\n");
}

TEST(RouteCommandTest, MissingFileExitsTwo) {
  Outcome r = Route({"/nonexistent/query.json", ""});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot read `/nonexistent/query.json`"),
            std::string::npos);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST(RouteCommandTest, OversizedInputExitsTwo) {
  Outcome r = Route({"-", ""}, std::string(1 << 20, ' '));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("larger than"), std::string::npos);
}

fs::path CopyLaw() {
  fs::path dir =
      fs::temp_directory_path() / ("evidex-law-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(fs::path(EVIDEX_SOURCE_DIR) / "law", dir,
           fs::copy_options::recursive);
  return dir;
}

TEST(RouteCommandTest, LoadsTheLawFromADirectory) {
  fs::path dir = CopyLaw();
  Outcome same = Route({kExample, dir.string()});
  Outcome builtin = Route({kExample, ""});
  EXPECT_EQ(same.code, 0) << same.err;
  EXPECT_EQ(same.out, builtin.out);

  // A lawyer's edit: the EPOC deadline becomes 12 days.
  fs::path eu = dir / "rules/eu2023-1543.toml";
  std::ifstream in(eu);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  s.replace(s.find("value = \"P10D\""), 14, "value = \"P12D\"");
  std::ofstream(eu) << s;
  Outcome edited = Route({kExample, dir.string()});
  EXPECT_EQ(edited.code, 0);
  EXPECT_NE(edited.out.find("\"response_deadline\":\"P12D\""),
            std::string::npos);

  // A broken rule file stops with the file and line, exit 1.
  std::ofstream(eu) << "instrument = \"eu2023-1543\"\n[[rule]\n";
  Outcome broken = Route({kExample, dir.string()});
  EXPECT_EQ(broken.code, 1);
  EXPECT_NE(broken.err.find("law/rules/eu2023-1543.toml:2:"), std::string::npos)
      << broken.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evidex::cli
