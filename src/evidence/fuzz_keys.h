// The fixed keys of the evidence fuzz targets and of their seed corpus
// (fuzz_corpus/, made with these keys): the packages' signer, recipient and
// log, so that the fuzzer reaches every check, decryption included.
#ifndef EVIDEX_EVIDENCE_FUZZ_KEYS_H_
#define EVIDEX_EVIDENCE_FUZZ_KEYS_H_

#include <array>
#include <cstdint>

#include "crypto/ed25519.h"
#include "crypto/sealed_box.h"
#include "evidence/keys.h"

namespace evidex::evidence::fuzz {

// `sign` provider.example (seed 32 x 0x01), `encrypt` authority.example
// (private key 32 x 0x02), `log` log.example (seed 32 x 0x03), each with its
// secret key.
inline KeyFile FuzzKeys() {
  KeyFile file;
  const auto add = [&](const char* name, KeyUse use, std::uint8_t fill) {
    std::array<std::uint8_t, 32> secret;
    secret.fill(fill);
    KeyEntry key{.name = name,
                 .use = use,
                 .public_key = {},
                 .secret_key = crypto::SecretKey32(secret)};
    key.public_key = use == KeyUse::kEncrypt
                         ? *crypto::X25519PublicKeyOf(secret)
                         : crypto::Ed25519KeyPairFromSeed(secret)->public_key;
    file.keys.push_back(std::move(key));
  };
  add("provider.example", KeyUse::kSign, 0x01);
  add("authority.example", KeyUse::kEncrypt, 0x02);
  add("log.example", KeyUse::kLog, 0x03);
  return file;
}

}  // namespace evidex::evidence::fuzz

#endif  // EVIDEX_EVIDENCE_FUZZ_KEYS_H_
