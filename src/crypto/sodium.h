// Initialisation of libsodium, the library under ed25519.h, x25519.h and
// xchacha20poly1305.h.
//
// InitSodium() must have returned OK before any function of those headers is
// called; a program calls it once at start-up (tests call it in their set-up).
// It is idempotent: later calls do nothing and return OK. It fails with
// kInternal only if libsodium cannot initialise (e.g. no source of randomness);
// the process should then stop, since no key can be generated.
//
// Thread safety: InitSodium() may be called from any number of threads at once
// (sodium_init() serialises itself).
#ifndef EVIDEX_CRYPTO_SODIUM_H_
#define EVIDEX_CRYPTO_SODIUM_H_

#include <cstdint>
#include <span>

#include "core/status.h"

namespace evidex::crypto {

// Initialises libsodium; OK if it is (now or already) initialised.
Status InitSodium();

// Fills `out` with bytes from libsodium's CSPRNG (the operating system's
// randomness): seeds of new keys. InitSodium() must have succeeded.
void RandomBytes(std::span<std::uint8_t> out);

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_SODIUM_H_
