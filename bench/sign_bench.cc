// Benchmarks of signed documents (src/sign/signed_document.h) on an order the
// size the node signs (the EPOC of the end-to-end tests with its facts, about
// 3 KB): canonical JSON, signing, parsing and verifying an envelope with the
// validator's and the issuer's signatures. Run a Release build:
// build/release/bench/sign_bench.
#include <benchmark/benchmark.h>

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/canonical_json.h"
#include "core/json.h"
#include "crypto/sodium.h"
#include "sign/signed_document.h"

namespace evidex::sign {
namespace {

namespace bj = boost::json;

// The order document of the end-to-end tests' validated EPOC, as the node
// signs it.
constexpr std::string_view kOrder = R"json({
  "kind": "order", "case_id": "case_4h2k9s0d8f7g6h5j4k3l2m1n0p",
  "procedure": "eu2023-1543.epoc", "issuing_organisation_id": "org_fr_parquet",
  "facts": {"procedure": "eu2023-1543.epoc", "emergency": false,
    "issuing_state": "FR", "issuing_authority": "prosecutor",
    "validation_required": true, "ex_post_validation": false,
    "validating_authorities": ["judge", "court", "investigating_judge"],
    "notification_required": true, "notification_suspensive": true,
    "notified_role": "enforcing_authority", "formalisation_required": false,
    "data": ["traffic"], "addressee_role": "designated_establishment",
    "addressee_state": "IE",
    "terms": [{"name": "response", "rule": "eu2023-1543.10.2",
               "cite": "EU 2023/1543 Art. 10(2)", "duration": "P10D"},
              {"name": "objection_window", "rule": "eu2023-1543.8.4",
               "cite": "EU 2023/1543 Art. 8(4)", "duration": "P10D"}]},
  "order": {
    "issuing_authority": {"state": "FR", "authority": "prosecutor",
      "name": "Parquet de Paris, section cybercriminalit\u00e9",
      "reference": "P-2026-0042", "address": "Parvis du Tribunal, 75017 Paris",
      "email": "cyber@justice.example"},
    "validating_authority": {"state": "FR", "authority": "investigating_judge",
      "name": "Tribunal judiciaire de Paris, juge d'instruction",
      "reference": "JI-2026-0042", "address": "Parvis du Tribunal, 75017 Paris",
      "email": "ji.cyber@justice.example"},
    "addressee": {"kind": "designated_establishment",
      "name": "Nimbus Mail Ireland Ltd", "address": "1 Dock Road, Dublin 2",
      "state": "IE"},
    "targets": [{"type": "ip_address", "value": "203.0.113.7",
                 "timestamp": "2026-11-02T21:14:05+01:00"},
                {"type": "email", "value": "suspect@nimbus.example"}],
    "data": {"categories": ["traffic"],
             "period": {"from": "2026-10-01", "to": "2026-11-15"},
             "description": "connection logs: source IP, port, timestamps"},
    "grounds": {"offence": "attack on information systems",
      "max_custodial_years": 5,
      "necessity_and_proportionality": "the logs alone identify the user",
      "summary_of_facts": "intrusion into a hospital's network on 2 November 2026 from an address the provider allocates"},
    "notification": {"enforcing_authority_notified": true}}})json";

bj::object Order() { return ParseJson(kOrder)->as_object(); }

crypto::Ed25519KeyPair Pair(std::uint8_t b) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(b);
  return crypto::Ed25519KeyPairFromSeed(seed).value();
}

const Instant kAt = ParseSignedAt("2026-11-29T09:30:00Z").value();

void BM_CanonicalJson(benchmark::State& state) {
  const bj::value order = Order();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto c = CanonicalJson(order);
    bytes = c->size();
    benchmark::DoNotOptimize(c);
  }
  state.SetLabel(std::to_string(bytes) + " bytes");
}
BENCHMARK(BM_CanonicalJson);

void BM_AddSignature(benchmark::State& state) {
  if (!crypto::InitSodium().ok()) state.SkipWithError("no libsodium");
  const auto pair = Pair(1);
  const bj::object order = Order();
  for (auto _ : state) {
    SignedDocument doc{order, {}};
    auto s = AddSignature(doc, {"org_fr_parquet", "key_1", "issuer", kAt},
                          pair.secret_key);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_AddSignature);

// The receiving side's work on an envelope off the wire: parse, then verify
// both signatures (directory lookups are a map here).
void BM_ParseAndVerify(benchmark::State& state) {
  if (!crypto::InitSodium().ok()) state.SkipWithError("no libsodium");
  const auto validator = Pair(2);
  const auto issuer = Pair(1);
  SignedDocument doc{Order(), {}};
  static_cast<void>(
      AddSignature(doc, {"org_fr_instruction", "key_2", "validator", kAt},
                   validator.secret_key));
  static_cast<void>(AddSignature(
      doc, {"org_fr_parquet", "key_1", "issuer", kAt}, issuer.secret_key));
  const std::string wire = SerializeSignedDocument(doc).value();
  std::map<std::string, PublicSigningKey, std::less<>> keys;
  keys["key_1"] = {"org_fr_parquet", "key_1",      issuer.public_key,
                   Instant{},        std::nullopt, std::nullopt};
  keys["key_2"] = {"org_fr_instruction", "key_2",
                   validator.public_key, Instant{},
                   std::nullopt,         std::nullopt};
  VerifyPolicy policy{
      .find_key = [&](std::string_view id) -> std::optional<PublicSigningKey> {
        auto it = keys.find(id);
        if (it == keys.end()) return std::nullopt;
        return it->second;
      },
      .competence = {},
      .required_roles = {"issuer", "validator"},
      .not_after = std::nullopt};
  for (auto _ : state) {
    auto parsed = ParseSignedDocument(wire);
    auto verified = Verify(*parsed, policy);
    if (!verified) state.SkipWithError("does not verify");
    benchmark::DoNotOptimize(verified);
  }
  state.SetLabel(std::to_string(wire.size()) + " bytes");
}
BENCHMARK(BM_ParseAndVerify);

}  // namespace
}  // namespace evidex::sign

BENCHMARK_MAIN();
