#include "crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace evidex::crypto {
namespace {

// OpenSSL fails these calls only when memory runs out (see the header).
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "evidex: fatal: OpenSSL %s failed (out of memory?)\n",
               what);
  std::abort();
}

// The SHA-256 implementation, fetched from the default provider once and kept
// for the life of the process: an explicit fetch saves the per-call lookup that
// EVP_sha256() would cost.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) Fatal("EVP_MD_fetch(SHA256)");
    return fetched;
  }();
  return md;
}

}  // namespace

Sha256Digest Sha256(std::span<const std::uint8_t> data) {
  Sha256Digest digest;
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, Sha256Md(),
                 nullptr) != 1 ||
      size != kSha256Size) {
    Fatal("EVP_Digest");
  }
  return digest;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) Fatal("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex2(ctx_, Sha256Md(), nullptr) != 1)
    Fatal("EVP_DigestInit_ex2");
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(ctx_); }

void Sha256Hasher::Update(std::span<const std::uint8_t> data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
    Fatal("EVP_DigestUpdate");
  }
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest digest;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_, digest.data(), &size) != 1 ||
      size != kSha256Size) {
    Fatal("EVP_DigestFinal_ex");
  }
  if (EVP_DigestInit_ex2(ctx_, Sha256Md(), nullptr) != 1)
    Fatal("EVP_DigestInit_ex2");
  return digest;
}

}  // namespace evidex::crypto
