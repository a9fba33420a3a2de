// libFuzzer target: any Range header against any size either serves a range
// inside the file, the whole file, or refuses; never more.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "api/range.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size < 8) return 0;
  std::uint64_t file_size;
  std::memcpy(&file_size, data, 8);
  file_size >>= 16;  // sizes up to 2^48 bytes
  std::string_view header(reinterpret_cast<const char*>(data + 8), size - 8);
  auto r = evidex::api::ParseRange(header, file_size);
  if (r.has_value() && r->has_value()) {
    const evidex::api::ByteRange& range = **r;
    if (range.length == 0 || range.offset + range.length > file_size) {
      std::abort();
    }
  }
  return 0;
}
