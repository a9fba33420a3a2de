// The store contract: what the node keeps, and the promises every backend
// makes.
//
// A node keeps organisations, people, API tokens, sessions, cases with their
// parties, the append-only history of every case (events), deadlines, the
// record of every read of case data (CETS 224 Art. 14(8)), idempotency records
// for creating requests, attached files, organisations' keys (secret halves
// sealed), the public package keys organisations register, and the security
// log. Two backends implement this
// contract: SQLite (embedded, the default) and PostgreSQL (several nodes
// sharing one database). One conformance suite (store_conformance.h) runs
// against both.
//
// Transactions. All reads and writes happen inside a Transaction obtained from
// Store::Begin(). A transaction sees its own writes. Nothing it wrote is
// visible to others, or survives a crash, until Commit() returns OK; Commit()
// MUST NOT return OK before the changes are durable (on SQLite: WAL with
// synchronous=FULL, fsync before the commit returns). A transaction destroyed
// without Commit() rolls back. Writers are serialised: Begin() waits (up to the
// backend's busy timeout) for other writers, and fails with kUnavailable when
// it cannot get the lock in time.
//
// Cases and events. A case's state is a projection of its events: AppendEvent
// and UpdateCase are always called in the same transaction, so that the history
// of every case is complete. Event numbers per case start at 1 and have no
// gaps; the store also gives each event a node-wide sequence number
// (`global_seq`), increasing in commit order, which the ledger consumes later.
// UpdateCase is optimistic: it fails with kConflict when the stored version is
// not the one the caller read, and increments the version otherwise.
//
// Errors. kNotFound for a missing row where the caller names it; kAlreadyExists
// for a duplicate id or unique key; kConflict for a lost optimistic update;
// kUnavailable for a busy or failing database (retry); kDataLoss for rows that
// do not decode (never retry); kInvalidArgument for values the schema refuses
// (too long, malformed JSON where JSON is expected).
//
// Thread safety: a Store is thread-safe; a Transaction belongs to one thread at
// a time.
#ifndef EVIDEX_STORE_STORE_H_
#define EVIDEX_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace evidex::store {

struct Organisation {
  std::string id;
  std::string name;
  // issuing_authority, validating_authority, enforcing_authority,
  // central_authority, point_of_contact_24_7, service_provider,
  // domain_registrar, oversight
  std::string kind;
  std::string
      state;  // ISO 3166-1 alpha-2 (or a code the node defines, e.g. XA)
  // For authorities: the authority words of the law engine it is (judge,
  // prosecutor, ...).
  std::vector<std::string> authorities;
  Instant created_at;
  // An emergency order is signed only after a second person of the
  // organisation approved it (four eyes).
  bool four_eyes_emergency = true;
};

struct Person {
  std::string id;
  std::string organisation_id;
  std::string name;
  std::string email;  // unique across the node
  // Roles in the organisation: admin, issuer, validator, responder, objector,
  // auditor.
  std::vector<std::string> roles;
  std::string password_hash;  // Argon2id string, or empty when the person has
                              // no password
  bool disabled = false;
  Instant created_at;
};

struct ApiToken {
  std::string id;
  std::string person_id;
  std::string token_hash;  // hex SHA-256 of the secret; the secret itself is
                           // never stored
  std::vector<std::string> scopes;
  Instant created_at;
  Instant expires_at;
  std::optional<Instant> revoked_at;
};

struct Session {
  std::string id_hash;  // hex SHA-256 of the session secret
  std::string person_id;
  Instant created_at;
  Instant expires_at;
  std::optional<Instant> revoked_at;
};

struct Case {
  std::string id;
  std::string procedure;  // e.g. eu2023-1543.epoc
  std::string state;      // the procedure state machine's state
  std::string issuing_organisation_id;
  std::int64_t version =
      0;  // set by the store: 1 on creation, +1 per UpdateCase
  Instant created_at;
  Instant updated_at;
  std::string content_json;   // the order or request, as validated
  std::string decision_json;  // the routing decision it was created under
};

// An organisation's part in a case; what it may see and do follows from its
// roles.
struct CaseParty {
  std::string case_id;
  std::string organisation_id;
  // issuer, validator, addressee, enforcing_authority, notified_authority,
  // requested_party, central_authority, point_of_contact_24_7
  std::string role;
};

struct CaseEvent {
  std::string case_id;
  std::int64_t seq = 0;         // set by the store: 1, 2, ... per case
  std::int64_t global_seq = 0;  // set by the store: node-wide, increasing
  std::string
      type;  // e.g. created, validated, issued, received, objected, produced
  std::string actor_person_id;  // empty for the system (scheduler)
  std::string actor_organisation_id;
  Instant at;
  std::string payload_json;
  // Set by the store when read: the event's leaf index in the node's ledger,
  // once it is logged (PutEventLeaf). Ignored by AppendEvent.
  std::optional<std::int64_t> leaf_index;
};

struct Deadline {
  std::string case_id;
  std::string
      name;  // e.g. response, objection_window, preservation, validation
  std::string rule_id;  // the rule that set it
  Instant due_at;
  std::optional<Instant> warn_at;  // when it counts as approaching
  std::string status;  // pending, approaching, missed, met, cancelled
};

struct AccessRecord {
  std::string person_id;
  std::string organisation_id;
  std::string case_id;
  std::string action;   // e.g. read_case, read_events, download_attachment
  std::string purpose;  // why, as the person or the integration stated it
  Instant at;
};

struct IdempotencyRecord {
  std::string key;
  std::string person_id;
  std::string request_hash;  // hex SHA-256 of method, path and body
  int status_code = 0;
  std::string response_body;
  Instant created_at;
};

struct Attachment {
  std::string id;
  std::string case_id;
  std::string name;
  std::string media_type;
  std::string sha256;  // hex, of the bytes
  std::string bytes;
  Instant created_at;
};

// An organisation's key pair. The public half is stored as is; the secret half
// only sealed under the node's master key (node/master_key.h), so that a copy
// of the database alone reveals no secret key. A key is valid from
// `valid_from`; rotation ends its validity at `valid_until` (it still verifies
// what it signed before), revocation at `revoked_at` (nothing it signed at or
// after that time is valid). Both are set at most once.
struct OrganisationKey {
  std::string id;
  std::string organisation_id;
  std::string kind;           // signing (Ed25519) or encryption (X25519)
  std::string public_key;     // 32 bytes
  std::string sealed_secret;  // the secret half, sealed; never plaintext
  Instant valid_from;
  std::optional<Instant> valid_until;
  std::optional<Instant> revoked_at;
};

// The public half of a key an organisation uses for evidence packages (evx),
// registered by its administrators: a `sign` key signs the manifests it packs,
// an `encrypt` key receives packages sealed to it. The secret halves never
// reach the node. Revocation (`revoked_at`, set once) ends its use for new
// packages.
struct PackageKey {
  std::string id;
  std::string organisation_id;
  std::string use;         // sign (Ed25519) or encrypt (X25519)
  std::string name;        // the key's name, as in key files
  std::string public_key;  // 32 bytes
  Instant created_at;
  std::optional<Instant> revoked_at;
};

// A refused security-relevant input (an incoming signed document that does not
// verify, a refused signing request), kept for the security officer. Holds no
// secret: reasons, ids and a short JSON detail.
struct SecurityEvent {
  std::int64_t seq = 0;  // set by the store: node-wide, increasing
  Instant at;
  std::string kind;             // e.g. signed_document_refused
  std::string reason;           // a stable reason code, e.g. wrong_signature
  std::string organisation_id;  // the organisation concerned (receiver, signer)
  std::string detail_json;      // a JSON object
};

struct CasePage {
  std::vector<Case> cases;
  std::string next_cursor;  // empty when there is no further page
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual Status PutOrganisation(
      const Organisation& org) = 0;  // insert; kAlreadyExists
  virtual Result<Organisation> GetOrganisation(const std::string& id) = 0;
  virtual Result<std::vector<Organisation>> ListOrganisations() = 0;
  // Sets the organisation's four_eyes_emergency; kNotFound for an unknown id.
  virtual Status SetFourEyesEmergency(const std::string& organisation_id,
                                      bool on) = 0;

  virtual Status PutPerson(
      const Person& person) = 0;  // insert; kAlreadyExists on id or email
  virtual Status UpdatePerson(const Person& person) = 0;
  virtual Result<Person> GetPerson(const std::string& id) = 0;
  virtual Result<Person> GetPersonByEmail(const std::string& email) = 0;
  virtual Result<std::vector<Person>> ListPeople(
      const std::string& organisation_id) = 0;

  virtual Status PutApiToken(const ApiToken& token) = 0;
  virtual Result<ApiToken> GetApiTokenByHash(const std::string& token_hash) = 0;
  virtual Result<ApiToken> GetApiToken(const std::string& id) = 0;
  virtual Status RevokeApiToken(const std::string& id, Instant at) = 0;

  virtual Status PutSession(const Session& session) = 0;
  virtual Result<Session> GetSession(const std::string& id_hash) = 0;
  virtual Status RevokeSession(const std::string& id_hash, Instant at) = 0;

  // Creates the case (version 1), its parties and its first event, atomically
  // with the rest of the transaction. Returns the event as stored (with its
  // sequence numbers).
  virtual Result<CaseEvent> CreateCase(const Case& c,
                                       const std::vector<CaseParty>& parties,
                                       const CaseEvent& first) = 0;
  virtual Result<Case> GetCase(const std::string& id) = 0;
  // Stores `c` if the stored version equals c.version; returns the new version.
  virtual Result<std::int64_t> UpdateCase(const Case& c) = 0;
  virtual Status AddCaseParty(const CaseParty& party) = 0;
  virtual Result<std::vector<CaseParty>> ListCaseParties(
      const std::string& case_id) = 0;
  // The cases an organisation is party to, newest first, `limit` at most, after
  // `cursor`.
  virtual Result<CasePage> ListCasesForOrganisation(
      const std::string& organisation_id, const std::string& cursor,
      int limit) = 0;

  virtual Result<CaseEvent> AppendEvent(const CaseEvent& event) = 0;
  virtual Result<std::vector<CaseEvent>> ListEvents(
      const std::string& case_id) = 0;

  // Inserts or replaces the deadline (case_id, name).
  virtual Status PutDeadline(const Deadline& d) = 0;
  virtual Result<std::vector<Deadline>> ListDeadlines(
      const std::string& case_id) = 0;
  // Deadlines that need the scheduler at `now`: pending ones whose warn_at (or
  // due_at, when it is earlier or there is no warn_at) is at or before `now`,
  // and approaching ones whose due_at is at or before `now`; earliest of those
  // times first, at most `limit`. An approaching deadline is not returned again
  // before it is due, so that deadlines waiting for their due time never crowd
  // the others out of the limit.
  virtual Result<std::vector<Deadline>> ListDeadlinesToCheck(Instant now,
                                                             int limit) = 0;

  virtual Status RecordAccess(const AccessRecord& record) = 0;
  virtual Result<std::vector<AccessRecord>> ListAccess(
      const std::string& case_id) = 0;

  virtual Result<std::optional<IdempotencyRecord>> GetIdempotency(
      const std::string& person_id, const std::string& key) = 0;
  virtual Status PutIdempotency(const IdempotencyRecord& record) = 0;

  virtual Status PutAttachment(const Attachment& a) = 0;
  virtual Result<Attachment> GetAttachment(const std::string& id) = 0;

  // Inserts the key; kAlreadyExists for a repeated id, kNotFound (or the
  // backend's constraint error) for an unknown organisation.
  virtual Status PutOrganisationKey(const OrganisationKey& key) = 0;
  virtual Result<OrganisationKey> GetOrganisationKey(const std::string& id) = 0;
  // The organisation's keys of every kind, oldest valid_from first (then id).
  virtual Result<std::vector<OrganisationKey>> ListOrganisationKeys(
      const std::string& organisation_id) = 0;
  // Sets valid_until (rotation) or revoked_at to `at` unless already set (the
  // first time counts); kNotFound for an unknown key.
  virtual Status RetireOrganisationKey(const std::string& id, Instant at) = 0;
  virtual Status RevokeOrganisationKey(const std::string& id, Instant at) = 0;

  // Inserts the package key; kAlreadyExists for a repeated id, kNotFound for
  // an unknown organisation.
  virtual Status PutPackageKey(const PackageKey& key) = 0;
  virtual Result<PackageKey> GetPackageKey(const std::string& id) = 0;
  // The organisation's package keys, oldest created_at first (then id).
  virtual Result<std::vector<PackageKey>> ListPackageKeys(
      const std::string& organisation_id) = 0;
  // Sets revoked_at to `at` unless already set (the first time counts);
  // kNotFound for an unknown key.
  virtual Status RevokePackageKey(const std::string& id, Instant at) = 0;

  // Appends to the security log; returns the stored event (with seq).
  virtual Result<SecurityEvent> AppendSecurityEvent(
      const SecurityEvent& event) = 0;
  // The organisation's newest `limit` events with seq < before_seq, newest
  // first (pass the last seq of a page to read the next one).
  virtual Result<std::vector<SecurityEvent>> ListSecurityEvents(
      const std::string& organisation_id, std::int64_t before_seq,
      int limit) = 0;

  // The node's ledger: every event becomes one leaf, in global_seq order.
  // Events with global_seq > after_global_seq, in global_seq order, at most
  // `limit` (at least 1, else kInvalidArgument).
  virtual Result<std::vector<CaseEvent>> ListEventsAfter(
      std::int64_t after_global_seq, int limit) = 0;
  // Records that event `global_seq` is leaf `leaf_index` (>= 0) of the ledger.
  // Set once: kAlreadyExists when the event or the leaf index is recorded
  // already; kNotFound for an unknown event.
  virtual Status PutEventLeaf(std::int64_t global_seq,
                              std::int64_t leaf_index) = 0;
  // The logged event with the largest leaf index; nullopt when none is logged.
  virtual Result<std::optional<CaseEvent>> LastLoggedEvent() = 0;
  // The case's ledger salt (random bytes, set once), nullopt when it has none
  // yet; kNotFound for an unknown case.
  virtual Result<std::optional<std::string>> GetCaseSalt(
      const std::string& case_id) = 0;
  // Sets the case's salt, 16 to 64 bytes (else kInvalidArgument);
  // kAlreadyExists when it has one, kNotFound for an unknown case.
  virtual Status PutCaseSalt(const std::string& case_id,
                             const std::string& salt) = 0;

  // Makes every change durable, then visible. After Commit the transaction is
  // finished.
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Starts a read-write transaction. Fails with kUnavailable when the database
  // is busy beyond the timeout.
  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;
  // Starts a read-only transaction: a consistent snapshot that runs
  // concurrently with the writer and other readers. Its writes fail with
  // kFailedPrecondition; Commit() just ends it.
  virtual Result<std::unique_ptr<Transaction>> BeginRead() = 0;
  // Group commit: runs `work` in a write transaction that it may share with
  // other callers doing the same at the same time, and returns when the changes
  // are durable. Each caller's `work` is atomic on its own: if it returns an
  // error, its changes (and only its) are undone and that error is returned;
  // otherwise its changes are committed with the others', by one fsync. `work`
  // must not call Commit(), must not keep the Transaction, and runs on any
  // thread (the caller blocks until it is done). Fails with kUnavailable as
  // Begin() does, or with the commit's error, which then applies to every
  // caller of the batch.
  virtual Status Write(const std::function<Status(Transaction&)>& work) = 0;

  // The schema version the database is at (migrations applied).
  virtual int SchemaVersion() const = 0;
};

}  // namespace evidex::store

#endif  // EVIDEX_STORE_STORE_H_
