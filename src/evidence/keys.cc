#include "evidence/keys.h"

#include <boost/json.hpp>

#include "core/canonical_json.h"
#include "core/json.h"
#include "crypto/ed25519.h"
#include "crypto/encoding.h"
#include "crypto/sealed_box.h"
#include "crypto/sodium.h"

namespace evidex::evidence {

namespace json = boost::json;

bool IsKeyName(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '+') return false;
  }
  return true;
}

namespace {

constexpr std::string_view kKeyFileFormat = "evidex-keys/1";

std::optional<KeyUse> ParseUse(std::string_view s) {
  if (s == "sign") return KeyUse::kSign;
  if (s == "encrypt") return KeyUse::kEncrypt;
  if (s == "log") return KeyUse::kLog;
  return std::nullopt;
}

std::string_view AlgorithmOf(KeyUse use) {
  return use == KeyUse::kEncrypt ? "x25519" : "ed25519";
}

// The public key that `secret` determines for `use`.
Result<std::array<std::uint8_t, 32>> PublicKeyOf(
    KeyUse use, const crypto::SecretKey32& secret) {
  if (use == KeyUse::kEncrypt) return crypto::X25519PublicKeyOf(secret.bytes());
  EVIDEX_ASSIGN_OR_RETURN(auto pair,
                          crypto::Ed25519KeyPairFromSeed(secret.bytes()));
  return pair.public_key;
}

Status Bad(std::size_t i, std::string_view field, std::string_view rule) {
  return InvalidArgumentError("key file: `keys[" + std::to_string(i) + "]." +
                              std::string(field) + "` " + std::string(rule));
}

Result<std::vector<std::uint8_t>> Decode32(const json::object& entry,
                                           std::size_t i,
                                           std::string_view field) {
  const json::value* v = entry.if_contains(field);
  if (v == nullptr || !v->is_string()) {
    return Err(Bad(i, field, "must be a base64 string"));
  }
  auto bytes = crypto::Base64Decode(v->get_string());
  if (!bytes.has_value() || bytes->size() != 32) {
    return Err(Bad(i, field, "must be 32 bytes in base64"));
  }
  return bytes;
}

}  // namespace

std::string_view KeyUseName(KeyUse use) {
  switch (use) {
    case KeyUse::kSign:
      return "sign";
    case KeyUse::kEncrypt:
      return "encrypt";
    case KeyUse::kLog:
      return "log";
  }
  return "sign";
}

Result<KeyFile> ParseKeyFile(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.has_value()) {
    return Err(InvalidArgumentError("key file: " + parsed.error().message()));
  }
  const json::object* top = parsed->if_object();
  if (top == nullptr || top->size() != 2 || !top->contains("format") ||
      !top->contains("keys")) {
    return Err(InvalidArgumentError(
        "key file: must be an object with exactly `format` and `keys`"));
  }
  const json::value& format = top->at("format");
  if (!format.is_string() || format.get_string() != kKeyFileFormat) {
    return Err(
        InvalidArgumentError("key file: `format` must be `evidex-keys/1`"));
  }
  const json::array* keys = top->at("keys").if_array();
  if (keys == nullptr || keys->empty() || keys->size() > 1000) {
    return Err(InvalidArgumentError(
        "key file: `keys` must be an array of 1 to 1000 keys"));
  }
  KeyFile file;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const json::object* entry = (*keys)[i].if_object();
    if (entry == nullptr) {
      return Err(InvalidArgumentError("key file: `keys[" + std::to_string(i) +
                                      "]` must be an object"));
    }
    for (const auto& member : *entry) {
      const std::string_view k = member.key();
      if (k != "algorithm" && k != "name" && k != "public_key" &&
          k != "secret_key" && k != "use") {
        return Err(Bad(i, k, "is not a key file field"));
      }
    }
    KeyEntry key;
    const json::value* name = entry->if_contains("name");
    if (name == nullptr || !name->is_string() ||
        !IsKeyName(name->get_string())) {
      return Err(Bad(i, "name",
                     "must be 1 to 128 printable ASCII characters without "
                     "space or `+`"));
    }
    key.name = std::string(name->get_string());
    const json::value* use = entry->if_contains("use");
    std::optional<KeyUse> parsed_use;
    if (use != nullptr && use->is_string()) {
      parsed_use = ParseUse(use->get_string());
    }
    if (!parsed_use.has_value()) {
      return Err(Bad(i, "use", "must be `sign`, `encrypt` or `log`"));
    }
    key.use = *parsed_use;
    const json::value* algorithm = entry->if_contains("algorithm");
    if (algorithm == nullptr || !algorithm->is_string() ||
        algorithm->get_string() != AlgorithmOf(key.use)) {
      return Err(Bad(i, "algorithm",
                     "must be `" + std::string(AlgorithmOf(key.use)) +
                         "` for a `" + std::string(KeyUseName(key.use)) +
                         "` key"));
    }
    EVIDEX_ASSIGN_OR_RETURN(auto public_key, Decode32(*entry, i, "public_key"));
    std::copy(public_key.begin(), public_key.end(), key.public_key.begin());
    if (entry->contains("secret_key")) {
      EVIDEX_ASSIGN_OR_RETURN(auto secret, Decode32(*entry, i, "secret_key"));
      crypto::SecretKey32 secret_key(secret);
      std::fill(secret.begin(), secret.end(), 0);
      auto derived = PublicKeyOf(key.use, secret_key);
      if (!derived.has_value() || *derived != key.public_key) {
        return Err(Bad(i, "secret_key", "does not match `public_key`"));
      }
      key.secret_key = std::move(secret_key);
    }
    file.keys.push_back(std::move(key));
  }
  return file;
}

Result<std::string> SerializeKeyFile(const KeyFile& file, bool with_secrets) {
  json::array keys;
  for (const KeyEntry& key : file.keys) {
    json::object entry{{"algorithm", AlgorithmOf(key.use)},
                       {"name", key.name},
                       {"public_key", crypto::Base64Encode(key.public_key)},
                       {"use", KeyUseName(key.use)}};
    if (with_secrets && key.secret_key.has_value()) {
      entry["secret_key"] = crypto::Base64Encode(key.secret_key->bytes());
    }
    keys.push_back(std::move(entry));
  }
  EVIDEX_ASSIGN_OR_RETURN(
      std::string text, CanonicalJson(json::object{{"format", kKeyFileFormat},
                                                   {"keys", std::move(keys)}}));
  return text + "\n";
}

Result<KeyEntry> GenerateKey(std::string_view name, KeyUse use) {
  if (!IsKeyName(name)) {
    return Err(InvalidArgumentError(
        "key name `" + std::string(name) +
        "` must be 1 to 128 printable ASCII characters without space or `+`"));
  }
  KeyEntry key{.name = std::string(name),
               .use = use,
               .public_key = {},
               .secret_key = crypto::SecretKey32()};
  if (use == KeyUse::kEncrypt) {
    crypto::X25519KeyPair pair = crypto::GenerateX25519KeyPair();
    key.public_key = pair.public_key;
    key.secret_key = std::move(pair.secret_key);
  } else {
    crypto::RandomBytes(key.secret_key->data());
    EVIDEX_ASSIGN_OR_RETURN(key.public_key, PublicKeyOf(use, *key.secret_key));
  }
  return key;
}

Result<const KeyEntry*> FindKey(const KeyFile& file, KeyUse use,
                                bool need_secret) {
  for (const KeyEntry& key : file.keys) {
    if (key.use == use && (!need_secret || key.secret_key.has_value())) {
      return &key;
    }
  }
  return Err(NotFoundError(std::string("the key file holds no `") +
                           std::string(KeyUseName(use)) + "` key" +
                           (need_secret ? " with its secret key" : "")));
}

}  // namespace evidex::evidence
