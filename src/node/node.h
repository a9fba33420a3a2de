// The node: the use cases of evidex behind its HTTP API.
//
// A Node hosts organisations and their people on one store, applies the law
// (the routing engine and the procedure state machines) and answers the API
// under /api/v1. Every endpoint but /healthz, /api/v1/openapi.json and
// /api/v1/auth/login authenticates (auth.h) and authorizes: a person sees and
// acts only on cases their organisation is party to, in the roles the procedure
// gives it; another organisation's case answers 404, not 403. Every read of
// case data is recorded with who, what, when and why (CETS 224 Art. 14(8)).
//
// Attachments (attachments.cc): an organisation that answers a case (the
// addressee, requested party, 24/7 point of contact or central authority)
// attaches the files of its response while the case is not terminal; every
// party downloads them. Each upload and download is a case event, and each
// download an access record, written before the bytes leave.
//
// Signatures (signing.h): the actions that bind an organisation (issuing,
// validating, responding, objecting) are signed with its key, only when it is
// competent for them, and verified as their receivers will before anything of
// them is stored; refusals go to the security log. A signed order delivered
// from outside (deliveries.cc) passes the same checks; an organisation's
// administrators and auditors read its refusals (security_log.cc). Four eyes
// (four_eyes.cc): an emergency order is signed only after a second person of
// the issuing organisation approved it, unless its administrators turned the
// setting off.
//
// Keys (organisation_keys.cc): an organisation's administrators list its
// public keys with their validity, rotate keys in and revoke them.
//
// Evidence packages (packages.h, a component of its own beside the Node, for
// it needs the node's ledger): sealed packages uploaded, verified, logged with
// their proof and downloaded with Range, and their chain of custody.
//
// Thread-safe: handlers run concurrently; all state is in the store.
#ifndef EVIDEX_NODE_NODE_H_
#define EVIDEX_NODE_NODE_H_

#include <string>
#include <vector>

#include "api/metrics.h"
#include "api/router.h"
#include "core/log.h"
#include "core/time.h"
#include "law/law.h"
#include "node/access_recorder.h"
#include "node/auth.h"
#include "node/master_key.h"
#include "store/store.h"

namespace evidex::node {

struct NodeOptions {
  // States this node treats differently from the registry in every routing
  // decision (for example a sandbox where the Protocol is in force): as a
  // query's `parties`.
  std::vector<law::StateRecord> party_overrides;
  // The largest file a party may attach. The server's body limit
  // (api::ServerOptions::max_body_bytes) bounds uploads too, before the node
  // sees them.
  std::size_t max_attachment_bytes = 10 << 20;
  std::chrono::hours session_lifetime{12};
};

class Node {
 public:
  // `master_key` opens the organisations' signing keys (node/keys.h).
  Node(store::Store& store, const law::Law& law, const Clock& clock,
       Logger& log, api::Metrics& metrics, const MasterKey& master_key,
       NodeOptions options);

  // Adds every endpoint to `router`.
  void RegisterRoutes(api::Router& router);

  // The scheduler's work at `now`: marks deadlines approaching and missed,
  // appends them as case events, and applies the expiry a missed deadline
  // brings (EPOC-PR and Art. 29 preservation end, CETS 224 Art. 7 offers its
  // fallback). Returns the number of events appended. Safe to call repeatedly;
  // it changes nothing twice.
  Result<int> CheckDeadlines(Instant now);

 private:
  // A read transaction and who asks, once their credentials are valid and hold
  // `scope` (none checked when empty).
  struct Reading {
    std::unique_ptr<store::Transaction> txn;
    Principal principal;
  };
  Result<Reading> ReadAs(const api::Request& req, Instant now,
                         std::string_view scope);

  // `response`, sent once `access` is durable (AccessRecorder).
  api::Response AfterRecording(api::Response response,
                               store::AccessRecord access);

  api::Response Health(const api::Request& req);
  api::Response MetricsPage(const api::Request& req);
  api::Response Me(const api::Request& req);
  api::Response Organisations(const api::Request& req);
  api::Response Route(const api::Request& req);
  api::Response Login(const api::Request& req);
  api::Response Logout(const api::Request& req);
  api::Response CreateToken(const api::Request& req);
  api::Response RevokeToken(const api::Request& req);
  api::Response CreateCase(const api::Request& req);
  api::Response GetCase(const api::Request& req);
  api::Response ListCases(const api::Request& req);
  api::Response CaseEvents(const api::Request& req);
  api::Response TakeAction(const api::Request& req);
  api::Response Inbox(const api::Request& req);
  api::Response AttachFile(const api::Request& req);
  api::Response DownloadAttachment(const api::Request& req);
  api::Response ListKeys(const api::Request& req);
  api::Response RotateOrganisationKey(const api::Request& req);
  api::Response RevokeOrganisationKey(const api::Request& req);
  api::Response Deliver(const api::Request& req);
  api::Response GetSettings(const api::Request& req);
  api::Response PutSettings(const api::Request& req);
  api::Response ApproveSigning(const api::Request& req);
  api::Response SecurityEvents(const api::Request& req);

  store::Store& store_;
  const law::Law& law_;
  const Clock& clock_;
  Logger& log_;
  api::Metrics& metrics_;
  const MasterKey master_key_;
  NodeOptions options_;
  AccessRecorder access_;
};

}  // namespace evidex::node

#endif  // EVIDEX_NODE_NODE_H_
