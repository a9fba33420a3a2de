#include "store/sqlite_store.h"

#include <algorithm>
#include <atomic>
#include <boost/json/value.hpp>
#include <cassert>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/json.h"
#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "store/sqlite.h"
#include "store/sqlite_migrations.h"

namespace evidex::store {
namespace {

using sqlite::Blob;
using sqlite::Database;
using sqlite::Statement;

// ---------------------------------------------------------------------------------------------
// SQL. Every statement run inside a transaction is listed in kStatements, so
// that a test can check the query plan of each.

constexpr std::string_view kBeginImmediate = "BEGIN IMMEDIATE";
constexpr std::string_view kBeginDeferred = "BEGIN DEFERRED";
// Reading a table takes the read transaction's snapshot.
constexpr std::string_view kTakeSnapshot =
    "SELECT max(version) FROM schema_migrations";
constexpr std::string_view kCommit = "COMMIT";
constexpr std::string_view kRollback = "ROLLBACK";
constexpr std::string_view kSavepoint = "SAVEPOINT create_case";
constexpr std::string_view kReleaseSavepoint = "RELEASE create_case";
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO create_case";

constexpr std::string_view kInsertOrganisation =
    "INSERT INTO organisations (id, name, kind, state, authorities, "
    "created_at, four_eyes_emergency) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kSelectOrganisation =
    "SELECT id, name, kind, state, authorities, created_at, "
    "four_eyes_emergency FROM organisations WHERE id = ?1";
constexpr std::string_view kListOrganisations =
    "SELECT id, name, kind, state, authorities, created_at, "
    "four_eyes_emergency FROM organisations ORDER BY id";
constexpr std::string_view kSetFourEyesEmergency =
    "UPDATE organisations SET four_eyes_emergency = ?2 WHERE id = ?1";
constexpr std::string_view kOrganisationExists =
    "SELECT 1 FROM organisations WHERE id = ?1";

constexpr std::string_view kInsertPerson =
    "INSERT INTO people (id, organisation_id, name, email, roles, "
    "password_hash, disabled, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr std::string_view kUpdatePerson =
    "UPDATE people SET organisation_id = ?2, name = ?3, email = ?4, roles = "
    "?5, "
    "password_hash = ?6, disabled = ?7 WHERE id = ?1";
constexpr std::string_view kSelectPerson =
    "SELECT id, organisation_id, name, email, roles, password_hash, disabled, "
    "created_at FROM people WHERE id = ?1";
constexpr std::string_view kSelectPersonByEmail =
    "SELECT id, organisation_id, name, email, roles, password_hash, disabled, "
    "created_at FROM people WHERE email = ?1";
constexpr std::string_view kListPeople =
    "SELECT id, organisation_id, name, email, roles, password_hash, disabled, "
    "created_at FROM people WHERE organisation_id = ?1 ORDER BY id";

constexpr std::string_view kInsertApiToken =
    "INSERT INTO api_tokens (id, person_id, token_hash, scopes, created_at, "
    "expires_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kSelectApiTokenByHash =
    "SELECT id, person_id, token_hash, scopes, created_at, expires_at, "
    "revoked_at FROM api_tokens WHERE token_hash = ?1";
constexpr std::string_view kSelectApiToken =
    "SELECT id, person_id, token_hash, scopes, created_at, expires_at, "
    "revoked_at FROM api_tokens WHERE id = ?1";
constexpr std::string_view kRevokeApiToken =
    "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1";

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (id_hash, person_id, created_at, expires_at, "
    "revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kSelectSession =
    "SELECT id_hash, person_id, created_at, expires_at, revoked_at FROM "
    "sessions WHERE id_hash = ?1";
constexpr std::string_view kRevokeSession =
    "UPDATE sessions SET revoked_at = coalesce(revoked_at, ?2) WHERE "
    "id_hash = ?1";

constexpr std::string_view kInsertCase =
    "INSERT INTO cases (id, procedure, state, issuing_organisation_id, "
    "version, created_at, updated_at, content_json, decision_json) "
    "VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8)";
constexpr std::string_view kSelectCase =
    "SELECT id, procedure, state, issuing_organisation_id, version, "
    "created_at, updated_at, content_json, decision_json FROM cases "
    "WHERE id = ?1";
constexpr std::string_view kUpdateCase =
    "UPDATE cases SET procedure = ?3, state = ?4, issuing_organisation_id = "
    "?5, updated_at = ?6, content_json = ?7, decision_json = ?8, "
    "version = version + 1 WHERE id = ?1 AND version = ?2 RETURNING version";
constexpr std::string_view kSelectCaseVersion =
    "SELECT version FROM cases WHERE id = ?1";
constexpr std::string_view kInsertCaseParty =
    "INSERT INTO case_parties (case_id, organisation_id, role, "
    "case_created_at) SELECT ?1, ?2, ?3, created_at FROM cases WHERE id = ?1";
constexpr std::string_view kListCaseParties =
    "SELECT case_id, organisation_id, role FROM case_parties WHERE case_id = "
    "?1 ORDER BY organisation_id, role";
// An organisation with several roles in a case has several party rows; GROUP BY
// keeps one, following the index order so that no sort is needed.
constexpr std::string_view kListCasesFirstPage =
    "SELECT c.id, c.procedure, c.state, c.issuing_organisation_id, c.version, "
    "c.created_at, c.updated_at, c.content_json, c.decision_json "
    "FROM case_parties AS p JOIN cases AS c ON c.id = p.case_id "
    "WHERE p.organisation_id = ?1 "
    "GROUP BY p.case_created_at, p.case_id "
    "ORDER BY p.case_created_at DESC, p.case_id DESC LIMIT ?2";
constexpr std::string_view kListCasesAfter =
    "SELECT c.id, c.procedure, c.state, c.issuing_organisation_id, c.version, "
    "c.created_at, c.updated_at, c.content_json, c.decision_json "
    "FROM case_parties AS p JOIN cases AS c ON c.id = p.case_id "
    "WHERE p.organisation_id = ?1 AND (p.case_created_at, p.case_id) < (?2, "
    "?3) "
    "GROUP BY p.case_created_at, p.case_id "
    "ORDER BY p.case_created_at DESC, p.case_id DESC LIMIT ?4";
constexpr std::string_view kCaseExists = "SELECT 1 FROM cases WHERE id = ?1";

constexpr std::string_view kInsertEvent =
    "INSERT INTO events (case_id, seq, type, actor_person_id, "
    "actor_organisation_id, at, payload_json) "
    "SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM events "
    "WHERE case_id = ?1 RETURNING seq, global_seq";
constexpr std::string_view kListEvents =
    "SELECT e.case_id, e.seq, e.global_seq, e.type, e.actor_person_id, "
    "e.actor_organisation_id, e.at, e.payload_json, l.leaf_index FROM events e "
    "LEFT JOIN event_leaves l ON l.global_seq = e.global_seq "
    "WHERE e.case_id = ?1 ORDER BY e.seq";
constexpr std::string_view kListEventsAfter =
    "SELECT e.case_id, e.seq, e.global_seq, e.type, e.actor_person_id, "
    "e.actor_organisation_id, e.at, e.payload_json, l.leaf_index FROM events e "
    "LEFT JOIN event_leaves l ON l.global_seq = e.global_seq "
    "WHERE e.global_seq > ?1 ORDER BY e.global_seq LIMIT ?2";
constexpr std::string_view kLastLoggedEvent =
    "SELECT e.case_id, e.seq, e.global_seq, e.type, e.actor_person_id, "
    "e.actor_organisation_id, e.at, e.payload_json, l.leaf_index "
    "FROM event_leaves l JOIN events e ON e.global_seq = l.global_seq "
    "WHERE l.leaf_index = (SELECT max(leaf_index) FROM event_leaves)";
constexpr std::string_view kEventExists =
    "SELECT 1 FROM events WHERE global_seq = ?1";
constexpr std::string_view kInsertEventLeaf =
    "INSERT INTO event_leaves (global_seq, leaf_index) VALUES (?1, ?2)";
constexpr std::string_view kSelectCaseSalt =
    "SELECT salt FROM case_salts WHERE case_id = ?1";
constexpr std::string_view kInsertCaseSalt =
    "INSERT INTO case_salts (case_id, salt) VALUES (?1, ?2)";

constexpr std::string_view kPutDeadline =
    "INSERT INTO deadlines (case_id, name, rule_id, due_at, warn_at, status) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (case_id, name) DO UPDATE SET "
    "rule_id = excluded.rule_id, due_at = excluded.due_at, warn_at = "
    "excluded.warn_at, status = excluded.status";
constexpr std::string_view kListDeadlines =
    "SELECT case_id, name, rule_id, due_at, warn_at, status FROM deadlines "
    "WHERE case_id = ?1 ORDER BY due_at, name";
constexpr std::string_view kListDeadlinesToCheck =
    "SELECT case_id, name, rule_id, due_at, warn_at, status FROM deadlines "
    "WHERE check_at IS NOT NULL AND check_at <= ?1 "
    "ORDER BY check_at, case_id, name LIMIT ?2";

constexpr std::string_view kInsertAccess =
    "INSERT INTO access_records (person_id, organisation_id, case_id, action, "
    "purpose, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kListAccess =
    "SELECT person_id, organisation_id, case_id, action, purpose, at FROM "
    "access_records WHERE case_id = ?1 ORDER BY at, id";

constexpr std::string_view kSelectIdempotency =
    "SELECT key, person_id, request_hash, status_code, response_body, "
    "created_at FROM idempotency_records WHERE person_id = ?1 AND key = ?2";
constexpr std::string_view kInsertIdempotency =
    "INSERT INTO idempotency_records (key, person_id, request_hash, "
    "status_code, response_body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

constexpr std::string_view kInsertAttachment =
    "INSERT INTO attachments (id, case_id, name, media_type, sha256, bytes, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kSelectAttachment =
    "SELECT id, case_id, name, media_type, sha256, bytes, created_at FROM "
    "attachments WHERE id = ?1";

constexpr std::string_view kInsertOrganisationKey =
    "INSERT INTO organisation_keys (id, organisation_id, kind, public_key, "
    "sealed_secret, valid_from, valid_until, revoked_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr std::string_view kSelectOrganisationKey =
    "SELECT id, organisation_id, kind, public_key, sealed_secret, valid_from, "
    "valid_until, revoked_at FROM organisation_keys WHERE id = ?1";
constexpr std::string_view kListOrganisationKeys =
    "SELECT id, organisation_id, kind, public_key, sealed_secret, valid_from, "
    "valid_until, revoked_at FROM organisation_keys WHERE organisation_id = ?1 "
    "ORDER BY valid_from, id";
constexpr std::string_view kRetireOrganisationKey =
    "UPDATE organisation_keys SET valid_until = coalesce(valid_until, ?2) "
    "WHERE id = ?1";
constexpr std::string_view kRevokeOrganisationKey =
    "UPDATE organisation_keys SET revoked_at = coalesce(revoked_at, ?2) "
    "WHERE id = ?1";

constexpr std::string_view kInsertPackageKey =
    "INSERT INTO package_keys (id, organisation_id, use, name, public_key, "
    "created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kSelectPackageKey =
    "SELECT id, organisation_id, use, name, public_key, created_at, "
    "revoked_at FROM package_keys WHERE id = ?1";
constexpr std::string_view kListPackageKeys =
    "SELECT id, organisation_id, use, name, public_key, created_at, "
    "revoked_at FROM package_keys WHERE organisation_id = ?1 "
    "ORDER BY created_at, id";
constexpr std::string_view kRevokePackageKey =
    "UPDATE package_keys SET revoked_at = coalesce(revoked_at, ?2) "
    "WHERE id = ?1";

constexpr std::string_view kInsertSecurityEvent =
    "INSERT INTO security_events (at, kind, reason, organisation_id, "
    "detail_json) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING seq";
constexpr std::string_view kListSecurityEvents =
    "SELECT seq, at, kind, reason, organisation_id, detail_json FROM "
    "security_events WHERE organisation_id = ?1 AND seq < ?2 "
    "ORDER BY seq DESC LIMIT ?3";

constexpr std::string_view kGroupSavepoint = "SAVEPOINT group_job";
constexpr std::string_view kGroupRollback = "ROLLBACK TO group_job";
constexpr std::string_view kGroupRelease = "RELEASE group_job";

constexpr std::string_view kStatements[] = {
    kGroupSavepoint,
    kGroupRollback,
    kGroupRelease,
    kBeginImmediate,
    kBeginDeferred,
    kTakeSnapshot,
    kCommit,
    kRollback,
    kSavepoint,
    kReleaseSavepoint,
    kRollbackToSavepoint,
    kInsertOrganisation,
    kSelectOrganisation,
    kListOrganisations,
    kSetFourEyesEmergency,
    kOrganisationExists,
    kInsertPerson,
    kUpdatePerson,
    kSelectPerson,
    kSelectPersonByEmail,
    kListPeople,
    kInsertApiToken,
    kSelectApiTokenByHash,
    kSelectApiToken,
    kRevokeApiToken,
    kInsertSession,
    kSelectSession,
    kRevokeSession,
    kInsertCase,
    kSelectCase,
    kUpdateCase,
    kSelectCaseVersion,
    kInsertCaseParty,
    kListCaseParties,
    kListCasesFirstPage,
    kListCasesAfter,
    kCaseExists,
    kInsertEvent,
    kListEvents,
    kListEventsAfter,
    kLastLoggedEvent,
    kEventExists,
    kInsertEventLeaf,
    kSelectCaseSalt,
    kInsertCaseSalt,
    kPutDeadline,
    kListDeadlines,
    kListDeadlinesToCheck,
    kInsertAccess,
    kListAccess,
    kSelectIdempotency,
    kInsertIdempotency,
    kInsertAttachment,
    kSelectAttachment,
    kInsertOrganisationKey,
    kSelectOrganisationKey,
    kListOrganisationKeys,
    kRetireOrganisationKey,
    kRevokeOrganisationKey,
    kInsertPackageKey,
    kSelectPackageKey,
    kListPackageKeys,
    kRevokePackageKey,
    kInsertSecurityEvent,
    kListSecurityEvents,
};

[[maybe_unused]] bool IsListed(std::string_view sql) {
  return std::find(std::begin(kStatements), std::end(kStatements), sql) !=
         std::end(kStatements);
}

Result<Statement> Prepare(Database& db, std::string_view sql) {
  assert(IsListed(sql) && "add the statement to kStatements");
  return db.Prepare(sql);
}

Status RunSql(Database& db, std::string_view sql) {
  EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(db, sql));
  return st.Run();
}

// ---------------------------------------------------------------------------------------------
// Values.

std::int64_t Millis(Instant t) { return t.time_since_epoch().count(); }

std::optional<std::int64_t> Millis(const std::optional<Instant>& t) {
  if (!t.has_value()) return std::nullopt;
  return Millis(*t);
}

Instant ToInstant(std::int64_t millis) {
  return Instant(std::chrono::milliseconds(millis));
}

std::optional<Instant> OptionalInstant(const Statement& st, int column) {
  if (st.ColumnIsNull(column)) return std::nullopt;
  return ToInstant(st.ColumnInt(column));
}

// Empty ids of event actors are stored as NULL.
std::optional<std::string_view> NullIfEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// Lists of strings are stored as JSON arrays. NUL characters are refused, as
// PostgreSQL refuses them in JSON.
Result<std::string> EncodeList(const std::vector<std::string>& items,
                               std::string_view what) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray();
  for (const std::string& item : items) {
    if (item.find('\0') != std::string::npos) {
      return Err(
          InvalidArgumentError(std::string(what) + " hold a NUL character"));
    }
    w.String(item);
  }
  w.EndArray();
  return out;
}

Status Corrupt(std::string_view table, std::string_view id,
               std::string_view problem) {
  return DataLossError("table `" + std::string(table) + "` row `" +
                       std::string(id) + "`: " + std::string(problem));
}

Result<std::vector<std::string>> DecodeList(const std::string& text,
                                            std::string_view table,
                                            std::string_view id,
                                            std::string_view column) {
  auto problem = [&] {
    return Err(Corrupt(
        table, id,
        "column `" + std::string(column) + "` is not a JSON array of strings"));
  };
  auto parsed = ParseJson(text);
  if (!parsed.has_value() || !parsed->is_array()) return problem();
  std::vector<std::string> out;
  for (const boost::json::value& v : parsed->as_array()) {
    if (!v.is_string()) return problem();
    out.emplace_back(v.as_string());
  }
  return out;
}

std::string HexSha256(std::string_view bytes) {
  auto data = std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                        bytes.size());
  crypto::Sha256Digest digest = crypto::Sha256(data);
  return crypto::HexEncode(digest);
}

// A position in the list of an organisation's cases: the last case of a page.
// The cursor is the hex encoding of "<created_at milliseconds>:<case id>".
struct CursorPosition {
  std::int64_t created_at = 0;
  std::string case_id;
};

std::string EncodeCursor(const Case& last) {
  std::string raw = std::to_string(Millis(last.created_at)) + ":" + last.id;
  return crypto::HexEncode(
      std::span(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()));
}

Result<CursorPosition> DecodeCursor(std::string_view cursor) {
  auto malformed = [&] {
    return Err(InvalidArgumentError(
        "the cursor `" + std::string(cursor.substr(0, 80)) + "` is malformed"));
  };
  auto bytes = crypto::HexDecode(cursor);
  if (!bytes.has_value()) return malformed();
  std::string raw(bytes->begin(), bytes->end());
  std::size_t colon = raw.find(':');
  if (colon == std::string::npos || colon + 1 == raw.size()) return malformed();
  CursorPosition pos;
  auto [end, ec] =
      std::from_chars(raw.data(), raw.data() + colon, pos.created_at);
  if (ec != std::errc() || end != raw.data() + colon) return malformed();
  pos.case_id = raw.substr(colon + 1);
  return pos;
}

// ---------------------------------------------------------------------------------------------
// Rows. Each reader takes the columns in the order of the SELECTs above.

Result<Organisation> ReadOrganisation(const Statement& st) {
  Organisation o;
  o.id = st.ColumnText(0);
  o.name = st.ColumnText(1);
  o.kind = st.ColumnText(2);
  o.state = st.ColumnText(3);
  EVIDEX_ASSIGN_OR_RETURN(
      o.authorities,
      DecodeList(st.ColumnText(4), "organisations", o.id, "authorities"));
  o.created_at = ToInstant(st.ColumnInt(5));
  o.four_eyes_emergency = st.ColumnInt(6) != 0;
  return o;
}

Result<Person> ReadPerson(const Statement& st) {
  Person p;
  p.id = st.ColumnText(0);
  p.organisation_id = st.ColumnText(1);
  p.name = st.ColumnText(2);
  p.email = st.ColumnText(3);
  EVIDEX_ASSIGN_OR_RETURN(
      p.roles, DecodeList(st.ColumnText(4), "people", p.id, "roles"));
  p.password_hash = st.ColumnText(5);
  p.disabled = st.ColumnInt(6) != 0;
  p.created_at = ToInstant(st.ColumnInt(7));
  return p;
}

Result<ApiToken> ReadApiToken(const Statement& st) {
  ApiToken t;
  t.id = st.ColumnText(0);
  t.person_id = st.ColumnText(1);
  t.token_hash = st.ColumnText(2);
  EVIDEX_ASSIGN_OR_RETURN(
      t.scopes, DecodeList(st.ColumnText(3), "api_tokens", t.id, "scopes"));
  t.created_at = ToInstant(st.ColumnInt(4));
  t.expires_at = ToInstant(st.ColumnInt(5));
  t.revoked_at = OptionalInstant(st, 6);
  return t;
}

Result<Session> ReadSession(const Statement& st) {
  Session s;
  s.id_hash = st.ColumnText(0);
  s.person_id = st.ColumnText(1);
  s.created_at = ToInstant(st.ColumnInt(2));
  s.expires_at = ToInstant(st.ColumnInt(3));
  s.revoked_at = OptionalInstant(st, 4);
  return s;
}

Result<Case> ReadCase(const Statement& st) {
  Case c;
  c.id = st.ColumnText(0);
  c.procedure = st.ColumnText(1);
  c.state = st.ColumnText(2);
  c.issuing_organisation_id = st.ColumnText(3);
  c.version = st.ColumnInt(4);
  c.created_at = ToInstant(st.ColumnInt(5));
  c.updated_at = ToInstant(st.ColumnInt(6));
  c.content_json = st.ColumnText(7);
  c.decision_json = st.ColumnText(8);
  return c;
}

Result<CaseParty> ReadCaseParty(const Statement& st) {
  return CaseParty{st.ColumnText(0), st.ColumnText(1), st.ColumnText(2)};
}

Result<CaseEvent> ReadEvent(const Statement& st) {
  CaseEvent e;
  e.case_id = st.ColumnText(0);
  e.seq = st.ColumnInt(1);
  e.global_seq = st.ColumnInt(2);
  e.type = st.ColumnText(3);
  e.actor_person_id = st.ColumnText(4);
  e.actor_organisation_id = st.ColumnText(5);
  e.at = ToInstant(st.ColumnInt(6));
  e.payload_json = st.ColumnText(7);
  if (!st.ColumnIsNull(8)) e.leaf_index = st.ColumnInt(8);
  return e;
}

Result<Deadline> ReadDeadline(const Statement& st) {
  Deadline d;
  d.case_id = st.ColumnText(0);
  d.name = st.ColumnText(1);
  d.rule_id = st.ColumnText(2);
  d.due_at = ToInstant(st.ColumnInt(3));
  d.warn_at = OptionalInstant(st, 4);
  d.status = st.ColumnText(5);
  return d;
}

Result<AccessRecord> ReadAccess(const Statement& st) {
  AccessRecord a;
  a.person_id = st.ColumnText(0);
  a.organisation_id = st.ColumnText(1);
  a.case_id = st.ColumnText(2);
  a.action = st.ColumnText(3);
  a.purpose = st.ColumnText(4);
  a.at = ToInstant(st.ColumnInt(5));
  return a;
}

Result<IdempotencyRecord> ReadIdempotency(const Statement& st) {
  IdempotencyRecord r;
  r.key = st.ColumnText(0);
  r.person_id = st.ColumnText(1);
  r.request_hash = st.ColumnText(2);
  r.status_code = static_cast<int>(st.ColumnInt(3));
  r.response_body = st.ColumnText(4);
  r.created_at = ToInstant(st.ColumnInt(5));
  return r;
}

Result<Attachment> ReadAttachment(const Statement& st) {
  Attachment a;
  a.id = st.ColumnText(0);
  a.case_id = st.ColumnText(1);
  a.name = st.ColumnText(2);
  a.media_type = st.ColumnText(3);
  a.sha256 = st.ColumnText(4);
  a.bytes = st.ColumnBlob(5);
  a.created_at = ToInstant(st.ColumnInt(6));
  if (HexSha256(a.bytes) != a.sha256) {
    return Err(Corrupt("attachments", a.id,
                       "the bytes do not hash to the stored sha256"));
  }
  return a;
}

Result<OrganisationKey> ReadOrganisationKey(const Statement& st) {
  OrganisationKey k;
  k.id = st.ColumnText(0);
  k.organisation_id = st.ColumnText(1);
  k.kind = st.ColumnText(2);
  k.public_key = st.ColumnBlob(3);
  k.sealed_secret = st.ColumnBlob(4);
  k.valid_from = ToInstant(st.ColumnInt(5));
  k.valid_until = OptionalInstant(st, 6);
  k.revoked_at = OptionalInstant(st, 7);
  if (k.public_key.size() != 32) {
    return Err(
        Corrupt("organisation_keys", k.id, "the public key is not 32 bytes"));
  }
  return k;
}

Result<PackageKey> ReadPackageKey(const Statement& st) {
  PackageKey k;
  k.id = st.ColumnText(0);
  k.organisation_id = st.ColumnText(1);
  k.use = st.ColumnText(2);
  k.name = st.ColumnText(3);
  k.public_key = st.ColumnBlob(4);
  k.created_at = ToInstant(st.ColumnInt(5));
  k.revoked_at = OptionalInstant(st, 6);
  if (k.public_key.size() != 32) {
    return Err(Corrupt("package_keys", k.id, "the public key is not 32 bytes"));
  }
  return k;
}

Result<SecurityEvent> ReadSecurityEvent(const Statement& st) {
  SecurityEvent e;
  e.seq = st.ColumnInt(0);
  e.at = ToInstant(st.ColumnInt(1));
  e.kind = st.ColumnText(2);
  e.reason = st.ColumnText(3);
  e.organisation_id = st.ColumnText(4);
  e.detail_json = st.ColumnText(5);
  return e;
}

// The single row of `st`, or kNotFound with `missing`.
template <typename Reader>
auto ReadOne(Statement& st, Reader read, std::string_view missing)
    -> decltype(read(st)) {
  EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Err(NotFoundError(std::string(missing)));
  return read(st);
}

// Every row of `st`.
template <typename Reader>
auto ReadAll(Statement& st, Reader read)
    -> Result<std::vector<typename decltype(read(st))::value_type>> {
  std::vector<typename decltype(read(st))::value_type> out;
  while (true) {
    EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    EVIDEX_ASSIGN_OR_RETURN(auto item, read(st));
    out.push_back(std::move(item));
  }
}

// Prefixes a failure with what was being done: "get case `c1`: no such case".
// An id too long to be valid is cut short.
Status Annotate(Status s, std::string_view what, std::string_view id) {
  if (s.ok()) return s;
  constexpr std::size_t kMaxShown = 160;
  std::string m(what);
  if (!id.empty()) {
    m += " `";
    m += id.substr(0, kMaxShown);
    m += id.size() > kMaxShown ? "...`" : "`";
  }
  m += ": ";
  m += s.message();
  return Status(s.code(), std::move(m));
}

// Runs `body` and annotates its failure with `what` and `id`.
template <typename Body>
auto WithContext(std::string_view what, std::string_view id, Body body)
    -> decltype(body()) {
  auto result = body();
  if constexpr (std::is_same_v<decltype(result), Status>) {
    return Annotate(std::move(result), what, id);
  } else {
    if (result.has_value()) return result;
    return Err(Annotate(std::move(result).error(), what, id));
  }
}

// ---------------------------------------------------------------------------------------------
// The store and its transactions.

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, const SqliteStoreOptions& options,
              Database writer, int schema_version)
      : path_(std::move(path)),
        options_(options),
        schema_version_(schema_version),
        writer_(std::move(writer)) {}

  ~SqliteStore() override {
    assert(open_transactions_.load() == 0 &&
           "every Transaction must end before its Store is destroyed");
  }

  Result<std::unique_ptr<Transaction>> Begin() override;
  Result<std::unique_ptr<Transaction>> BeginRead() override;
  Status Write(const std::function<Status(Transaction&)>& work) override;
  int SchemaVersion() const override { return schema_version_; }

  // Called by a write transaction when it ends.
  void ReleaseWriter();
  // Called by a read transaction when it ends, with its connection.
  void ReturnReader(std::unique_ptr<Database> reader);

 private:
  Result<std::unique_ptr<Database>> TakeReader();

  const std::string path_;
  const SqliteStoreOptions options_;
  const int schema_version_;
  Database writer_;

  std::mutex writer_mu_;
  std::condition_variable writer_cv_;
  bool writer_busy_ = false;  // guarded by writer_mu_

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Database>>
      idle_readers_;  // guarded by readers_mu_

  std::atomic<int> open_transactions_{0};

  // Group commit (Write): callers queue their work; one of them at a time (the
  // leader) commits everything queued so far in one transaction. Each waiting
  // caller is woken exactly once: with its result, or to lead the next batch.
  // (A condition variable, not a std::binary_semaphore: libstdc++'s semaphore
  // spins in sched_yield before it sleeps, which cost a sixth of the CPU under
  // load.)
  struct Job {
    const std::function<Status(Transaction&)>* work = nullptr;
    Status status;
    bool lead = false;   // guarded by group_mu_: lead the next batch
    bool woken = false;  // guarded by group_mu_
    std::condition_variable wake;
  };
  void CommitBatch(const std::vector<Job*>& batch);
  std::mutex group_mu_;
  std::vector<Job*> pending_;  // guarded by group_mu_
  bool committing_ = false;    // guarded by group_mu_
};

class SqliteTransaction final : public Transaction {
 public:
  // A write transaction on the store's writer connection, after BEGIN
  // IMMEDIATE.
  SqliteTransaction(SqliteStore* store, Database* writer)
      : store_(store), db_(writer) {}
  // A read transaction on its own connection, after its snapshot was taken.
  SqliteTransaction(SqliteStore* store, std::unique_ptr<Database> reader)
      : store_(store), reader_(std::move(reader)), db_(reader_.get()) {}

  ~SqliteTransaction() override {
    if (!open_) return;
    // A failed rollback leaves the connection inside the transaction: a reader
    // is then discarded (ReturnReader), and the writer's next BEGIN fails and
    // says so.
    Status rolled_back = RunSql(*db_, kRollback);
    static_cast<void>(rolled_back);
    End();
  }

  Status PutOrganisation(const Organisation& org) override {
    return WithContext("put organisation", org.id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(std::string authorities,
                              EncodeList(org.authorities, "authorities"));
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertOrganisation));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(org.id, org.name, org.kind, org.state,
                                        authorities, Millis(org.created_at),
                                        std::int64_t{org.four_eyes_emergency}));
      return st.Run();
    });
  }

  Status SetFourEyesEmergency(const std::string& organisation_id,
                              bool on) override {
    return WithContext("set four eyes", organisation_id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st,
                              Prepare(*db_, kSetFourEyesEmergency));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(organisation_id, std::int64_t{on}));
      EVIDEX_RETURN_IF_ERROR(st.Run());
      if (db_->Changes() == 0) return NotFoundError("no such organisation");
      return OkStatus();
    });
  }

  Result<Organisation> GetOrganisation(const std::string& id) override {
    return WithContext("get organisation", id, [&]() -> Result<Organisation> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectOrganisation));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
      return ReadOne(st, ReadOrganisation, "no such organisation");
    });
  }

  Result<std::vector<Organisation>> ListOrganisations() override {
    return WithContext("list organisations", "",
                       [&]() -> Result<std::vector<Organisation>> {
                         EVIDEX_RETURN_IF_ERROR(CheckOpen());
                         EVIDEX_ASSIGN_OR_RETURN(
                             Statement st, Prepare(*db_, kListOrganisations));
                         return ReadAll(st, ReadOrganisation);
                       });
  }

  Status PutPerson(const Person& person) override {
    return WithContext("put person", person.id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(std::string roles,
                              EncodeList(person.roles, "roles"));
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertPerson));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(
          person.id, person.organisation_id, person.name, person.email, roles,
          person.password_hash, person.disabled, Millis(person.created_at)));
      return st.Run();
    });
  }

  Status UpdatePerson(const Person& person) override {
    return WithContext("update person", person.id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(std::string roles,
                              EncodeList(person.roles, "roles"));
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kUpdatePerson));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(person.id, person.organisation_id,
                                        person.name, person.email, roles,
                                        person.password_hash, person.disabled));
      EVIDEX_RETURN_IF_ERROR(st.Run());
      if (db_->Changes() == 0) return NotFoundError("no such person");
      return OkStatus();
    });
  }

  Result<Person> GetPerson(const std::string& id) override {
    return WithContext("get person", id, [&]() -> Result<Person> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectPerson));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
      return ReadOne(st, ReadPerson, "no such person");
    });
  }

  Result<Person> GetPersonByEmail(const std::string& email) override {
    return WithContext("get person by email", email, [&]() -> Result<Person> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st,
                              Prepare(*db_, kSelectPersonByEmail));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(email));
      return ReadOne(st, ReadPerson, "no person has this email");
    });
  }

  Result<std::vector<Person>> ListPeople(
      const std::string& organisation_id) override {
    return WithContext(
        "list people of organisation", organisation_id,
        [&]() -> Result<std::vector<Person>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kListPeople));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(organisation_id));
          EVIDEX_ASSIGN_OR_RETURN(auto people, ReadAll(st, ReadPerson));
          if (people.empty()) {
            EVIDEX_RETURN_IF_ERROR(Exists(kOrganisationExists, organisation_id,
                                          "no such organisation"));
          }
          return people;
        });
  }

  Status PutApiToken(const ApiToken& token) override {
    return WithContext("put api token", token.id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(std::string scopes,
                              EncodeList(token.scopes, "scopes"));
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertApiToken));
      EVIDEX_RETURN_IF_ERROR(
          st.BindAll(token.id, token.person_id, token.token_hash, scopes,
                     Millis(token.created_at), Millis(token.expires_at),
                     Millis(token.revoked_at)));
      return st.Run();
    });
  }

  Result<ApiToken> GetApiTokenByHash(const std::string& token_hash) override {
    // The hash identifies a secret: it is not repeated in messages.
    return WithContext("get api token by hash", "", [&]() -> Result<ApiToken> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st,
                              Prepare(*db_, kSelectApiTokenByHash));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(token_hash));
      return ReadOne(st, ReadApiToken, "no api token has this hash");
    });
  }

  Result<ApiToken> GetApiToken(const std::string& id) override {
    return WithContext("get api token", id, [&]() -> Result<ApiToken> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectApiToken));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
      return ReadOne(st, ReadApiToken, "no such api token");
    });
  }

  Status RevokeApiToken(const std::string& id, Instant at) override {
    return WithContext("revoke api token", id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kRevokeApiToken));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id, Millis(at)));
      EVIDEX_RETURN_IF_ERROR(st.Run());
      if (db_->Changes() == 0) return NotFoundError("no such api token");
      return OkStatus();
    });
  }

  Status PutSession(const Session& session) override {
    return WithContext("put session", "", [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertSession));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(
          session.id_hash, session.person_id, Millis(session.created_at),
          Millis(session.expires_at), Millis(session.revoked_at)));
      return st.Run();
    });
  }

  Result<Session> GetSession(const std::string& id_hash) override {
    return WithContext("get session", "", [&]() -> Result<Session> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectSession));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id_hash));
      return ReadOne(st, ReadSession, "no such session");
    });
  }

  Status RevokeSession(const std::string& id_hash, Instant at) override {
    return WithContext("revoke session", "", [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kRevokeSession));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id_hash, Millis(at)));
      EVIDEX_RETURN_IF_ERROR(st.Run());
      if (db_->Changes() == 0) return NotFoundError("no such session");
      return OkStatus();
    });
  }

  Result<CaseEvent> CreateCase(const Case& c,
                               const std::vector<CaseParty>& parties,
                               const CaseEvent& first) override {
    return WithContext("create case", c.id, [&]() -> Result<CaseEvent> {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      if (first.case_id != c.id) {
        return Err(InvalidArgumentError("the first event is for case `" +
                                        first.case_id + "`"));
      }
      for (const CaseParty& party : parties) {
        if (party.case_id != c.id) {
          return Err(InvalidArgumentError("a party is for case `" +
                                          party.case_id + "`"));
        }
      }
      // A savepoint makes the case, its parties and its event one change: a
      // failure midway leaves the transaction as it was.
      EVIDEX_RETURN_IF_ERROR(RunSql(*db_, kSavepoint));
      Result<CaseEvent> created = InsertCase(c, parties, first);
      if (created.has_value()) {
        EVIDEX_RETURN_IF_ERROR(RunSql(*db_, kReleaseSavepoint));
        return created;
      }
      Status undone = RunSql(*db_, kRollbackToSavepoint);
      if (undone.ok()) undone = RunSql(*db_, kReleaseSavepoint);
      // The savepoint is gone only when SQLite has rolled back the whole
      // transaction (after an I/O error, say); either way nothing of the case
      // remains, and the first error is the one to report.
      static_cast<void>(undone);
      return created;
    });
  }

  Result<Case> GetCase(const std::string& id) override {
    return WithContext("get case", id, [&]() -> Result<Case> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectCase));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
      return ReadOne(st, ReadCase, "no such case");
    });
  }

  Result<std::int64_t> UpdateCase(const Case& c) override {
    return WithContext("update case", c.id, [&]() -> Result<std::int64_t> {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      {
        EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kUpdateCase));
        EVIDEX_RETURN_IF_ERROR(st.BindAll(
            c.id, c.version, c.procedure, c.state, c.issuing_organisation_id,
            Millis(c.updated_at), c.content_json, c.decision_json));
        EVIDEX_ASSIGN_OR_RETURN(bool updated, st.Step());
        if (updated) return st.ColumnInt(0);
      }
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectCaseVersion));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(c.id));
      EVIDEX_ASSIGN_OR_RETURN(bool found, st.Step());
      if (!found) return Err(NotFoundError("no such case"));
      return Err(Status(StatusCode::kConflict,
                        "the case is at version " +
                            std::to_string(st.ColumnInt(0)) + ", not " +
                            std::to_string(c.version)));
    });
  }

  Status AddCaseParty(const CaseParty& party) override {
    return WithContext("add party to case", party.case_id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      return InsertParty(party);
    });
  }

  Result<std::vector<CaseParty>> ListCaseParties(
      const std::string& case_id) override {
    return WithContext("list parties of case", case_id,
                       [&]() -> Result<std::vector<CaseParty>> {
                         EVIDEX_RETURN_IF_ERROR(CheckOpen());
                         EVIDEX_ASSIGN_OR_RETURN(
                             Statement st, Prepare(*db_, kListCaseParties));
                         EVIDEX_RETURN_IF_ERROR(st.BindAll(case_id));
                         EVIDEX_ASSIGN_OR_RETURN(auto parties,
                                                 ReadAll(st, ReadCaseParty));
                         if (parties.empty()) {
                           EVIDEX_RETURN_IF_ERROR(
                               Exists(kCaseExists, case_id, "no such case"));
                         }
                         return parties;
                       });
  }

  Result<CasePage> ListCasesForOrganisation(const std::string& organisation_id,
                                            const std::string& cursor,
                                            int limit) override {
    return WithContext(
        "list cases of organisation", organisation_id,
        [&]() -> Result<CasePage> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          if (limit < 1) {
            return Err(InvalidArgumentError("the limit " +
                                            std::to_string(limit) +
                                            " is not a positive number"));
          }
          // One row more than asked tells whether there is a further page.
          std::int64_t fetch = static_cast<std::int64_t>(limit) + 1;
          std::vector<Case> cases;
          if (cursor.empty()) {
            EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                    Prepare(*db_, kListCasesFirstPage));
            EVIDEX_RETURN_IF_ERROR(st.BindAll(organisation_id, fetch));
            EVIDEX_ASSIGN_OR_RETURN(cases, ReadAll(st, ReadCase));
          } else {
            EVIDEX_ASSIGN_OR_RETURN(CursorPosition after, DecodeCursor(cursor));
            EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                    Prepare(*db_, kListCasesAfter));
            EVIDEX_RETURN_IF_ERROR(st.BindAll(organisation_id, after.created_at,
                                              after.case_id, fetch));
            EVIDEX_ASSIGN_OR_RETURN(cases, ReadAll(st, ReadCase));
          }
          if (cases.empty()) {
            EVIDEX_RETURN_IF_ERROR(Exists(kOrganisationExists, organisation_id,
                                          "no such organisation"));
          }
          CasePage page;
          if (cases.size() > static_cast<std::size_t>(limit)) {
            cases.resize(static_cast<std::size_t>(limit));
            page.next_cursor = EncodeCursor(cases.back());
          }
          page.cases = std::move(cases);
          return page;
        });
  }

  Result<CaseEvent> AppendEvent(const CaseEvent& event) override {
    return WithContext("append event to case", event.case_id,
                       [&]() -> Result<CaseEvent> {
                         EVIDEX_RETURN_IF_ERROR(CheckWritable());
                         return InsertEvent(event);
                       });
  }

  Result<std::vector<CaseEvent>> ListEvents(
      const std::string& case_id) override {
    return WithContext(
        "list events of case", case_id,
        [&]() -> Result<std::vector<CaseEvent>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kListEvents));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(case_id));
          EVIDEX_ASSIGN_OR_RETURN(auto events, ReadAll(st, ReadEvent));
          if (events.empty()) {
            EVIDEX_RETURN_IF_ERROR(
                Exists(kCaseExists, case_id, "no such case"));
          }
          return events;
        });
  }

  Status PutDeadline(const Deadline& d) override {
    return WithContext("put deadline of case", d.case_id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kPutDeadline));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(d.case_id, d.name, d.rule_id,
                                        Millis(d.due_at), Millis(d.warn_at),
                                        d.status));
      return st.Run();
    });
  }

  Result<std::vector<Deadline>> ListDeadlines(
      const std::string& case_id) override {
    return WithContext(
        "list deadlines of case", case_id,
        [&]() -> Result<std::vector<Deadline>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kListDeadlines));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(case_id));
          EVIDEX_ASSIGN_OR_RETURN(auto deadlines, ReadAll(st, ReadDeadline));
          if (deadlines.empty()) {
            EVIDEX_RETURN_IF_ERROR(
                Exists(kCaseExists, case_id, "no such case"));
          }
          return deadlines;
        });
  }

  Result<std::vector<Deadline>> ListDeadlinesToCheck(Instant now,
                                                     int limit) override {
    return WithContext(
        "list deadlines to check", "", [&]() -> Result<std::vector<Deadline>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          if (limit < 1) {
            return Err(InvalidArgumentError("the limit " +
                                            std::to_string(limit) +
                                            " is not a positive number"));
          }
          EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                  Prepare(*db_, kListDeadlinesToCheck));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(Millis(now), limit));
          return ReadAll(st, ReadDeadline);
        });
  }

  Status RecordAccess(const AccessRecord& record) override {
    return WithContext(
        "record access to case", record.case_id, [&]() -> Status {
          EVIDEX_RETURN_IF_ERROR(CheckWritable());
          EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertAccess));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(
              record.person_id, record.organisation_id, record.case_id,
              record.action, record.purpose, Millis(record.at)));
          return st.Run();
        });
  }

  Result<std::vector<AccessRecord>> ListAccess(
      const std::string& case_id) override {
    return WithContext(
        "list access to case", case_id,
        [&]() -> Result<std::vector<AccessRecord>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kListAccess));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(case_id));
          EVIDEX_ASSIGN_OR_RETURN(auto records, ReadAll(st, ReadAccess));
          if (records.empty()) {
            EVIDEX_RETURN_IF_ERROR(
                Exists(kCaseExists, case_id, "no such case"));
          }
          return records;
        });
  }

  Result<std::optional<IdempotencyRecord>> GetIdempotency(
      const std::string& person_id, const std::string& key) override {
    return WithContext("get idempotency record", key,
                       [&]() -> Result<std::optional<IdempotencyRecord>> {
                         EVIDEX_RETURN_IF_ERROR(CheckOpen());
                         EVIDEX_ASSIGN_OR_RETURN(
                             Statement st, Prepare(*db_, kSelectIdempotency));
                         EVIDEX_RETURN_IF_ERROR(st.BindAll(person_id, key));
                         EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
                         if (!row) return std::nullopt;
                         EVIDEX_ASSIGN_OR_RETURN(IdempotencyRecord record,
                                                 ReadIdempotency(st));
                         return record;
                       });
  }

  Status PutIdempotency(const IdempotencyRecord& record) override {
    return WithContext("put idempotency record", record.key, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertIdempotency));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(
          record.key, record.person_id, record.request_hash, record.status_code,
          record.response_body, Millis(record.created_at)));
      return st.Run();
    });
  }

  Status PutAttachment(const Attachment& a) override {
    return WithContext("put attachment", a.id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      if (HexSha256(a.bytes) != a.sha256) {
        return InvalidArgumentError("sha256 `" + a.sha256.substr(0, 80) +
                                    "` is not the hash of the bytes");
      }
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertAttachment));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(a.id, a.case_id, a.name, a.media_type,
                                        a.sha256, Blob{a.bytes},
                                        Millis(a.created_at)));
      return st.Run();
    });
  }

  Result<Attachment> GetAttachment(const std::string& id) override {
    return WithContext("get attachment", id, [&]() -> Result<Attachment> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectAttachment));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
      return ReadOne(st, ReadAttachment, "no such attachment");
    });
  }

  Status PutOrganisationKey(const OrganisationKey& k) override {
    return WithContext("put organisation key", k.id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_RETURN_IF_ERROR(Exists(kOrganisationExists, k.organisation_id,
                                    "no such organisation"));
      EVIDEX_ASSIGN_OR_RETURN(Statement st,
                              Prepare(*db_, kInsertOrganisationKey));
      EVIDEX_RETURN_IF_ERROR(
          st.BindAll(k.id, k.organisation_id, k.kind, Blob{k.public_key},
                     Blob{k.sealed_secret}, Millis(k.valid_from),
                     Millis(k.valid_until), Millis(k.revoked_at)));
      return st.Run();
    });
  }

  Result<OrganisationKey> GetOrganisationKey(const std::string& id) override {
    return WithContext(
        "get organisation key", id, [&]() -> Result<OrganisationKey> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                  Prepare(*db_, kSelectOrganisationKey));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
          return ReadOne(st, ReadOrganisationKey, "no such organisation key");
        });
  }

  Result<std::vector<OrganisationKey>> ListOrganisationKeys(
      const std::string& organisation_id) override {
    return WithContext("list organisation keys", organisation_id,
                       [&]() -> Result<std::vector<OrganisationKey>> {
                         EVIDEX_RETURN_IF_ERROR(CheckOpen());
                         EVIDEX_ASSIGN_OR_RETURN(
                             Statement st,
                             Prepare(*db_, kListOrganisationKeys));
                         EVIDEX_RETURN_IF_ERROR(st.BindAll(organisation_id));
                         return ReadAll(st, ReadOrganisationKey);
                       });
  }

  Status RetireOrganisationKey(const std::string& id, Instant at) override {
    return SetKeyTime(kRetireOrganisationKey, "retire organisation key", id,
                      at);
  }

  Status RevokeOrganisationKey(const std::string& id, Instant at) override {
    return SetKeyTime(kRevokeOrganisationKey, "revoke organisation key", id,
                      at);
  }

  Status PutPackageKey(const PackageKey& k) override {
    return WithContext("put package key", k.id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_RETURN_IF_ERROR(Exists(kOrganisationExists, k.organisation_id,
                                    "no such organisation"));
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertPackageKey));
      EVIDEX_RETURN_IF_ERROR(
          st.BindAll(k.id, k.organisation_id, k.use, k.name, Blob{k.public_key},
                     Millis(k.created_at), Millis(k.revoked_at)));
      return st.Run();
    });
  }

  Result<PackageKey> GetPackageKey(const std::string& id) override {
    return WithContext("get package key", id, [&]() -> Result<PackageKey> {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectPackageKey));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
      return ReadOne(st, ReadPackageKey, "no such package key");
    });
  }

  Result<std::vector<PackageKey>> ListPackageKeys(
      const std::string& organisation_id) override {
    return WithContext("list package keys", organisation_id,
                       [&]() -> Result<std::vector<PackageKey>> {
                         EVIDEX_RETURN_IF_ERROR(CheckOpen());
                         EVIDEX_ASSIGN_OR_RETURN(
                             Statement st, Prepare(*db_, kListPackageKeys));
                         EVIDEX_RETURN_IF_ERROR(st.BindAll(organisation_id));
                         return ReadAll(st, ReadPackageKey);
                       });
  }

  Status RevokePackageKey(const std::string& id, Instant at) override {
    return WithContext("revoke package key", id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kRevokePackageKey));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id, Millis(at)));
      EVIDEX_RETURN_IF_ERROR(st.Run());
      if (db_->Changes() == 0) return NotFoundError("no such package key");
      return OkStatus();
    });
  }

  Result<SecurityEvent> AppendSecurityEvent(const SecurityEvent& e) override {
    return WithContext(
        "append security event", e.kind, [&]() -> Result<SecurityEvent> {
          EVIDEX_RETURN_IF_ERROR(CheckWritable());
          EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                  Prepare(*db_, kInsertSecurityEvent));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(Millis(e.at), e.kind, e.reason,
                                            e.organisation_id, e.detail_json));
          EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) return Err(InternalError("the insert returned no seq"));
          SecurityEvent stored = e;
          stored.seq = st.ColumnInt(0);
          return stored;
        });
  }

  Result<std::vector<SecurityEvent>> ListSecurityEvents(
      const std::string& organisation_id, std::int64_t before_seq,
      int limit) override {
    return WithContext("list security events", "",
                       [&]() -> Result<std::vector<SecurityEvent>> {
                         EVIDEX_RETURN_IF_ERROR(CheckOpen());
                         EVIDEX_ASSIGN_OR_RETURN(
                             Statement st, Prepare(*db_, kListSecurityEvents));
                         EVIDEX_RETURN_IF_ERROR(st.BindAll(
                             organisation_id, before_seq, std::int64_t{limit}));
                         return ReadAll(st, ReadSecurityEvent);
                       });
  }

  Result<std::vector<CaseEvent>> ListEventsAfter(std::int64_t after_global_seq,
                                                 int limit) override {
    return WithContext(
        "list events after", std::to_string(after_global_seq),
        [&]() -> Result<std::vector<CaseEvent>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          if (limit < 1) {
            return Err(InvalidArgumentError("limit must be at least 1"));
          }
          EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                  Prepare(*db_, kListEventsAfter));
          EVIDEX_RETURN_IF_ERROR(
              st.BindAll(after_global_seq, std::int64_t{limit}));
          return ReadAll(st, ReadEvent);
        });
  }

  Status PutEventLeaf(std::int64_t global_seq,
                      std::int64_t leaf_index) override {
    return WithContext(
        "put event leaf", std::to_string(global_seq), [&]() -> Status {
          EVIDEX_RETURN_IF_ERROR(CheckWritable());
          {
            EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kEventExists));
            EVIDEX_RETURN_IF_ERROR(st.BindAll(global_seq));
            EVIDEX_ASSIGN_OR_RETURN(bool found, st.Step());
            if (!found) return NotFoundError("no such event");
          }
          EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                  Prepare(*db_, kInsertEventLeaf));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(global_seq, leaf_index));
          return st.Run();
        });
  }

  Result<std::optional<CaseEvent>> LastLoggedEvent() override {
    return WithContext(
        "last logged event", "", [&]() -> Result<std::optional<CaseEvent>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          EVIDEX_ASSIGN_OR_RETURN(Statement st,
                                  Prepare(*db_, kLastLoggedEvent));
          EVIDEX_ASSIGN_OR_RETURN(auto events, ReadAll(st, ReadEvent));
          if (events.empty()) return std::optional<CaseEvent>();
          return std::optional<CaseEvent>(std::move(events.front()));
        });
  }

  Result<std::optional<std::string>> GetCaseSalt(
      const std::string& case_id) override {
    return WithContext(
        "get salt of case", case_id,
        [&]() -> Result<std::optional<std::string>> {
          EVIDEX_RETURN_IF_ERROR(CheckOpen());
          EVIDEX_RETURN_IF_ERROR(Exists(kCaseExists, case_id, "no such case"));
          EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kSelectCaseSalt));
          EVIDEX_RETURN_IF_ERROR(st.BindAll(case_id));
          EVIDEX_ASSIGN_OR_RETURN(bool found, st.Step());
          if (!found) return std::optional<std::string>();
          return std::optional<std::string>(st.ColumnBlob(0));
        });
  }

  Status PutCaseSalt(const std::string& case_id,
                     const std::string& salt) override {
    return WithContext("put salt of case", case_id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_RETURN_IF_ERROR(Exists(kCaseExists, case_id, "no such case"));
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertCaseSalt));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(case_id, Blob{salt}));
      return st.Run();
    });
  }

  Status Commit() override {
    return WithContext("commit", "", [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckOpen());
      Status committed = RunSql(*db_, kCommit);
      if (!committed.ok() && db_->InTransaction()) {
        // The commit failed and left the transaction open: undo it, so that the
        // connection can serve the next one. The commit's error is the one to
        // report.
        Status rolled_back = RunSql(*db_, kRollback);
        static_cast<void>(rolled_back);
      }
      End();
      return committed;
    });
  }

 private:
  Status CheckOpen() const {
    if (!open_) return FailedPreconditionError("the transaction has ended");
    return OkStatus();
  }

  Status CheckWritable() const {
    EVIDEX_RETURN_IF_ERROR(CheckOpen());
    if (reader_ != nullptr) {
      return FailedPreconditionError("the transaction is read-only");
    }
    return OkStatus();
  }

  // OK when `exists_sql` finds the row `id`; kNotFound with `missing`
  // otherwise.
  Status Exists(std::string_view exists_sql, const std::string& id,
                std::string_view missing) {
    EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, exists_sql));
    EVIDEX_RETURN_IF_ERROR(st.BindAll(id));
    EVIDEX_ASSIGN_OR_RETURN(bool found, st.Step());
    if (!found) return NotFoundError(std::string(missing));
    return OkStatus();
  }

  // RetireOrganisationKey and RevokeOrganisationKey: one nullable time, set
  // once.
  Status SetKeyTime(std::string_view sql, std::string_view what,
                    const std::string& id, Instant at) {
    return WithContext(what, id, [&]() -> Status {
      EVIDEX_RETURN_IF_ERROR(CheckWritable());
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, sql));
      EVIDEX_RETURN_IF_ERROR(st.BindAll(id, Millis(at)));
      EVIDEX_RETURN_IF_ERROR(st.Run());
      if (db_->Changes() == 0) return NotFoundError("no such organisation key");
      return OkStatus();
    });
  }

  Status InsertParty(const CaseParty& party) {
    EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertCaseParty));
    EVIDEX_RETURN_IF_ERROR(
        st.BindAll(party.case_id, party.organisation_id, party.role));
    EVIDEX_RETURN_IF_ERROR(st.Run());
    if (db_->Changes() == 0) return NotFoundError("no such case");
    return OkStatus();
  }

  Result<CaseEvent> InsertEvent(const CaseEvent& event) {
    EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertEvent));
    EVIDEX_RETURN_IF_ERROR(st.BindAll(event.case_id, event.type,
                                      NullIfEmpty(event.actor_person_id),
                                      NullIfEmpty(event.actor_organisation_id),
                                      Millis(event.at), event.payload_json));
    EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Err(InternalError("INSERT ... RETURNING yielded no row"));
    CaseEvent stored = event;
    stored.seq = st.ColumnInt(0);
    stored.global_seq = st.ColumnInt(1);
    return stored;
  }

  // The steps of CreateCase, inside its savepoint.
  Result<CaseEvent> InsertCase(const Case& c,
                               const std::vector<CaseParty>& parties,
                               const CaseEvent& first) {
    {
      EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*db_, kInsertCase));
      EVIDEX_RETURN_IF_ERROR(
          st.BindAll(c.id, c.procedure, c.state, c.issuing_organisation_id,
                     Millis(c.created_at), Millis(c.updated_at), c.content_json,
                     c.decision_json));
      EVIDEX_RETURN_IF_ERROR(st.Run());
    }
    for (const CaseParty& party : parties) {
      Status added = InsertParty(party);
      if (!added.ok()) {
        return Err(Annotate(std::move(added), "party",
                            party.organisation_id + "` as `" + party.role));
      }
    }
    return InsertEvent(first);
  }

  // Ends the transaction and hands its connection back to the store.
  void End() {
    open_ = false;
    if (reader_ != nullptr) {
      store_->ReturnReader(std::move(reader_));
    } else {
      store_->ReleaseWriter();
    }
  }

  SqliteStore* const store_;
  std::unique_ptr<Database> reader_;  // owned by a read transaction only
  Database* const db_;
  bool open_ = true;
};

Result<std::unique_ptr<Transaction>> SqliteStore::Begin() {
  {
    std::unique_lock lock(writer_mu_);
    if (!writer_cv_.wait_for(lock, options_.busy_timeout,
                             [this] { return !writer_busy_; })) {
      return Err(UnavailableError(
          "begin: another write transaction held the database for longer "
          "than the busy timeout of " +
          std::to_string(options_.busy_timeout.count()) + " ms"));
    }
    writer_busy_ = true;
  }
  ++open_transactions_;
  Status begun = RunSql(writer_, kBeginImmediate);
  if (!begun.ok()) {
    ReleaseWriter();
    return Err(Annotate(std::move(begun), "begin", ""));
  }
  return std::make_unique<SqliteTransaction>(this, &writer_);
}

Status SqliteStore::Write(const std::function<Status(Transaction&)>& work) {
  Job job;
  job.work = &work;
  {
    std::lock_guard lock(group_mu_);
    pending_.push_back(&job);
    if (!committing_) {
      committing_ = true;
      job.lead = true;
    }
  }
  {
    std::unique_lock lock(group_mu_);
    if (!job.lead) {
      job.wake.wait(lock, [&] { return job.woken; });
      if (!job.lead) return job.status;  // a leader committed this job
    }
  }
  std::vector<Job*> batch;
  {
    std::lock_guard lock(group_mu_);
    batch.swap(pending_);
  }
  try {
    CommitBatch(batch);
  } catch (const std::exception& e) {
    for (Job* j : batch)
      j->status = InternalError(std::string("commit failed: ") + e.what());
  }
  // Waiters are notified under the lock: once it is released, a woken waiter
  // may return and destroy its Job.
  std::lock_guard lock(group_mu_);
  for (Job* j : batch) {
    if (j == &job) continue;
    j->woken = true;
    j->wake.notify_one();
  }
  if (pending_.empty()) {
    committing_ = false;
  } else {
    Job* next = pending_.front();
    next->lead = true;
    next->woken = true;
    next->wake.notify_one();
  }
  return job.status;
}

void SqliteStore::CommitBatch(const std::vector<Job*>& batch) {
  auto txn = Begin();
  if (!txn) {
    for (Job* j : batch) j->status = txn.error();
    return;
  }
  for (Job* j : batch) {
    // If SQLite rolled back the whole transaction (I/O error, out of memory),
    // later jobs would run outside it, each committing on its own: fail them
    // instead.
    if (!writer_.InTransaction()) {
      j->status = UnavailableError("the group transaction was rolled back");
      continue;
    }
    Status s = RunSql(writer_, kGroupSavepoint);
    if (s.ok()) {
      // Another caller's work runs on this thread: an exception from it must
      // not leave the batch (and every later writer) waiting for ever.
      try {
        s = (*j->work)(**txn);
      } catch (const std::exception& e) {
        s = InternalError(std::string("a write failed: ") + e.what());
      }
      if (!s.ok()) {
        Status undone = RunSql(writer_, kGroupRollback);
        static_cast<void>(undone);
      }
      Status released = RunSql(writer_, kGroupRelease);
      if (s.ok() && !released.ok()) s = released;
    }
    j->status = std::move(s);
  }
  Status committed = (*txn)->Commit();
  if (!committed.ok()) {
    for (Job* j : batch) {
      if (j->status.ok()) j->status = committed;
    }
  }
}

Result<std::unique_ptr<Transaction>> SqliteStore::BeginRead() {
  EVIDEX_ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, TakeReader());
  ++open_transactions_;
  Status begun = [&]() -> Status {
    EVIDEX_RETURN_IF_ERROR(RunSql(*reader, kBeginDeferred));
    EVIDEX_ASSIGN_OR_RETURN(Statement st, Prepare(*reader, kTakeSnapshot));
    Result<bool> stepped = st.Step();
    if (!stepped.has_value()) return stepped.error();
    return OkStatus();
  }();
  if (!begun.ok()) {
    ReturnReader(std::move(reader));
    return Err(Annotate(std::move(begun), "begin read", ""));
  }
  return std::make_unique<SqliteTransaction>(this, std::move(reader));
}

void SqliteStore::ReleaseWriter() {
  --open_transactions_;
  {
    std::lock_guard lock(writer_mu_);
    writer_busy_ = false;
  }
  writer_cv_.notify_one();
}

Result<std::unique_ptr<Database>> SqliteStore::TakeReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Database> reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  EVIDEX_ASSIGN_OR_RETURN(
      Database reader,
      Database::Open(
          path_, {.read_only = true, .busy_timeout = options_.busy_timeout}));
  return std::make_unique<Database>(std::move(reader));
}

void SqliteStore::ReturnReader(std::unique_ptr<Database> reader) {
  --open_transactions_;
  // A connection still inside a transaction (its rollback failed) is closed,
  // not reused.
  if (reader->InTransaction()) return;
  std::lock_guard lock(readers_mu_);
  if (idle_readers_.size() <
      static_cast<std::size_t>(options_.read_pool_size)) {
    idle_readers_.push_back(std::move(reader));
  }
}

// The text of the single row `sql` (a PRAGMA) yields.
Result<std::string> PragmaText(Database& db, std::string_view sql) {
  EVIDEX_ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::string();
  return st.ColumnText(0);
}

Result<std::unique_ptr<Store>> Open(const std::string& path, const Clock& clock,
                                    const SqliteStoreOptions& options) {
  if (options.read_pool_size < 0 || options.busy_timeout.count() < 0) {
    return Err(InvalidArgumentError(
        "the read pool size and the busy timeout must not be negative"));
  }
  EVIDEX_ASSIGN_OR_RETURN(
      Database writer,
      Database::Open(
          path, {.read_only = false, .busy_timeout = options.busy_timeout}));
  EVIDEX_ASSIGN_OR_RETURN(std::string mode,
                          PragmaText(writer, "PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return Err(InvalidArgumentError(
        "the database cannot use write-ahead logging (its journal mode is `" +
        mode + "`)"));
  }
  EVIDEX_RETURN_IF_ERROR(writer.Exec("PRAGMA synchronous = FULL"));
  EVIDEX_RETURN_IF_ERROR(writer.Exec("PRAGMA foreign_keys = ON"));
  // Both pragmas are silently ignored where unsupported: check that they hold.
  EVIDEX_ASSIGN_OR_RETURN(std::string synchronous,
                          PragmaText(writer, "PRAGMA synchronous"));
  EVIDEX_ASSIGN_OR_RETURN(std::string foreign_keys,
                          PragmaText(writer, "PRAGMA foreign_keys"));
  if (synchronous != "2" || foreign_keys != "1") {
    return Err(FailedPreconditionError(
        "this SQLite does not give synchronous=FULL (`" + synchronous +
        "`) and enforced foreign keys (`" + foreign_keys + "`)"));
  }
  EVIDEX_ASSIGN_OR_RETURN(int version, MigrateSqlite(writer, clock.Now()));
  return std::make_unique<SqliteStore>(path, options, std::move(writer),
                                       version);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path, const Clock& clock,
    const SqliteStoreOptions& options) {
  return WithContext("open the database", path,
                     [&] { return Open(path, clock, options); });
}

std::span<const std::string_view> SqliteStoreStatements() {
  return kStatements;
}

}  // namespace evidex::store
