#include "sign/signed_document.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "crypto/sodium.h"

namespace evidex::sign {
namespace {

namespace bj = boost::json;
using std::chrono::hours;
using std::chrono::milliseconds;

Instant At(std::string_view text) { return ParseSignedAt(text).value(); }

// Two organisations with keys from fixed seeds, and a directory of them.
struct Fixture {
  crypto::Ed25519KeyPair issuer = Pair(1);
  crypto::Ed25519KeyPair validator = Pair(2);
  crypto::Ed25519KeyPair stranger = Pair(3);
  std::map<std::string, PublicSigningKey, std::less<>> keys;
  std::vector<std::string> incompetent_signers;

  static crypto::Ed25519KeyPair Pair(std::uint8_t seed_byte) {
    EXPECT_TRUE(crypto::InitSodium().ok());
    std::array<std::uint8_t, 32> seed{};
    seed.fill(seed_byte);
    return crypto::Ed25519KeyPairFromSeed(seed).value();
  }

  Fixture() {
    keys["key_fr_1"] = {.org_id = "org_fr_parquet",
                        .key_id = "key_fr_1",
                        .public_key = issuer.public_key,
                        .valid_from = At("2026-01-01T00:00:00Z"),
                        .valid_until = std::nullopt,
                        .revoked_at = std::nullopt};
    keys["key_fr_val"] = {.org_id = "org_fr_instruction",
                          .key_id = "key_fr_val",
                          .public_key = validator.public_key,
                          .valid_from = At("2026-01-01T00:00:00Z"),
                          .valid_until = std::nullopt,
                          .revoked_at = std::nullopt};
  }

  VerifyPolicy Policy(std::vector<std::string> required = {"issuer"}) const {
    return VerifyPolicy{
        .find_key =
            [this](std::string_view id) -> std::optional<PublicSigningKey> {
          auto it = keys.find(id);
          if (it == keys.end()) return std::nullopt;
          return it->second;
        },
        .competence = [this](const SignatureMeta& meta,
                             const bj::object&) -> std::optional<std::string> {
          for (const auto& s : incompetent_signers) {
            if (s == meta.signer) return "not an issuing authority";
          }
          return std::nullopt;
        },
        .required_roles = std::move(required),
        .not_after = std::nullopt};
  }
};

SignedDocument Order() {
  SignedDocument doc;
  doc.document = bj::object{{"kind", "order"},
                            {"case_id", "case_1"},
                            {"procedure", "eu2023-1543.epoc"},
                            {"data_categories", bj::array{"subscriber"}},
                            {"reason", "fraud \xe2\x82\xac 3000"}};
  return doc;
}

SignatureMeta Meta(std::string signer, std::string key_id, std::string role,
                   std::string_view at = "2026-11-29T09:30:00Z") {
  return SignatureMeta{.signer = std::move(signer),
                       .key_id = std::move(key_id),
                       .role = std::move(role),
                       .signed_at = At(at)};
}

std::string ReasonOf(const tl::expected<void, Rejection>& r) {
  return r.has_value() ? "ok" : std::string(ReasonCode(r.error().reason));
}

TEST(SignedAtTest, OneSpellingPerInstant) {
  EXPECT_EQ(FormatSignedAt(At("2026-11-29T09:30:00Z")), "2026-11-29T09:30:00Z");
  EXPECT_EQ(FormatSignedAt(At("2026-11-29T09:30:00.007Z")),
            "2026-11-29T09:30:00.007Z");
  for (const char* bad :
       {"2026-11-29T09:30:00.000Z", "2026-11-29T09:30:00+00:00",
        "2026-11-29t09:30:00Z", "2026-11-29T09:30:00", "2026-02-30T00:00:00Z",
        "1969-12-31T23:59:59Z", "2026-11-29T24:00:00Z", "2026-11-29T09:30:60Z",
        "2026-11-29T09:30:00.1Z", "+026-11-29T09:30:00Z"}) {
    auto r = ParseSignedAt(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(SignedDocumentTest, SignsAndVerifiesThroughTheWire) {
  Fixture f;
  SignedDocument doc = Order();
  ASSERT_TRUE(AddSignature(doc, Meta("org_fr_parquet", "key_fr_1", "issuer"),
                           f.issuer.secret_key)
                  .ok());
  ASSERT_TRUE(AddSignature(doc,
                           Meta("org_fr_instruction", "key_fr_val", "validator",
                                "2026-11-29T10:00:00.250Z"),
                           f.validator.secret_key)
                  .ok());
  auto text = SerializeSignedDocument(doc);
  ASSERT_TRUE(text.has_value());
  auto parsed = ParseSignedDocument(*text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->document, doc.document);
  ASSERT_EQ(parsed->signatures.size(), 2u);
  EXPECT_EQ(parsed->signatures[1].meta.signed_at,
            At("2026-11-29T10:00:00.250Z"));
  EXPECT_EQ(ReasonOf(Verify(*parsed, f.Policy({"issuer", "validator"}))), "ok");
  // Serialising again gives the same bytes.
  EXPECT_EQ(SerializeSignedDocument(*parsed).value(), *text);
}

TEST(SignedDocumentTest, SigningInputIsDomainSeparatedCanonicalJson) {
  SignedDocument doc;
  doc.document = bj::object{{"kind", "order"}, {"b", 1}, {"a", 2.50}};
  auto input = SigningInput(
      doc.document, Meta("org_x", "key_x", "issuer", "2026-11-29T09:30:00Z"));
  ASSERT_TRUE(input.has_value());
  EXPECT_EQ(
      *input,
      "evidex signed document v1\n"
      R"({"document":{"a":2.5,"b":1,"kind":"order"},"key_id":"key_x",)"
      R"("role":"issuer","signed_at":"2026-11-29T09:30:00Z","signer":"org_x"})");
}

TEST(SignedDocumentTest, EachFailureHasItsReason) {
  Fixture f;
  auto signed_by = [&](const crypto::Ed25519KeyPair& pair, SignatureMeta meta) {
    SignedDocument doc = Order();
    EXPECT_TRUE(AddSignature(doc, std::move(meta), pair.secret_key).ok());
    return doc;
  };
  EXPECT_EQ(ReasonOf(Verify(Order(), f.Policy())), "unsigned");
  EXPECT_EQ(ReasonOf(Verify(signed_by(f.issuer, Meta("org_fr_parquet",
                                                     "key_nope", "issuer")),
                            f.Policy())),
            "unknown_key");
  // A known key named by another organisation.
  EXPECT_EQ(ReasonOf(Verify(signed_by(f.issuer, Meta("org_fr_instruction",
                                                     "key_fr_1", "issuer")),
                            f.Policy())),
            "unknown_key");
  // Forged: another key's signature under the issuer's key id.
  EXPECT_EQ(ReasonOf(Verify(signed_by(f.stranger, Meta("org_fr_parquet",
                                                       "key_fr_1", "issuer")),
                            f.Policy())),
            "wrong_signature");
  EXPECT_EQ(ReasonOf(Verify(
                signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer",
                                         "2025-12-31T23:59:59.999Z")),
                f.Policy())),
            "key_not_yet_valid");
  // Revoked at 12:00: a signature at 11:59:59.999 still verifies, one at
  // 12:00 does not.
  f.keys["key_fr_1"].revoked_at = At("2026-11-29T12:00:00Z");
  EXPECT_EQ(ReasonOf(Verify(
                signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer",
                                         "2026-11-29T11:59:59.999Z")),
                f.Policy())),
            "ok");
  EXPECT_EQ(ReasonOf(Verify(
                signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer",
                                         "2026-11-29T12:00:00Z")),
                f.Policy())),
            "key_revoked");
  f.keys["key_fr_1"].revoked_at.reset();
  // Rotated at 12:00: the same boundary, its own reason.
  f.keys["key_fr_1"].valid_until = At("2026-11-29T12:00:00Z");
  EXPECT_EQ(ReasonOf(Verify(
                signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer",
                                         "2026-11-29T11:59:59.999Z")),
                f.Policy())),
            "ok");
  EXPECT_EQ(ReasonOf(Verify(
                signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer",
                                         "2026-11-29T12:00:00Z")),
                f.Policy())),
            "key_expired");
  f.keys["key_fr_1"].valid_until.reset();
  // Dated after the receiver's clock (plus its skew): refused; at it: fine.
  VerifyPolicy clocked = f.Policy();
  clocked.not_after = At("2026-11-29T09:35:00Z");
  EXPECT_EQ(ReasonOf(Verify(
                signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer",
                                         "2026-11-29T09:35:00.001Z")),
                clocked)),
            "signed_in_future");
  EXPECT_EQ(ReasonOf(Verify(
                signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer",
                                         "2026-11-29T09:35:00Z")),
                clocked)),
            "ok");
  f.incompetent_signers.push_back("org_fr_parquet");
  auto incompetent =
      Verify(signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer")),
             f.Policy());
  EXPECT_EQ(ReasonOf(incompetent), "signer_not_competent");
  EXPECT_NE(incompetent.error().message.find("not an issuing authority"),
            std::string::npos);
  f.incompetent_signers.clear();
  auto missing =
      Verify(signed_by(f.issuer, Meta("org_fr_parquet", "key_fr_1", "issuer")),
             f.Policy({"issuer", "validator"}));
  EXPECT_EQ(ReasonOf(missing), "missing_required_signature");
  EXPECT_EQ(missing.error().message, "no `validator` signed the document");
}

TEST(SignedDocumentTest, ASignatureCannotMoveToAnotherRoleOrTime) {
  Fixture f;
  SignedDocument doc = Order();
  ASSERT_TRUE(AddSignature(doc, Meta("org_fr_parquet", "key_fr_1", "issuer"),
                           f.issuer.secret_key)
                  .ok());
  SignedDocument moved = doc;
  moved.signatures[0].meta.role = "validator";
  EXPECT_EQ(ReasonOf(Verify(moved, f.Policy({"validator"}))),
            "wrong_signature");
  moved = doc;
  moved.signatures[0].meta.signed_at += milliseconds(1);
  EXPECT_EQ(ReasonOf(Verify(moved, f.Policy())), "wrong_signature");
  moved = doc;
  moved.document["kind"] = "response";
  EXPECT_EQ(ReasonOf(Verify(moved, f.Policy())), "wrong_signature");
}

TEST(SignedDocumentTest, ParserIsStrict) {
  Fixture f;
  SignedDocument doc = Order();
  ASSERT_TRUE(AddSignature(doc, Meta("org_fr_parquet", "key_fr_1", "issuer"),
                           f.issuer.secret_key)
                  .ok());
  const bj::value good =
      ParseJson(SerializeSignedDocument(doc).value()).value();
  auto parse_edited = [&](auto edit) {
    bj::value v = good;
    edit(v);
    return ParseSignedDocument(bj::serialize(v));
  };
  auto message_of = [&](auto edit) {
    auto r = parse_edited(edit);
    EXPECT_FALSE(r.has_value());
    return r.has_value() ? std::string("parsed") : r.error().message();
  };
  EXPECT_EQ(message_of([](bj::value& v) { v.as_object()["extra"] = 1; }),
            "the envelope: unknown member `extra`");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("signatures").as_array()[0].as_object()["comment"] = "x";
            }),
            "signature 0: unknown member `comment`");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("signatures").as_array()[0].as_object().erase("role");
            }),
            "signature 0 has no `role`");
  EXPECT_EQ(message_of([](bj::value& v) { v.as_object().erase("document"); }),
            "the envelope has no object `document`");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("document").as_object().erase("kind");
            }),
            "the document has no string `kind`");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("signatures").as_array()[0].as_object()["signature"] =
                  "AAAA";
            }),
            "signature 0: `signature` must be 64 bytes, not 3");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("signatures").as_array()[0].as_object()["role"] = "Issuer";
            }),
            "signature 0: `role` `Issuer` is not a lowercase word");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("signatures").as_array()[0].as_object()["signer"] = "org fr";
            }),
            "signature 0: `signer` `org fr` is not an identifier");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("signatures").as_array()[0].as_object()["signed_at"] =
                  "2026-11-29T10:30:00+01:00";
            }),
            "signature 0: `signed_at` `2026-11-29T10:30:00+01:00` is not a UTC "
            "time as YYYY-MM-DDTHH:MM:SS[.mmm]Z");
  EXPECT_EQ(message_of([](bj::value& v) {
              v.at("document").as_object()["n"] = std::uint64_t{1} << 60;
            }),
            "the document cannot be signed: the integer `1152921504606846976` "
            "exceeds 2^53 in magnitude and no double holds it exactly");
  auto too_many = parse_edited([](bj::value& v) {
    auto& sigs = v.at("signatures").as_array();
    while (sigs.size() <= kMaxSignatures) sigs.push_back(sigs[0]);
  });
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().code(), StatusCode::kResourceExhausted);
  auto too_big = ParseSignedDocument(std::string(kMaxEnvelopeBytes + 1, ' '));
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseSignedDocument("[]").error().message(),
            "a signed document is a JSON object");
}

TEST(SignedDocumentTest, AddSignatureRefusesMalformedInput) {
  Fixture f;
  SignedDocument doc;
  doc.document = bj::object{{"case_id", "x"}};
  EXPECT_EQ(AddSignature(doc, Meta("org_fr_parquet", "key_fr_1", "issuer"),
                         f.issuer.secret_key)
                .code(),
            StatusCode::kInvalidArgument);
  doc = Order();
  EXPECT_EQ(AddSignature(doc, Meta("org_fr_parquet", "", "issuer"),
                         f.issuer.secret_key)
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(doc.signatures.empty());
}

// Flipping any bit of the wire form (document, metadata or signature) is
// detected: the envelope no longer parses, or it parses into a different
// document or metadata and then does not verify. A flip that parses into the
// same content (`\u000f` -> `\u000F`) changes nothing signed.
RC_GTEST_PROP(SignedDocumentProperty, AnyFlippedBitIsDetected, ()) {
  Fixture f;
  SignedDocument doc = Order();
  doc.document["note"] = std::string("\x0f\"tab\t");
  RC_ASSERT(AddSignature(doc, Meta("org_fr_parquet", "key_fr_1", "issuer"),
                         f.issuer.secret_key)
                .ok());
  RC_ASSERT(AddSignature(doc,
                         Meta("org_fr_instruction", "key_fr_val", "validator",
                              "2026-11-29T10:00:00.250Z"),
                         f.validator.secret_key)
                .ok());
  const std::string text = SerializeSignedDocument(doc).value();
  std::string flipped = text;
  const auto bit = *rc::gen::inRange<std::size_t>(0, text.size() * 8);
  flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
  auto parsed = ParseSignedDocument(flipped);
  if (!parsed.has_value()) return;
  if (SerializeSignedDocument(*parsed).value() == text) return;
  RC_ASSERT(!Verify(*parsed, f.Policy({"issuer", "validator"})).has_value());
}

// The same for the signature bytes and the signed time, which the text flip
// reaches only through base64 and digits.
RC_GTEST_PROP(SignedDocumentProperty, AnyChangedSignatureOrTimeFails, ()) {
  Fixture f;
  SignedDocument doc = Order();
  RC_ASSERT(AddSignature(doc, Meta("org_fr_parquet", "key_fr_1", "issuer"),
                         f.issuer.secret_key)
                .ok());
  SignedDocument changed = doc;
  const auto bit = *rc::gen::inRange<std::size_t>(0, 64 * 8);
  changed.signatures[0].value[bit / 8] ^=
      static_cast<std::uint8_t>(1 << (bit % 8));
  RC_ASSERT(ReasonOf(Verify(changed, f.Policy())) == "wrong_signature");
  changed = doc;
  const auto shift = *rc::gen::inRange<std::int64_t>(1, 1'000'000'000);
  changed.signatures[0].meta.signed_at +=
      milliseconds(*rc::gen::arbitrary<bool>() ? shift : -shift);
  RC_ASSERT(ReasonOf(Verify(changed, f.Policy())) == "wrong_signature");
}

}  // namespace
}  // namespace evidex::sign
