// Thin RAII wrappers over the SQLite C API: a connection (Database) and a
// borrowed, cached prepared statement (Statement), with every failure turned
// into a Status.
//
// Errors map to the evidex codes as follows (ErrorStatus):
//   UNIQUE or PRIMARY KEY constraint          kAlreadyExists
//   FOREIGN KEY constraint                    kNotFound (the row referred to
//   does not exist) trigger RAISE(ABORT) (append-only tables)
//   kFailedPrecondition other constraints (CHECK, NOT NULL), TOOBIG, MISMATCH,
//   text that is not UTF-8
//                                             kInvalidArgument
//   BUSY, LOCKED, IOERR, CANTOPEN, PROTOCOL   kUnavailable (retry)
//   FULL, NOMEM                               kResourceExhausted
//   CORRUPT, NOTADB                           kDataLoss (never retry)
//   READONLY, PERM, AUTH                      kFailedPrecondition
//   anything else (ERROR, MISUSE, RANGE, ...) kInternal (a bug in our SQL or
//   its use)
//
// Text bound to a statement must be valid UTF-8 without NUL characters: SQLite
// requires UTF-8 for TEXT, and PostgreSQL refuses both, so refusing them here
// keeps the two backends alike.
//
// Thread safety: connections are opened in SQLite's multi-thread mode. A
// Database, and every Statement borrowed from it, must be used by one thread at
// a time.
#ifndef EVIDEX_STORE_SQLITE_H_
#define EVIDEX_STORE_SQLITE_H_

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "core/status.h"

namespace evidex::store::sqlite {

// The Status for SQLite's (extended) result code `code`, whose text is
// `message`.
Status ErrorStatus(int code, std::string_view message);

// Marks bytes to be bound as a BLOB rather than TEXT.
struct Blob {
  std::string_view bytes;
};

// A prepared statement borrowed from its Database's cache. It is reset, with
// its bindings cleared, when the Statement is destroyed; the Database must
// outlive it. Binding copies the value.
class Statement {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Each Bind fails with kInvalidArgument for text that is not UTF-8 or holds a
  // NUL character, and for values longer than SQLite's limit. Parameters are
  // numbered from 1.
  Status BindText(int index, std::string_view text);
  Status BindInt(int index, std::int64_t value);
  Status BindBlob(int index, std::string_view bytes);
  Status BindNull(int index);

  // Binds `args` to parameters 1, 2, ...: strings as TEXT, integers and bools
  // as INTEGER, Blob as BLOB, and an empty std::optional as NULL.
  template <typename... Args>
  Status BindAll(const Args&... args) {
    Status status;
    int index = 0;
    auto bind = [&](const auto& arg) {
      ++index;
      if (status.ok()) status = BindOne(index, arg);
    };
    (bind(args), ...);
    return status;
  }

  // Runs the statement to its next row: true when a row is available, false
  // when done.
  Result<bool> Step();
  // Runs a statement that yields no rows to completion.
  Status Run();

  bool ColumnIsNull(int index) const;
  std::int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;

 private:
  friend class Database;
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  explicit Statement(Entry* entry) : entry_(entry) {}

  template <typename T>
  Status BindOne(int index, const T& value) {
    if constexpr (std::is_same_v<T, Blob>) {
      return BindBlob(index, value.bytes);
    } else if constexpr (std::is_same_v<T, bool>) {
      return BindInt(index, value ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      return BindInt(index, static_cast<std::int64_t>(value));
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return BindText(index, std::string_view(value));
    } else {
      // std::optional of any of the above: NULL when empty.
      if (!value.has_value()) return BindNull(index);
      return BindOne(index, *value);
    }
  }

  Entry* entry_;
};

class Database {
 public:
  struct Options {
    // Opens with SQLITE_OPEN_READONLY; otherwise read-write, creating the file
    // if needed.
    bool read_only = false;
    // How long a statement waits for another connection's lock before failing
    // with BUSY.
    std::chrono::milliseconds busy_timeout{5000};
  };

  // Opens the database file at `path`. Fails with kUnavailable when it cannot
  // be opened.
  static Result<Database> Open(const std::string& path, const Options& options);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  // Finalises every cached statement and closes the connection.
  ~Database();

  // Runs `sql`, one or more statements without parameters, discarding any rows.
  Status Exec(const std::string& sql);
  // Returns the statement for `sql`, prepared on first use and cached for the
  // connection's lifetime. Fails with kInternal when `sql` does not compile or
  // when the same statement is already borrowed.
  Result<Statement> Prepare(std::string_view sql);

  // Rows changed by the most recent INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;
  // Whether a transaction is open on this connection.
  bool InTransaction() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };

  explicit Database(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, Statement::Entry, Hash, std::equal_to<>>
      cache_;
};

}  // namespace evidex::store::sqlite

#endif  // EVIDEX_STORE_SQLITE_H_
