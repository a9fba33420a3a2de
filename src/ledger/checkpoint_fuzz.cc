// libFuzzer target: the checkpoint text parser must never crash on any input,
// and what it accepts must format back to the same bytes; opening the input as
// a signed checkpoint must not crash either.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/sodium.h"
#include "ledger/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace evidex::ledger;
  static const NoteVerifier log_key = [] {
    if (!evidex::crypto::InitSodium().ok()) __builtin_trap();
    return NoteVerifier::Parse(
               "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
               "LDE4izWy10TW")
        .value();
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto checkpoint = ParseCheckpointText(text)) {
    auto again = FormatCheckpointText(*checkpoint);
    if (!again.has_value() || *again != text) __builtin_trap();
  }
  (void)OpenCheckpoint(text, log_key);
  return 0;
}
