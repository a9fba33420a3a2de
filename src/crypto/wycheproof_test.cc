// Runs every test case of the Wycheproof files for Ed25519, X25519 and
// XChaCha20-Poly1305 (../shared/testdata/wycheproof) through our wrappers.
//
// valid cases must be accepted with the expected output, invalid ones
// rejected. X25519 has no invalid cases; its acceptable ones are points on the
// twist, non-canonical encodings and small-order points. Our X25519() accepts
// the first two (with the RFC 7748 result) and rejects exactly the cases whose
// shared secret is all zero, which Wycheproof flags "ZeroSharedSecret". The
// exact number of cases of each kind is asserted, so a missing file, a
// missing directory or a skipped group fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "crypto/ed25519.h"
#include "crypto/encoding.h"
#include "crypto/sodium.h"
#include "crypto/x25519.h"
#include "crypto/xchacha20poly1305.h"

namespace evidex::crypto {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Counts {
  int valid = 0;
  int invalid = 0;
  int acceptable = 0;
  friend bool operator==(const Counts&, const Counts&) = default;
};

void PrintTo(const Counts& c, std::ostream* os) {
  *os << "{valid " << c.valid << ", invalid " << c.invalid << ", acceptable "
      << c.acceptable << "}";
}

// Reads and parses testdata/wycheproof/`name`; fails the test if the file is
// missing or not JSON.
Result<boost::json::value> LoadVectors(const std::string& name) {
  const std::string path =
      std::string(EVIDEX_SHARED_DIR) + "/testdata/wycheproof/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(NotFoundError("cannot read `" + path + "`"));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseJson(text.str(), JsonLimits{.max_depth = 64});
}

Bytes Hex(const boost::json::value& v) {
  const auto bytes = HexDecode(v.as_string());
  EXPECT_TRUE(bytes.has_value()) << bytes.error().ToString();
  return bytes.value_or(Bytes());
}

// Adds one case of `result` ("valid", "invalid" or "acceptable") to `counts`.
void Count(std::string_view result, Counts& counts) {
  if (result == "valid") {
    ++counts.valid;
  } else if (result == "invalid") {
    ++counts.invalid;
  } else {
    ASSERT_EQ(result, "acceptable");
    ++counts.acceptable;
  }
}

bool HasFlag(const boost::json::object& test, std::string_view flag) {
  const auto& flags = test.at("flags").as_array();
  return std::any_of(flags.begin(), flags.end(),
                     [&](const boost::json::value& f) {
                       return f.is_string() && f.get_string() == flag;
                     });
}

int TotalOf(const Counts& c) { return c.valid + c.invalid + c.acceptable; }

class WycheproofTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSodium().ok()); }
};

TEST_F(WycheproofTest, Ed25519) {
  const auto doc = LoadVectors("ed25519_test.json");
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  const auto& root = doc->as_object();
  ASSERT_EQ(root.at("algorithm"), "EDDSA");
  Counts counts;
  for (const auto& group : root.at("testGroups").as_array()) {
    const Bytes public_key = Hex(group.at("publicKey").at("pk"));
    for (const auto& item : group.at("tests").as_array()) {
      const auto& test = item.as_object();
      const std::string_view result = test.at("result").as_string();
      SCOPED_TRACE("tcId " + std::to_string(test.at("tcId").as_int64()));
      Count(result, counts);
      const Bytes sig = Hex(test.at("sig"));
      const Status status = Verify(public_key, Hex(test.at("msg")), sig);
      if (result == "valid") {
        EXPECT_TRUE(status.ok()) << status.ToString();
      } else {
        // No acceptable cases here (asserted below).
        EXPECT_EQ(status.code(), sig.size() == kEd25519SignatureSize
                                     ? StatusCode::kUnauthenticated
                                     : StatusCode::kInvalidArgument);
      }
    }
  }
  EXPECT_EQ(counts, (Counts{.valid = 88, .invalid = 63, .acceptable = 0}));
  EXPECT_EQ(TotalOf(counts), root.at("numberOfTests").as_int64());
}

TEST_F(WycheproofTest, X25519) {
  const auto doc = LoadVectors("x25519_test.json");
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  const auto& root = doc->as_object();
  ASSERT_EQ(root.at("algorithm"), "XDH");
  Counts counts;
  int acceptable_rejected = 0;
  for (const auto& group : root.at("testGroups").as_array()) {
    ASSERT_EQ(group.at("curve"), "curve25519");
    for (const auto& item : group.at("tests").as_array()) {
      const auto& test = item.as_object();
      const std::string_view result = test.at("result").as_string();
      SCOPED_TRACE("tcId " + std::to_string(test.at("tcId").as_int64()));
      Count(result, counts);
      const Bytes expected = Hex(test.at("shared"));
      const bool zero_shared =
          std::all_of(expected.begin(), expected.end(),
                      [](std::uint8_t b) { return b == 0; });
      // Wycheproof flags exactly the all-zero results, all acceptable.
      EXPECT_EQ(zero_shared, HasFlag(test, "ZeroSharedSecret"));
      const auto shared =
          X25519(Hex(test.at("private")), Hex(test.at("public")));
      if (zero_shared) {
        EXPECT_EQ(result, "acceptable");
        ASSERT_FALSE(shared.has_value());
        EXPECT_EQ(shared.error().code(), StatusCode::kInvalidArgument);
        ++acceptable_rejected;
      } else {
        ASSERT_TRUE(shared.has_value()) << shared.error().ToString();
        EXPECT_EQ(HexEncode(*shared), HexEncode(expected));
      }
    }
  }
  EXPECT_EQ(counts, (Counts{.valid = 264, .invalid = 0, .acceptable = 254}));
  EXPECT_EQ(acceptable_rejected, 31);
  EXPECT_EQ(TotalOf(counts), root.at("numberOfTests").as_int64());
}

TEST_F(WycheproofTest, XChaCha20Poly1305) {
  const auto doc = LoadVectors("xchacha20_poly1305_test.json");
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  const auto& root = doc->as_object();
  ASSERT_EQ(root.at("algorithm"), "XCHACHA20-POLY1305");
  Counts counts;
  for (const auto& group : root.at("testGroups").as_array()) {
    for (const auto& item : group.at("tests").as_array()) {
      const auto& test = item.as_object();
      const std::string_view result = test.at("result").as_string();
      SCOPED_TRACE("tcId " + std::to_string(test.at("tcId").as_int64()));
      Count(result, counts);
      const Bytes key = Hex(test.at("key"));
      const Bytes nonce = Hex(test.at("iv"));
      const Bytes aad = Hex(test.at("aad"));
      const Bytes msg = Hex(test.at("msg"));
      Bytes sealed = Hex(test.at("ct"));
      const Bytes tag = Hex(test.at("tag"));
      sealed.insert(sealed.end(), tag.begin(), tag.end());

      const auto seal = Seal(key, nonce, aad, msg);
      const auto open = Open(key, nonce, aad, sealed);
      if (result == "valid") {
        ASSERT_TRUE(seal.has_value()) << seal.error().ToString();
        EXPECT_EQ(HexEncode(*seal), HexEncode(sealed));
        ASSERT_TRUE(open.has_value()) << open.error().ToString();
        EXPECT_EQ(HexEncode(*open), HexEncode(msg));
      } else if (nonce.size() != kXChaCha20Poly1305NonceSize) {
        ASSERT_FALSE(seal.has_value());
        EXPECT_EQ(seal.error().code(), StatusCode::kInvalidArgument);
        ASSERT_FALSE(open.has_value());
        EXPECT_EQ(open.error().code(), StatusCode::kInvalidArgument);
      } else {
        ASSERT_TRUE(seal.has_value()) << seal.error().ToString();
        EXPECT_NE(HexEncode(*seal), HexEncode(sealed));
        ASSERT_FALSE(open.has_value());
        EXPECT_EQ(open.error().code(), StatusCode::kUnauthenticated);
      }
    }
  }
  EXPECT_EQ(counts, (Counts{.valid = 246, .invalid = 69, .acceptable = 0}));
  EXPECT_EQ(TotalOf(counts), root.at("numberOfTests").as_int64());
}

}  // namespace
}  // namespace evidex::crypto
