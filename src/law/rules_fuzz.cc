// libFuzzer target: the rule-file loader never crashes on arbitrary text; it
// either loads a law book or fails with an error that names the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "law/lawbook.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto book = evidex::law::LoadLawBook({{"law/rules/fuzz.toml", text}});
  if (!book && book.error().message().rfind("law/rules/fuzz.toml", 0) != 0)
    __builtin_trap();
  return 0;
}
