// libFuzzer target: ParseSignedDocument never crashes, what it accepts
// serialises to bytes that parse back to the same envelope, and verifying it
// against a directory of one key never crashes and never accepts a signature
// the fuzzer could not have made.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/sodium.h"
#include "sign/signed_document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace evidex;
  if (!crypto::InitSodium().ok()) __builtin_trap();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sign::ParseSignedDocument(text);
  if (!parsed.has_value()) return 0;
  auto wire = sign::SerializeSignedDocument(*parsed);
  if (!wire.has_value()) __builtin_trap();
  auto again = sign::ParseSignedDocument(*wire);
  if (!again.has_value()) __builtin_trap();
  auto wire_again = sign::SerializeSignedDocument(*again);
  if (!wire_again.has_value() || *wire_again != *wire) __builtin_trap();
  // A key whose secret half is random per process: no input can carry a
  // valid signature under it.
  static const crypto::Ed25519PublicKey kPublic =
      crypto::GenerateEd25519KeyPair().public_key;
  sign::VerifyPolicy policy{
      .find_key =
          [](std::string_view id) -> std::optional<sign::PublicSigningKey> {
        return sign::PublicSigningKey{.org_id = "org_a",
                                      .key_id = std::string(id),
                                      .public_key = kPublic,
                                      .valid_from = {},
                                      .valid_until = std::nullopt,
                                      .revoked_at = std::nullopt};
      },
      .competence = {},
      .required_roles = {"issuer"},
      .not_after = std::nullopt};
  auto verified = sign::Verify(*parsed, policy);
  if (verified.has_value()) __builtin_trap();
  return 0;
}
