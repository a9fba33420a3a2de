// libFuzzer target: any bytes given to ParseQuery either fail with a one-line
// error naming what is wrong, or give a query that Decide answers with valid
// JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "law/decision_json.h"
#include "law/engine.h"
#include "law/law.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const evidex::law::Law* law = new evidex::law::Law(
      evidex::law::LoadLaw(evidex::law::EmbeddedLawFiles()).value());
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto query = evidex::law::ParseQuery(text, law->book, law->registry,
                                       evidex::Date{20786});
  if (!query) {
    if (query.error().message().find('\n') != std::string::npos)
      __builtin_trap();
    return 0;
  }
  evidex::law::Decision d =
      evidex::law::Decide(law->book, law->registry, *query);
  if (!d.conflicts.empty()) __builtin_trap();
  std::string out;
  evidex::law::AppendDecisionJson(law->book, d, out);
  if (!evidex::ParseJson(out).has_value()) __builtin_trap();
  return 0;
}
