// libFuzzer target: ParseJson must never crash, and what it accepts must
// survive a write and re-parse (the writer escapes every string the parser
// hands back).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = evidex::ParseJson(text);
  if (parsed.has_value() && parsed->is_object()) {
    std::string out;
    evidex::JsonWriter w(out);
    w.BeginObject();
    for (const auto& kv : parsed->as_object()) {
      w.Key(kv.key());
      if (kv.value().is_string()) {
        w.String(kv.value().as_string());
      } else {
        w.Null();
      }
    }
    w.EndObject();
    if (!evidex::ParseJson(out).has_value()) __builtin_trap();
  }
  return 0;
}
