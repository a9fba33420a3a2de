#include "ledger/proof_json.h"

#include <algorithm>
#include <boost/json/value.hpp>
#include <cassert>
#include <initializer_list>

#include "core/json.h"
#include "crypto/encoding.h"

namespace evidex::ledger {
namespace {

namespace bj = boost::json;

// An object key for a one-line message: JSON-escaped, at most 64 bytes of it,
// in backticks.
std::string QuoteKey(std::string_view key) {
  constexpr std::size_t kMaxShown = 64;
  std::string_view shown = key;
  if (shown.size() > kMaxShown) {
    std::size_t cut = kMaxShown;
    // Never cut inside a UTF-8 character: back up to the start of the one the
    // cut would split.
    while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xc0) == 0x80)
      --cut;
    shown = key.substr(0, cut);
  }
  std::string escaped;
  AppendJsonString(escaped, shown);
  // Drop the quotes that AppendJsonString adds.
  escaped = escaped.substr(1, escaped.size() - 2);
  return "`" + escaped + (shown.size() < key.size() ? "...`" : "`");
}

// The object in `text`, which must have exactly the keys `keys`.
Result<bj::object> ParseObject(std::string_view text,
                               std::initializer_list<std::string_view> keys) {
  EVIDEX_ASSIGN_OR_RETURN(bj::value value, ParseJson(text));
  if (!value.is_object())
    return Err(InvalidArgumentError("expected a JSON object"));
  bj::object& object = value.as_object();
  for (const auto& entry : object) {
    std::string_view key(entry.key().data(), entry.key().size());
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Err(InvalidArgumentError("unknown field " + QuoteKey(key)));
    }
  }
  for (std::string_view key : keys) {
    if (!object.contains(key)) {
      return Err(
          InvalidArgumentError("missing field `" + std::string(key) + "`"));
    }
  }
  return std::move(object);
}

Result<std::uint64_t> ReadInteger(const bj::object& object,
                                  std::string_view key) {
  const bj::value& v = object.at(key);
  const std::string name = "field `" + std::string(key) + "`";
  if (v.is_int64()) {
    if (v.get_int64() < 0) {
      return Err(InvalidArgumentError(name + " must not be negative, got " +
                                      std::to_string(v.get_int64())));
    }
    return static_cast<std::uint64_t>(v.get_int64());
  }
  if (v.is_uint64()) {
    return Err(InvalidArgumentError(name + " is larger than 2^63 - 1"));
  }
  return Err(InvalidArgumentError(name + " must be an integer"));
}

Result<Hash> ReadHash(const bj::value& v, const std::string& name) {
  if (!v.is_string())
    return Err(InvalidArgumentError(name + " must be a string of hex digits"));
  const bj::string& s = v.get_string();
  auto bytes = crypto::HexDecode(std::string_view(s.data(), s.size()));
  if (!bytes)
    return Err(InvalidArgumentError(name + ": " + bytes.error().message()));
  Hash hash;
  if (bytes->size() != hash.size()) {
    return Err(InvalidArgumentError(name +
                                    " must be 32 bytes (64 hex digits), got " +
                                    std::to_string(bytes->size()) +
                                    (bytes->size() == 1 ? " byte" : " bytes")));
  }
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  return hash;
}

Result<Hash> ReadHashField(const bj::object& object, std::string_view key) {
  return ReadHash(object.at(key), "field `" + std::string(key) + "`");
}

Result<std::vector<Hash>> ReadProof(const bj::object& object) {
  const bj::value& v = object.at("proof");
  if (!v.is_array())
    return Err(InvalidArgumentError("field `proof` must be an array"));
  std::vector<Hash> proof;
  proof.reserve(v.get_array().size());
  for (const bj::value& element : v.get_array()) {
    EVIDEX_ASSIGN_OR_RETURN(
        Hash h, ReadHash(element, "field `proof[" +
                                      std::to_string(proof.size()) + "]`"));
    proof.push_back(h);
  }
  return proof;
}

void WriteInteger(JsonWriter& w, std::uint64_t v) {
  assert(v <= kMaxMessageInteger);
  w.Int(static_cast<std::int64_t>(v));
}

void WriteProof(JsonWriter& w, const std::vector<Hash>& proof) {
  w.Key("proof");
  w.BeginArray();
  for (const Hash& h : proof) w.String(crypto::HexEncode(h));
  w.EndArray();
}

}  // namespace

void AppendInclusionProofJson(const InclusionProofMessage& m,
                              std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("tree_size");
  WriteInteger(w, m.tree_size);
  w.Key("leaf_index");
  WriteInteger(w, m.leaf_index);
  w.Key("root");
  w.String(crypto::HexEncode(m.root));
  w.Key("leaf_hash");
  w.String(crypto::HexEncode(m.leaf_hash));
  WriteProof(w, m.proof);
  w.EndObject();
}

void AppendConsistencyProofJson(const ConsistencyProofMessage& m,
                                std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("old_size");
  WriteInteger(w, m.old_size);
  w.Key("new_size");
  WriteInteger(w, m.new_size);
  w.Key("old_root");
  w.String(crypto::HexEncode(m.old_root));
  w.Key("new_root");
  w.String(crypto::HexEncode(m.new_root));
  WriteProof(w, m.proof);
  w.EndObject();
}

Result<InclusionProofMessage> ParseInclusionProofJson(std::string_view text) {
  EVIDEX_ASSIGN_OR_RETURN(bj::object object,
                          ParseObject(text, {"tree_size", "leaf_index", "root",
                                             "leaf_hash", "proof"}));
  InclusionProofMessage m;
  EVIDEX_ASSIGN_OR_RETURN(m.tree_size, ReadInteger(object, "tree_size"));
  EVIDEX_ASSIGN_OR_RETURN(m.leaf_index, ReadInteger(object, "leaf_index"));
  EVIDEX_ASSIGN_OR_RETURN(m.root, ReadHashField(object, "root"));
  EVIDEX_ASSIGN_OR_RETURN(m.leaf_hash, ReadHashField(object, "leaf_hash"));
  EVIDEX_ASSIGN_OR_RETURN(m.proof, ReadProof(object));
  return m;
}

Result<ConsistencyProofMessage> ParseConsistencyProofJson(
    std::string_view text) {
  EVIDEX_ASSIGN_OR_RETURN(bj::object object,
                          ParseObject(text, {"old_size", "new_size", "old_root",
                                             "new_root", "proof"}));
  ConsistencyProofMessage m;
  EVIDEX_ASSIGN_OR_RETURN(m.old_size, ReadInteger(object, "old_size"));
  EVIDEX_ASSIGN_OR_RETURN(m.new_size, ReadInteger(object, "new_size"));
  EVIDEX_ASSIGN_OR_RETURN(m.old_root, ReadHashField(object, "old_root"));
  EVIDEX_ASSIGN_OR_RETURN(m.new_root, ReadHashField(object, "new_root"));
  EVIDEX_ASSIGN_OR_RETURN(m.proof, ReadProof(object));
  return m;
}

}  // namespace evidex::ledger
