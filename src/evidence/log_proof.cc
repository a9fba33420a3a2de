#include "evidence/log_proof.h"

#include <boost/json.hpp>

#include "core/canonical_json.h"
#include "core/json.h"
#include "crypto/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace evidex::evidence {

namespace json = boost::json;

namespace {

Status Malformed(std::string_view field, std::string_view rule) {
  return DataLossError("log proof: `" + std::string(field) + "` " +
                       std::string(rule));
}

Status Unauthenticated(std::string message) {
  return Status(StatusCode::kUnauthenticated, "log proof: " + message);
}

}  // namespace

Result<std::string> SerializeLogProof(const LogProof& proof) {
  json::array hashes;
  for (const ledger::Hash& h : proof.proof) {
    hashes.push_back(json::string(crypto::HexEncode(h)));
  }
  return CanonicalJson(json::object{
      {"checkpoint", proof.checkpoint},
      {"entry", crypto::Base64Encode(proof.entry)},
      {"leaf_index", proof.leaf_index},
      {"proof", std::move(hashes)},
  });
}

Result<LogProof> ParseLogProof(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.has_value()) {
    return Err(
        DataLossError("log proof: not JSON: " + parsed.error().message()));
  }
  auto canonical = CanonicalJson(*parsed);
  if (!canonical.has_value() || *canonical != text) {
    return Err(DataLossError(
        "log proof: not in canonical form (RFC 8785, lowercase hex)"));
  }
  const json::object* top = parsed->if_object();
  if (top == nullptr) return Err(DataLossError("log proof: not an object"));
  for (const auto& member : *top) {
    const std::string_view k = member.key();
    if (k != "checkpoint" && k != "entry" && k != "leaf_index" &&
        k != "proof") {
      return Err(Malformed(k, "is not a log proof field"));
    }
  }
  LogProof proof;
  const json::value* checkpoint = top->if_contains("checkpoint");
  if (checkpoint == nullptr || !checkpoint->is_string()) {
    return Err(Malformed("checkpoint", "must be a string (a signed note)"));
  }
  proof.checkpoint = std::string(checkpoint->get_string());
  const json::value* entry = top->if_contains("entry");
  if (entry == nullptr || !entry->is_string()) {
    return Err(Malformed("entry", "must be a base64 string"));
  }
  auto entry_bytes = crypto::Base64Decode(entry->get_string());
  if (!entry_bytes.has_value()) {
    return Err(Malformed("entry", entry_bytes.error().message()));
  }
  proof.entry = std::move(*entry_bytes);
  const json::value* index = top->if_contains("leaf_index");
  if (index == nullptr || !index->is_int64() || index->get_int64() < 0) {
    return Err(Malformed("leaf_index", "must be a non-negative integer"));
  }
  proof.leaf_index = static_cast<std::uint64_t>(index->get_int64());
  const json::value* hashes = top->if_contains("proof");
  if (hashes == nullptr || !hashes->is_array() ||
      hashes->get_array().size() > 64) {
    return Err(Malformed("proof", "must be an array of at most 64 hashes"));
  }
  for (std::size_t i = 0; i < hashes->get_array().size(); ++i) {
    const json::value& h = hashes->get_array()[i];
    const std::string field = "proof[" + std::to_string(i) + "]";
    if (!h.is_string()) return Err(Malformed(field, "must be a hex string"));
    auto bytes = crypto::HexDecode(h.get_string());
    if (!bytes.has_value() || bytes->size() != 32 ||
        crypto::HexEncode(*bytes) != h.get_string()) {
      return Err(Malformed(field, "must be 32 bytes in lowercase hex"));
    }
    ledger::Hash hash;
    std::copy(bytes->begin(), bytes->end(), hash.begin());
    proof.proof.push_back(hash);
  }
  return proof;
}

std::string PackageLogEntry(const crypto::Sha256Digest& package_sha256) {
  return *CanonicalJson(
      json::object{{"package_sha256", crypto::HexEncode(package_sha256)}});
}

Result<CheckedLogProof> CheckLogProof(
    const LogProof& proof, const crypto::Sha256Digest& package_sha256,
    const KeyFile* trust) {
  // The entry must name this package.
  const std::string_view entry_text(
      reinterpret_cast<const char*>(proof.entry.data()), proof.entry.size());
  auto entry = ParseJson(entry_text);
  const json::value* named = nullptr;
  if (entry.has_value() && entry->is_object()) {
    named = entry->get_object().if_contains("package_sha256");
  }
  if (named == nullptr || !named->is_string()) {
    return Err(Malformed("entry",
                         "must be a JSON object with a string "
                         "`package_sha256`"));
  }
  const std::string expected = crypto::HexEncode(package_sha256);
  if (named->get_string() != expected) {
    return Err(Unauthenticated("the logged entry records package " +
                               std::string(named->get_string()) +
                               ", this package is " + expected));
  }

  // The checkpoint: signed by a trusted log, or only parsed.
  auto note = ledger::ParseNote(proof.checkpoint);
  if (!note.has_value()) {
    return Err(Malformed("checkpoint", note.error().message()));
  }
  auto parsed = ledger::ParseCheckpointText(note->text);
  if (!parsed.has_value()) {
    return Err(Malformed("checkpoint", parsed.error().message()));
  }
  CheckedLogProof checked;
  ledger::Checkpoint checkpoint = *parsed;
  if (trust != nullptr) {
    bool known = false;
    for (const KeyEntry& key : trust->keys) {
      if (key.use != KeyUse::kLog || key.name != checkpoint.origin) continue;
      known = true;
      EVIDEX_ASSIGN_OR_RETURN(
          ledger::NoteVerifier verifier,
          ledger::NoteVerifier::Create(key.name, key.public_key));
      auto opened = ledger::OpenCheckpoint(proof.checkpoint, verifier);
      if (opened.has_value()) {
        checked.trusted_signers.push_back(key.name);
        break;
      }
      if (opened.error().code() != StatusCode::kUnauthenticated) {
        return Err(Malformed("checkpoint", opened.error().message()));
      }
    }
    if (!known) {
      return Err(Unauthenticated("the checkpoint is of log `" +
                                 checkpoint.origin +
                                 "`, which the trust file does not hold"));
    }
    if (checked.trusted_signers.empty()) {
      return Err(Unauthenticated("the checkpoint of log `" + checkpoint.origin +
                                 "` is not signed by the trusted key of that "
                                 "log"));
    }
  }
  checked.origin = checkpoint.origin;
  checked.tree_size = checkpoint.size;
  Status included = ledger::VerifyInclusion(proof.leaf_index, checkpoint.size,
                                            ledger::LeafHash(proof.entry),
                                            proof.proof, checkpoint.root);
  if (!included.ok()) {
    return Err(Unauthenticated(
        "the inclusion proof of leaf " + std::to_string(proof.leaf_index) +
        " does not lead to the checkpoint's root of tree size " +
        std::to_string(checkpoint.size) + ": " + included.message()));
  }
  return checked;
}

}  // namespace evidex::evidence
