#include "evidence/format.h"

#include <gtest/gtest.h>

#include <vector>

namespace evidex::evidence {
namespace {

TEST(FormatTest, HeaderRoundTrips) {
  Header h;
  h.chunk_size = 4096;
  h.recipient.fill(7);
  h.sealed_key.fill(8);
  h.stream_header.fill(9);
  auto bytes = EncodeHeader(h);
  auto back = DecodeHeader(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->chunk_size, 4096u);
  EXPECT_EQ(back->recipient, h.recipient);
  EXPECT_EQ(back->sealed_key, h.sealed_key);
  EXPECT_EQ(back->stream_header, h.stream_header);
}

TEST(FormatTest, HeaderRejectsEachBadField) {
  Header h;
  auto good = EncodeHeader(h);
  auto expect = [](std::array<std::uint8_t, kHeaderSize> bytes,
                   std::string_view message) {
    auto r = DecodeHeader(bytes);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), StatusCode::kDataLoss);
    EXPECT_NE(r.error().message().find(message), std::string::npos)
        << r.error().message();
  };
  auto bad = good;
  bad[1] = 'X';
  expect(bad, "wrong magic");
  bad = good;
  bad[8] = 2;
  expect(bad, "format version 2");
  bad = good;
  bad[10] = 1;
  expect(bad, "flags must be 0");
  h.chunk_size = 255;
  expect(EncodeHeader(h), "chunk size 255");
  h.chunk_size = kMaxChunkSize + 1;
  expect(EncodeHeader(h), "chunk size 16777217");
  auto short_result = DecodeHeader(std::span(good).first(100));
  ASSERT_FALSE(short_result.has_value());
  EXPECT_NE(short_result.error().message().find("shorter than"),
            std::string::npos);
}

TEST(FormatTest, FrameHeaderRoundTrips) {
  FrameHeader f{.item = 3, .chunk = 70000, .length = 123456};
  auto bytes = EncodeFrameHeader(f);
  EXPECT_EQ(DecodeFrameHeader(bytes), f);
  EXPECT_EQ(bytes[0], 3);
  EXPECT_EQ(bytes[4], 70000 & 0xff);
}

TEST(FormatTest, ChunkCountGivesEveryItemALastChunk) {
  EXPECT_EQ(ChunkCount(0, 256), 1u);
  EXPECT_EQ(ChunkCount(1, 256), 1u);
  EXPECT_EQ(ChunkCount(256, 256), 1u);
  EXPECT_EQ(ChunkCount(257, 256), 2u);
  EXPECT_EQ(ChunkCount(1024, 256), 4u);
}

// A footer for a package with a 2-chunk table and a 10-byte manifest.
Footer GoodFooter() {
  return Footer{.chunk_table_offset = 1000,
                .chunk_count = 2,
                .manifest_offset = 1064,
                .manifest_length = 10,
                .proof_offset = 0,
                .proof_length = 0};
}

constexpr std::uint64_t kGoodSize = 1064 + 10 + 64 + 64;

TEST(FormatTest, FooterRoundTripsWithAndWithoutProof) {
  Footer f = GoodFooter();
  auto back = DecodeFooter(EncodeFooter(f), kGoodSize);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(back->manifest_length, 10u);
  f.proof_offset = 1064 + 10 + 64;
  f.proof_length = 5;
  back = DecodeFooter(EncodeFooter(f), kGoodSize + 5);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(back->proof_length, 5u);
}

TEST(FormatTest, FooterMustTileTheFile) {
  auto expect = [](const Footer& f, std::uint64_t size,
                   std::string_view message) {
    auto r = DecodeFooter(EncodeFooter(f), size);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), StatusCode::kDataLoss);
    EXPECT_NE(r.error().message().find(message), std::string::npos)
        << r.error().message();
  };
  expect(GoodFooter(), kGoodSize + 1, "not at the footer");
  expect(GoodFooter(), 100, "too short");
  Footer f = GoodFooter();
  f.chunk_table_offset = 100;
  expect(f, kGoodSize, "chunk table offset 100");
  f = GoodFooter();
  f.chunk_count = 0;
  expect(f, kGoodSize, "chunk count 0");
  f = GoodFooter();
  f.manifest_offset = 1065;
  expect(f, kGoodSize, "manifest offset 1065");
  f = GoodFooter();
  f.manifest_length = 0;
  expect(f, kGoodSize, "manifest length 0");
  f = GoodFooter();
  f.proof_length = 3;
  expect(f, kGoodSize, "proof length 3 without");
  f = GoodFooter();
  f.proof_offset = 5;
  f.proof_length = 3;
  expect(f, kGoodSize + 3, "proof offset 5");
  auto bytes = EncodeFooter(GoodFooter());
  bytes[63] ^= 1;
  auto r = DecodeFooter(bytes, kGoodSize);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("no footer magic"), std::string::npos);
}

}  // namespace
}  // namespace evidex::evidence
