#include "crypto/encoding.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evidex::crypto {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(HexTest, EncodesLowercase) {
  EXPECT_EQ(HexEncode(Bytes{}), "");
  EXPECT_EQ(HexEncode(Bytes{0x00, 0x01, 0x7f, 0x80, 0xab, 0xff}),
            "00017f80abff");
}

TEST(HexTest, DecodesEitherCase) {
  EXPECT_EQ(HexDecode("").value(), Bytes{});
  EXPECT_EQ(HexDecode("00017f80abff").value(),
            (Bytes{0x00, 0x01, 0x7f, 0x80, 0xab, 0xff}));
  EXPECT_EQ(HexDecode("ABcdEF").value(), (Bytes{0xab, 0xcd, 0xef}));
}

TEST(HexTest, RejectsOddLength) {
  auto r = HexDecode("abc");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), InvalidArgumentError("odd number of hex digits (3)"));
}

TEST(HexTest, RejectsNonHexNamingTheOffset) {
  EXPECT_EQ(HexDecode("0g").error(),
            InvalidArgumentError("invalid hex digit `g` at offset 1"));
  EXPECT_EQ(HexDecode("aaz0").error(),
            InvalidArgumentError("invalid hex digit `z` at offset 2"));
  EXPECT_EQ(HexDecode("a b0").error(),
            InvalidArgumentError("invalid hex digit byte 32 at offset 1"));
  EXPECT_EQ(HexDecode("0x12").error(),
            InvalidArgumentError("invalid hex digit `x` at offset 1"));
}

// RFC 4648 section 10.
TEST(Base64Test, EncodesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    const std::string_view p(plain);
    EXPECT_EQ(Base64Encode(Bytes(p.begin(), p.end())), encoded) << plain;
  }
  EXPECT_EQ(Base64Encode(Bytes{0xfb, 0xff, 0xbf, 0x00, 0xff}), "+/+/AP8=");
}

TEST(Base64Test, EncodingRoundTripsEveryLength) {
  Bytes bytes;
  for (int n = 0; n < 70; ++n) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)).value(), bytes) << n;
    bytes.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  auto decode = [](std::string_view s) {
    auto r = Base64Decode(s);
    EXPECT_TRUE(r.has_value()) << s << ": " << r.error().message();
    return std::string(r->begin(), r->end());
  };
  EXPECT_EQ(decode(""), "");
  EXPECT_EQ(decode("Zg=="), "f");
  EXPECT_EQ(decode("Zm8="), "fo");
  EXPECT_EQ(decode("Zm9v"), "foo");
  EXPECT_EQ(decode("Zm9vYg=="), "foob");
  EXPECT_EQ(decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(decode("Zm9vYmFy"), "foobar");
}

RC_GTEST_PROP(Base64Property, EncodeThenDecodeIsIdentity,
              (const std::vector<std::uint8_t>& bytes)) {
  auto decoded = Base64Decode(Base64Encode(bytes));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == bytes);
}

TEST(Base64Test, DecodesTheWholeAlphabet) {
  auto r = Base64Decode("+/+/AP8=");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (Bytes{0xfb, 0xff, 0xbf, 0x00, 0xff}));
  // SHA-256 of the empty string, as the Merkle test vectors write it.
  auto empty = Base64Decode("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(HexEncode(*empty),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Base64Test, RejectsMalformedText) {
  EXPECT_EQ(Base64Decode("Zm9").error(),
            InvalidArgumentError("base64 length 3 is not a multiple of 4"));
  EXPECT_EQ(Base64Decode("Zm9vY").error(),
            InvalidArgumentError("base64 length 5 is not a multiple of 4"));
  EXPECT_EQ(Base64Decode("Zm-v").error(),
            InvalidArgumentError("invalid base64 character `-` at offset 2"));
  EXPECT_EQ(
      Base64Decode("Zm9\n").error(),
      InvalidArgumentError("invalid base64 character byte 10 at offset 3"));
  EXPECT_EQ(Base64Decode("Z=9v").error(),
            InvalidArgumentError("invalid base64 character `=` at offset 1"));
  EXPECT_EQ(Base64Decode("====").error(),
            InvalidArgumentError("invalid base64 character `=` at offset 0"));
  EXPECT_EQ(Base64Decode("Z===").error(),
            InvalidArgumentError("invalid base64 character `=` at offset 1"));
  EXPECT_EQ(Base64Decode("Zg==Zg==").error(),
            InvalidArgumentError("invalid base64 character `=` at offset 2"));
}

TEST(Base64Test, RejectsNonCanonicalPaddingBits) {
  // "Zh==" and "Zm9=" carry bits that "Zg==" and "Zm8=" leave zero.
  EXPECT_EQ(Base64Decode("Zh==").error(),
            InvalidArgumentError(
                "base64 has non-zero bits before the padding at offset 2"));
  EXPECT_EQ(Base64Decode("Zm9=").error(),
            InvalidArgumentError(
                "base64 has non-zero bits before the padding at offset 3"));
}

}  // namespace
}  // namespace evidex::crypto
