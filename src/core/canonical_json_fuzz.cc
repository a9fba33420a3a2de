// libFuzzer target: whatever ParseJson accepts, CanonicalJson either refuses
// with kInvalidArgument (an integer beyond 2^53) or canonicalises to bytes
// that parse again and canonicalise to themselves.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/canonical_json.h"
#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = evidex::ParseJson(text);
  if (!parsed.has_value()) return 0;
  auto canonical = evidex::CanonicalJson(*parsed);
  if (!canonical.has_value()) {
    if (canonical.error().code() != evidex::StatusCode::kInvalidArgument) {
      __builtin_trap();
    }
    return 0;
  }
  auto again = evidex::ParseJson(*canonical);
  if (!again.has_value()) __builtin_trap();
  auto twice = evidex::CanonicalJson(*again);
  if (!twice.has_value() || *twice != *canonical) __builtin_trap();
  return 0;
}
