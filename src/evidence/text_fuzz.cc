// libFuzzer target: the text parsers of evidence packages (manifest, log
// proof, key file) must never crash on any input, and what they accept must
// serialise to text that parses to the same thing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/sodium.h"
#include "evidence/keys.h"
#include "evidence/log_proof.h"
#include "evidence/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace evidex::evidence;
  if (!evidex::crypto::InitSodium().ok()) __builtin_trap();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = ParseManifest(text)) {
    // A parsed manifest is canonical: it serialises to the same bytes.
    auto again = SerializeManifest(*m);
    if (!again.has_value() || *again != text) __builtin_trap();
  }
  if (auto proof = ParseLogProof(text)) {
    auto again = SerializeLogProof(*proof);
    if (!again.has_value() || *again != text) __builtin_trap();
  }
  if (auto keys = ParseKeyFile(text)) {
    auto again = SerializeKeyFile(*keys, true);
    if (!again.has_value()) __builtin_trap();
    auto reparsed = ParseKeyFile(*again);
    if (!reparsed.has_value() || reparsed->keys.size() != keys->keys.size()) {
      __builtin_trap();
    }
  }
  return 0;
}
