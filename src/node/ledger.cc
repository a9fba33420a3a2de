#include "node/ledger.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/canonical_json.h"
#include "core/file.h"
#include "core/log.h"
#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "crypto/sodium.h"
#include "ledger/proof_json.h"
#include "node/auth.h"
#include "node/handler.h"

namespace evidex::node {
namespace {

constexpr char kKeyFile[] = "ledger.key";
constexpr char kLedgerDir[] = "ledger";
constexpr char kKeyPurpose[] = "ledger-checkpoint-key";
constexpr char kOriginPrefix[] = "evidex.node/";
// Events logged per round of CatchUp.
constexpr int kBatch = 1000;

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string SaltedHash(std::span<const std::uint8_t> salt,
                       std::string_view label, std::string_view value) {
  crypto::Sha256Hasher h;
  h.Update(salt);
  h.Update(Bytes(label));
  h.Update(std::uint8_t{0});
  h.Update(Bytes(value));
  return crypto::HexEncode(h.Finish());
}

// The checkpoint key: unsealed from DATA_DIR/ledger.key, or made and sealed
// there (durably) on first use.
Result<crypto::Ed25519KeyPair> LoadOrCreateKey(
    const std::filesystem::path& data_dir, const MasterKey& master_key) {
  const std::filesystem::path path = data_dir / kKeyFile;
  auto sealed = ReadSmallFile(path, 4096);
  if (sealed.has_value()) {
    EVIDEX_ASSIGN_OR_RETURN(std::vector<std::uint8_t> seed,
                            master_key.Open(*sealed, kKeyPurpose));
    return crypto::Ed25519KeyPairFromSeed(seed);
  }
  if (sealed.error().code() != StatusCode::kNotFound) {
    return Err(sealed.error());
  }
  std::vector<std::uint8_t> seed(crypto::kEd25519SeedSize);
  crypto::RandomBytes(seed);
  EVIDEX_RETURN_IF_ERROR(
      WriteFileDurably(path, master_key.Seal(seed, kKeyPurpose)));
  return crypto::Ed25519KeyPairFromSeed(seed);
}

bool IsLowerHexDigest(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::uint64_t> ParseCount(const api::Request& req, std::string_view name,
                                 std::optional<std::uint64_t> fallback) {
  const std::string text = req.QueryParam(name);
  if (text.empty()) {
    if (fallback) return *fallback;
    return Err(InvalidArgumentError("query parameter `" + std::string(name) +
                                    "` is required"));
  }
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() ||
      v > ledger::kMaxMessageInteger) {
    return Err(InvalidArgumentError("query parameter `" + std::string(name) +
                                    "` must be a non-negative integer"));
  }
  return v;
}

}  // namespace

Result<std::string> EventLeaf(const store::CaseEvent& event,
                              std::span<const std::uint8_t> salt) {
  boost::json::object leaf;
  leaf["v"] = 1;
  leaf["case"] = SaltedHash(salt, "case", event.case_id);
  leaf["event"] = event.seq;
  leaf["global_seq"] = event.global_seq;
  leaf["type"] = event.type;
  leaf["at"] = FormatInstant(event.at);
  if (event.actor_organisation_id.empty()) {
    leaf["actor_organisation"] = nullptr;
  } else {
    leaf["actor_organisation"] = event.actor_organisation_id;
  }
  if (event.actor_person_id.empty()) {
    leaf["actor_person"] = nullptr;
  } else {
    leaf["actor_person"] = SaltedHash(salt, "person", event.actor_person_id);
  }
  leaf["payload"] = SaltedHash(salt, "payload", event.payload_json);
  if (event.type == kPackageUploadedEvent) {
    boost::system::error_code ec;
    const boost::json::value payload =
        boost::json::parse(event.payload_json, ec);
    const boost::json::string* digest = nullptr;
    if (!ec && payload.is_object()) {
      if (const auto* v = payload.as_object().if_contains("package_sha256")) {
        digest = v->if_string();
      }
    }
    if (digest == nullptr || !IsLowerHexDigest(*digest)) {
      return Err(DataLossError("event " + std::to_string(event.global_seq) +
                               ": a package upload without a lowercase hex "
                               "`package_sha256`"));
    }
    leaf["package_sha256"] = *digest;
  }
  return CanonicalJson(leaf);
}

NodeLedger::NodeLedger(std::unique_ptr<ledger::StoredLog> log,
                       store::Store& store, const Clock& clock)
    : log_(std::move(log)), store_(store), clock_(clock) {}

Result<std::unique_ptr<NodeLedger>> NodeLedger::Open(
    const std::filesystem::path& data_dir, const MasterKey& master_key,
    store::Store& store, const Clock& clock) {
  EVIDEX_ASSIGN_OR_RETURN(crypto::Ed25519KeyPair key,
                          LoadOrCreateKey(data_dir, master_key));
  const std::string origin =
      kOriginPrefix +
      crypto::HexEncode(crypto::Sha256(key.public_key)).substr(0, 16);
  EVIDEX_ASSIGN_OR_RETURN(ledger::NoteSigner signer,
                          ledger::NoteSigner::Create(origin, std::move(key)));
  EVIDEX_ASSIGN_OR_RETURN(
      auto log,
      ledger::StoredLog::Open(data_dir / kLedgerDir, std::move(signer)));
  return std::unique_ptr<NodeLedger>(
      new NodeLedger(std::move(log), store, clock));
}

Result<std::int64_t> NodeLedger::CatchUp() {
  std::lock_guard lock(catch_up_mu_);
  // Integrated first, so that leaves the store has not recorded can be
  // compared with the events they should be.
  if (auto c = log_->Integrate(); !c) return Err(c.error());
  std::int64_t recorded = 0;
  std::int64_t after = 0;
  {
    EVIDEX_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
    EVIDEX_ASSIGN_OR_RETURN(auto last, txn->LastLoggedEvent());
    if (last) {
      recorded = *last->leaf_index + 1;
      after = last->global_seq;
    }
  }
  const auto sequenced = static_cast<std::int64_t>(log_->SequencedSize());
  if (sequenced < recorded) {
    return Err(DataLossError("the ledger holds " + std::to_string(sequenced) +
                             " leaves, but the store recorded " +
                             std::to_string(recorded)));
  }
  std::int64_t logged = 0;
  while (true) {
    std::vector<store::CaseEvent> events;
    std::map<std::string, std::string> salts;
    std::vector<std::string> new_salts;
    {
      EVIDEX_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
      EVIDEX_ASSIGN_OR_RETURN(events, txn->ListEventsAfter(after, kBatch));
      for (const store::CaseEvent& e : events) {
        if (salts.contains(e.case_id)) continue;
        EVIDEX_ASSIGN_OR_RETURN(auto salt, txn->GetCaseSalt(e.case_id));
        if (!salt) {
          salt = std::string(kLedgerSaltBytes, '\0');
          crypto::RandomBytes(
              {reinterpret_cast<std::uint8_t*>(salt->data()), salt->size()});
          new_salts.push_back(e.case_id);
        }
        salts.emplace(e.case_id, std::move(*salt));
      }
    }
    if (events.empty()) break;
    // Salts are durable before any leaf uses them.
    if (!new_salts.empty()) {
      const Status saved = store_.Write([&](store::Transaction& t) -> Status {
        for (const std::string& id : new_salts) {
          EVIDEX_RETURN_IF_ERROR(t.PutCaseSalt(id, salts.at(id)));
        }
        return OkStatus();
      });
      if (!saved.ok()) return Err(saved);
    }
    std::vector<std::string> leaves;
    leaves.reserve(events.size());
    for (const store::CaseEvent& e : events) {
      EVIDEX_ASSIGN_OR_RETURN(std::string leaf,
                              EventLeaf(e, Bytes(salts.at(e.case_id))));
      leaves.push_back(std::move(leaf));
    }
    // Leaves a crash left in the log unrecorded must be these events'.
    const std::int64_t unrecorded =
        std::max<std::int64_t>(0, sequenced - recorded - logged);
    const auto already = static_cast<std::size_t>(std::min<std::int64_t>(
        unrecorded, static_cast<std::int64_t>(events.size())));
    for (std::size_t k = 0; k < already; ++k) {
      const auto index = static_cast<std::uint64_t>(recorded + logged) + k;
      EVIDEX_ASSIGN_OR_RETURN(ledger::Hash stored,
                              log_->CompleteSubtreeHash(0, index));
      if (stored != ledger::LeafHash(Bytes(leaves[k]))) {
        return Err(DataLossError("ledger leaf " + std::to_string(index) +
                                 " is not the leaf of event " +
                                 std::to_string(events[k].global_seq)));
      }
    }
    if (already < leaves.size()) {
      std::vector<std::span<const std::uint8_t>> spans;
      for (std::size_t k = already; k < leaves.size(); ++k) {
        spans.push_back(Bytes(leaves[k]));
      }
      EVIDEX_ASSIGN_OR_RETURN(std::uint64_t first, log_->AppendAll(spans));
      if (first != static_cast<std::uint64_t>(recorded + logged) + already) {
        return Err(
            InternalError("the ledger was appended to by another writer"));
      }
    }
    const std::int64_t base = recorded + logged;
    const Status recorded_leaves =
        store_.Write([&](store::Transaction& t) -> Status {
          for (std::size_t k = 0; k < events.size(); ++k) {
            EVIDEX_RETURN_IF_ERROR(t.PutEventLeaf(
                events[k].global_seq, base + static_cast<std::int64_t>(k)));
          }
          return OkStatus();
        });
    if (!recorded_leaves.ok()) return Err(recorded_leaves);
    logged += static_cast<std::int64_t>(events.size());
    after = events.back().global_seq;
  }
  if (sequenced > recorded + logged) {
    return Err(DataLossError("the ledger holds " + std::to_string(sequenced) +
                             " leaves, more than the store's " +
                             std::to_string(recorded + logged) + " events"));
  }
  if (auto c = log_->Integrate(); !c) return Err(c.error());
  return logged;
}

void NodeLedger::RegisterRoutes(api::Router& router) {
  auto bind = [this](api::Response (NodeLedger::*fn)(const api::Request&)) {
    return [this, fn](const api::Request& req) { return (this->*fn)(req); };
  };
  // Short reads (a store snapshot to authenticate, mapped hashes): they run on
  // the network threads.
  constexpr auto kInline = api::Threading::kInline;
  router.Add("GET", "/api/v1/ledger/checkpoint", bind(&NodeLedger::Checkpoint),
             kInline);
  router.Add("GET", "/api/v1/ledger/key", bind(&NodeLedger::Key), kInline);
  router.Add("GET", "/api/v1/ledger/inclusion", bind(&NodeLedger::Inclusion),
             kInline);
  router.Add("GET", "/api/v1/ledger/consistency",
             bind(&NodeLedger::Consistency), kInline);
}

Status NodeLedger::Authorize(const api::Request& req) {
  EVIDEX_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
  EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, *txn, clock_.Now()));
  if (!p.HasScope("read")) {
    return Status(StatusCode::kPermissionDenied, "needs scope `read`");
  }
  return OkStatus();
}

// GET /api/v1/ledger/checkpoint: the latest signed checkpoint; public, so that
// counterparties and witnesses can keep it.
api::Response NodeLedger::Checkpoint(const api::Request& req) {
  const ledger::SignedCheckpoint latest = log_->Latest();
  if (latest.note.empty()) {
    return Problem(UnavailableError("the ledger has no checkpoint yet"), req);
  }
  api::Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = latest.note;
  return r;
}

// GET /api/v1/ledger/key: the log's verifier key, to pin (public).
api::Response NodeLedger::Key(const api::Request&) {
  api::Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = log_->verifier().VerifierKey() + "\n";
  return r;
}

// GET /api/v1/ledger/inclusion?leaf_index=I[&tree_size=N]
api::Response NodeLedger::Inclusion(const api::Request& req) {
  if (Status s = Authorize(req); !s.ok()) return Problem(s, req);
  const std::uint64_t size = log_->IntegratedSize();
  auto index = ParseCount(req, "leaf_index", std::nullopt);
  if (!index) return Problem(index.error(), req);
  auto tree_size = ParseCount(req, "tree_size", size);
  if (!tree_size) return Problem(tree_size.error(), req);
  if (*tree_size > size) {
    return Problem(
        InvalidArgumentError("tree_size " + std::to_string(*tree_size) +
                             " is above the latest checkpoint's " +
                             std::to_string(size)),
        req);
  }
  if (*index >= *tree_size) {
    return Problem(InvalidArgumentError("leaf_index " + std::to_string(*index) +
                                        " is not below tree_size " +
                                        std::to_string(*tree_size)),
                   req);
  }
  ledger::InclusionProofMessage m;
  m.tree_size = *tree_size;
  m.leaf_index = *index;
  auto root = ledger::Root(*log_, *tree_size);
  auto leaf = log_->CompleteSubtreeHash(0, *index);
  auto proof = ledger::InclusionProof(*log_, *tree_size, *index);
  if (!root || !leaf || !proof) {
    return Problem(!root   ? root.error()
                   : !leaf ? leaf.error()
                           : proof.error(),
                   req);
  }
  m.root = *root;
  m.leaf_hash = *leaf;
  m.proof = std::move(*proof);
  std::string out;
  ledger::AppendInclusionProofJson(m, out);
  return JsonResponse(200, std::move(out));
}

// GET /api/v1/ledger/consistency?old_size=M[&new_size=N]
api::Response NodeLedger::Consistency(const api::Request& req) {
  if (Status s = Authorize(req); !s.ok()) return Problem(s, req);
  const std::uint64_t size = log_->IntegratedSize();
  auto old_size = ParseCount(req, "old_size", std::nullopt);
  if (!old_size) return Problem(old_size.error(), req);
  auto new_size = ParseCount(req, "new_size", size);
  if (!new_size) return Problem(new_size.error(), req);
  if (*new_size > size || *old_size > *new_size) {
    return Problem(InvalidArgumentError(
                       "sizes must satisfy old_size <= new_size <= " +
                       std::to_string(size) + " (the latest checkpoint's)"),
                   req);
  }
  ledger::ConsistencyProofMessage m;
  m.old_size = *old_size;
  m.new_size = *new_size;
  auto old_root = ledger::Root(*log_, *old_size);
  auto new_root = ledger::Root(*log_, *new_size);
  auto proof = ledger::ConsistencyProof(*log_, *old_size, *new_size);
  if (!old_root || !new_root || !proof) {
    return Problem(!old_root   ? old_root.error()
                   : !new_root ? new_root.error()
                               : proof.error(),
                   req);
  }
  m.old_root = *old_root;
  m.new_root = *new_root;
  m.proof = std::move(*proof);
  std::string out;
  ledger::AppendConsistencyProofJson(m, out);
  return JsonResponse(200, std::move(out));
}

}  // namespace evidex::node
