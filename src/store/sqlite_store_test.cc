#include "store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "store/sqlite.h"
#include "store/sqlite_migrations.h"
#include "store/store_conformance.h"

namespace evidex::store {
namespace {

using ::testing::HasSubstr;

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t millis)
      : now_(std::chrono::milliseconds(millis)) {}
  Instant Now() const override { return now_; }

 private:
  Instant now_;
};

constexpr std::int64_t kOpenedAt = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

const Clock& TheClock() {
  static const FixedClock clock(kOpenedAt);
  return clock;
}

Result<std::unique_ptr<Store>> OpenInDir(const std::string& dir) {
  return OpenSqliteStore(dir + "/evidex.db", TheClock());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
                         ::testing::Values(StoreFactory(OpenInDir)));

Instant At(std::int64_t seconds) {
  return Instant(std::chrono::milliseconds(kOpenedAt + seconds * 1000));
}

Organisation MakeOrganisation(const std::string& id) {
  return Organisation{.id = id,
                      .name = "Organisation " + id,
                      .kind = "service_provider",
                      .state = "IE",
                      .authorities = {},
                      .created_at = At(0)};
}

Case MakeCase(const std::string& id, Instant at) {
  return Case{.id = id,
              .procedure = "eu2023-1543.epoc",
              .state = "received",
              .issuing_organisation_id = "org-a",
              .version = 0,
              .created_at = at,
              .updated_at = at,
              .content_json = "{}",
              .decision_json = "{}"};
}

CaseEvent MakeEvent(const std::string& case_id, const std::string& type,
                    Instant at) {
  return CaseEvent{.case_id = case_id,
                   .seq = 0,
                   .global_seq = 0,
                   .type = type,
                   .actor_person_id = "",
                   .actor_organisation_id = "org-a",
                   .at = at,
                   .payload_json = "{}",
                   .leaf_index = std::nullopt};
}

// Creates case `id` of org-a, with org-a as issuer and its first event.
Result<CaseEvent> CreateCase(Transaction& tx, const std::string& id) {
  return tx.CreateCase(
      MakeCase(id, At(1)),
      {CaseParty{.case_id = id, .organisation_id = "org-a", .role = "issuer"}},
      MakeEvent(id, "created", At(1)));
}

// Each test gets a fresh directory holding the database file `path_`.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ =
        (std::filesystem::temp_directory_path() / "evidex-sqlite-XXXXXX")
            .string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    path_ = dir_ + "/evidex.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<std::unique_ptr<Store>> Open(const SqliteStoreOptions& options = {}) {
    return OpenSqliteStore(path_, TheClock(), options);
  }

  // A connection of our own to the file, to look behind the store.
  Result<sqlite::Database> Raw() {
    return sqlite::Database::Open(path_, sqlite::Database::Options{});
  }

  // Opens the store and commits org-a and the cases `ids`.
  void Populate(std::initializer_list<const char*> ids) {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, Open());
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
    for (const char* id : ids) EVIDEX_ASSERT_OK(CreateCase(*tx, id));
    EVIDEX_ASSERT_OK(tx->Commit());
  }

  std::string dir_;
  std::string path_;
};

// Column `column` of every row of `sql`, as text.
Result<std::vector<std::string>> Column(sqlite::Database& db,
                                        const std::string& sql, int column) {
  EVIDEX_ASSIGN_OR_RETURN(sqlite::Statement st, db.Prepare(sql));
  std::vector<std::string> out;
  while (true) {
    EVIDEX_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(st.ColumnText(column));
  }
}

// --- schema and migrations
// ----------------------------------------------------------------------

TEST_F(SqliteStoreTest, OpensAtTheLatestSchemaVersion) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, Open());
  std::span<const SqliteMigration> migrations = SqliteMigrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(store->SchemaVersion(), migrations.back().version);

  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      sqlite::Statement st, raw.Prepare("SELECT version, name, applied_at FROM "
                                        "schema_migrations ORDER BY version"));
  for (const SqliteMigration& m : migrations) {
    EVIDEX_ASSERT_OK_AND_ASSIGN(bool row, st.Step());
    ASSERT_TRUE(row) << "migration " << m.version << " is not recorded";
    EXPECT_EQ(st.ColumnInt(0), m.version);
    EXPECT_EQ(st.ColumnText(1), m.name);
    EXPECT_EQ(st.ColumnInt(2), kOpenedAt);
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(bool extra, st.Step());
  EXPECT_FALSE(extra);
}

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndAppliesNoMigrationTwice) {
  ASSERT_NO_FATAL_FAILURE(Populate({"case-1", "case-2"}));
  const FixedClock later(kOpenedAt + 86'400'000);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(path_, later));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store->BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case c, rx->GetCase("case-2"));
  EXPECT_EQ(c.version, 1);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, rx->ListEvents("case-1"));
  EXPECT_EQ(events.size(), 1u);

  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      auto applied, Column(raw, "SELECT applied_at FROM schema_migrations", 0));
  EXPECT_EQ(applied.size(), SqliteMigrations().size());
  for (const std::string& at : applied)
    EXPECT_EQ(at, std::to_string(kOpenedAt));
}

TEST_F(SqliteStoreTest, DatabaseOfANewerSchemaIsRefused) {
  ASSERT_NO_FATAL_FAILURE(Populate({}));
  int newer = SqliteMigrations().back().version + 1;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
    EVIDEX_ASSERT_OK(raw.Exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
        std::to_string(newer) + ", 'from the future', 0)"));
  }
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.error().message(),
              HasSubstr("schema version " + std::to_string(newer) + ", newer"));
  EXPECT_THAT(store.error().message(), HasSubstr(path_));
}

TEST_F(SqliteStoreTest, InconsistentMigrationRecordIsDataLoss) {
  ASSERT_NO_FATAL_FAILURE(Populate({}));
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
    EVIDEX_ASSERT_OK(
        raw.Exec("INSERT INTO schema_migrations (version, name, applied_at) "
                 "VALUES (0, 'before the first', 0)"));
  }
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kDataLoss);
  EXPECT_THAT(store.error().message(), HasSubstr("schema_migrations"));
}

TEST_F(SqliteStoreTest, UsesWriteAheadLogging) {
  ASSERT_NO_FATAL_FAILURE(Populate({}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto mode, Column(raw, "PRAGMA journal_mode", 0));
  EXPECT_THAT(mode, ::testing::ElementsAre("wal"));
}

TEST_F(SqliteStoreTest, InMemoryDatabaseIsRefused) {
  auto store = OpenSqliteStore(":memory:", TheClock());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.error().message(), HasSubstr("write-ahead logging"));
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsDataLoss) {
  {
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is not an SQLite database. ";
  }
  auto store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kDataLoss);
}

TEST_F(SqliteStoreTest, MissingDirectoryIsUnavailable) {
  auto store = OpenSqliteStore(dir_ + "/no/such/dir/evidex.db", TheClock());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kUnavailable);
}

TEST_F(SqliteStoreTest, EveryStatementAvoidsScansOfGrowingTables) {
  ASSERT_NO_FATAL_FAILURE(Populate({}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
  int searches = 0;
  for (std::string_view sql : SqliteStoreStatements()) {
    EVIDEX_ASSERT_OK_AND_ASSIGN(
        auto plan, Column(raw, "EXPLAIN QUERY PLAN " + std::string(sql), 3));
    for (const std::string& step : plan) {
      if (step.rfind("SEARCH ", 0) == 0) ++searches;
      // Only the list of organisations reads a whole table, which does not grow
      // with cases.
      if (step.rfind("SCAN ", 0) == 0) {
        EXPECT_EQ(step.rfind("SCAN organisations", 0), 0u)
            << step << " in " << sql;
      }
      // The paged and limited lists stream in index order, so that LIMIT stops
      // them early.
      if (sql.find("LIMIT") != std::string_view::npos) {
        EXPECT_THAT(step, ::testing::Not(HasSubstr("TEMP B-TREE"))) << sql;
      }
    }
  }
  EXPECT_GE(searches, 20);
}

// --- durability
// ---------------------------------------------------------------------------------

// A VFS that delegates everything to the default one and counts the syncs of
// WAL files. Registered as the default VFS while it lives; the store then uses
// it without knowing.
struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool is_wal;
};

std::atomic<int> wal_syncs{0};
sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs counting_vfs;
sqlite3_io_methods counting_methods;

sqlite3_file* Real(sqlite3_file* f) {
  return reinterpret_cast<CountingFile*>(f)->real;
}

int CountingOpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags,
                 int* out_flags) {
  auto* f = reinterpret_cast<CountingFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  file->pMethods = f->real->pMethods != nullptr ? &counting_methods : nullptr;
  return rc;
}

void InitCountingMethods() {
  sqlite3_io_methods& m = counting_methods;
  m.iVersion = 3;
  m.xClose = [](sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); };
  m.xRead = [](sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    return Real(f)->pMethods->xRead(Real(f), buf, n, off);
  };
  m.xWrite = [](sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
  };
  m.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
    return Real(f)->pMethods->xTruncate(Real(f), size);
  };
  m.xSync = [](sqlite3_file* f, int flags) {
    if (reinterpret_cast<CountingFile*>(f)->is_wal) ++wal_syncs;
    return Real(f)->pMethods->xSync(Real(f), flags);
  };
  m.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
    return Real(f)->pMethods->xFileSize(Real(f), size);
  };
  m.xLock = [](sqlite3_file* f, int level) {
    return Real(f)->pMethods->xLock(Real(f), level);
  };
  m.xUnlock = [](sqlite3_file* f, int level) {
    return Real(f)->pMethods->xUnlock(Real(f), level);
  };
  m.xCheckReservedLock = [](sqlite3_file* f, int* out) {
    return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
  };
  m.xFileControl = [](sqlite3_file* f, int op, void* arg) {
    return Real(f)->pMethods->xFileControl(Real(f), op, arg);
  };
  m.xSectorSize = [](sqlite3_file* f) {
    return Real(f)->pMethods->xSectorSize(Real(f));
  };
  m.xDeviceCharacteristics = [](sqlite3_file* f) {
    return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
  };
  m.xShmMap = [](sqlite3_file* f, int page, int size, int extend,
                 void volatile** out) {
    return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
  };
  m.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
    return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
  };
  m.xShmBarrier = [](sqlite3_file* f) {
    Real(f)->pMethods->xShmBarrier(Real(f));
  };
  m.xShmUnmap = [](sqlite3_file* f, int del) {
    return Real(f)->pMethods->xShmUnmap(Real(f), del);
  };
  m.xFetch = [](sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
    return Real(f)->pMethods->xFetch(Real(f), off, n, out);
  };
  m.xUnfetch = [](sqlite3_file* f, sqlite3_int64 off, void* p) {
    return Real(f)->pMethods->xUnfetch(Real(f), off, p);
  };
}

class ScopedCountingVfs {
 public:
  ScopedCountingVfs() {
    real_vfs = sqlite3_vfs_find(nullptr);
    InitCountingMethods();
    counting_vfs = *real_vfs;
    counting_vfs.pNext = nullptr;
    counting_vfs.zName = "evidex-counting";
    counting_vfs.szOsFile =
        static_cast<int>(sizeof(CountingFile)) + real_vfs->szOsFile;
    counting_vfs.xOpen = CountingOpen;
    sqlite3_vfs_register(&counting_vfs, 1);
  }
  ~ScopedCountingVfs() {
    sqlite3_vfs_unregister(&counting_vfs);
    sqlite3_vfs_register(real_vfs, 1);
  }
};

TEST_F(SqliteStoreTest, CommitSyncsTheLogBeforeReturning) {
  ScopedCountingVfs vfs;
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, Open());
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  for (int i = 0; i < 5; ++i) {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
    EVIDEX_ASSERT_OK(CreateCase(*tx, "case-" + std::to_string(i)));
    int before = wal_syncs.load();
    EVIDEX_ASSERT_OK(tx->Commit());
    EXPECT_GT(wal_syncs.load(), before)
        << "commit " << i << " returned unsynced";
  }
  // Reading syncs nothing.
  int before = wal_syncs.load();
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store->BeginRead());
  EVIDEX_ASSERT_OK(rx->GetCase("case-3"));
  EVIDEX_ASSERT_OK(rx->Commit());
  EXPECT_EQ(wal_syncs.load(), before);
  store.reset();
}

// Checks that the file holds org-a and every case of `ids`, each with its
// single event.
void ExpectCasesPresent(const std::string& path, const std::set<int>& ids) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteStore(path, TheClock()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store->BeginRead());
  EVIDEX_ASSERT_OK(rx->GetOrganisation("org-a"));
  for (int i : ids) {
    std::string id = "case-" + std::to_string(i);
    EVIDEX_ASSERT_OK_AND_ASSIGN(Case c, rx->GetCase(id));
    EXPECT_EQ(c.version, 1);
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, rx->ListEvents(id));
    ASSERT_EQ(events.size(), 1u) << id;
    EXPECT_EQ(events[0].seq, 1);
  }
}

// The child commits `count` cases (or until its pipe closes), writing each
// index to `ack_fd` after its Commit() returned, then kills itself without
// closing anything.
[[noreturn]] void CommitThenDie(const std::string& path, int count,
                                int ack_fd) {
  auto store = OpenSqliteStore(path, TheClock());
  if (!store.has_value()) _exit(2);
  {
    auto tx = (*store)->Begin();
    if (!tx.has_value() ||
        !(*tx)->PutOrganisation(MakeOrganisation("org-a")).ok() ||
        !(*tx)->Commit().ok()) {
      _exit(3);
    }
  }
  for (int i = 0; i < count; ++i) {
    auto tx = (*store)->Begin();
    if (!tx.has_value()) _exit(4);
    if (!CreateCase(**tx, "case-" + std::to_string(i)).has_value()) _exit(5);
    if (!(*tx)->Commit().ok()) _exit(6);
    if (ack_fd >= 0 &&
        write(ack_fd, &i, sizeof i) != static_cast<ssize_t>(sizeof i)) {
      _exit(7);
    }
  }
  kill(getpid(), SIGKILL);
  _exit(8);
}

TEST_F(SqliteStoreTest, CommitsSurviveTheProcessBeingKilled) {
  constexpr int kCommits = 40;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) CommitThenDie(path_, kCommits, -1);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wstatus))
      << "the child exited with " << WEXITSTATUS(wstatus);
  EXPECT_EQ(WTERMSIG(wstatus), SIGKILL);
  // The commits are in the write-ahead log, not yet in the database file:
  // reopening must recover them from it.
  EXPECT_GT(std::filesystem::file_size(path_ + "-wal"), 0u);
  std::set<int> all;
  for (int i = 0; i < kCommits; ++i) all.insert(i);
  ASSERT_NO_FATAL_FAILURE(ExpectCasesPresent(path_, all));
}

TEST_F(SqliteStoreTest, KillingTheWriterMidwayLosesNoAcknowledgedCommit) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    CommitThenDie(path_, 100000, fds[1]);
  }
  close(fds[1]);
  std::set<int> acknowledged;
  int i = 0;
  constexpr auto kIntSize = static_cast<ssize_t>(sizeof(int));
  while (acknowledged.size() < 25 && read(fds[0], &i, sizeof i) == kIntSize) {
    acknowledged.insert(i);
  }
  kill(pid, SIGKILL);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wstatus))
      << "the child exited with " << WEXITSTATUS(wstatus);
  // Acknowledgements written before the kill.
  while (read(fds[0], &i, sizeof i) == kIntSize) acknowledged.insert(i);
  close(fds[0]);
  ASSERT_GE(acknowledged.size(), 25u);
  ASSERT_NO_FATAL_FAILURE(ExpectCasesPresent(path_, acknowledged));
  // Nothing half-done: every case that exists is whole.
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      auto orphans,
      Column(raw,
             "SELECT count(*) FROM cases WHERE id NOT IN (SELECT case_id FROM "
             "events) OR id NOT IN (SELECT case_id FROM case_parties)",
             0));
  EXPECT_THAT(orphans, ::testing::ElementsAre("0"));
}

// --- concurrency
// --------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, ReadersRunConcurrentlyWithAWriter) {
  ASSERT_NO_FATAL_FAILURE(Populate({"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, Open({.read_pool_size = 2}));
  constexpr int kWrites = 60;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::mutex errors_mu;
  std::vector<std::string> errors;
  auto fail = [&](const std::string& what) {
    std::lock_guard lock(errors_mu);
    errors.push_back(what);
  };

  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      auto tx = store->Begin();
      if (!tx.has_value()) return fail(tx.error().ToString());
      auto c = (*tx)->GetCase("case-1");
      if (!c.has_value()) return fail(c.error().ToString());
      auto appended = (*tx)->AppendEvent(MakeEvent("case-1", "step", At(i)));
      if (!appended.has_value()) return fail(appended.error().ToString());
      auto updated = (*tx)->UpdateCase(*c);
      if (!updated.has_value()) return fail(updated.error().ToString());
      Status committed = (*tx)->Commit();
      if (!committed.ok()) return fail(committed.ToString());
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      // Each snapshot is consistent: one event per version.
      do {
        auto rx = store->BeginRead();
        if (!rx.has_value()) return fail(rx.error().ToString());
        auto c = (*rx)->GetCase("case-1");
        if (!c.has_value()) return fail(c.error().ToString());
        auto events = (*rx)->ListEvents("case-1");
        if (!events.has_value()) return fail(events.error().ToString());
        if (static_cast<std::int64_t>(events->size()) != c->version) {
          return fail("version " + std::to_string(c->version) + " with " +
                      std::to_string(events->size()) + " events");
        }
        ++reads;
      } while (!done.load());
    });
  }
  writer.join();
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_THAT(errors, ::testing::IsEmpty());
  EXPECT_GE(reads.load(), 4);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store->BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case c, rx->GetCase("case-1"));
  EXPECT_EQ(c.version, 1 + kWrites);
}

TEST_F(SqliteStoreTest, MoreReadersThanThePoolHolds) {
  ASSERT_NO_FATAL_FAILURE(Populate({"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, Open({.read_pool_size = 1}));
  for (int round = 0; round < 2; ++round) {
    std::vector<std::unique_ptr<Transaction>> open;
    for (int i = 0; i < 5; ++i) {
      EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store->BeginRead());
      EVIDEX_ASSERT_OK(rx->GetCase("case-1"));
      open.push_back(std::move(rx));
    }
  }
}

TEST_F(SqliteStoreTest, WriterOfAnotherProcessBeyondTheTimeoutIsUnavailable) {
  ASSERT_NO_FATAL_FAILURE(Populate({}));
  // Two stores on one file stand for two processes.
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto first, Open());
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      auto second, Open({.busy_timeout = std::chrono::milliseconds(100)}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto holding, first->Begin());
  EVIDEX_ASSERT_OK(holding->PutOrganisation(MakeOrganisation("org-b")));
  auto start = std::chrono::steady_clock::now();
  EVIDEX_EXPECT_CODE(second->Begin(), StatusCode::kUnavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(90));
  // Readers are not blocked.
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, second->BeginRead());
  EVIDEX_EXPECT_OK(rx->GetOrganisation("org-a"));
  EVIDEX_ASSERT_OK(holding->Commit());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, second->Begin());
  EVIDEX_EXPECT_OK(tx->GetOrganisation("org-b"));
}

TEST_F(SqliteStoreTest, WriterOfThisProcessBeyondTheTimeoutIsUnavailable) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      auto store, Open({.busy_timeout = std::chrono::milliseconds(100)}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto holding, store->Begin());
  auto refused = store->Begin();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable);
  EXPECT_THAT(refused.error().message(), HasSubstr("busy timeout of 100 ms"));
  holding.reset();
  EVIDEX_EXPECT_OK(store->Begin());
}

// --- corruption and the schema's own guards
// -----------------------------------------------------

TEST_F(SqliteStoreTest, UndecodableListIsDataLossNamingTableAndRow) {
  ASSERT_NO_FATAL_FAILURE(Populate({}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, Open());
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
    EVIDEX_ASSERT_OK(tx->PutPerson(Person{.id = "alice",
                                          .organisation_id = "org-a",
                                          .name = "Alice",
                                          .email = "alice@a.example",
                                          .roles = {"admin"},
                                          .password_hash = "",
                                          .disabled = false,
                                          .created_at = At(0)}));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
    EVIDEX_ASSERT_OK(raw.Exec(
        "UPDATE people SET roles = '{\"admin\": true}' WHERE id = 'alice'"));
    EVIDEX_ASSERT_OK(raw.Exec(
        "UPDATE organisations SET authorities = '[1]' WHERE id = 'org-a'"));
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store->BeginRead());
  auto person = rx->GetPerson("alice");
  ASSERT_FALSE(person.has_value());
  EXPECT_EQ(person.error().code(), StatusCode::kDataLoss);
  EXPECT_THAT(person.error().message(),
              HasSubstr("table `people` row `alice`: column `roles`"));
  auto org = rx->GetOrganisation("org-a");
  ASSERT_FALSE(org.has_value());
  EXPECT_EQ(org.error().code(), StatusCode::kDataLoss);
  EXPECT_THAT(org.error().message(),
              HasSubstr("table `organisations` row `org-a`"));
  EVIDEX_EXPECT_CODE(rx->ListOrganisations(), StatusCode::kDataLoss);
}

TEST_F(SqliteStoreTest, AlteredAttachmentBytesAreDataLoss) {
  ASSERT_NO_FATAL_FAILURE(Populate({"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto store, Open());
  {
    std::string bytes("evidence\0package", 16);
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
    EVIDEX_ASSERT_OK(tx->PutAttachment(
        Attachment{.id = "att-1",
                   .case_id = "case-1",
                   .name = "package.bin",
                   .media_type = "application/octet-stream",
                   .sha256 = crypto::HexEncode(crypto::Sha256(std::span(
                       reinterpret_cast<const std::uint8_t*>(bytes.data()),
                       bytes.size()))),
                   .bytes = bytes,
                   .created_at = At(0)}));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
    EVIDEX_ASSERT_OK(
        raw.Exec("UPDATE attachments SET bytes = X'00' WHERE id = 'att-1'"));
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store->BeginRead());
  auto got = rx->GetAttachment("att-1");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), StatusCode::kDataLoss);
  EXPECT_THAT(got.error().message(),
              HasSubstr("table `attachments` row `att-1`"));
}

TEST_F(SqliteStoreTest, EventsAndAccessRecordsAreAppendOnly) {
  ASSERT_NO_FATAL_FAILURE(Populate({"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
  EVIDEX_EXPECT_CODE(raw.Exec("UPDATE events SET type = 'forged'"),
                     StatusCode::kFailedPrecondition);
  EVIDEX_EXPECT_CODE(raw.Exec("DELETE FROM events"),
                     StatusCode::kFailedPrecondition);
  EVIDEX_ASSERT_OK(raw.Exec(
      "INSERT INTO people VALUES ('p', 'org-a', 'P', 'p@a.example', '[]', '', "
      "0, 0);"
      "INSERT INTO access_records (person_id, organisation_id, case_id, "
      "action, "
      "purpose, at) VALUES ('p', 'org-a', 'case-1', 'read_case', 'audit', 0)"));
  EVIDEX_EXPECT_CODE(raw.Exec("UPDATE access_records SET purpose = 'other'"),
                     StatusCode::kFailedPrecondition);
  EVIDEX_EXPECT_CODE(raw.Exec("DELETE FROM access_records"),
                     StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, SecurityLogIsAppendOnly) {
  ASSERT_NO_FATAL_FAILURE(Populate({}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database raw, Raw());
  EVIDEX_ASSERT_OK(
      raw.Exec("INSERT INTO security_events (at, kind, reason, "
               "organisation_id, detail_json) VALUES (0, "
               "'signed_document_refused', 'wrong_signature', 'org-a', '{}')"));
  EVIDEX_EXPECT_CODE(raw.Exec("UPDATE security_events SET reason = 'none'"),
                     StatusCode::kFailedPrecondition);
  EVIDEX_EXPECT_CODE(raw.Exec("DELETE FROM security_events"),
                     StatusCode::kFailedPrecondition);
}

// --- the wrapper
// --------------------------------------------------------------------------------

TEST(SqliteErrorTest, MapsResultCodes) {
  struct Mapping {
    int sqlite;
    StatusCode want;
  };
  for (const Mapping& c : std::vector<Mapping>{
           {SQLITE_CONSTRAINT_UNIQUE, StatusCode::kAlreadyExists},
           {SQLITE_CONSTRAINT_PRIMARYKEY, StatusCode::kAlreadyExists},
           {SQLITE_CONSTRAINT_FOREIGNKEY, StatusCode::kNotFound},
           {SQLITE_CONSTRAINT_TRIGGER, StatusCode::kFailedPrecondition},
           {SQLITE_CONSTRAINT_CHECK, StatusCode::kInvalidArgument},
           {SQLITE_CONSTRAINT_NOTNULL, StatusCode::kInvalidArgument},
           {SQLITE_TOOBIG, StatusCode::kInvalidArgument},
           {SQLITE_BUSY, StatusCode::kUnavailable},
           {SQLITE_BUSY_SNAPSHOT, StatusCode::kUnavailable},
           {SQLITE_LOCKED, StatusCode::kUnavailable},
           {SQLITE_IOERR_FSYNC, StatusCode::kUnavailable},
           {SQLITE_CANTOPEN, StatusCode::kUnavailable},
           {SQLITE_FULL, StatusCode::kResourceExhausted},
           {SQLITE_NOMEM, StatusCode::kResourceExhausted},
           {SQLITE_CORRUPT, StatusCode::kDataLoss},
           {SQLITE_NOTADB, StatusCode::kDataLoss},
           {SQLITE_READONLY, StatusCode::kFailedPrecondition},
           {SQLITE_ERROR, StatusCode::kInternal},
           {SQLITE_MISUSE, StatusCode::kInternal},
       }) {
    Status s = sqlite::ErrorStatus(c.sqlite, "message");
    EXPECT_EQ(s.code(), c.want) << sqlite3_errstr(c.sqlite);
    EXPECT_THAT(s.message(), HasSubstr("message"));
  }
}

TEST_F(SqliteStoreTest, StatementBindsAndReadsValues) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database db, Raw());
  EVIDEX_ASSERT_OK(
      db.Exec("CREATE TABLE t (a TEXT, b INTEGER, c BLOB, d INTEGER)"));
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(
        sqlite::Statement st,
        db.Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)"));
    std::optional<std::int64_t> none;
    EVIDEX_ASSERT_OK(st.BindAll(
        std::string("h\xc3\xa9llo \xf0\x9f\x98\x80"), std::int64_t{-42},
        sqlite::Blob{std::string_view("\0\1\2", 3)}, none));
    EVIDEX_ASSERT_OK(st.Run());
  }
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(
        sqlite::Statement st,
        db.Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)"));
    EVIDEX_ASSERT_OK(
        st.BindAll("", true, sqlite::Blob{}, std::optional<int>(7)));
    EVIDEX_ASSERT_OK(st.Run());
    EXPECT_EQ(db.Changes(), 1);
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      sqlite::Statement st,
      db.Prepare("SELECT a, b, c, d FROM t ORDER BY rowid"));
  EVIDEX_ASSERT_OK_AND_ASSIGN(bool row, st.Step());
  ASSERT_TRUE(row);
  EXPECT_EQ(st.ColumnText(0), "h\xc3\xa9llo \xf0\x9f\x98\x80");
  EXPECT_EQ(st.ColumnInt(1), -42);
  EXPECT_EQ(st.ColumnBlob(2), std::string("\0\1\2", 3));
  EXPECT_TRUE(st.ColumnIsNull(3));
  EVIDEX_ASSERT_OK_AND_ASSIGN(row, st.Step());
  ASSERT_TRUE(row);
  EXPECT_EQ(st.ColumnText(0), "");
  EXPECT_FALSE(st.ColumnIsNull(0));
  EXPECT_EQ(st.ColumnInt(1), 1);
  EXPECT_EQ(st.ColumnBlob(2), "");
  EXPECT_FALSE(st.ColumnIsNull(2));
  EXPECT_EQ(st.ColumnInt(3), 7);
  EVIDEX_ASSERT_OK_AND_ASSIGN(row, st.Step());
  EXPECT_FALSE(row);
}

TEST_F(SqliteStoreTest, StatementRefusesTextThatIsNotUtf8) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database db, Raw());
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Statement st, db.Prepare("SELECT ?1"));
  for (std::string_view bad :
       {std::string_view("\xff"), std::string_view("\xc0\xaf"),  // overlong
        std::string_view("\xed\xa0\x80"),                        // surrogate
        std::string_view("\xf4\x90\x80\x80"),  // above U+10FFFF
        std::string_view("\xe2\x82"),          // truncated
        std::string_view("a\0b", 3)}) {
    EVIDEX_EXPECT_CODE(st.BindText(1, bad), StatusCode::kInvalidArgument);
  }
  EVIDEX_EXPECT_OK(st.BindText(1, "\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST_F(SqliteStoreTest, PrepareFailuresAreInternal) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Database db, Raw());
  EVIDEX_EXPECT_CODE(db.Prepare("SELEC 1"), StatusCode::kInternal);
  EVIDEX_ASSERT_OK_AND_ASSIGN(sqlite::Statement first, db.Prepare("SELECT 1"));
  // The same statement cannot be borrowed twice at once.
  EVIDEX_EXPECT_CODE(db.Prepare("SELECT 1"), StatusCode::kInternal);
  // A statement that yields a row is not for Run().
  EVIDEX_EXPECT_CODE(first.Run(), StatusCode::kInternal);
}

}  // namespace
}  // namespace evidex::store
