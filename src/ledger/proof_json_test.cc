#include "ledger/proof_json.h"

#include <gtest/gtest.h>

#include <string>

namespace evidex::ledger {
namespace {

Hash Filled(std::uint8_t byte) {
  Hash h;
  h.fill(byte);
  return h;
}

const std::string k11 = std::string(64, '1');
const std::string k22 = std::string(64, '2');
const std::string kAb =
    "abababababababababababababababababababababababababababababababab";

TEST(ProofJsonTest, WritesInclusionWithTheKeysInOrder) {
  InclusionProofMessage m{
      5, 2, Filled(0x11), Filled(0x22), {Filled(0xab), Filled(0x00)}};
  std::string out;
  AppendInclusionProofJson(m, out);
  EXPECT_EQ(out, R"({"tree_size":5,"leaf_index":2,"root":")" + k11 +
                     R"(","leaf_hash":")" + k22 + R"(","proof":[")" + kAb +
                     R"(",")" + std::string(64, '0') + R"("]})");
  EXPECT_EQ(ParseInclusionProofJson(out).value(), m);
}

TEST(ProofJsonTest, WritesConsistencyWithTheKeysInOrder) {
  ConsistencyProofMessage m{0, 7, Filled(0x11), Filled(0x22), {}};
  std::string out;
  AppendConsistencyProofJson(m, out);
  EXPECT_EQ(out, R"({"old_size":0,"new_size":7,"old_root":")" + k11 +
                     R"(","new_root":")" + k22 + R"(","proof":[]})");
  EXPECT_EQ(ParseConsistencyProofJson(out).value(), m);
}

TEST(ProofJsonTest, ParsesKeysInAnyOrderWhitespaceAndUppercaseHex) {
  const std::string text =
      "{\n  \"proof\": [\"" + std::string(64, 'A') +
      "\"],\n  \"leaf_hash\": \"" + k22 + "\", \"root\": \"" + k11 +
      "\",\n  \"leaf_index\": 0, \"tree_size\": 9223372036854775807\n}\n";
  auto m = ParseInclusionProofJson(text);
  ASSERT_TRUE(m.has_value()) << m.error().message();
  EXPECT_EQ(m->tree_size, kMaxMessageInteger);
  EXPECT_EQ(m->leaf_index, 0u);
  EXPECT_EQ(m->root, Filled(0x11));
  EXPECT_EQ(m->leaf_hash, Filled(0x22));
  EXPECT_EQ(m->proof, std::vector<Hash>{Filled(0xaa)});
}

// The inclusion message with `field` set to the JSON text `value`.
std::string InclusionWith(const std::string& field, const std::string& value) {
  std::string fields[][2] = {{"tree_size", "5"},
                             {"leaf_index", "2"},
                             {"root", '"' + k11 + '"'},
                             {"leaf_hash", '"' + k22 + '"'},
                             {"proof", "[\"" + kAb + "\"]"}};
  std::string out = "{";
  for (auto& [k, v] : fields) {
    if (k == field) v = value;
    out += (out.size() > 1 ? ",\"" : "\"") + k + "\":" + v;
  }
  return out + "}";
}

Status InclusionError(const std::string& field, const std::string& value) {
  auto m = ParseInclusionProofJson(InclusionWith(field, value));
  EXPECT_FALSE(m.has_value()) << field << " = " << value;
  return m ? OkStatus() : m.error();
}

TEST(ProofJsonTest, NamesTheFieldOfAWrongValue) {
  ASSERT_TRUE(ParseInclusionProofJson(InclusionWith("", "")).has_value());
  EXPECT_EQ(
      InclusionError("tree_size", "-1"),
      InvalidArgumentError("field `tree_size` must not be negative, got -1"));
  EXPECT_EQ(InclusionError("leaf_index", "1.0"),
            InvalidArgumentError("field `leaf_index` must be an integer"));
  EXPECT_EQ(InclusionError("leaf_index", "2e0"),
            InvalidArgumentError("field `leaf_index` must be an integer"));
  EXPECT_EQ(InclusionError("leaf_index", "\"2\""),
            InvalidArgumentError("field `leaf_index` must be an integer"));
  EXPECT_EQ(InclusionError("tree_size", "9223372036854775808"),
            InvalidArgumentError("field `tree_size` is larger than 2^63 - 1"));
  EXPECT_EQ(InclusionError("tree_size", "18446744073709551616"),
            InvalidArgumentError("field `tree_size` must be an integer"));
  EXPECT_EQ(
      InclusionError("root", "null"),
      InvalidArgumentError("field `root` must be a string of hex digits"));
  EXPECT_EQ(InclusionError("root", '"' + k11.substr(2) + '"'),
            InvalidArgumentError(
                "field `root` must be 32 bytes (64 hex digits), got 31 bytes"));
  EXPECT_EQ(
      InclusionError("leaf_hash", '"' + k22 + "00\""),
      InvalidArgumentError(
          "field `leaf_hash` must be 32 bytes (64 hex digits), got 33 bytes"));
  EXPECT_EQ(InclusionError("leaf_hash", "\"" + std::string(63, '1') + "g\""),
            InvalidArgumentError(
                "field `leaf_hash`: invalid hex digit `g` at offset 63"));
  EXPECT_EQ(
      InclusionError("root", "\"" + k11.substr(1) + "\""),
      InvalidArgumentError("field `root`: odd number of hex digits (63)"));
  EXPECT_EQ(InclusionError("proof", "{}"),
            InvalidArgumentError("field `proof` must be an array"));
  EXPECT_EQ(InclusionError("proof", "null"),
            InvalidArgumentError("field `proof` must be an array"));
  EXPECT_EQ(
      InclusionError("proof", "[\"" + kAb + "\", 7]"),
      InvalidArgumentError("field `proof[1]` must be a string of hex digits"));
  EXPECT_EQ(
      InclusionError("proof", "[\"" + kAb + "\", \"" + kAb + "\", \"ab\"]"),
      InvalidArgumentError(
          "field `proof[2]` must be 32 bytes (64 hex digits), got 1 byte"));
}

TEST(ProofJsonTest, RejectsMissingUnknownAndRepeatedFields) {
  EXPECT_EQ(ParseInclusionProofJson(R"({"tree_size":1})").error(),
            InvalidArgumentError("missing field `leaf_index`"));
  const std::string whole = InclusionWith("", "");
  EXPECT_EQ(ParseInclusionProofJson(whole.substr(0, whole.size() - 1) +
                                    R"(,"extra":1})")
                .error(),
            InvalidArgumentError("unknown field `extra`"));
  EXPECT_EQ(
      ParseInclusionProofJson(R"({"tree_size":1,"tree_size":1})")
          .error()
          .message(),
      "malformed JSON at line 1, column 26: the key `tree_size` appears twice");
  EXPECT_EQ(ParseConsistencyProofJson(whole).error(),
            InvalidArgumentError("unknown field `tree_size`"));
  // A key shown in a message is escaped and shortened to one line.
  EXPECT_EQ(ParseInclusionProofJson(R"({"a\nb":1})").error(),
            InvalidArgumentError("unknown field `a\\nb`"));
  EXPECT_EQ(
      ParseInclusionProofJson("{\"" + std::string(100, 'k') + "\":1}").error(),
      InvalidArgumentError("unknown field `" + std::string(64, 'k') + "...`"));
  // 63 ASCII bytes, then a two-byte character that the cut at 64 would split.
  EXPECT_EQ(
      ParseInclusionProofJson("{\"" + std::string(63, 'k') + "\xc3\xa9" +
                              std::string(10, 'k') + "\":1}")
          .error(),
      InvalidArgumentError("unknown field `" + std::string(63, 'k') + "...`"));
}

TEST(ProofJsonTest, RejectsWhatIsNotOneObject) {
  EXPECT_EQ(ParseInclusionProofJson("[]").error(),
            InvalidArgumentError("expected a JSON object"));
  EXPECT_EQ(ParseConsistencyProofJson("7").error(),
            InvalidArgumentError("expected a JSON object"));
  EXPECT_EQ(ParseConsistencyProofJson("").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseConsistencyProofJson("{} {}").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseConsistencyProofJson("{\"old_size\":1,").error().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evidex::ledger
