#include "node/access_recorder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/node_testing.h"
#include "store/sqlite_store.h"

namespace evidex::node {
namespace {

namespace fs = std::filesystem;

class AccessRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("evidex_access_recorder");
    store_ =
        store::OpenSqliteStore((dir_ / "evidex.db").string(), clock_).value();
    Instant now = clock_.Now();
    auto txn = store_->Begin().value();
    ASSERT_TRUE(
        txn->PutOrganisation({"org_a", "A", "issuing_authority", "FR", {}, now})
            .ok());
    store::Person person;
    person.id = "person_a";
    person.organisation_id = "org_a";
    person.name = "Ada";
    person.email = "ada@example.org";
    person.roles = {"prosecutor"};
    person.created_at = now;
    ASSERT_TRUE(txn->PutPerson(person).ok());
    store::Case c{
        "case_a", "eu2023-1543.epoc", "draft", "org_a", 0, now, now, "{}",
        "{}"};
    store::CaseEvent created;
    created.case_id = "case_a";
    created.type = "created";
    created.actor_person_id = "person_a";
    created.actor_organisation_id = "org_a";
    created.at = now;
    created.payload_json = "{}";
    ASSERT_TRUE(txn->CreateCase(c, {{"case_a", "org_a", "issuer"}}, created)
                    .has_value());
    ASSERT_TRUE(txn->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  store::AccessRecord Record(std::string case_id, std::string purpose) {
    return {"person_a",         "org_a",     std::move(case_id), "read_case",
            std::move(purpose), clock_.Now()};
  }

  std::size_t Stored() {
    auto txn = store_->BeginRead().value();
    return txn->ListAccess("case_a").value().size();
  }

  SystemClock clock_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(AccessRecorderTest, ARecordIsDurableBeforeItsCompletion) {
  AccessRecorder recorder(*store_);
  std::promise<std::size_t> stored_when_done;
  recorder.Record(Record("case_a", "case work"), [&](Status s) {
    EXPECT_TRUE(s.ok()) << s.ToString();
    stored_when_done.set_value(Stored());
  });
  EXPECT_EQ(stored_when_done.get_future().get(), 1u);
}

TEST_F(AccessRecorderTest, ManyThreadsAreRecordedEveryOneOnce) {
  constexpr int kThreads = 8, kEach = 200;
  std::atomic<int> ok{0}, failed{0};
  {
    AccessRecorder recorder(*store_);
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          recorder.Record(
              Record("case_a",
                     "t" + std::to_string(t) + "-" + std::to_string(i)),
              [&](Status s) { (s.ok() ? ok : failed).fetch_add(1); });
        }
      });
    }
  }  // the threads finish, then the recorder drains its queue and stops
  EXPECT_EQ(ok.load(), kThreads * kEach);
  EXPECT_EQ(failed.load(), 0);
  auto txn = store_->BeginRead().value();
  auto stored = txn->ListAccess("case_a").value();
  ASSERT_EQ(stored.size(), static_cast<std::size_t>(kThreads * kEach));
  std::map<std::string, int> purposes;
  for (const store::AccessRecord& r : stored) ++purposes[r.purpose];
  EXPECT_EQ(purposes.size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST_F(AccessRecorderTest, ABadRecordFailsAloneAndTheOthersAreKept) {
  std::mutex mu;
  std::map<std::string, StatusCode> results;
  {
    AccessRecorder recorder(*store_);
    for (int i = 0; i < 50; ++i) {
      // Every tenth names a case that does not exist.
      std::string case_id = i % 10 == 3 ? "case_missing" : "case_a";
      std::string purpose = "p" + std::to_string(i);
      recorder.Record(Record(case_id, purpose), [&, purpose](Status s) {
        std::lock_guard lock(mu);
        results[purpose] = s.code();
      });
    }
  }
  ASSERT_EQ(results.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    StatusCode code = results.at("p" + std::to_string(i));
    if (i % 10 == 3) {
      EXPECT_NE(code, StatusCode::kOk) << i;
    } else {
      EXPECT_EQ(code, StatusCode::kOk) << i;
    }
  }
  EXPECT_EQ(Stored(), 45u);
}

}  // namespace
}  // namespace evidex::node
