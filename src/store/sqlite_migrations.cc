#include "store/sqlite_migrations.h"

#include <string>

namespace evidex::store {
namespace {

// Version 1: the first schema.
//
// Limits (CHECK constraints, refused with kInvalidArgument): identifiers, keys,
// hashes and vocabulary words are 1 to 128 characters; names, purposes and
// password hashes at most 1024; emails 1 to 320; JSON documents and response
// bodies at most 1 MiB, and JSON must be valid. Lists of strings (authorities,
// roles, scopes) are JSON arrays written by the store. Instants are INTEGER
// milliseconds since 1970-01-01T00:00:00Z. Empty actor ids of events are NULL.
//
// Indexes serve every query of the store without a scan of a table that grows
// with the number of cases: case by id (primary key), events by (case_id, seq),
// cases for an organisation by (organisation_id, case_created_at, case_id) on
// case_parties, deadlines to check by check_at (derived from status, warn_at
// and due_at), idempotency by (person_id, key), access records by (case_id,
// at).
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE organisations (
  id TEXT NOT NULL PRIMARY KEY
    CONSTRAINT organisations_id_length CHECK (length(id) BETWEEN 1 AND 128),
  name TEXT NOT NULL
    CONSTRAINT organisations_name_length CHECK (length(name) BETWEEN 1 AND 1024),
  kind TEXT NOT NULL
    CONSTRAINT organisations_kind_length CHECK (length(kind) BETWEEN 1 AND 128),
  state TEXT NOT NULL
    CONSTRAINT organisations_state_length CHECK (length(state) BETWEEN 1 AND 128),
  authorities TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE people (
  id TEXT NOT NULL PRIMARY KEY
    CONSTRAINT people_id_length CHECK (length(id) BETWEEN 1 AND 128),
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  name TEXT NOT NULL
    CONSTRAINT people_name_length CHECK (length(name) BETWEEN 1 AND 1024),
  email TEXT NOT NULL COLLATE NOCASE
    CONSTRAINT people_email_length CHECK (length(email) BETWEEN 1 AND 320),
  roles TEXT NOT NULL,
  password_hash TEXT NOT NULL
    CONSTRAINT people_password_hash_length CHECK (length(password_hash) <= 1024),
  disabled INTEGER NOT NULL
    CONSTRAINT people_disabled_boolean CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX people_email ON people (email);
CREATE INDEX people_by_organisation ON people (organisation_id, id);

CREATE TABLE api_tokens (
  id TEXT NOT NULL PRIMARY KEY
    CONSTRAINT api_tokens_id_length CHECK (length(id) BETWEEN 1 AND 128),
  person_id TEXT NOT NULL REFERENCES people (id),
  token_hash TEXT NOT NULL UNIQUE
    CONSTRAINT api_tokens_token_hash_length CHECK (length(token_hash) BETWEEN 1 AND 128),
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE TABLE sessions (
  id_hash TEXT NOT NULL PRIMARY KEY
    CONSTRAINT sessions_id_hash_length CHECK (length(id_hash) BETWEEN 1 AND 128),
  person_id TEXT NOT NULL REFERENCES people (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE TABLE cases (
  id TEXT NOT NULL PRIMARY KEY
    CONSTRAINT cases_id_length CHECK (length(id) BETWEEN 1 AND 128),
  procedure TEXT NOT NULL
    CONSTRAINT cases_procedure_length CHECK (length(procedure) BETWEEN 1 AND 128),
  state TEXT NOT NULL
    CONSTRAINT cases_state_length CHECK (length(state) BETWEEN 1 AND 128),
  issuing_organisation_id TEXT NOT NULL REFERENCES organisations (id),
  version INTEGER NOT NULL
    CONSTRAINT cases_version_positive CHECK (version >= 1),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  content_json TEXT NOT NULL
    CONSTRAINT cases_content_json_length CHECK (length(content_json) <= 1048576)
    CONSTRAINT cases_content_json_valid CHECK (json_valid(content_json)),
  decision_json TEXT NOT NULL
    CONSTRAINT cases_decision_json_length CHECK (length(decision_json) <= 1048576)
    CONSTRAINT cases_decision_json_valid CHECK (json_valid(decision_json))
) STRICT;

-- case_created_at copies cases.created_at (which never changes) so that the cases of an
-- organisation are listed, newest first, from this table's index alone.
CREATE TABLE case_parties (
  case_id TEXT NOT NULL REFERENCES cases (id),
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  role TEXT NOT NULL
    CONSTRAINT case_parties_role_length CHECK (length(role) BETWEEN 1 AND 128),
  case_created_at INTEGER NOT NULL,
  PRIMARY KEY (case_id, organisation_id, role)
) STRICT;
CREATE INDEX case_parties_by_organisation
  ON case_parties (organisation_id, case_created_at, case_id);

-- global_seq is the rowid: assigned in commit order because writers are serialised, and never
-- reused because events are never deleted.
CREATE TABLE events (
  global_seq INTEGER PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  seq INTEGER NOT NULL
    CONSTRAINT events_seq_positive CHECK (seq >= 1),
  type TEXT NOT NULL
    CONSTRAINT events_type_length CHECK (length(type) BETWEEN 1 AND 128),
  actor_person_id TEXT
    CONSTRAINT events_actor_person_id_length CHECK (length(actor_person_id) BETWEEN 1 AND 128),
  actor_organisation_id TEXT
    CONSTRAINT events_actor_organisation_id_length
      CHECK (length(actor_organisation_id) BETWEEN 1 AND 128),
  at INTEGER NOT NULL,
  payload_json TEXT NOT NULL
    CONSTRAINT events_payload_json_length CHECK (length(payload_json) <= 1048576)
    CONSTRAINT events_payload_json_valid CHECK (json_valid(payload_json)),
  UNIQUE (case_id, seq)
) STRICT;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

-- check_at: when the scheduler must next look at the deadline. A pending deadline at its warning
-- time (or its due time, if that is earlier or there is no warning), an approaching one at its due
-- time; NULL once it is missed, met or cancelled.
CREATE TABLE deadlines (
  case_id TEXT NOT NULL REFERENCES cases (id),
  name TEXT NOT NULL
    CONSTRAINT deadlines_name_length CHECK (length(name) BETWEEN 1 AND 128),
  rule_id TEXT NOT NULL
    CONSTRAINT deadlines_rule_id_length CHECK (length(rule_id) BETWEEN 1 AND 128),
  due_at INTEGER NOT NULL,
  warn_at INTEGER,
  status TEXT NOT NULL
    CONSTRAINT deadlines_status_known
      CHECK (status IN ('pending', 'approaching', 'missed', 'met', 'cancelled')),
  check_at INTEGER GENERATED ALWAYS AS (
    CASE status
      WHEN 'pending' THEN min(coalesce(warn_at, due_at), due_at)
      WHEN 'approaching' THEN due_at
    END) VIRTUAL,
  PRIMARY KEY (case_id, name)
) STRICT;
CREATE INDEX deadlines_to_check ON deadlines (check_at, case_id, name)
  WHERE check_at IS NOT NULL;

CREATE TABLE access_records (
  id INTEGER PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people (id),
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  case_id TEXT NOT NULL REFERENCES cases (id),
  action TEXT NOT NULL
    CONSTRAINT access_records_action_length CHECK (length(action) BETWEEN 1 AND 128),
  purpose TEXT NOT NULL
    CONSTRAINT access_records_purpose_length CHECK (length(purpose) BETWEEN 1 AND 1024),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX access_records_by_case ON access_records (case_id, at);
CREATE TRIGGER access_records_no_update BEFORE UPDATE ON access_records
BEGIN
  SELECT RAISE(ABORT, 'access records are append-only');
END;
CREATE TRIGGER access_records_no_delete BEFORE DELETE ON access_records
BEGIN
  SELECT RAISE(ABORT, 'access records are append-only');
END;

CREATE TABLE idempotency_records (
  person_id TEXT NOT NULL REFERENCES people (id),
  key TEXT NOT NULL
    CONSTRAINT idempotency_records_key_length CHECK (length(key) BETWEEN 1 AND 128),
  request_hash TEXT NOT NULL
    CONSTRAINT idempotency_records_request_hash_length
      CHECK (length(request_hash) BETWEEN 1 AND 128),
  status_code INTEGER NOT NULL
    CONSTRAINT idempotency_records_status_code_http CHECK (status_code BETWEEN 100 AND 599),
  response_body TEXT NOT NULL
    CONSTRAINT idempotency_records_response_body_length
      CHECK (length(response_body) <= 1048576),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (person_id, key)
) STRICT;

CREATE TABLE attachments (
  id TEXT NOT NULL PRIMARY KEY
    CONSTRAINT attachments_id_length CHECK (length(id) BETWEEN 1 AND 128),
  case_id TEXT NOT NULL REFERENCES cases (id),
  name TEXT NOT NULL
    CONSTRAINT attachments_name_length CHECK (length(name) BETWEEN 1 AND 1024),
  media_type TEXT NOT NULL
    CONSTRAINT attachments_media_type_length CHECK (length(media_type) BETWEEN 1 AND 128),
  sha256 TEXT NOT NULL
    CONSTRAINT attachments_sha256_length CHECK (length(sha256) = 64),
  bytes BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
)sql";

// Version 2: organisations' keys, the security log, and the four-eyes setting
// of organisations (on unless turned off).
//
// A key's public half is 32 bytes; its secret half is stored only sealed under
// the node's master key (at most 256 bytes: version, nonce, ciphertext, tag).
// Keys are listed per organisation by (organisation_id, valid_from, id). The
// security log is append-only (triggers refuse UPDATE and DELETE), numbered by
// seq, and read per organisation newest first, by (organisation_id, seq).
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE organisations ADD COLUMN four_eyes_emergency INTEGER NOT NULL DEFAULT 1
  CONSTRAINT organisations_four_eyes_emergency_boolean
    CHECK (four_eyes_emergency IN (0, 1));

CREATE TABLE organisation_keys (
  id TEXT NOT NULL PRIMARY KEY
    CONSTRAINT organisation_keys_id_length CHECK (length(id) BETWEEN 1 AND 128),
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  kind TEXT NOT NULL
    CONSTRAINT organisation_keys_kind CHECK (kind IN ('signing', 'encryption')),
  public_key BLOB NOT NULL
    CONSTRAINT organisation_keys_public_key_length CHECK (length(public_key) = 32),
  sealed_secret BLOB NOT NULL
    CONSTRAINT organisation_keys_sealed_secret_length
      CHECK (length(sealed_secret) BETWEEN 1 AND 256),
  valid_from INTEGER NOT NULL,
  valid_until INTEGER,
  revoked_at INTEGER
) STRICT;
CREATE INDEX organisation_keys_by_organisation
  ON organisation_keys (organisation_id, valid_from, id);

CREATE TABLE security_events (
  seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL
    CONSTRAINT security_events_kind_length CHECK (length(kind) BETWEEN 1 AND 128),
  reason TEXT NOT NULL
    CONSTRAINT security_events_reason_length CHECK (length(reason) BETWEEN 1 AND 128),
  organisation_id TEXT NOT NULL
    CONSTRAINT security_events_organisation_id_length
      CHECK (length(organisation_id) <= 128),
  detail_json TEXT NOT NULL
    CONSTRAINT security_events_detail_json
      CHECK (length(detail_json) <= 65536 AND json_valid(detail_json))
) STRICT;
CREATE INDEX security_events_by_organisation
  ON security_events (organisation_id, seq);
CREATE TRIGGER security_events_no_update BEFORE UPDATE ON security_events
BEGIN
  SELECT RAISE(ABORT, 'the security log is append-only');
END;
CREATE TRIGGER security_events_no_delete BEFORE DELETE ON security_events
BEGIN
  SELECT RAISE(ABORT, 'the security log is append-only');
END;
)sql";

// Version 3: the ledger's bookkeeping.
//
// event_leaves maps each logged event (by global_seq) to its leaf index in the
// node's ledger, both unique; the last logged event is found through the
// leaf_index index. case_salts holds each case's random salt (16 to 64 bytes),
// with which personal data in the case's leaves is hashed. Both are set once:
// triggers refuse UPDATE and DELETE.
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE event_leaves (
  global_seq INTEGER NOT NULL PRIMARY KEY REFERENCES events (global_seq),
  leaf_index INTEGER NOT NULL UNIQUE
    CONSTRAINT event_leaves_leaf_index_nonnegative CHECK (leaf_index >= 0)
) STRICT;
CREATE TRIGGER event_leaves_no_update BEFORE UPDATE ON event_leaves
BEGIN
  SELECT RAISE(ABORT, 'event leaves are set once');
END;
CREATE TRIGGER event_leaves_no_delete BEFORE DELETE ON event_leaves
BEGIN
  SELECT RAISE(ABORT, 'event leaves are set once');
END;

CREATE TABLE case_salts (
  case_id TEXT NOT NULL PRIMARY KEY REFERENCES cases (id),
  salt BLOB NOT NULL
    CONSTRAINT case_salts_salt_length CHECK (length(salt) BETWEEN 16 AND 64)
) STRICT;
CREATE TRIGGER case_salts_no_update BEFORE UPDATE ON case_salts
BEGIN
  SELECT RAISE(ABORT, 'case salts are set once');
END;
CREATE TRIGGER case_salts_no_delete BEFORE DELETE ON case_salts
BEGIN
  SELECT RAISE(ABORT, 'case salts are set once');
END;
)sql";

// Version 4: the public package keys organisations register (evx `sign` and
// `encrypt` keys), listed by organisation in registration order. Rows are
// never deleted; revocation sets revoked_at once.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE package_keys (
  id TEXT NOT NULL PRIMARY KEY
    CONSTRAINT package_keys_id_length CHECK (length(id) BETWEEN 1 AND 128),
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  use TEXT NOT NULL
    CONSTRAINT package_keys_use CHECK (use IN ('sign', 'encrypt')),
  name TEXT NOT NULL
    CONSTRAINT package_keys_name_length CHECK (length(name) BETWEEN 1 AND 128),
  public_key BLOB NOT NULL
    CONSTRAINT package_keys_public_key_length CHECK (length(public_key) = 32),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX package_keys_by_organisation
  ON package_keys (organisation_id, created_at, id);
CREATE TRIGGER package_keys_no_delete BEFORE DELETE ON package_keys
BEGIN
  SELECT RAISE(ABORT, 'package keys are revoked, not deleted');
END;
)sql";

constexpr SqliteMigration kMigrations[] = {
    {1, "initial schema", kSchemaV1},
    {2, "organisation keys and security log", kSchemaV2},
    {3, "ledger leaves and case salts", kSchemaV3},
    {4, "package keys", kSchemaV4},
};

constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;

// Versions are 1..N in order: the runner relies on it to find migration N+1 at
// index N.
constexpr bool VersionsAreContiguous() {
  for (std::size_t i = 0; i < std::size(kMigrations); ++i) {
    if (kMigrations[i].version != static_cast<int>(i) + 1) return false;
  }
  return true;
}
static_assert(VersionsAreContiguous(), "migration versions must be 1, 2, ...");

constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT)sql";

// The database's version, under the write lock the caller holds.
Result<int> AppliedVersion(sqlite::Database& db) {
  EVIDEX_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db.Prepare("SELECT count(*), coalesce(max(version), 0), "
                 "coalesce(min(version), 1) FROM schema_migrations"));
  EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Err(InternalError("an aggregate query yielded no row"));
  std::int64_t count = st.ColumnInt(0);
  std::int64_t max = st.ColumnInt(1);
  std::int64_t min = st.ColumnInt(2);
  if (max > kLatestVersion) {
    return Err(FailedPreconditionError(
        "the database is at schema version " + std::to_string(max) +
        ", newer than version " + std::to_string(kLatestVersion) +
        ", the latest this build of evidex knows; open it with a newer "
        "evidex"));
  }
  if (count != max || min != 1) {
    return Err(DataLossError("table `schema_migrations` holds " +
                             std::to_string(count) + " rows for versions " +
                             std::to_string(min) + " to " +
                             std::to_string(max) + ", not the versions 1 to " +
                             std::to_string(max)));
  }
  return static_cast<int>(max);
}

// Applies migration `m` inside the open transaction.
Status Apply(sqlite::Database& db, const SqliteMigration& m, Instant now) {
  EVIDEX_RETURN_IF_ERROR(db.Exec(std::string(m.sql)));
  EVIDEX_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db.Prepare("INSERT INTO schema_migrations (version, name, applied_at) "
                 "VALUES (?1, ?2, ?3)"));
  EVIDEX_RETURN_IF_ERROR(
      st.BindAll(m.version, m.name, now.time_since_epoch().count()));
  return st.Run();
}

// One step: applies the next migration, or finds there is none. Returns the
// version reached and whether a migration was applied.
Result<std::pair<int, bool>> MigrateOnce(sqlite::Database& db, Instant now) {
  EVIDEX_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Result<std::pair<int, bool>> result = [&]() -> Result<std::pair<int, bool>> {
    EVIDEX_ASSIGN_OR_RETURN(int version, AppliedVersion(db));
    if (version == kLatestVersion) return std::pair(version, false);
    const SqliteMigration& next = kMigrations[version];
    Status applied = Apply(db, next, now);
    if (!applied.ok()) {
      return Err(Status(applied.code(), "migration " +
                                            std::to_string(next.version) +
                                            " (" + std::string(next.name) +
                                            "): " + applied.message()));
    }
    return std::pair(next.version, true);
  }();
  if (!result.has_value()) {
    // The error being reported matters more than a failure to roll back, which
    // would also leave nothing applied.
    Status rolled_back = db.Exec("ROLLBACK");
    static_cast<void>(rolled_back);
    return result;
  }
  EVIDEX_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return result;
}

}  // namespace

std::span<const SqliteMigration> SqliteMigrations() { return kMigrations; }

Result<int> MigrateSqlite(sqlite::Database& db, Instant now) {
  EVIDEX_RETURN_IF_ERROR(db.Exec(std::string(kCreateMigrationsTable)));
  while (true) {
    EVIDEX_ASSIGN_OR_RETURN(auto step, MigrateOnce(db, now));
    if (!step.second) return step.first;
  }
}

}  // namespace evidex::store
