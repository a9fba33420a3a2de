// SHA-256 (FIPS 180-4) over OpenSSL 3: a one-shot function and an incremental
// hasher.
//
// Both compute exactly the standard SHA-256 digest. OpenSSL selects the CPU's
// SHA instructions when present. The only way OpenSSL can fail here is by
// running out of memory; that is treated like a failed `operator new`: the
// process prints one line on standard error and aborts. So no function in this
// header returns a Status.
//
// Thread safety: Sha256() may be called from any number of threads at once. A
// Sha256Hasher is thread-compatible: one instance must not be used by two
// threads at once.
#ifndef EVIDEX_CRYPTO_SHA256_H_
#define EVIDEX_CRYPTO_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

// OpenSSL's EVP_MD_CTX (<openssl/types.h>), declared here so that users of this
// header need no OpenSSL headers.
struct evp_md_ctx_st;

namespace evidex::crypto {

inline constexpr std::size_t kSha256Size = 32;

// A SHA-256 digest: 32 bytes.
using Sha256Digest = std::array<std::uint8_t, kSha256Size>;

// Returns SHA-256(data).
Sha256Digest Sha256(std::span<const std::uint8_t> data);

// Computes SHA-256 over data given in pieces: Sha256Hasher h; h.Update(a);
// h.Update(b); h.Finish() == Sha256(a || b).
class Sha256Hasher {
 public:
  // A hasher that has absorbed nothing.
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  // Absorbs `data`.
  void Update(std::span<const std::uint8_t> data);
  // Absorbs one byte.
  void Update(std::uint8_t byte) {
    Update(std::span<const std::uint8_t>(&byte, 1));
  }

  // Returns the digest of everything absorbed since construction or the
  // previous Finish(), and starts over: the hasher is then as if newly
  // constructed.
  Sha256Digest Finish();

 private:
  evp_md_ctx_st* ctx_;  // owned
};

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_SHA256_H_
