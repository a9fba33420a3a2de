#include "store/sqlite.h"

#include <cassert>
#include <utility>

namespace evidex::store::sqlite {
namespace {

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t min = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      min = 0x80;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      min = 0x800;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      min = 0x10000;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

Status BindStatus(sqlite3_stmt* stmt, int rc) {
  if (rc == SQLITE_OK) return OkStatus();
  return ErrorStatus(rc, sqlite3_errmsg(sqlite3_db_handle(stmt)));
}

}  // namespace

Status ErrorStatus(int code, std::string_view message) {
  std::string m(message);
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status(StatusCode::kAlreadyExists, std::move(m));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return NotFoundError(m + ": a row it refers to does not exist");
    case SQLITE_CONSTRAINT_TRIGGER:
      return FailedPreconditionError(std::move(m));
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return InvalidArgumentError(std::move(m));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return UnavailableError(std::move(m));
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return ResourceExhaustedError(std::move(m));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(std::move(m));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return FailedPreconditionError(std::move(m));
    default:
      return InternalError(std::move(m));
  }
}

Statement::Statement(Statement&& other) noexcept
    : entry_(std::exchange(other.entry_, nullptr)) {}

Statement::~Statement() {
  if (entry_ == nullptr) return;
  // The result of reset repeats the last step's error, which was reported then.
  sqlite3_reset(entry_->stmt);
  sqlite3_clear_bindings(entry_->stmt);
  entry_->in_use = false;
}

Status Statement::BindText(int index, std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("text holds a NUL character");
  }
  if (!IsValidUtf8(text)) {
    return InvalidArgumentError("text is not valid UTF-8");
  }
  // A null pointer would bind NULL; an empty view may have one.
  const char* data = text.empty() ? "" : text.data();
  return BindStatus(entry_->stmt,
                    sqlite3_bind_text64(entry_->stmt, index, data, text.size(),
                                        SQLITE_TRANSIENT, SQLITE_UTF8));
}

Status Statement::BindInt(int index, std::int64_t value) {
  return BindStatus(entry_->stmt,
                    sqlite3_bind_int64(entry_->stmt, index,
                                       static_cast<sqlite3_int64>(value)));
}

Status Statement::BindBlob(int index, std::string_view bytes) {
  if (bytes.empty()) {
    return BindStatus(entry_->stmt,
                      sqlite3_bind_zeroblob(entry_->stmt, index, 0));
  }
  return BindStatus(entry_->stmt,
                    sqlite3_bind_blob64(entry_->stmt, index, bytes.data(),
                                        bytes.size(), SQLITE_TRANSIENT));
}

Status Statement::BindNull(int index) {
  return BindStatus(entry_->stmt, sqlite3_bind_null(entry_->stmt, index));
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(entry_->stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Err(ErrorStatus(rc, sqlite3_errmsg(sqlite3_db_handle(entry_->stmt))));
}

Status Statement::Run() {
  EVIDEX_ASSIGN_OR_RETURN(bool row, Step());
  if (row) {
    return InternalError(std::string("sqlite: statement `") +
                         sqlite3_sql(entry_->stmt) + "` yielded a row");
  }
  return OkStatus();
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(entry_->stmt, index) == SQLITE_NULL;
}

std::int64_t Statement::ColumnInt(int index) const {
  return sqlite3_column_int64(entry_->stmt, index);
}

std::string Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(entry_->stmt, index);
  if (text == nullptr) return std::string();
  return std::string(
      reinterpret_cast<const char*>(text),
      static_cast<std::size_t>(sqlite3_column_bytes(entry_->stmt, index)));
}

std::string Statement::ColumnBlob(int index) const {
  const void* bytes = sqlite3_column_blob(entry_->stmt, index);
  if (bytes == nullptr) return std::string();
  return std::string(
      static_cast<const char*>(bytes),
      static_cast<std::size_t>(sqlite3_column_bytes(entry_->stmt, index)));
}

Result<Database> Database::Open(const std::string& path,
                                const Options& options) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= options.read_only ? SQLITE_OPEN_READONLY
                             : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // The handle is closed by ~Database even when opening failed.
  Database db(raw);
  if (rc != SQLITE_OK) {
    return Err(ErrorStatus(
        rc, "cannot open the database `" + path +
                "`: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))));
  }
  sqlite3_extended_result_codes(raw, 1);
  rc =
      sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));
  if (rc != SQLITE_OK) return Err(ErrorStatus(rc, sqlite3_errmsg(raw)));
  // No memory map: in WAL mode a connection that starts a read after any
  // write drops its whole map, and remapping then faults in every page it
  // touches again, at a cost that grows with the file (a 2.4 GB store served
  // reads 40% slower than an empty one; with pread both serve alike, see
  // docs/PERFORMANCE.md). Each connection caches up to 16 MiB of pages.
  rc = sqlite3_exec(raw, "PRAGMA mmap_size = 0; PRAGMA cache_size = -16384",
                    nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Err(ErrorStatus(rc, sqlite3_errmsg(raw)));
  return db;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

Database::~Database() {
  for (auto& [sql, entry] : cache_) {
    assert(!entry.in_use && "a Statement outlived its Database");
    sqlite3_finalize(entry.stmt);
  }
  sqlite3_close_v2(db_);
}

Status Database::Exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return OkStatus();
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return ErrorStatus(rc, text);
}

Result<Statement> Database::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return Err(ErrorStatus(rc, std::string(sqlite3_errmsg(db_)) + " in `" +
                                     std::string(sql) + "`"));
    }
    it = cache_.emplace(std::string(sql), Statement::Entry{stmt, false}).first;
  }
  if (it->second.in_use) {
    return Err(InternalError("sqlite: statement `" + std::string(sql) +
                             "` is already in use"));
  }
  it->second.in_use = true;
  return Statement(&it->second);
}

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

bool Database::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace evidex::store::sqlite
