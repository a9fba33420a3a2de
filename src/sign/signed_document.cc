#include "sign/signed_document.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <span>
#include <utility>

#include "core/canonical_json.h"
#include "core/json.h"
#include "crypto/encoding.h"

namespace evidex::sign {
namespace {

namespace bj = boost::json;

// Identifiers: ASCII letters, digits and `_ . : -`, 1..kMaxIdLength.
bool IsId(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
           c == '-';
  });
}

// Roles and kinds: lowercase words with `_` and digits, 1..kMaxRoleLength.
bool IsWord(std::string_view s) {
  if (s.empty() || s.size() > kMaxRoleLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Up to 32 printable ASCII characters of user input, for messages.
std::string Quote(std::string_view s) {
  std::string out = "`";
  for (char c : s.substr(0, 32)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (s.size() > 32) out += "...";
  return out + "`";
}

bool Digits(std::string_view s, std::size_t from, std::size_t n, int& out) {
  out = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

Result<std::string> GetString(const bj::object& o, std::string_view key,
                              std::string_view where) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr) {
    return Err(InvalidArgumentError(std::string(where) + " has no `" +
                                    std::string(key) + "`"));
  }
  if (!v->is_string()) {
    return Err(InvalidArgumentError(std::string(where) + ": `" +
                                    std::string(key) + "` must be a string"));
  }
  return std::string(v->get_string());
}

Status OnlyMembers(const bj::object& o,
                   std::initializer_list<std::string_view> allowed,
                   std::string_view where) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      return InvalidArgumentError(std::string(where) + ": unknown member " +
                                  Quote(kv.key()));
    }
  }
  return OkStatus();
}

Result<Signature> ParseSignature(const bj::value& v, std::size_t index) {
  const std::string where = "signature " + std::to_string(index);
  if (!v.is_object())
    return Err(InvalidArgumentError(where + ": not an object"));
  const bj::object& o = v.get_object();
  EVIDEX_RETURN_IF_ERROR(OnlyMembers(
      o, {"signer", "key_id", "role", "signed_at", "signature"}, where));
  Signature sig;
  EVIDEX_ASSIGN_OR_RETURN(sig.meta.signer, GetString(o, "signer", where));
  EVIDEX_ASSIGN_OR_RETURN(sig.meta.key_id, GetString(o, "key_id", where));
  EVIDEX_ASSIGN_OR_RETURN(sig.meta.role, GetString(o, "role", where));
  EVIDEX_ASSIGN_OR_RETURN(std::string signed_at,
                          GetString(o, "signed_at", where));
  auto at = ParseSignedAt(signed_at);
  if (!at) {
    return Err(
        InvalidArgumentError(where + ": `signed_at` " + at.error().message()));
  }
  sig.meta.signed_at = *at;
  Status meta = CheckMeta(sig.meta);
  if (!meta.ok())
    return Err(InvalidArgumentError(where + ": " + meta.message()));
  EVIDEX_ASSIGN_OR_RETURN(std::string b64, GetString(o, "signature", where));
  auto bytes = crypto::Base64Decode(b64);
  if (!bytes) {
    return Err(InvalidArgumentError(
        where + ": `signature` is not base64: " + bytes.error().message()));
  }
  if (bytes->size() != crypto::kEd25519SignatureSize) {
    return Err(InvalidArgumentError(where +
                                    ": `signature` must be 64 bytes, not " +
                                    std::to_string(bytes->size())));
  }
  std::copy(bytes->begin(), bytes->end(), sig.value.begin());
  return sig;
}

tl::unexpected<Rejection> Reject(Reason reason, std::string message) {
  return tl::unexpected<Rejection>(Rejection{reason, std::move(message)});
}

}  // namespace

std::string FormatSignedAt(Instant t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<milliseconds> hms(t - day);
  char buf[32];
  int n = std::snprintf(
      buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
      static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  if (auto ms = hms.subseconds().count(); ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
    out += buf;
  }
  return out + "Z";
}

Result<Instant> ParseSignedAt(std::string_view s) {
  using namespace std::chrono;
  auto bad = [&] {
    return Err(InvalidArgumentError(
        Quote(s) + " is not a UTC time as YYYY-MM-DDTHH:MM:SS[.mmm]Z"));
  };
  if (s.size() != 20 && s.size() != 24) return bad();
  int y, mo, d, h, mi, se, ms = 0;
  if (!Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) ||
      s[7] != '-' || !Digits(s, 8, 2, d) || s[10] != 'T' ||
      !Digits(s, 11, 2, h) || s[13] != ':' || !Digits(s, 14, 2, mi) ||
      s[16] != ':' || !Digits(s, 17, 2, se) || s.back() != 'Z') {
    return bad();
  }
  if (s.size() == 24 && (s[19] != '.' || !Digits(s, 20, 3, ms))) return bad();
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (y < 1970 || !ymd.ok() || h > 23 || mi > 59 || se > 59) return bad();
  Instant t =
      sys_days(ymd) + hours(h) + minutes(mi) + seconds(se) + milliseconds(ms);
  // One spelling per instant: `.000` is written without the fraction.
  if (FormatSignedAt(t) != s) return bad();
  return t;
}

Status CheckDocument(const bj::object& document) {
  const bj::value* kind = document.if_contains("kind");
  if (kind == nullptr || !kind->is_string()) {
    return InvalidArgumentError("the document has no string `kind`");
  }
  if (!IsWord(kind->get_string())) {
    return InvalidArgumentError("the document's `kind` " +
                                Quote(kind->get_string()) +
                                " is not a lowercase word");
  }
  return OkStatus();
}

Status CheckMeta(const SignatureMeta& meta) {
  if (!IsId(meta.signer)) {
    return InvalidArgumentError("`signer` " + Quote(meta.signer) +
                                " is not an identifier");
  }
  if (!IsId(meta.key_id)) {
    return InvalidArgumentError("`key_id` " + Quote(meta.key_id) +
                                " is not an identifier");
  }
  if (!IsWord(meta.role)) {
    return InvalidArgumentError("`role` " + Quote(meta.role) +
                                " is not a lowercase word");
  }
  if (meta.signed_at < Instant{}) {
    return InvalidArgumentError("`signed_at` is before 1970");
  }
  return OkStatus();
}

Result<std::string> SigningInput(const bj::object& document,
                                 const SignatureMeta& meta) {
  bj::object o;
  o["document"] = document;
  o["key_id"] = meta.key_id;
  o["role"] = meta.role;
  o["signed_at"] = FormatSignedAt(meta.signed_at);
  o["signer"] = meta.signer;
  EVIDEX_ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(o));
  return std::string(kSigningDomain) + canonical;
}

Status AddSignature(SignedDocument& doc, SignatureMeta meta,
                    const crypto::Ed25519SecretKey& key) {
  EVIDEX_RETURN_IF_ERROR(CheckDocument(doc.document));
  EVIDEX_RETURN_IF_ERROR(CheckMeta(meta));
  if (doc.signatures.size() >= kMaxSignatures) {
    return ResourceExhaustedError("a document carries at most " +
                                  std::to_string(kMaxSignatures) +
                                  " signatures");
  }
  EVIDEX_ASSIGN_OR_RETURN(std::string input, SigningInput(doc.document, meta));
  Signature sig{
      .meta = std::move(meta),
      .value = crypto::Sign(
          key, std::span(reinterpret_cast<const std::uint8_t*>(input.data()),
                         input.size()))};
  doc.signatures.push_back(std::move(sig));
  return OkStatus();
}

Result<SignedDocument> ParseSignedDocument(std::string_view text) {
  if (text.size() > kMaxEnvelopeBytes) {
    return Err(ResourceExhaustedError(
        "a signed document is at most " + std::to_string(kMaxEnvelopeBytes) +
        " bytes, not " + std::to_string(text.size())));
  }
  EVIDEX_ASSIGN_OR_RETURN(bj::value v, ParseJson(text));
  if (!v.is_object()) {
    return Err(InvalidArgumentError("a signed document is a JSON object"));
  }
  const bj::object& o = v.get_object();
  EVIDEX_RETURN_IF_ERROR(
      OnlyMembers(o, {"document", "signatures"}, "the envelope"));
  const bj::value* document = o.if_contains("document");
  if (document == nullptr || !document->is_object()) {
    return Err(InvalidArgumentError("the envelope has no object `document`"));
  }
  const bj::value* signatures = o.if_contains("signatures");
  if (signatures == nullptr || !signatures->is_array()) {
    return Err(InvalidArgumentError("the envelope has no array `signatures`"));
  }
  if (signatures->get_array().size() > kMaxSignatures) {
    return Err(ResourceExhaustedError(
        "a document carries at most " + std::to_string(kMaxSignatures) +
        " signatures, not " + std::to_string(signatures->get_array().size())));
  }
  SignedDocument doc;
  doc.document = document->get_object();
  EVIDEX_RETURN_IF_ERROR(CheckDocument(doc.document));
  // The document must be signable: canonical JSON refuses what a signature
  // could not cover (integers beyond 2^53).
  auto canonical = CanonicalJson(*document);
  if (!canonical) {
    return Err(InvalidArgumentError("the document cannot be signed: " +
                                    canonical.error().message()));
  }
  std::size_t index = 0;
  for (const bj::value& s : signatures->get_array()) {
    EVIDEX_ASSIGN_OR_RETURN(Signature sig, ParseSignature(s, index++));
    doc.signatures.push_back(std::move(sig));
  }
  return doc;
}

Result<std::string> SerializeSignedDocument(const SignedDocument& doc) {
  bj::array signatures;
  for (const Signature& s : doc.signatures) {
    signatures.push_back(bj::object{
        {"signer", s.meta.signer},
        {"key_id", s.meta.key_id},
        {"role", s.meta.role},
        {"signed_at", FormatSignedAt(s.meta.signed_at)},
        {"signature", crypto::Base64Encode(s.value)},
    });
  }
  bj::object envelope;
  envelope["document"] = doc.document;
  envelope["signatures"] = std::move(signatures);
  return CanonicalJson(envelope);
}

std::string_view ReasonCode(Reason reason) {
  switch (reason) {
    case Reason::kMalformed:
      return "malformed";
    case Reason::kUnsigned:
      return "unsigned";
    case Reason::kUnknownKey:
      return "unknown_key";
    case Reason::kWrongSignature:
      return "wrong_signature";
    case Reason::kKeyRevoked:
      return "key_revoked";
    case Reason::kKeyNotYetValid:
      return "key_not_yet_valid";
    case Reason::kKeyExpired:
      return "key_expired";
    case Reason::kNotCompetent:
      return "signer_not_competent";
    case Reason::kMissingSignature:
      return "missing_required_signature";
    case Reason::kSignedInFuture:
      return "signed_in_future";
  }
  return "malformed";
}

tl::expected<void, Rejection> Verify(const SignedDocument& doc,
                                     const VerifyPolicy& policy) {
  if (doc.signatures.empty()) {
    return Reject(Reason::kUnsigned, "the document carries no signature");
  }
  for (std::size_t i = 0; i < doc.signatures.size(); ++i) {
    const Signature& sig = doc.signatures[i];
    const std::string which = "signature " + std::to_string(i) + " (" +
                              sig.meta.role + " " + Quote(sig.meta.signer) +
                              ")";
    std::optional<PublicSigningKey> key = policy.find_key(sig.meta.key_id);
    if (!key) {
      return Reject(Reason::kUnknownKey,
                    which + ": no key " + Quote(sig.meta.key_id) + " is known");
    }
    if (key->org_id != sig.meta.signer) {
      return Reject(Reason::kUnknownKey, which + ": the key " +
                                             Quote(sig.meta.key_id) +
                                             " is not the signer's");
    }
    auto input = SigningInput(doc.document, sig.meta);
    if (!input) return Reject(Reason::kMalformed, input.error().message());
    Status verified = crypto::Verify(
        key->public_key,
        std::span(reinterpret_cast<const std::uint8_t*>(input->data()),
                  input->size()),
        sig.value);
    if (!verified.ok()) {
      return Reject(Reason::kWrongSignature,
                    which + ": the signature does not verify");
    }
    if (policy.not_after && sig.meta.signed_at > *policy.not_after) {
      return Reject(Reason::kSignedInFuture,
                    which + ": signed at " +
                        FormatSignedAt(sig.meta.signed_at) +
                        ", later than the receiver's clock allows (" +
                        FormatSignedAt(*policy.not_after) + ")");
    }
    if (sig.meta.signed_at < key->valid_from) {
      return Reject(Reason::kKeyNotYetValid,
                    which + ": signed at " +
                        FormatSignedAt(sig.meta.signed_at) +
                        ", before the key was valid (" +
                        FormatSignedAt(key->valid_from) + ")");
    }
    if (key->revoked_at && sig.meta.signed_at >= *key->revoked_at) {
      return Reject(Reason::kKeyRevoked,
                    which + ": signed at " +
                        FormatSignedAt(sig.meta.signed_at) +
                        ", after the key was revoked (" +
                        FormatSignedAt(*key->revoked_at) + ")");
    }
    if (key->valid_until && sig.meta.signed_at >= *key->valid_until) {
      return Reject(Reason::kKeyExpired,
                    which + ": signed at " +
                        FormatSignedAt(sig.meta.signed_at) +
                        ", after the key was replaced (" +
                        FormatSignedAt(*key->valid_until) + ")");
    }
    if (policy.competence) {
      if (auto why = policy.competence(sig.meta, doc.document)) {
        return Reject(Reason::kNotCompetent, which + ": " + *why);
      }
    }
  }
  for (const std::string& role : policy.required_roles) {
    bool signed_by_role =
        std::any_of(doc.signatures.begin(), doc.signatures.end(),
                    [&](const Signature& s) { return s.meta.role == role; });
    if (!signed_by_role) {
      return Reject(Reason::kMissingSignature,
                    "no `" + role + "` signed the document");
    }
  }
  return {};
}

}  // namespace evidex::sign
