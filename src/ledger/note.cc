#include "ledger/note.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "crypto/encoding.h"
#include "crypto/sha256.h"

namespace evidex::ledger {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014, space
constexpr std::size_t kKeyIdSize = 4;

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Decodes the UTF-8 code point at s[i], advancing i; nullopt when the bytes
// there are not the shortest encoding of a Unicode scalar value.
std::optional<char32_t> NextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<unsigned char>(s[k]);
  };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  int extra;
  char32_t cp;
  char32_t min;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, cp = lead & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (s.size() - i <= static_cast<std::size_t>(extra)) return std::nullopt;
  for (int k = 1; k <= extra; ++k) {
    const unsigned char c = byte(i + k);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = cp << 6 | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return std::nullopt;
  }
  i += extra + 1;
  return cp;
}

// Unicode's White_Space property.
bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// OK when `s` is valid UTF-8 with no control character other than newline;
// otherwise names the byte offset of the first problem.
Status CheckText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t at = i;
    const std::optional<char32_t> c = NextCodePoint(s, i);
    if (!c) {
      return InvalidArgumentError("invalid UTF-8 at byte " +
                                  std::to_string(at));
    }
    if (*c < 0x20 && *c != '\n') {
      return InvalidArgumentError("control character " + std::to_string(*c) +
                                  " at byte " + std::to_string(at));
    }
  }
  return OkStatus();
}

Status CheckNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgumentError("note text does not end in a newline");
  }
  EVIDEX_RETURN_IF_ERROR(CheckText(text));
  return OkStatus();
}

std::string KeyIdHex(std::uint32_t id) {
  const std::array<std::uint8_t, 4> bytes = {
      static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
      static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  return crypto::HexEncode(bytes);
}

std::string Quoted(std::string_view s) { return "`" + std::string(s) + "`"; }

// Parses one signature line, without its newline.
Result<NoteSignature> ParseSignatureLine(std::string_view line) {
  if (!line.starts_with(kSignaturePrefix)) {
    return Err(
        InvalidArgumentError("does not start with an em dash and a space"));
  }
  line.remove_prefix(kSignaturePrefix.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return Err(
        InvalidArgumentError("has no space between key name and signature"));
  }
  NoteSignature sig;
  sig.key_name = std::string(line.substr(0, space));
  if (!IsValidKeyName(sig.key_name)) {
    return Err(InvalidArgumentError("key name " + Quoted(sig.key_name) +
                                    " is invalid"));
  }
  auto decoded = crypto::Base64Decode(line.substr(space + 1));
  if (!decoded.has_value()) {
    return Err(InvalidArgumentError("signature: " + decoded.error().message()));
  }
  if (decoded->size() <= kKeyIdSize) {
    return Err(InvalidArgumentError("signature is shorter than 5 bytes"));
  }
  for (std::size_t k = 0; k < kKeyIdSize; ++k) {
    sig.key_id = sig.key_id << 8 | (*decoded)[k];
  }
  sig.signature.assign(decoded->begin() + kKeyIdSize, decoded->end());
  return sig;
}

std::string FormatSignatureLine(const NoteSignature& sig) {
  std::vector<std::uint8_t> blob = {static_cast<std::uint8_t>(sig.key_id >> 24),
                                    static_cast<std::uint8_t>(sig.key_id >> 16),
                                    static_cast<std::uint8_t>(sig.key_id >> 8),
                                    static_cast<std::uint8_t>(sig.key_id)};
  blob.insert(blob.end(), sig.signature.begin(), sig.signature.end());
  std::string line(kSignaturePrefix);
  line += sig.key_name;
  line += ' ';
  line += crypto::Base64Encode(blob);
  line += '\n';
  return line;
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size();) {
    const std::optional<char32_t> c = NextCodePoint(name, i);
    if (!c || *c == '+' || *c < 0x20 || IsUnicodeSpace(*c)) return false;
  }
  return true;
}

std::uint32_t Ed25519KeyId(std::string_view name,
                           const crypto::Ed25519PublicKey& public_key) {
  crypto::Sha256Hasher hasher;
  hasher.Update(Bytes(name));
  hasher.Update(std::uint8_t{'\n'});
  hasher.Update(kNoteEd25519Type);
  hasher.Update(public_key);
  const crypto::Sha256Digest digest = hasher.Finish();
  return std::uint32_t{digest[0]} << 24 | std::uint32_t{digest[1]} << 16 |
         std::uint32_t{digest[2]} << 8 | digest[3];
}

Result<Note> ParseNote(std::string_view message) {
  if (message.size() > kMaxNoteBytes) {
    return Err(InvalidArgumentError("note is longer than " +
                                    std::to_string(kMaxNoteBytes) + " bytes"));
  }
  EVIDEX_RETURN_IF_ERROR(CheckText(message));
  // The text ends at the last blank line; signature lines follow it.
  const std::size_t split = message.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Err(InvalidArgumentError(
        "note has no blank line between text and signatures"));
  }
  Note note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view rest = message.substr(split + 2);
  if (rest.empty()) return Err(InvalidArgumentError("note has no signature"));
  if (rest.back() != '\n') {
    return Err(InvalidArgumentError("note does not end in a newline"));
  }
  while (!rest.empty()) {
    if (note.signatures.size() == kMaxNoteSignatures) {
      return Err(InvalidArgumentError("note has more than " +
                                      std::to_string(kMaxNoteSignatures) +
                                      " signatures"));
    }
    const std::size_t end = rest.find('\n');
    auto sig = ParseSignatureLine(rest.substr(0, end));
    if (!sig.has_value()) {
      return Err(InvalidArgumentError(
          "signature line " + std::to_string(note.signatures.size() + 1) + " " +
          sig.error().message()));
    }
    note.signatures.push_back(std::move(*sig));
    rest.remove_prefix(end + 1);
  }
  return note;
}

Result<std::string> FormatNote(const Note& note) {
  EVIDEX_RETURN_IF_ERROR(CheckNoteText(note.text));
  if (note.signatures.empty()) {
    return Err(InvalidArgumentError("note has no signature"));
  }
  if (note.signatures.size() > kMaxNoteSignatures) {
    return Err(InvalidArgumentError("note has more than " +
                                    std::to_string(kMaxNoteSignatures) +
                                    " signatures"));
  }
  std::string message = note.text;
  message += '\n';
  for (const NoteSignature& sig : note.signatures) {
    if (!IsValidKeyName(sig.key_name)) {
      return Err(InvalidArgumentError("key name " + Quoted(sig.key_name) +
                                      " is invalid"));
    }
    if (sig.signature.empty()) {
      return Err(InvalidArgumentError("signature by " + Quoted(sig.key_name) +
                                      " is empty"));
    }
    message += FormatSignatureLine(sig);
  }
  if (message.size() > kMaxNoteBytes) {
    return Err(InvalidArgumentError("note is longer than " +
                                    std::to_string(kMaxNoteBytes) + " bytes"));
  }
  return message;
}

NoteVerifier::NoteVerifier(std::string name,
                           const crypto::Ed25519PublicKey& public_key)
    : name_(std::move(name)),
      key_id_(Ed25519KeyId(name_, public_key)),
      public_key_(public_key) {}

Result<NoteVerifier> NoteVerifier::Create(
    std::string name, const crypto::Ed25519PublicKey& public_key) {
  if (!IsValidKeyName(name)) {
    return Err(
        InvalidArgumentError("key name " + Quoted(name) + " is invalid"));
  }
  return NoteVerifier(std::move(name), public_key);
}

Result<NoteVerifier> NoteVerifier::Parse(std::string_view vkey) {
  const std::size_t first = vkey.find('+');
  const std::size_t second =
      first == std::string_view::npos ? first : vkey.find('+', first + 1);
  if (second == std::string_view::npos) {
    return Err(
        InvalidArgumentError("verifier key is not <name>+<key id>+<key>"));
  }
  const std::string_view name = vkey.substr(0, first);
  const std::string_view id_hex = vkey.substr(first + 1, second - first - 1);
  const std::string_view key_text = vkey.substr(second + 1);
  if (!IsValidKeyName(name)) {
    return Err(InvalidArgumentError("verifier key name " + Quoted(name) +
                                    " is invalid"));
  }
  if (id_hex.size() != 8 ||
      !std::all_of(id_hex.begin(), id_hex.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return Err(InvalidArgumentError("verifier key id " + Quoted(id_hex) +
                                    " is not 8 lowercase hex digits"));
  }
  auto key = crypto::Base64Decode(key_text);
  if (!key.has_value()) {
    return Err(InvalidArgumentError("verifier key: " + key.error().message()));
  }
  if (key->empty() || key->front() != kNoteEd25519Type) {
    return Err(InvalidArgumentError("verifier key is not an Ed25519 key"));
  }
  if (key->size() != 1 + crypto::kEd25519PublicKeySize) {
    return Err(InvalidArgumentError("verifier key has " +
                                    std::to_string(key->size() - 1) +
                                    " key bytes, expected 32"));
  }
  crypto::Ed25519PublicKey public_key;
  std::copy(key->begin() + 1, key->end(), public_key.begin());
  NoteVerifier verifier{std::string(name), public_key};
  if (KeyIdHex(verifier.key_id()) != id_hex) {
    return Err(InvalidArgumentError("verifier key id " + Quoted(id_hex) +
                                    " does not match its name and key (" +
                                    KeyIdHex(verifier.key_id()) + ")"));
  }
  return verifier;
}

std::string NoteVerifier::VerifierKey() const {
  std::vector<std::uint8_t> key = {kNoteEd25519Type};
  key.insert(key.end(), public_key_.begin(), public_key_.end());
  return name_ + "+" + KeyIdHex(key_id_) + "+" + crypto::Base64Encode(key);
}

Status NoteVerifier::Verify(std::string_view text,
                            std::span<const std::uint8_t> signature) const {
  const Status s = crypto::Verify(public_key_, Bytes(text), signature);
  if (s.ok()) return s;
  return Status(StatusCode::kUnauthenticated,
                "signature by " + Quoted(name_ + "+" + KeyIdHex(key_id_)) +
                    " does not verify");
}

NoteSigner::NoteSigner(NoteVerifier verifier,
                       crypto::Ed25519SecretKey secret_key)
    : verifier_(std::move(verifier)), secret_key_(std::move(secret_key)) {}

Result<NoteSigner> NoteSigner::Create(std::string name,
                                      crypto::Ed25519KeyPair key_pair) {
  EVIDEX_ASSIGN_OR_RETURN(
      NoteVerifier verifier,
      NoteVerifier::Create(std::move(name), key_pair.public_key));
  return NoteSigner(std::move(verifier), std::move(key_pair.secret_key));
}

NoteSignature NoteSigner::Sign(std::string_view text) const {
  const crypto::Ed25519Signature sig = crypto::Sign(secret_key_, Bytes(text));
  return NoteSignature{verifier_.name(), verifier_.key_id(),
                       std::vector<std::uint8_t>(sig.begin(), sig.end())};
}

Result<std::string> SignNote(std::string_view text, const NoteSigner& signer) {
  EVIDEX_RETURN_IF_ERROR(CheckNoteText(text));
  return FormatNote(Note{std::string(text), {signer.Sign(text)}});
}

Result<OpenedNote> OpenNote(std::string_view message,
                            std::span<const NoteVerifier> verifiers) {
  EVIDEX_ASSIGN_OR_RETURN(Note note, ParseNote(message));
  OpenedNote opened;
  for (const NoteSignature& sig : note.signatures) {
    const NoteVerifier* known = nullptr;
    for (const NoteVerifier& v : verifiers) {
      if (v.name() != sig.key_name || v.key_id() != sig.key_id) continue;
      if (known != nullptr) {
        return Err(InvalidArgumentError(
            "ambiguous key " + Quoted(v.name() + "+" + KeyIdHex(v.key_id()))));
      }
      known = &v;
    }
    if (known == nullptr) continue;  // unknown keys are ignored
    EVIDEX_RETURN_IF_ERROR(known->Verify(note.text, sig.signature));
    std::string vkey = known->VerifierKey();
    if (std::find(opened.verified_by.begin(), opened.verified_by.end(), vkey) ==
        opened.verified_by.end()) {
      opened.verified_by.push_back(std::move(vkey));
    }
  }
  if (opened.verified_by.empty()) {
    return Err(Status(StatusCode::kUnauthenticated,
                      "note has no signature by a known key"));
  }
  opened.note = std::move(note);
  return opened;
}

}  // namespace evidex::ledger
