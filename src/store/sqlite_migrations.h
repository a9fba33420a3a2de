// The SQLite schema as an ordered list of migrations, and the code that applies
// them.
//
// Migration N moves the schema from version N-1 to N; versions start at 1 and
// have no gaps. A migration is never edited once released: a change to the
// schema is a new migration. The table `schema_migrations` (version, name,
// applied_at) records each migration applied; its highest version is the
// database's schema version.
//
// Thread safety: the functions are thread-safe; MigrateSqlite uses the given
// connection, which must not be used by another thread meanwhile.
#ifndef EVIDEX_STORE_SQLITE_MIGRATIONS_H_
#define EVIDEX_STORE_SQLITE_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "store/sqlite.h"

namespace evidex::store {

struct SqliteMigration {
  int version;
  std::string_view name;
  std::string_view sql;  // one or more statements
};

// Every migration, in order of version.
std::span<const SqliteMigration> SqliteMigrations();

// Brings the database behind `db` to the latest schema version: applies each
// missing migration once, in its own transaction (BEGIN IMMEDIATE, so that two
// processes opening the same file do not both apply it), and records it with
// `now`. Returns the schema version. Fails with kFailedPrecondition when the
// database is at a version newer than this build knows, kDataLoss when
// schema_migrations is not the versions 1..N, and with the migration's error
// otherwise.
Result<int> MigrateSqlite(sqlite::Database& db, Instant now);

}  // namespace evidex::store

#endif  // EVIDEX_STORE_SQLITE_MIGRATIONS_H_
