#include "core/file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace evidex {
namespace {

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
