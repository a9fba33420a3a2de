// The SQLite backend of the store contract (store.h): one database file in WAL
// mode.
//
// One write connection, with synchronous=FULL (the WAL is fsynced before COMMIT
// returns) and foreign keys enforced, serves Begin(); write transactions take
// it in turn (a gate in the process, BEGIN IMMEDIATE between processes), each
// waiting at most the busy timeout at each of the two. BeginRead() takes a
// read-only connection from a small pool (opening another when all are busy, so
// readers never wait for each other) and starts a snapshot at once, so readers
// run beside the writer. Opening applies the schema migrations
// (sqlite_migrations.h).
//
// Every Transaction must end (Commit or destruction) before its Store is
// destroyed.
#ifndef EVIDEX_STORE_SQLITE_STORE_H_
#define EVIDEX_STORE_SQLITE_STORE_H_

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace evidex::store {

struct SqliteStoreOptions {
  // How long Begin() waits for the write lock, first for other transactions of
  // this process, then for other processes; also how long any statement waits
  // on a lock.
  std::chrono::milliseconds busy_timeout{5000};
  // How many idle read-only connections are kept for BeginRead().
  int read_pool_size = 4;
};

// Opens (creating if needed) the database file at `path` and brings its schema
// to the latest version, recording migrations with `clock`'s time. Fails with
// kInvalidArgument when the file cannot use write-ahead logging (e.g.
// `:memory:`), kFailedPrecondition when it was written by a newer schema
// version, kDataLoss when it is not a database, kUnavailable when it cannot be
// opened or is locked beyond the busy timeout.
Result<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path, const Clock& clock,
    const SqliteStoreOptions& options = {});

// Every SQL statement the store prepares inside its transactions, for tests
// that inspect their query plans.
std::span<const std::string_view> SqliteStoreStatements();

}  // namespace evidex::store

#endif  // EVIDEX_STORE_SQLITE_STORE_H_
