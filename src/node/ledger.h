// The node's ledger: every event of every case becomes a leaf of the node's
// stored log (ledger/stored_log.h), the ledger's e-evidence "personality".
//
// A leaf is the canonical JSON (RFC 8785) of the event's metadata, with what
// could identify a person or disclose a case's content only as salted hashes:
//
//   {"actor_organisation": ORG | null, "actor_person": H | null,
//    "at": RFC 3339 UTC, "case": H, "event": SEQ, "global_seq": N,
//    "payload": H, "type": TYPE, "v": 1}
//
// and, for a `package_uploaded` event only, "package_sha256": the package's
// digest in clear, taken from the payload (docs/formats/evx.md), so that the
// leaf is the entry of the package's log proof.
//
// where H = lowercase hex SHA-256(salt || label || 0x00 || value) with label
// "case", "person" or "payload" and value the case id, the person id or the
// payload's stored JSON text, and salt the case's random 32 bytes, kept in the
// store. An auditor or another State can be shown the whole log without
// learning anyone's data; disclosing one case's salt lets them recompute and
// check exactly that case's leaves. The format page is
// docs/formats/ledger-leaf.md.
//
// Feeding: CatchUp logs the store's events in global_seq order, one leaf each,
// and records every event's leaf index in the store; the node runs it at
// start-up and then continually. Order of writes: the case's salt is durable
// in the store before a leaf uses it; the leaves are durable in the log before
// their indexes are recorded. A crash between the last two leaves leaves in the
// log that the store has not recorded; CatchUp finds them (the log holds more
// leaves than the store recorded), checks that they are the next events'
// leaves, and records them instead of appending them again. Nothing is lost
// and nothing is logged twice.
//
// The checkpoint key (Ed25519) is kept sealed under the node's master key in
// DATA_DIR/ledger.key (purpose "ledger-checkpoint-key"), created on first use.
// The log's origin and key name is "evidex.node/" followed by 16 hex digits of
// SHA-256 of the public key. The log lives in DATA_DIR/ledger.
//
// Endpoints (openapi.json): GET /api/v1/ledger/checkpoint (the latest signed
// checkpoint) and /api/v1/ledger/key (the log's verifier key), both public;
// /api/v1/ledger/inclusion and /api/v1/ledger/consistency (proofs as `evidex
// merkle` prints them; the `read` scope).
//
// Thread safety: all methods may be called from any number of threads.
#ifndef EVIDEX_NODE_LEDGER_H_
#define EVIDEX_NODE_LEDGER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "api/router.h"
#include "core/status.h"
#include "core/time.h"
#include "ledger/stored_log.h"
#include "node/master_key.h"
#include "store/store.h"

namespace evidex::node {

inline constexpr std::size_t kLedgerSaltBytes = 32;
// The event of an evidence package's upload, whose leaf names the package.
inline constexpr std::string_view kPackageUploadedEvent = "package_uploaded";

// The leaf of `event` under its case's `salt` (see the header comment).
// kDataLoss for a `package_uploaded` event whose payload lacks a lowercase hex
// `package_sha256`.
Result<std::string> EventLeaf(const store::CaseEvent& event,
                              std::span<const std::uint8_t> salt);

class NodeLedger {
 public:
  // Opens (creating on first use) the ledger and its sealed key in
  // `data_dir`. kDataLoss for a damaged log, kUnauthenticated when the key
  // does not open under `master_key`, kUnavailable for I/O errors.
  static Result<std::unique_ptr<NodeLedger>> Open(
      const std::filesystem::path& data_dir, const MasterKey& master_key,
      store::Store& store, const Clock& clock);

  // Logs every event not yet logged and integrates them into a new signed
  // checkpoint; returns how many events it logged. kDataLoss when the log and
  // the store disagree (leaves the store has not recorded that are not the
  // next events', or fewer leaves than the store recorded).
  Result<std::int64_t> CatchUp();

  const ledger::StoredLog& log() const { return *log_; }

  // Adds the ledger's endpoints to `router`.
  void RegisterRoutes(api::Router& router);

 private:
  NodeLedger(std::unique_ptr<ledger::StoredLog> log, store::Store& store,
             const Clock& clock);

  api::Response Checkpoint(const api::Request& req);
  api::Response Key(const api::Request& req);
  api::Response Inclusion(const api::Request& req);
  api::Response Consistency(const api::Request& req);
  // OK when the request authenticates with the `read` scope.
  Status Authorize(const api::Request& req);

  std::unique_ptr<ledger::StoredLog> log_;
  store::Store& store_;
  const Clock& clock_;
  std::mutex catch_up_mu_;
};

}  // namespace evidex::node

#endif  // EVIDEX_NODE_LEDGER_H_
