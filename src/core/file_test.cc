#include "core/file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace evidex {
namespace {

TEST(FileTest, MovesAFileWithoutReplacingAnother) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("evidex-file-move-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "kept");
  ASSERT_TRUE(WriteFileDurably(dir / "spooled", "package").ok());
  ASSERT_TRUE(MoveFileDurably(dir / "spooled", dir / "kept" / "p").ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "spooled"));
  EXPECT_EQ(ReadSmallFile(dir / "kept" / "p", 100).value(), "package");
  EXPECT_EQ(MoveFileDurably(dir / "spooled", dir / "kept" / "q").code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(WriteFileDurably(dir / "other", "other").ok());
  EXPECT_EQ(MoveFileDurably(dir / "other", dir / "kept" / "p").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadSmallFile(dir / "kept" / "p", 100).value(), "package");
  EXPECT_TRUE(std::filesystem::exists(dir / "other"));
  std::filesystem::remove_all(dir);
}

TEST(FileTest, WritesReplacesAndReadsBack) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("evidex-file-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / "key";
  EXPECT_EQ(ReadSmallFile(path, 100).error().code(), StatusCode::kNotFound);
  const std::string bytes("\x01\x00sealed", 8);
  ASSERT_TRUE(WriteFileDurably(path, bytes).ok());
  EXPECT_EQ(ReadSmallFile(path, 100).value(), bytes);
  ASSERT_TRUE(WriteFileDurably(path, "second").ok());
  EXPECT_EQ(ReadSmallFile(path, 100).value(), "second");
  EXPECT_FALSE(std::filesystem::exists(dir / "key.tmp"));
  EXPECT_EQ(
      (std::filesystem::status(path).permissions() &
       std::filesystem::perms::all),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(ReadSmallFile(path, 5).error().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(WriteFileDurably(dir / "no" / "dir", "x").code(),
            StatusCode::kUnavailable);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace evidex
