#include "core/canonical_json.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <bit>
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"

namespace evidex {
namespace {

namespace bj = boost::json;

std::string Canon(const bj::value& v) {
  auto c = CanonicalJson(v);
  EXPECT_TRUE(c.has_value()) << c.error().ToString();
  return c.value_or("");
}

std::string CanonText(std::string_view text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.has_value()) << v.error().ToString();
  return Canon(*v);
}

// RFC 8785 section 3.2.2 and 3.2.4: the example input and its canonical bytes.
TEST(CanonicalJsonTest, Rfc8785MainExample) {
  const char* input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  EXPECT_EQ(CanonText(input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,"
            "1e+30,4.5,0.002,1e-27],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B"
            "\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 section 3.2.3: keys sorted by UTF-16 code units, so the emoji
// (a surrogate pair starting 0xD83D) sorts before U+FB33.
TEST(CanonicalJsonTest, Rfc8785SortingExample) {
  const char* input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  EXPECT_EQ(CanonText(input),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":"
            "\"Control\",\"\xc3\xb6\":\"Latin Small Letter O With "
            "Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":"
            "\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet "
            "With Dagesh\"}");
}

// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
TEST(CanonicalJsonTest, Rfc8785NumberTable) {
  const std::pair<std::uint64_t, const char*> table[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, expected] : table) {
    EXPECT_EQ(Canon(bj::value(std::bit_cast<double>(bits))), expected)
        << std::hex << bits;
  }
}

TEST(CanonicalJsonTest, RefusesNonFiniteNumbers) {
  for (std::uint64_t bits :
       {std::uint64_t{0x7fffffffffffffff}, std::uint64_t{0x7ff0000000000000},
        std::uint64_t{0xfff0000000000000}}) {
    auto c = CanonicalJson(bj::value(std::bit_cast<double>(bits)));
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(c.error().message(), "a number is not finite");
  }
}

TEST(CanonicalJsonTest, IntegersUpTo2To53AreExact) {
  EXPECT_EQ(Canon(bj::value(std::int64_t{9007199254740992})),
            "9007199254740992");
  EXPECT_EQ(Canon(bj::value(std::int64_t{-9007199254740992})),
            "-9007199254740992");
  EXPECT_EQ(Canon(bj::value(std::uint64_t{9007199254740992})),
            "9007199254740992");
  EXPECT_EQ(Canon(bj::value(std::int64_t{-7})), "-7");
  EXPECT_EQ(Canon(bj::value(std::int64_t{0})), "0");
}

TEST(CanonicalJsonTest, RefusesIntegersBeyond2To53) {
  for (const bj::value& v :
       {bj::value(std::int64_t{9007199254740993}),
        bj::value(std::int64_t{-9007199254740993}),
        bj::value(std::numeric_limits<std::int64_t>::min()),
        bj::value(std::uint64_t{9007199254740993}),
        bj::value(std::numeric_limits<std::uint64_t>::max())}) {
    auto c = CanonicalJson(bj::array{v});
    ASSERT_FALSE(c.has_value()) << bj::serialize(v);
    EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.error().message().find("exceeds 2^53"), std::string::npos);
  }
  // The same digits parsed from text are refused too.
  auto too_precise = ParseJson("[9007199254740993]");
  ASSERT_TRUE(too_precise.has_value());
  EXPECT_FALSE(CanonicalJson(*too_precise).has_value());
  auto parsed = ParseJson("{\"n\": 18446744073709551615}");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FALSE(CanonicalJson(*parsed).has_value());
}

// Found by the fuzzer: 123120e000013 is a double whose canonical form,
// 1231200000000000000, parses again as an integer beyond 2^53; it must
// canonicalise to itself, not be refused.
TEST(CanonicalJsonTest, LargeDoublesSpelledAsIntegersCanonicaliseAgain) {
  EXPECT_EQ(CanonText("[123120e000013]"), "[1231200000000000000]");
  EXPECT_EQ(CanonText("[1231200000000000000]"), "[1231200000000000000]");
  // 2^60 as a double is spelled 1152921504606847000; those digits parse as an
  // integer that the same double holds.
  EXPECT_EQ(Canon(bj::value(1152921504606846976.0)), "1152921504606847000");
  EXPECT_EQ(CanonText("[1152921504606847000]"), "[1152921504606847000]");
  // Its exact digits are not the canonical spelling of any double.
  EXPECT_FALSE(
      CanonicalJson(bj::value(std::uint64_t{1152921504606846976})).has_value());
}

TEST(CanonicalJsonTest, EscapesControlCharactersAsEcmaScriptDoes) {
  std::string s = "\x01\x1f\b\f\n\r\t\"\\/\x7f";
  EXPECT_EQ(Canon(bj::value(s)), R"("\u0001\u001f\b\f\n\r\t\"\\/)"
                                 "\x7f\"");
}

TEST(CanonicalJsonTest, RefusesInvalidUtf8InStringsAndKeys) {
  for (std::string bad : {"\xff", "\xc0\x80", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xe2\x82", "a\x80"}) {
    auto in_string = CanonicalJson(bj::value(bad));
    ASSERT_FALSE(in_string.has_value());
    EXPECT_EQ(in_string.error().message(), "a string is not valid UTF-8");
    bj::object o;
    o[bad] = 1;
    auto in_key = CanonicalJson(o);
    ASSERT_FALSE(in_key.has_value());
    EXPECT_EQ(in_key.error().message(), "an object key is not valid UTF-8");
  }
}

TEST(CanonicalJsonTest, NoWhitespaceAndEmptyContainers) {
  EXPECT_EQ(CanonText(" { \"b\" : [ ] , \"a\" : { } , \"c\" : [ 1 , [ ] ] } "),
            R"({"a":{},"b":[],"c":[1,[]]})");
}

TEST(CanonicalJsonTest, LimitsNesting) {
  bj::value deep = bj::array{};
  for (int i = 1; i < 128; ++i) deep = bj::array{std::move(deep)};
  EXPECT_TRUE(CanonicalJson(deep).has_value());  // 128 containers.
  deep = bj::array{std::move(deep)};
  auto c = CanonicalJson(deep);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "JSON nested deeper than 128 containers");
}

// Random JSON values, with keys and strings drawn from ASCII, two-byte,
// three-byte (both sides of the surrogate range) and four-byte characters, so
// that byte order and UTF-16 order disagree often.
std::string GenText() {
  static constexpr char32_t kRanges[][2] = {{0x00, 0x7f},
                                            {0x80, 0x7ff},
                                            {0x800, 0xd7ff},
                                            {0xe000, 0xffff},
                                            {0x10000, 0x10ffff}};
  std::string out;
  const auto n = *rc::gen::inRange<std::size_t>(0, 6);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = kRanges[*rc::gen::inRange<std::size_t>(0, 5)];
    const auto cp = *rc::gen::inRange<char32_t>(r[0], r[1] + 1);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  return out;
}

double GenFiniteDouble() {
  for (;;) {
    double d = std::bit_cast<double>(*rc::gen::arbitrary<std::uint64_t>());
    if (std::isfinite(d)) return d;
  }
}

bj::value GenValue(int depth) {
  const int kind = *rc::gen::inRange(0, depth > 3 ? 6 : 8);
  switch (kind) {
    case 0:
      return nullptr;
    case 1:
      return *rc::gen::arbitrary<bool>();
    case 2:
      return *rc::gen::inRange<std::int64_t>(-(std::int64_t{1} << 53),
                                             (std::int64_t{1} << 53) + 1);
    case 3:
      return GenFiniteDouble();
    case 4:
      return *rc::gen::inRange(-1000, 1000) / 8.0;
    case 5:
      return bj::value(GenText());
    case 6: {
      bj::array a;
      const auto n = *rc::gen::inRange(0, 5);
      for (int i = 0; i < n; ++i) a.push_back(GenValue(depth + 1));
      return a;
    }
    default: {
      bj::object o;
      const auto n = *rc::gen::inRange(0, 6);
      for (int i = 0; i < n; ++i) o[GenText()] = GenValue(depth + 1);
      return o;
    }
  }
}

RC_GTEST_PROP(CanonicalJsonProperty, ParsingTheCanonicalFormGivesItBack, ()) {
  const bj::value v = GenValue(0);
  auto first = CanonicalJson(v);
  RC_ASSERT(first.has_value());
  auto reparsed = ParseJson(*first, JsonLimits{.max_depth = 64});
  RC_ASSERT(reparsed.has_value());
  auto second = CanonicalJson(*reparsed);
  RC_ASSERT(second.has_value());
  RC_ASSERT(*second == *first);
}

RC_GTEST_PROP(CanonicalJsonProperty, InputKeyOrderNeverMatters, ()) {
  bj::object o;
  const auto n = *rc::gen::inRange(1, 10);
  for (int i = 0; i < n; ++i) o[GenText()] = GenValue(1);
  std::vector<std::pair<std::string, bj::value>> members;
  for (const auto& kv : o) members.emplace_back(kv.key(), kv.value());
  std::mt19937 rng(*rc::gen::arbitrary<std::uint32_t>());
  std::shuffle(members.begin(), members.end(), rng);
  bj::object shuffled;
  for (auto& [k, v] : members) shuffled[k] = std::move(v);
  auto a = CanonicalJson(o);
  auto b = CanonicalJson(shuffled);
  RC_ASSERT(a.has_value());
  RC_ASSERT(b.has_value());
  RC_ASSERT(*a == *b);
}

RC_GTEST_PROP(CanonicalJsonProperty, NumbersRoundTripExactly, ()) {
  const double d = GenFiniteDouble();
  auto c = CanonicalJson(bj::value(d));
  RC_ASSERT(c.has_value());
  RC_ASSERT(std::strtod(c->c_str(), nullptr) == d);
  // The ES6 layout: an exponent only outside [1e-6, 1e21), and no trailing
  // zeros after a decimal point.
  const double magnitude = std::fabs(d);
  const bool has_exponent = c->find('e') != std::string::npos;
  RC_ASSERT(has_exponent ==
            (d != 0 && (magnitude < 1e-6 || magnitude >= 1e21)));
  const auto dot = c->find('.');
  if (dot != std::string::npos) {
    const auto mantissa_end = has_exponent ? c->find('e') : c->size();
    RC_ASSERT((*c)[mantissa_end - 1] != '0');
  }
}

RC_GTEST_PROP(CanonicalJsonProperty, LargeIntegralDoublesCanonicaliseAgain,
              ()) {
  // Below 2^64 their canonical digits parse again as integers.
  const double d = std::bit_cast<double>(*rc::gen::inRange<std::uint64_t>(
      std::bit_cast<std::uint64_t>(9007199254740992.0),
      std::bit_cast<std::uint64_t>(1e21)));
  auto c = CanonicalJson(bj::value(d));
  RC_ASSERT(c.has_value());
  auto reparsed = ParseJson(*c);
  RC_ASSERT(reparsed.has_value());
  auto again = CanonicalJson(*reparsed);
  RC_ASSERT(again.has_value());
  RC_ASSERT(*again == *c);
}

}  // namespace
}  // namespace evidex
