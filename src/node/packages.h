// Evidence packages (evx, docs/formats/evx.md) through the node. The node
// never sees evidence in clear: providers pack offline (`evidex pack`) with
// their own keys and authorities unpack offline with theirs; the node checks,
// keeps, logs and serves sealed packages, and records their chain of custody.
//
// Package keys: an organisation's administrators (scope and role `admin`)
// register the public halves of its package keys (`sign`: Ed25519, signs the
// manifests it packs; `encrypt`: X25519, receives packages) and revoke them;
// every authenticated person lists any organisation's keys, which are public
// (a provider seals to the issuing authority's `encrypt` key).
//
// Upload (POST /api/v1/cases/{id}/packages, the body is the .evx file): who
// asks is authenticated and authorized before any byte of the body is read
// (api::Router::AddUpload's admission check): an organisation that answers the
// case (addressee, requested party, 24/7 point of contact, central authority),
// with scope `write` and role `responder`, while the case is not terminal. The
// body streams to the spool directory, bounded by `max_package_bytes`. The
// package is then verified without decrypting: its signer must be one of the
// uploading organisation's unrevoked `sign` keys, its order the case, and its
// recipient an unrevoked `encrypt` key of the case's issuing organisation. A
// refusal names its reason (malformed_package, untrusted_signer, wrong_order,
// wrong_recipient), goes to the security log, and keeps nothing. An accepted
// package is moved, durably, to DIR/<case id>.<id>.unlogged; the case event
// `package_uploaded` (package id, digest, size, items, signer) is appended,
// the ledger logs it (its leaf carries the digest in clear, node/ledger.h),
// the log proof (leaf, inclusion proof, signed checkpoint) is attached to the
// file, and the file becomes DIR/<id>.evx. A retry with the same
// `Idempotency-Key` answers the same, also while the first attempt is still
// attaching the proof (it waits); FinishPending, at start-up, finishes what a
// stop left undone.
//
// Download (GET .../packages/{package_id}, with `Range`): every party of the
// case; an access record and the custody event `package_downloaded` (the
// range) are durable before the first byte leaves; the file streams from disk.
// GET .../trust is an evidex-keys/1 trust file of the parties' `sign` keys and
// the ledger's `log` key, for `evidex verify --trust` offline.
//
// Custody (POST .../packages/{package_id}/custody): a party records what it
// did with a package offline (`decrypted`, `exported`, `transferred`), each a
// case event `package_<action>`.
//
// Thread-safe: handlers run concurrently; state is in the store and the files.
#ifndef EVIDEX_NODE_PACKAGES_H_
#define EVIDEX_NODE_PACKAGES_H_

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

#include "api/router.h"
#include "core/log.h"
#include "core/time.h"
#include "node/ledger.h"
#include "store/store.h"

namespace evidex::node {

struct PackagesOptions {
  // Where accepted packages are kept (created if missing); best on the file
  // system of the server's spool directory, so that keeping one is a rename.
  std::filesystem::path dir;
  // The largest package an upload may send.
  std::uint64_t max_package_bytes = std::uint64_t{64} << 30;
};

class Packages {
 public:
  Packages(store::Store& store, NodeLedger& ledger, const Clock& clock,
           Logger& log, PackagesOptions options);

  // Adds the package endpoints to `router`.
  void RegisterRoutes(api::Router& router);

  // Finishes what a stop left undone, before serving: attaches the log proof
  // of every kept package whose event is recorded, and removes those whose
  // event never committed. Returns how many it finished.
  Result<int> FinishPending();

 private:
  // A package once logged and proved.
  struct Finished {
    store::CaseEvent event;  // package_uploaded, with its leaf index
    std::string sha256;
    std::int64_t size = 0;
    std::int64_t items = 0;
    std::string signer;
    std::string checkpoint;  // the signed note its proof leads to
  };
  // Logs the package `package_id` of `case_id`, attaches its log proof and
  // makes it DIR/<id>.evx, unless it is already (idempotent).
  Result<Finished> Finish(const std::string& case_id,
                          const std::string& package_id);

  std::optional<api::Response> AdmitUpload(const api::Request& req);
  api::Response Upload(const api::Request& req);
  // Finish, answered with the package's record.
  api::Response FinishUpload(const api::Request& req,
                             const std::string& case_id,
                             const std::string& package_id);
  api::Response Download(const api::Request& req);
  api::Response Trust(const api::Request& req);
  api::Response Custody(const api::Request& req);
  api::Response ListKeys(const api::Request& req);
  api::Response RegisterKey(const api::Request& req);
  api::Response RevokeKey(const api::Request& req);

  store::Store& store_;
  NodeLedger& ledger_;
  const Clock& clock_;
  Logger& log_;
  PackagesOptions options_;
  // One Finish at a time: a retry of an upload whose proof is being attached
  // waits for it instead of attaching it again to a file being moved.
  std::mutex finish_mu_;
};

}  // namespace evidex::node

#endif  // EVIDEX_NODE_PACKAGES_H_
