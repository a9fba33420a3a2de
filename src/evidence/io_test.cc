#include "evidence/io.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace evidex::evidence {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// Writes `size` bytes in pieces of awkward sizes through a direct output
// file in `dir` and reads them back.
void WriteAndCheck(const fs::path& dir, std::size_t size) {
  Bytes data(size);
  for (std::size_t i = 0; i < size; ++i) {
    data[i] = static_cast<std::uint8_t>(i * 7 + i / 4096);
  }
  const fs::path partial = dir / "out.partial", final_path = dir / "out";
  auto out = OutputFile::Create(partial, 0644, /*direct=*/true);
  ASSERT_TRUE(out.has_value()) << out.error().message();
  std::size_t at = 0, piece = 1;
  while (at < size) {
    const std::size_t n = std::min(piece, size - at);
    ASSERT_TRUE(out->Write(std::span(data).subspan(at, n)).ok());
    at += n;
    piece = piece * 3 + 4093;
  }
  ASSERT_TRUE(out->Commit(final_path).ok());
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_EQ(ReadFile(final_path), data) << dir << " " << size;
  fs::remove(final_path);
}

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/evidex_io_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(OutputFileTest, DirectWritesKeepEveryByte) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4096},
                           std::size_t{4097}, OutputFile::kDirectBufferSize,
                           OutputFile::kDirectBufferSize * 2 + 12345}) {
    WriteAndCheck(dir_, size);
  }
}

// tmpfs refuses O_DIRECT; the file is then written through the cache.
TEST_F(OutputFileTest, DirectFallsBackWhereTheFileSystemRefusesIt) {
  if (!fs::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm";
  char tmpl[] = "/dev/shm/evidex_io_test_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  WriteAndCheck(tmpl, OutputFile::kDirectBufferSize + 3);
  fs::remove_all(tmpl);
}

TEST_F(OutputFileTest, UncommittedFileIsRemovedAndExistingOneKept) {
  {
    auto out = OutputFile::Create(dir_ / "a", 0644, true);
    ASSERT_TRUE(out.has_value());
    ASSERT_TRUE(out->Write(Bytes{1, 2, 3}).ok());
  }
  EXPECT_FALSE(fs::exists(dir_ / "a"));
  std::ofstream(dir_ / "b") << "x";
  auto again = OutputFile::Create(dir_ / "b", 0644);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  auto out = OutputFile::Create(dir_ / "c", 0644);
  ASSERT_TRUE(out.has_value());
  Status s = out->Commit(dir_ / "b");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(dir_ / "b"), Bytes{'x'});
}

TEST(MemorySourceTest, ReadsPastTheEndAreDataLoss) {
  const Bytes bytes = {1, 2, 3};
  MemorySource source(bytes);
  Bytes out(2);
  ASSERT_TRUE(source.ReadAt(1, out).ok());
  EXPECT_EQ(out, (Bytes{2, 3}));
  EXPECT_EQ(source.ReadAt(2, out).code(), StatusCode::kDataLoss);
  EXPECT_EQ(source.ReadAt(4, out).code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace evidex::evidence
