// The node's ledger: the leaf format (golden, and free of personal data), and
// CatchUp over a real SQLite store: every event logged once in global_seq
// order with its leaf index recorded, proofs that verify, the key sealed at
// rest, and recovery from a crash between the log append and the store's
// record.
#include "node/ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/file.h"
#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "ledger/checkpoint.h"
#include "node/node_testing.h"
#include "node/secrets.h"
#include "store/sqlite_store.h"

namespace evidex::node {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string Hash(const std::string& salt, const std::string& label,
                 const std::string& value) {
  return crypto::HexEncode(
      crypto::Sha256(Bytes(salt + label + std::string(1, '\0') + value)));
}

TEST(EventLeafTest, CanonicalJsonWithSaltedHashes) {
  const std::string salt(32, 'k');
  store::CaseEvent e;
  e.case_id = "case_1";
  e.seq = 3;
  e.global_seq = 17;
  e.type = "issued";
  e.actor_person_id = "person_jane";
  e.actor_organisation_id = "org_fr";
  e.at = Instant(std::chrono::milliseconds(1796000000123));
  e.payload_json = R"({"input":{"comment":"Jane Doe, 1 rue de Paris"}})";
  const std::string leaf = EventLeaf(e, Bytes(salt)).value();
  EXPECT_EQ(leaf, R"({"actor_organisation":"org_fr","actor_person":")" +
                      Hash(salt, "person", "person_jane") +
                      R"(","at":"2026-11-30T00:53:20.123Z","case":")" +
                      Hash(salt, "case", "case_1") +
                      R"(","event":3,"global_seq":17,"payload":")" +
                      Hash(salt, "payload", e.payload_json) +
                      R"(","type":"issued","v":1})");
  EXPECT_EQ(leaf.find("jane"), std::string::npos);
  EXPECT_EQ(leaf.find("Jane"), std::string::npos);
  EXPECT_EQ(leaf.find("case_1"), std::string::npos);
  // Another case's salt gives other hashes; the system has no person.
  e.actor_person_id = "";
  const std::string other = EventLeaf(e, Bytes(std::string(32, 'm'))).value();
  EXPECT_NE(other.find(R"("actor_person":null)"), std::string::npos);
  EXPECT_EQ(other.find(Hash(salt, "case", "case_1")), std::string::npos);
}

TEST(EventLeafTest, APackageUploadNamesThePackageInClear) {
  const std::string salt(32, 'k');
  const std::string digest(64, 'a');
  store::CaseEvent e;
  e.case_id = "case_1";
  e.seq = 4;
  e.global_seq = 18;
  e.type = "package_uploaded";
  e.actor_organisation_id = "org_ie";
  e.at = Instant(std::chrono::milliseconds(1796000000123));
  e.payload_json =
      R"({"package_id":"pkg_1","package_sha256":")" + digest + R"("})";
  const std::string leaf = EventLeaf(e, Bytes(salt)).value();
  EXPECT_NE(leaf.find(R"("package_sha256":")" + digest + R"(")"),
            std::string::npos);
  EXPECT_NE(leaf.find(R"("payload":")" + Hash(salt, "payload", e.payload_json) +
                      R"(")"),
            std::string::npos);
  // Another event type with the same payload keeps it hashed only.
  e.type = "attachment_added";
  EXPECT_EQ(EventLeaf(e, Bytes(salt)).value().find(digest), std::string::npos);
  // A package upload must name its digest, in lowercase hex.
  e.type = "package_uploaded";
  for (const std::string& payload :
       {std::string(R"({"package_id":"pkg_1"})"),
        R"({"package_sha256":")" + std::string(64, 'A') + R"("})",
        R"({"package_sha256":")" + std::string(63, 'a') + R"("})",
        std::string(R"({"package_sha256":7})"), std::string("[]")}) {
    e.payload_json = payload;
    EXPECT_EQ(EventLeaf(e, Bytes(salt)).error().code(), StatusCode::kDataLoss)
        << payload;
  }
}

class NodeLedgerTest : public ::testing::Test {
 protected:
  struct FixedClock final : Clock {
    Instant Now() const override {
      return Instant(std::chrono::milliseconds(1796000000000));
    }
  };

  void SetUp() override {
    ASSERT_TRUE(InitSecrets().ok());
    dir_ = FreshTestDir("evidex-node-ledger");
    store_ =
        store::OpenSqliteStore((dir_ / "evidex.db").string(), clock_).value();
    master_ =
        std::make_unique<MasterKey>(MasterKey::LoadOrCreate(dir_).value());
    ASSERT_TRUE(store_
                    ->Write([&](store::Transaction& t) {
                      return t.PutOrganisation(
                          store::Organisation{"org_a",
                                              "Org A",
                                              "issuing_authority",
                                              "FR",
                                              {"judge"},
                                              clock_.Now()});
                    })
                    .ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A case with its first event, then `more` events.
  void AddCase(const std::string& id, int more) {
    ASSERT_TRUE(store_
                    ->Write([&](store::Transaction& t) -> Status {
                      store::Case c;
                      c.id = id;
                      c.procedure = "eu2023-1543.epoc";
                      c.state = "draft";
                      c.issuing_organisation_id = "org_a";
                      c.created_at = c.updated_at = clock_.Now();
                      c.content_json = "{}";
                      c.decision_json = "{}";
                      store::CaseEvent first;
                      first.case_id = id;
                      first.type = "created";
                      first.actor_person_id = "person_" + id;
                      first.actor_organisation_id = "org_a";
                      first.at = clock_.Now();
                      first.payload_json = R"({"secret":"personal data"})";
                      EVIDEX_ASSIGN_OR_RETURN(
                          auto e,
                          t.CreateCase(c, {{id, "org_a", "issuer"}}, first));
                      static_cast<void>(e);
                      for (int i = 0; i < more; ++i) {
                        first.type = "noted";
                        EVIDEX_ASSIGN_OR_RETURN(e, t.AppendEvent(first));
                      }
                      return OkStatus();
                    })
                    .ok());
  }

  std::unique_ptr<NodeLedger> OpenLedger() {
    auto l = NodeLedger::Open(dir_, *master_, *store_, clock_);
    EXPECT_TRUE(l.has_value()) << l.error().ToString();
    return l.has_value() ? std::move(*l) : nullptr;
  }

  // The node's stored log opened directly, with the node's checkpoint key, as
  // a crash between the log and the store leaves it.
  std::unique_ptr<ledger::StoredLog> OpenStoredLog() {
    const std::vector<std::uint8_t> seed =
        master_
            ->Open(ReadSmallFile(dir_ / "ledger.key", 4096).value(),
                   "ledger-checkpoint-key")
            .value();
    const std::string origin = OpenLedger()->log().verifier().name();
    return ledger::StoredLog::Open(
               dir_ / "ledger",
               ledger::NoteSigner::Create(
                   origin, crypto::Ed25519KeyPairFromSeed(seed).value())
                   .value())
        .value();
  }

  std::vector<store::CaseEvent> AllEvents() {
    auto txn = store_->BeginRead().value();
    return txn->ListEventsAfter(0, 10000).value();
  }

  std::string Salt(const std::string& case_id) {
    auto txn = store_->BeginRead().value();
    return txn->GetCaseSalt(case_id).value().value_or("");
  }

  FixedClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<MasterKey> master_;
};

TEST_F(NodeLedgerTest, LogsEveryEventOnceInOrder) {
  AddCase("case_a", 2);
  AddCase("case_b", 1);
  auto ledger = OpenLedger();
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(ledger->CatchUp().value(), 5);
  EXPECT_EQ(ledger->CatchUp().value(), 0);
  AddCase("case_c", 0);
  EXPECT_EQ(ledger->CatchUp().value(), 1);

  const std::vector<store::CaseEvent> events = AllEvents();
  ASSERT_EQ(events.size(), 6u);
  const ledger::StoredLog& log = ledger->log();
  const ledger::Checkpoint checkpoint =
      ledger::OpenCheckpoint(log.Latest().note, log.verifier()).value();
  EXPECT_EQ(checkpoint.size, 6u);
  EXPECT_EQ(checkpoint.origin.rfind("evidex.node/", 0), 0u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].leaf_index, static_cast<std::int64_t>(i));
    const std::string salt = Salt(events[i].case_id);
    ASSERT_EQ(salt.size(), kLedgerSaltBytes);
    const ledger::Hash leaf =
        ledger::LeafHash(Bytes(EventLeaf(events[i], Bytes(salt)).value()));
    const auto proof = ledger::InclusionProof(log, 6, i).value();
    EXPECT_TRUE(
        ledger::VerifyInclusion(i, 6, leaf, proof, checkpoint.root).ok())
        << i;
  }
  EXPECT_NE(Salt("case_a"), Salt("case_b"));
}

// More events than one round of CatchUp takes (1000), and a crash's
// unrecorded leaves spanning rounds.
TEST_F(NodeLedgerTest, LogsManyRounds) {
  AddCase("case_a", 1500);
  {
    auto ledger = OpenLedger();
    ASSERT_NE(ledger, nullptr);
    EXPECT_EQ(ledger->CatchUp().value(), 1501);
    EXPECT_EQ(ledger->log().IntegratedSize(), 1501u);
  }
  AddCase("case_b", 2300);
  {
    // The crash: 1200 of case_b's leaves in the log, none recorded.
    auto log = OpenStoredLog();
    const std::string salt(kLedgerSaltBytes, 't');
    ASSERT_TRUE(store_
                    ->Write([&](store::Transaction& t) {
                      return t.PutCaseSalt("case_b", salt);
                    })
                    .ok());
    const std::vector<store::CaseEvent> events = AllEvents();
    for (std::size_t i = 1501; i < 1501 + 1200; ++i) {
      ASSERT_TRUE(log->Append(Bytes(EventLeaf(events[i], Bytes(salt)).value()))
                      .has_value());
    }
  }
  auto ledger = OpenLedger();
  EXPECT_EQ(ledger->CatchUp().value(), 2301);
  EXPECT_EQ(ledger->log().SequencedSize(), 3802u);
  const std::vector<store::CaseEvent> events = AllEvents();
  ASSERT_EQ(events.size(), 3802u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].leaf_index, static_cast<std::int64_t>(i));
  }
}

TEST_F(NodeLedgerTest, KeyIsSealedAndStable) {
  std::string vkey;
  {
    auto ledger = OpenLedger();
    vkey = ledger->log().verifier().VerifierKey();
  }
  EXPECT_EQ(OpenLedger()->log().verifier().VerifierKey(), vkey);
  const std::string sealed = ReadSmallFile(dir_ / "ledger.key", 4096).value();
  EXPECT_EQ(sealed.size(), 1 + 24 + 32 + 16u);
  // Another master key cannot open it.
  const std::filesystem::path other = dir_ / "other";
  std::filesystem::create_directories(other);
  const MasterKey wrong = MasterKey::LoadOrCreate(other).value();
  EXPECT_EQ(NodeLedger::Open(dir_, wrong, *store_, clock_).error().code(),
            StatusCode::kUnauthenticated);
}

// A crash after the leaves were durable in the log and before the store
// recorded their indexes: the next CatchUp records them, appends nothing
// twice.
TEST_F(NodeLedgerTest, RecoversLeavesTheStoreDidNotRecord) {
  AddCase("case_a", 1);
  {
    auto ledger = OpenLedger();
    ASSERT_EQ(ledger->CatchUp().value(), 2);
  }
  AddCase("case_b", 2);
  // Simulate the crash: append the new events' leaves to the log directly.
  {
    const std::vector<std::uint8_t> seed =
        master_
            ->Open(ReadSmallFile(dir_ / "ledger.key", 4096).value(),
                   "ledger-checkpoint-key")
            .value();
    const std::string origin = OpenLedger()->log().verifier().name();
    auto signer = ledger::NoteSigner::Create(
                      origin, crypto::Ed25519KeyPairFromSeed(seed).value())
                      .value();
    auto log =
        ledger::StoredLog::Open(dir_ / "ledger", std::move(signer)).value();
    // case_b has no salt yet: the crashed feeder had stored one.
    const std::string salt(kLedgerSaltBytes, 's');
    ASSERT_TRUE(store_
                    ->Write([&](store::Transaction& t) {
                      return t.PutCaseSalt("case_b", salt);
                    })
                    .ok());
    const std::vector<store::CaseEvent> events = AllEvents();
    ASSERT_EQ(events.size(), 5u);
    for (std::size_t i = 2; i < 4; ++i) {  // two of the three
      ASSERT_EQ(
          log->Append(Bytes(EventLeaf(events[i], Bytes(salt)).value())).value(),
          i);
    }
  }
  auto ledger = OpenLedger();
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(ledger->CatchUp().value(), 3);
  EXPECT_EQ(ledger->log().SequencedSize(), 5u);
  const std::vector<store::CaseEvent> events = AllEvents();
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].leaf_index, static_cast<std::int64_t>(i));
  }
}

TEST_F(NodeLedgerTest, RefusesALogThatIsNotTheStores) {
  AddCase("case_a", 0);
  {
    auto ledger = OpenLedger();
    ASSERT_EQ(ledger->CatchUp().value(), 1);
  }
  AddCase("case_b", 0);
  {
    auto log = OpenStoredLog();
    ASSERT_TRUE(
        log->Append(Bytes(std::string("not an event's leaf"))).has_value());
  }
  EXPECT_EQ(OpenLedger()->CatchUp().error().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace evidex::node
