// libFuzzer target: the package reader (footer, header, manifest, signature,
// chunk table, frames, log proof; decryption with the recipient's key) must
// never crash or leak on any input, and what verifies must verify again.
// Seeds in fuzz_corpus/ are small packages made with the keys of
// fuzz_keys.h, one with a log proof.
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/sodium.h"
#include "evidence/fuzz_keys.h"
#include "evidence/io.h"
#include "evidence/package.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace evidex::evidence;
  if (!evidex::crypto::InitSodium().ok()) __builtin_trap();
  static const KeyFile keys = fuzz::FuzzKeys();
  MemorySource source(std::span(data, size));
  auto keyless = VerifyPackage(
      source, {.trust = &keys, .recipient = nullptr, .output_dir = ""});
  auto full = VerifyPackage(
      source, {.trust = &keys, .recipient = &keys.keys[1], .output_dir = ""});
  // Whatever the full check accepts, the keyless one accepts too.
  if (full.has_value() && !keyless.has_value()) __builtin_trap();
  return 0;
}
