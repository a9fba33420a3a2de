#include "evidence/manifest.h"

#include <gtest/gtest.h>

namespace evidex::evidence {
namespace {

Manifest Example() {
  Manifest m;
  m.order = "case_0123";
  m.created_at = "2026-11-29T10:00:00Z";
  m.signer_name = "provider.example";
  m.signer_public_key.fill(1);
  m.chunk_size = 1024;
  m.header_sha256.fill(2);
  m.chunk_table_sha256.fill(3);
  ManifestItem item;
  item.name = "mailbox.mbox";
  item.size = 5000;
  item.media_type = "application/mbox";
  item.data_category = "content";
  item.sha256.fill(4);
  item.produced_at = "2026-11-28T17:00:00.125Z";
  item.producer = "mail-export 4.2";
  m.items.push_back(item);
  return m;
}

TEST(ManifestTest, SerializesCanonicallyAndParsesBack) {
  auto bytes = SerializeManifest(Example());
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message();
  const std::string start = R"({"chunk_size":1024,"chunk_table_sha256":")";
  EXPECT_EQ(bytes->substr(0, start.size()), start);
  auto back = ParseManifest(*bytes);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(back->items[0].name, "mailbox.mbox");
  EXPECT_EQ(back->items[0].size, 5000u);
  EXPECT_EQ(back->items[0].sha256, Example().items[0].sha256);
  EXPECT_EQ(back->signer_public_key, Example().signer_public_key);
  EXPECT_EQ(*SerializeManifest(*back), *bytes);
}

TEST(ManifestTest, RefusesNonCanonicalAndUnknownFields) {
  std::string bytes = *SerializeManifest(Example());
  auto spaced = ParseManifest(" " + bytes);
  ASSERT_FALSE(spaced.has_value());
  EXPECT_EQ(spaced.error().code(), StatusCode::kDataLoss);
  EXPECT_NE(spaced.error().message().find("canonical"), std::string::npos);
  std::string extra = bytes;
  extra.insert(1, "\"a\":1,");
  auto r = ParseManifest(extra);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "manifest: `a` is not a manifest field");
}

TEST(ManifestTest, NamesTheFieldThatBreaksARule) {
  auto expect = [](Manifest m, std::string_view field) {
    Status s = ValidateManifest(m);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
  };
  Manifest m = Example();
  m.order = "case 1";
  expect(m, "`order`");
  m = Example();
  m.created_at = "2026-02-30T10:00:00Z";
  expect(m, "`created_at`");
  m = Example();
  m.items[0].name = "../etc/passwd";
  expect(m, "`items[0].name`");
  m = Example();
  m.items[0].name = ".hidden";
  expect(m, "`items[0].name`");
  m = Example();
  m.items.push_back(m.items[0]);
  expect(m, "`items[1].name` repeats");
  m = Example();
  m.items[0].media_type = "text/plain; charset=utf-8";
  expect(m, "`items[0].media_type`");
  m = Example();
  m.items[0].data_category = "everything";
  expect(m, "`items[0].data_category` must be `subscriber`");
  m = Example();
  m.items[0].producer = "";
  expect(m, "`items[0].producer`");
  m = Example();
  m.signer_name = "a+b";
  expect(m, "`signer.name`");
  m = Example();
  m.chunk_size = 100;
  expect(m, "`chunk_size`");
  m = Example();
  m.items.clear();
  expect(m, "`items`");
}

TEST(ManifestTest, UtcTimestamps) {
  EXPECT_TRUE(IsUtcTimestamp("2024-02-29T23:59:59Z"));
  EXPECT_TRUE(IsUtcTimestamp("2026-11-29T10:00:00.123456789Z"));
  EXPECT_FALSE(IsUtcTimestamp("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(IsUtcTimestamp("2026-11-29T24:00:00Z"));
  EXPECT_FALSE(IsUtcTimestamp("2026-11-29T10:00:00+01:00"));
  EXPECT_FALSE(IsUtcTimestamp("2026-11-29T10:00:00.Z"));
  EXPECT_FALSE(IsUtcTimestamp("2026-11-29 10:00:00Z"));
}

TEST(ManifestTest, SignedBytesCarryTheContext) {
  auto bytes = SignedBytes("{}");
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()),
            "evidex evx/1 manifest\n{}");
}

}  // namespace
}  // namespace evidex::evidence
