// The conformance suite of the store contract (store.h): one set of tests that
// every backend runs unchanged.
//
// A backend's test links the object library `evidex_store_conformance` and
// instantiates the suite with a factory that opens a fresh, empty store given a
// fresh, empty directory (which a server backend may ignore, or use to name a
// fresh database):
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
//                            ::testing::Values(StoreFactory(OpenInDir)));
//
// Besides what store.h states, the suite pins these promises, which every
// backend keeps:
// - A call that fails changes nothing, and its transaction stays usable. (A
// backend whose
//   database aborts the whole transaction on an error wraps each call in a
//   savepoint.)
// - A read transaction's snapshot holds from its first read until it ends.
// - After Commit, every call of the transaction, Commit included, fails with
//   kFailedPrecondition.
// - Limits, refused with kInvalidArgument: ids, keys, hashes and vocabulary
// words (kind, state,
//   role, type, status, action, name of a deadline, rule id, media type) are 1
//   to 128 characters; names, purposes and password hashes at most 1024 (names
//   and purposes at least 1); emails 1 to 320; JSON fields must be valid JSON;
//   all text must be UTF-8 without NUL; deadline status is one of pending,
//   approaching, missed, met, cancelled; a list limit is at least 1.
// - A row that names a missing organisation, person or case fails with
// kNotFound. (Event actors
//   are not checked: history may name remote actors.)
// - A list under a named parent (people of an organisation, cases of an
// organisation, parties,
//   events, deadlines and access records of a case) fails with kNotFound when
//   the parent does not exist, and is empty when the parent has no children.
// - Emails are unique ignoring ASCII case, and GetPersonByEmail ignores ASCII
// case.
// - created_at is set once: UpdatePerson and UpdateCase keep the stored value.
// - CreateCase ignores the version and sequence numbers it is given; its
// parties and first
//   event must name the case (kInvalidArgument).
// - Revoking a token or session again keeps the first revocation time; revoking
// a missing one
//   fails with kNotFound.
// - Orders: organisations and people by id; parties by (organisation_id, role);
// events by seq;
//   deadlines by (due_at, name); access records by at, then insertion; an
//   organisation's cases by (created_at, id) descending, each case once however
//   many roles the organisation has.
// - An attachment's sha256 must be the lowercase hex SHA-256 of its bytes
// (kInvalidArgument);
//   a stored attachment whose bytes no longer match fails with kDataLoss.
//
// The assertion helpers below serve backends' own tests as well.
#ifndef EVIDEX_STORE_STORE_CONFORMANCE_H_
#define EVIDEX_STORE_STORE_CONFORMANCE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "core/status.h"
#include "store/store.h"

namespace evidex::store {

// Opens a fresh, empty store, given a fresh, empty directory it may use.
using StoreFactory =
    std::function<Result<std::unique_ptr<Store>>(const std::string& dir)>;

// Names the parameter in test names and failures, instead of its bytes. Found
// by argument-dependent lookup through `Store` in the factory's type.
inline void PrintTo(const StoreFactory&, std::ostream* os) { *os << "factory"; }

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  // Creates a fresh directory and opens a store in it; TearDown closes the
  // store and removes the directory.
  void SetUp() override;
  void TearDown() override;

  Store& store() { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<Store> store_;
};

inline Status StatusOf(const Status& status) { return status; }
template <typename T>
Status StatusOf(const Result<T>& result) {
  return result.has_value() ? OkStatus() : result.error();
}

// Success when `result` (a Status or a Result) is OK; the failure shows the
// status.
template <typename T>
::testing::AssertionResult IsOk(const T& result) {
  Status status = StatusOf(result);
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}

// Success when `result` failed with `code`; the failure shows what happened
// instead.
template <typename T>
::testing::AssertionResult HasCode(const T& result, StatusCode code) {
  Status status = StatusOf(result);
  if (status.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << StatusCodeName(code)
                                       << ", got " << status.ToString();
}

}  // namespace evidex::store

#define EVIDEX_EXPECT_OK(expr) EXPECT_TRUE(::evidex::store::IsOk(expr))
#define EVIDEX_ASSERT_OK(expr) ASSERT_TRUE(::evidex::store::IsOk(expr))
#define EVIDEX_EXPECT_CODE(expr, code) \
  EXPECT_TRUE(::evidex::store::HasCode((expr), (code)))

// `lhs = value of expr` when expr, a Result, holds one; a fatal failure
// otherwise.
#define EVIDEX_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  EVIDEX_ASSERT_OK_AND_ASSIGN_IMPL_(           \
      EVIDEX_CONCAT_(evidex_test_result_, __LINE__), lhs, expr)
#define EVIDEX_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  ASSERT_TRUE(tmp.has_value()) << tmp.error().ToString(); \
  lhs = std::move(tmp).value()

#endif  // EVIDEX_STORE_STORE_CONFORMANCE_H_
