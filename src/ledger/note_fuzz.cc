// libFuzzer target: the signed-note parser must never crash on any input; what
// it accepts must format back to the same bytes, and opening it with a fixed
// key must not crash either.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sodium.h"
#include "ledger/note.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace evidex::ledger;
  static const std::vector<NoteVerifier> verifiers = [] {
    if (!evidex::crypto::InitSodium().ok()) __builtin_trap();
    return std::vector{
        NoteVerifier::Parse(
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
            "LDE4izWy10TW")
            .value()};
  }();
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  if (auto note = ParseNote(message)) {
    auto again = FormatNote(*note);
    if (!again.has_value() || *again != message) __builtin_trap();
    (void)OpenNote(message, verifiers);
  }
  if (auto vkey = NoteVerifier::Parse(message)) {
    if (vkey->VerifierKey() != message) __builtin_trap();
  }
  return 0;
}
