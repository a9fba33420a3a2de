// Test helpers for the node layer.
#ifndef EVIDEX_NODE_NODE_TESTING_H_
#define EVIDEX_NODE_NODE_TESTING_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace evidex::node {

// A fresh, empty directory for the running test, named `prefix`, the process
// id and the test's name (so that parallel test processes never share one).
// The caller removes it when the test ends.
inline std::filesystem::path FreshTestDir(std::string_view prefix) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + "_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace evidex::node

#endif  // EVIDEX_NODE_NODE_TESTING_H_
