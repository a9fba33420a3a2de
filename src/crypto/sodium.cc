#include "crypto/sodium.h"

#include <sodium.h>

namespace evidex::crypto {

Status InitSodium() {
  // 0: initialised now; 1: already initialised; -1: failure.
  if (sodium_init() < 0) return InternalError("libsodium cannot initialise");
  return OkStatus();
}

void RandomBytes(std::span<std::uint8_t> out) {
  randombytes_buf(out.data(), out.size());
}

}  // namespace evidex::crypto
