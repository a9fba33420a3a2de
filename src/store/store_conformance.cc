#include "store/store_conformance.h"

#include <gmock/gmock.h>
#include <stdlib.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/sha256.h"

namespace evidex::store {

void StoreConformanceTest::SetUp() {
  std::string templ =
      (std::filesystem::temp_directory_path() / "evidex-store-XXXXXX").string();
  ASSERT_NE(::mkdtemp(templ.data()), nullptr) << "cannot create " << templ;
  dir_ = templ;
  Result<std::unique_ptr<Store>> opened = GetParam()(dir_);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  store_ = std::move(*opened);
}

void StoreConformanceTest::TearDown() {
  store_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

namespace {

using ::testing::ElementsAre;

// 2026-01-01T00:00:00Z.
constexpr std::int64_t kT0 = 1'767'225'600'000;

// kT0 plus `seconds`.
Instant At(std::int64_t seconds) {
  return Instant(std::chrono::milliseconds(kT0 + seconds * 1000));
}

std::int64_t Ms(Instant t) { return t.time_since_epoch().count(); }
std::optional<std::int64_t> Ms(const std::optional<Instant>& t) {
  if (!t.has_value()) return std::nullopt;
  return Ms(*t);
}

std::string HexSha256(const std::string& bytes) {
  return crypto::HexEncode(crypto::Sha256(std::span(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())));
}

Organisation MakeOrganisation(const std::string& id) {
  return Organisation{.id = id,
                      .name = "Organisation " + id,
                      .kind = "issuing_authority",
                      .state = "FR",
                      .authorities = {"judge", "prosecutor"},
                      .created_at = At(0)};
}

Person MakePerson(const std::string& id, const std::string& organisation_id,
                  const std::string& email) {
  return Person{.id = id,
                .organisation_id = organisation_id,
                .name = "Person " + id,
                .email = email,
                .roles = {"issuer", "auditor"},
                .password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
                .disabled = false,
                .created_at = At(1)};
}

Case MakeCase(const std::string& id, const std::string& organisation_id,
              Instant created_at) {
  return Case{
      .id = id,
      .procedure = "eu2023-1543.epoc",
      .state = "draft",
      .issuing_organisation_id = organisation_id,
      .version = 0,
      .created_at = created_at,
      .updated_at = created_at,
      .content_json = R"({"data":["subscriber"],"target":"x@example.org"})",
      .decision_json = R"({"channels":[{"id":"eu2023-1543.epoc"}]})"};
}

CaseParty MakeParty(const std::string& case_id,
                    const std::string& organisation_id,
                    const std::string& role) {
  return CaseParty{
      .case_id = case_id, .organisation_id = organisation_id, .role = role};
}

CaseEvent MakeEvent(const std::string& case_id, const std::string& type,
                    Instant at) {
  return CaseEvent{.case_id = case_id,
                   .seq = 0,
                   .global_seq = 0,
                   .type = type,
                   .actor_person_id = "alice",
                   .actor_organisation_id = "org-a",
                   .at = at,
                   .payload_json = R"({"note":"step )" + type + R"("})",
                   .leaf_index = std::nullopt};
}

Deadline MakeDeadline(const std::string& case_id, const std::string& name,
                      Instant due_at, std::optional<Instant> warn_at,
                      const std::string& status) {
  return Deadline{.case_id = case_id,
                  .name = name,
                  .rule_id = "eu2023-1543.10.2",
                  .due_at = due_at,
                  .warn_at = warn_at,
                  .status = status};
}

AccessRecord MakeAccess(const std::string& case_id, const std::string& action,
                        Instant at) {
  return AccessRecord{.person_id = "alice",
                      .organisation_id = "org-a",
                      .case_id = case_id,
                      .action = action,
                      .purpose = "prepare the reply to the order",
                      .at = at};
}

IdempotencyRecord MakeIdempotency(const std::string& person_id,
                                  const std::string& key) {
  return IdempotencyRecord{.key = key,
                           .person_id = person_id,
                           .request_hash = std::string(64, 'a'),
                           .status_code = 201,
                           .response_body = R"({"id":"case-1"})",
                           .created_at = At(5)};
}

Attachment MakeAttachment(const std::string& id, const std::string& case_id,
                          const std::string& bytes) {
  return Attachment{.id = id,
                    .case_id = case_id,
                    .name = "export.bin",
                    .media_type = "application/octet-stream",
                    .sha256 = HexSha256(bytes),
                    .bytes = bytes,
                    .created_at = At(7)};
}

void ExpectSame(const Organisation& got, const Organisation& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.authorities, want.authorities);
  EXPECT_EQ(Ms(got.created_at), Ms(want.created_at));
  EXPECT_EQ(got.four_eyes_emergency, want.four_eyes_emergency);
}

void ExpectSame(const Person& got, const Person& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.organisation_id, want.organisation_id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.email, want.email);
  EXPECT_EQ(got.roles, want.roles);
  EXPECT_EQ(got.password_hash, want.password_hash);
  EXPECT_EQ(got.disabled, want.disabled);
  EXPECT_EQ(Ms(got.created_at), Ms(want.created_at));
}

// Compares everything but the version, which the store sets.
void ExpectSameCase(const Case& got, const Case& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.procedure, want.procedure);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.issuing_organisation_id, want.issuing_organisation_id);
  EXPECT_EQ(Ms(got.created_at), Ms(want.created_at));
  EXPECT_EQ(Ms(got.updated_at), Ms(want.updated_at));
  EXPECT_EQ(got.content_json, want.content_json);
  EXPECT_EQ(got.decision_json, want.decision_json);
}

// Compares everything but the sequence numbers, which the store sets.
void ExpectSameEvent(const CaseEvent& got, const CaseEvent& want) {
  EXPECT_EQ(got.case_id, want.case_id);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.actor_person_id, want.actor_person_id);
  EXPECT_EQ(got.actor_organisation_id, want.actor_organisation_id);
  EXPECT_EQ(Ms(got.at), Ms(want.at));
  EXPECT_EQ(got.payload_json, want.payload_json);
}

void ExpectSame(const Deadline& got, const Deadline& want) {
  EXPECT_EQ(got.case_id, want.case_id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.rule_id, want.rule_id);
  EXPECT_EQ(Ms(got.due_at), Ms(want.due_at));
  EXPECT_EQ(Ms(got.warn_at), Ms(want.warn_at));
  EXPECT_EQ(got.status, want.status);
}

std::vector<std::string> Names(const std::vector<Deadline>& deadlines) {
  std::vector<std::string> out;
  for (const Deadline& d : deadlines) out.push_back(d.case_id + "/" + d.name);
  return out;
}

std::vector<std::string> Ids(const std::vector<Case>& cases) {
  std::vector<std::string> out;
  for (const Case& c : cases) out.push_back(c.id);
  return out;
}

// Commits organisations org-a, org-b, org-c, and the people alice (org-a) and
// bob (org-b).
void Seed(Store& store) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store.Begin());
  for (const char* id : {"org-a", "org-b", "org-c"}) {
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation(id)));
  }
  EVIDEX_ASSERT_OK(
      tx->PutPerson(MakePerson("alice", "org-a", "alice@a.example")));
  EVIDEX_ASSERT_OK(tx->PutPerson(MakePerson("bob", "org-b", "bob@b.example")));
  EVIDEX_ASSERT_OK(tx->Commit());
}

// Creates case `id` issued by `organisation_id`, which is its only party, as
// "issuer".
Result<CaseEvent> CreateSimpleCase(Transaction& tx, const std::string& id,
                                   const std::string& organisation_id,
                                   Instant created_at) {
  return tx.CreateCase(MakeCase(id, organisation_id, created_at),
                       {MakeParty(id, organisation_id, "issuer")},
                       MakeEvent(id, "created", created_at));
}

// Seeds and commits the cases `ids`, each issued by org-a at At(0).
void SeedCases(Store& store, std::initializer_list<const char*> ids) {
  ASSERT_NO_FATAL_FAILURE(Seed(store));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store.Begin());
  for (const char* id : ids) {
    EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, id, "org-a", At(0)));
  }
  EVIDEX_ASSERT_OK(tx->Commit());
}

// --- the store
// ----------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ReportsASchemaVersion) {
  EXPECT_GE(store().SchemaVersion(), 1);
}

// --- organisations
// ------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, WriteCommitsEachJobAtomically) {
  EVIDEX_ASSERT_OK(store().Write([](Transaction& tx) {
    return tx.PutOrganisation(MakeOrganisation("org-w1"));
  }));
  Status failed = store().Write([](Transaction& tx) -> Status {
    EVIDEX_RETURN_IF_ERROR(tx.PutOrganisation(MakeOrganisation("org-w2")));
    return FailedPreconditionError("the job changes its mind");
  });
  EXPECT_EQ(failed.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(failed.message(), "the job changes its mind");
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_EXPECT_OK(rx->GetOrganisation("org-w1"));
  EVIDEX_EXPECT_CODE(rx->GetOrganisation("org-w2"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, WriteSurvivesAJobThatThrows) {
  Status thrown = store().Write([](Transaction& tx) -> Status {
    EVIDEX_RETURN_IF_ERROR(tx.PutOrganisation(MakeOrganisation("org-t1")));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(thrown.code(), StatusCode::kInternal);
  // The store still takes writes, and the thrower's change is gone.
  EVIDEX_ASSERT_OK(store().Write([](Transaction& tx) {
    return tx.PutOrganisation(MakeOrganisation("org-t2"));
  }));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_EXPECT_CODE(rx->GetOrganisation("org-t1"), StatusCode::kNotFound);
  EVIDEX_EXPECT_OK(rx->GetOrganisation("org-t2"));
}

TEST_P(StoreConformanceTest, WriteGroupsConcurrentCallers) {
  constexpr int kThreads = 8, kJobs = 40;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int j = 0; j < kJobs; ++j) {
        std::string id = "org-" + std::to_string(t) + "-" + std::to_string(j);
        bool fail = j % 5 == 0;  // every fifth job fails after writing
        Status s = store().Write([&](Transaction& tx) -> Status {
          EVIDEX_RETURN_IF_ERROR(tx.PutOrganisation(MakeOrganisation(id)));
          if (fail) return InvalidArgumentError("refused");
          return OkStatus();
        });
        (s.ok() ? ok : refused)++;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kJobs * 4 / 5);
  EXPECT_EQ(refused.load(), kThreads * kJobs / 5);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto orgs, rx->ListOrganisations());
  EXPECT_EQ(static_cast<int>(orgs.size()), kThreads * kJobs * 4 / 5);
  for (const Organisation& o : orgs) {
    int j = std::stoi(o.id.substr(o.id.rfind('-') + 1));
    EXPECT_NE(j % 5, 0) << o.id;
  }
}

TEST_P(StoreConformanceTest, OrganisationRoundTrips) {
  Organisation full = MakeOrganisation("org-a");
  full.authorities = {"judge", "investigating_judge"};
  full.state = "XA";
  Organisation bare = MakeOrganisation("org-b");
  bare.kind = "service_provider";
  bare.authorities = {};
  bare.four_eyes_emergency = false;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_EXPECT_OK(tx->PutOrganisation(full));
    EVIDEX_EXPECT_OK(tx->PutOrganisation(bare));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Organisation got_full,
                              rx->GetOrganisation("org-a"));
  ExpectSame(got_full, full);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Organisation got_bare,
                              rx->GetOrganisation("org-b"));
  ExpectSame(got_bare, bare);
}

TEST_P(StoreConformanceTest, FourEyesIsOnUnlessTurnedOff) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Organisation org, tx->GetOrganisation("org-a"));
  EXPECT_TRUE(org.four_eyes_emergency);
  EVIDEX_ASSERT_OK(tx->SetFourEyesEmergency("org-a", false));
  EVIDEX_ASSERT_OK_AND_ASSIGN(org, tx->GetOrganisation("org-a"));
  EXPECT_FALSE(org.four_eyes_emergency);
  EVIDEX_ASSERT_OK(tx->SetFourEyesEmergency("org-a", true));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto orgs, tx->ListOrganisations());
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_TRUE(orgs[0].four_eyes_emergency);
  EVIDEX_EXPECT_CODE(tx->SetFourEyesEmergency("org-x", false),
                     StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, DuplicateOrganisationIsAlreadyExists) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  Organisation again = MakeOrganisation("org-a");
  again.name = "Another name";
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(again), StatusCode::kAlreadyExists);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Organisation got, tx->GetOrganisation("org-a"));
  EXPECT_EQ(got.name, "Organisation org-a");
}

TEST_P(StoreConformanceTest, MissingOrganisationIsNotFound) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_EXPECT_CODE(rx->GetOrganisation("nobody"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, ListOrganisationsById) {
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, rx->ListOrganisations());
    EXPECT_TRUE(none.empty());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  for (const char* id : {"org-c", "org-a", "org-b"}) {
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation(id)));
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto all, tx->ListOrganisations());
  std::vector<std::string> ids;
  for (const Organisation& o : all) ids.push_back(o.id);
  EXPECT_THAT(ids, ElementsAre("org-a", "org-b", "org-c"));
}

// --- limits and text
// ----------------------------------------------------------------------------

TEST_P(StoreConformanceTest, IdsAreOneTo128Characters) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_OK(
      tx->PutOrganisation(MakeOrganisation(std::string(128, 'x'))));
  EVIDEX_EXPECT_CODE(
      tx->PutOrganisation(MakeOrganisation(std::string(129, 'y'))),
      StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(MakeOrganisation("")),
                     StatusCode::kInvalidArgument);
  // Characters, not bytes: 128 two-byte characters fit.
  std::string accented;
  for (int i = 0; i < 128; ++i) accented += "\xc3\xa9";
  EVIDEX_EXPECT_OK(tx->PutOrganisation(MakeOrganisation(accented)));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Organisation got, tx->GetOrganisation(accented));
  EXPECT_EQ(got.id, accented);
}

TEST_P(StoreConformanceTest, NamesAreAtMost1024Characters) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  Organisation org = MakeOrganisation("org-a");
  org.name = std::string(1024, 'n');
  EVIDEX_EXPECT_OK(tx->PutOrganisation(org));
  org.id = "org-b";
  org.name = std::string(1025, 'n');
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(org), StatusCode::kInvalidArgument);
  org.name = "";
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(org), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, TextMustBeUtf8WithoutNul) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  Organisation org = MakeOrganisation("org-a");
  org.name =
      "Cour d'appel de Besan\xc3\xa7on \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac";
  EVIDEX_ASSERT_OK(tx->PutOrganisation(org));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Organisation got, tx->GetOrganisation("org-a"));
  EXPECT_EQ(got.name, org.name);

  Organisation bad = MakeOrganisation("org-b");
  bad.name = "bad \xff byte";
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(bad), StatusCode::kInvalidArgument);
  bad.name = std::string("nul \0 inside", 12);
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(bad), StatusCode::kInvalidArgument);
  bad.name = "fine";
  bad.authorities = {std::string("ju\0dge", 6)};
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(bad), StatusCode::kInvalidArgument);
  bad.authorities = {"ju\xc0\xafge"};  // an overlong encoding of '/'
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(bad), StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->GetOrganisation("org-b"), StatusCode::kNotFound);
}

// --- people
// -------------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, PersonRoundTrips) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  Person carol = MakePerson("carol", "org-a", "carol@a.example");
  carol.roles = {};
  carol.password_hash = "";
  carol.disabled = true;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->PutPerson(carol));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Person by_id, rx->GetPerson("carol"));
  ExpectSame(by_id, carol);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Person alice, rx->GetPerson("alice"));
  ExpectSame(alice, MakePerson("alice", "org-a", "alice@a.example"));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Person by_email,
                              rx->GetPersonByEmail("carol@a.example"));
  ExpectSame(by_email, carol);
}

TEST_P(StoreConformanceTest, EmailLookupIgnoresAsciiCase) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Person alice,
                              rx->GetPersonByEmail("Alice@A.Example"));
  EXPECT_EQ(alice.id, "alice");
  EXPECT_EQ(alice.email, "alice@a.example");
  EVIDEX_EXPECT_CODE(rx->GetPersonByEmail("nobody@a.example"),
                     StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, DuplicatePersonIdOrEmailIsAlreadyExists) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(
      tx->PutPerson(MakePerson("alice", "org-a", "new@a.example")),
      StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(
      tx->PutPerson(MakePerson("alice2", "org-a", "alice@a.example")),
      StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(
      tx->PutPerson(MakePerson("alice3", "org-a", "ALICE@a.example")),
      StatusCode::kAlreadyExists);
}

TEST_P(StoreConformanceTest, PersonOfMissingOrganisationIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(tx->PutPerson(MakePerson("dan", "org-z", "dan@z.example")),
                     StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->GetPerson("dan"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, UpdatePersonReplacesAllButIdAndCreatedAt) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  Person changed = MakePerson("alice", "org-c", "alice@c.example");
  changed.name = "Alice Martin";
  changed.roles = {"admin"};
  changed.password_hash = "";
  changed.disabled = true;
  changed.created_at = At(999);
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->UpdatePerson(changed));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Person got, rx->GetPerson("alice"));
  Person want = changed;
  want.created_at = At(1);
  ExpectSame(got, want);
  EVIDEX_EXPECT_CODE(rx->GetPersonByEmail("alice@a.example"),
                     StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, UpdatePersonErrors) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(
      tx->UpdatePerson(MakePerson("nobody", "org-a", "nobody@a.example")),
      StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(
      tx->UpdatePerson(MakePerson("alice", "org-a", "bob@b.example")),
      StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(
      tx->UpdatePerson(MakePerson("alice", "org-z", "alice@a.example")),
      StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Person alice, tx->GetPerson("alice"));
  ExpectSame(alice, MakePerson("alice", "org-a", "alice@a.example"));
}

TEST_P(StoreConformanceTest, ListPeopleOfOneOrganisationById) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(
      tx->PutPerson(MakePerson("aaron", "org-a", "aaron@a.example")));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto people, tx->ListPeople("org-a"));
  std::vector<std::string> ids;
  for (const Person& p : people) ids.push_back(p.id);
  EXPECT_THAT(ids, ElementsAre("aaron", "alice"));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, tx->ListPeople("org-c"));
  EXPECT_TRUE(none.empty());
  EVIDEX_EXPECT_CODE(tx->ListPeople("org-z"), StatusCode::kNotFound);
}

// --- api tokens and sessions
// --------------------------------------------------------------------

ApiToken MakeToken(const std::string& id, const std::string& person_id,
                   const std::string& hash) {
  return ApiToken{.id = id,
                  .person_id = person_id,
                  .token_hash = hash,
                  .scopes = {"cases:read", "cases:write"},
                  .created_at = At(10),
                  .expires_at = At(10 + 86400),
                  .revoked_at = std::nullopt};
}

TEST_P(StoreConformanceTest, ApiTokenRoundTripsAndRevokesOnce) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  std::string hash = std::string(64, 'b');
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->PutApiToken(MakeToken("tok-1", "alice", hash)));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
    EVIDEX_ASSERT_OK_AND_ASSIGN(ApiToken got, rx->GetApiTokenByHash(hash));
    EXPECT_EQ(got.id, "tok-1");
    EXPECT_EQ(got.person_id, "alice");
    EXPECT_EQ(got.token_hash, hash);
    EXPECT_THAT(got.scopes, ElementsAre("cases:read", "cases:write"));
    EXPECT_EQ(Ms(got.created_at), Ms(At(10)));
    EXPECT_EQ(Ms(got.expires_at), Ms(At(10 + 86400)));
    EXPECT_FALSE(got.revoked_at.has_value());
    EVIDEX_ASSERT_OK_AND_ASSIGN(ApiToken by_id, rx->GetApiToken("tok-1"));
    EXPECT_EQ(by_id.token_hash, hash);
    EXPECT_EQ(by_id.person_id, "alice");
    EVIDEX_EXPECT_CODE(rx->GetApiToken("tok-x"), StatusCode::kNotFound);
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->RevokeApiToken("tok-1", At(20)));
  EVIDEX_ASSERT_OK(tx->RevokeApiToken("tok-1", At(30)));
  EVIDEX_ASSERT_OK_AND_ASSIGN(ApiToken revoked, tx->GetApiTokenByHash(hash));
  EXPECT_EQ(Ms(revoked.revoked_at), Ms(At(20)));
  EVIDEX_EXPECT_CODE(tx->RevokeApiToken("tok-x", At(20)),
                     StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, ApiTokenErrors) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutApiToken(MakeToken("tok-1", "alice", "hash-1")));
  EVIDEX_EXPECT_CODE(tx->PutApiToken(MakeToken("tok-1", "alice", "hash-2")),
                     StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(tx->PutApiToken(MakeToken("tok-2", "bob", "hash-1")),
                     StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(tx->PutApiToken(MakeToken("tok-3", "nobody", "hash-3")),
                     StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->GetApiTokenByHash("hash-2"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, SessionRoundTripsAndRevokesOnce) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  Session session{.id_hash = std::string(64, 'c'),
                  .person_id = "bob",
                  .created_at = At(100),
                  .expires_at = At(100 + 28800),
                  .revoked_at = std::nullopt};
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutSession(session));
  EVIDEX_EXPECT_CODE(tx->PutSession(session), StatusCode::kAlreadyExists);
  Session orphan = session;
  orphan.id_hash = std::string(64, 'd');
  orphan.person_id = "nobody";
  EVIDEX_EXPECT_CODE(tx->PutSession(orphan), StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Session got, tx->GetSession(session.id_hash));
  EXPECT_EQ(got.id_hash, session.id_hash);
  EXPECT_EQ(got.person_id, "bob");
  EXPECT_EQ(Ms(got.created_at), Ms(At(100)));
  EXPECT_EQ(Ms(got.expires_at), Ms(At(100 + 28800)));
  EXPECT_FALSE(got.revoked_at.has_value());
  EVIDEX_ASSERT_OK(tx->RevokeSession(session.id_hash, At(200)));
  EVIDEX_ASSERT_OK(tx->RevokeSession(session.id_hash, At(300)));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Session revoked, tx->GetSession(session.id_hash));
  EXPECT_EQ(Ms(revoked.revoked_at), Ms(At(200)));
  EVIDEX_EXPECT_CODE(tx->RevokeSession(orphan.id_hash, At(200)),
                     StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->GetSession(orphan.id_hash), StatusCode::kNotFound);
}

// --- cases
// --------------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, CreateCaseStoresCasePartiesAndFirstEvent) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  Case c = MakeCase("case-1", "org-a", At(50));
  c.version = 9;  // ignored: a new case is at version 1
  CaseEvent first = MakeEvent("case-1", "created", At(50));
  first.seq = 7;
  first.global_seq = 7;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK_AND_ASSIGN(
        CaseEvent stored,
        tx->CreateCase(c,
                       {MakeParty("case-1", "org-a", "issuer"),
                        MakeParty("case-1", "org-b", "addressee")},
                       first));
    EXPECT_EQ(stored.seq, 1);
    EXPECT_GT(stored.global_seq, 0);
    ExpectSameEvent(stored, first);
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case got, rx->GetCase("case-1"));
  EXPECT_EQ(got.version, 1);
  ExpectSameCase(got, c);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto parties, rx->ListCaseParties("case-1"));
  ASSERT_EQ(parties.size(), 2u);
  EXPECT_EQ(parties[0].case_id, "case-1");
  EXPECT_EQ(parties[0].organisation_id, "org-a");
  EXPECT_EQ(parties[0].role, "issuer");
  EXPECT_EQ(parties[1].organisation_id, "org-b");
  EXPECT_EQ(parties[1].role, "addressee");
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, rx->ListEvents("case-1"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, 1);
  ExpectSameEvent(events[0], first);
}

TEST_P(StoreConformanceTest, DuplicateCaseIsAlreadyExists) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  Case again = MakeCase("case-1", "org-b", At(60));
  EVIDEX_EXPECT_CODE(
      tx->CreateCase(again, {}, MakeEvent("case-1", "created", At(60))),
      StatusCode::kAlreadyExists);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case got, tx->GetCase("case-1"));
  EXPECT_EQ(got.issuing_organisation_id, "org-a");
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, tx->ListEvents("case-1"));
  EXPECT_EQ(events.size(), 1u);
}

TEST_P(StoreConformanceTest, CreateCaseWithMissingIssuerIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(CreateSimpleCase(*tx, "case-1", "org-z", At(0)),
                     StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, CreateCaseIsAllOrNothing) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  // The second party names a missing organisation: nothing of the case may
  // remain.
  EVIDEX_EXPECT_CODE(tx->CreateCase(MakeCase("case-1", "org-a", At(0)),
                                    {MakeParty("case-1", "org-a", "issuer"),
                                     MakeParty("case-1", "org-z", "addressee")},
                                    MakeEvent("case-1", "created", At(0))),
                     StatusCode::kNotFound);
  // The first event's payload is not JSON: likewise.
  CaseEvent bad_event = MakeEvent("case-2", "created", At(0));
  bad_event.payload_json = "{oops";
  EVIDEX_EXPECT_CODE(
      tx->CreateCase(MakeCase("case-2", "org-a", At(0)),
                     {MakeParty("case-2", "org-a", "issuer")}, bad_event),
      StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->GetCase("case-1"), StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->GetCase("case-2"), StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto page,
                              tx->ListCasesForOrganisation("org-a", "", 10));
  EXPECT_TRUE(page.cases.empty());
  // The transaction goes on, and the ids are free.
  EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, "case-1", "org-a", At(0)));
  EVIDEX_ASSERT_OK(tx->Commit());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, rx->ListEvents("case-1"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, 1);
  EVIDEX_EXPECT_CODE(rx->GetCase("case-2"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, CreateCasePartsMustNameTheCase) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(tx->CreateCase(MakeCase("case-1", "org-a", At(0)),
                                    {MakeParty("case-9", "org-a", "issuer")},
                                    MakeEvent("case-1", "created", At(0))),
                     StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->CreateCase(MakeCase("case-1", "org-a", At(0)),
                                    {MakeParty("case-1", "org-a", "issuer")},
                                    MakeEvent("case-9", "created", At(0))),
                     StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->GetCase("case-1"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, CaseJsonMustBeValid) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  Case c = MakeCase("case-1", "org-a", At(0));
  c.content_json = "{\"a\": }";
  EVIDEX_EXPECT_CODE(
      tx->CreateCase(c, {}, MakeEvent("case-1", "created", At(0))),
      StatusCode::kInvalidArgument);
  c = MakeCase("case-1", "org-a", At(0));
  c.decision_json = "";
  EVIDEX_EXPECT_CODE(
      tx->CreateCase(c, {}, MakeEvent("case-1", "created", At(0))),
      StatusCode::kInvalidArgument);
  EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, "case-1", "org-a", At(0)));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case stored, tx->GetCase("case-1"));
  stored.content_json = "[1,]";
  EVIDEX_EXPECT_CODE(tx->UpdateCase(stored), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, MissingCaseIsNotFound) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_EXPECT_CODE(rx->GetCase("case-x"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, UpdateCaseIncrementsVersionAndKeepsCreatedAt) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  Case changed = MakeCase("case-1", "org-b", At(0));
  changed.version = 1;
  changed.procedure = "cets224.7";
  changed.state = "validated";
  changed.updated_at = At(500);
  changed.content_json = R"({"data":["traffic"]})";
  changed.decision_json = R"({"channels":[]})";
  changed.created_at = At(-5);  // ignored: created_at is set once
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK_AND_ASSIGN(std::int64_t v2, tx->UpdateCase(changed));
    EXPECT_EQ(v2, 2);
    EVIDEX_ASSERT_OK(
        tx->AppendEvent(MakeEvent("case-1", "validated", At(500))));
    changed.version = v2;
    changed.state = "issued";
    EVIDEX_ASSERT_OK_AND_ASSIGN(std::int64_t v3, tx->UpdateCase(changed));
    EXPECT_EQ(v3, 3);
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case got, rx->GetCase("case-1"));
  EXPECT_EQ(got.version, 3);
  Case want = changed;
  want.created_at = At(0);
  ExpectSameCase(got, want);
}

TEST_P(StoreConformanceTest, UpdateCaseWithStaleVersionIsConflict) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case c, tx->GetCase("case-1"));
  c.state = "first";
  EVIDEX_ASSERT_OK_AND_ASSIGN(std::int64_t v2, tx->UpdateCase(c));
  EXPECT_EQ(v2, 2);
  c.state = "second";  // c.version is still 1
  EVIDEX_EXPECT_CODE(tx->UpdateCase(c), StatusCode::kConflict);
  c.version = 5;
  EVIDEX_EXPECT_CODE(tx->UpdateCase(c), StatusCode::kConflict);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case got, tx->GetCase("case-1"));
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(got.state, "first");
}

TEST_P(StoreConformanceTest, LostUpdateAcrossTransactionsIsConflict) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  // Two requests read version 1; the first to write wins.
  Case seen_by_a;
  Case seen_by_b;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
    EVIDEX_ASSERT_OK_AND_ASSIGN(seen_by_a, rx->GetCase("case-1"));
    EVIDEX_ASSERT_OK_AND_ASSIGN(seen_by_b, rx->GetCase("case-1"));
  }
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    seen_by_a.state = "validated";
    EVIDEX_ASSERT_OK(tx->UpdateCase(seen_by_a));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  seen_by_b.state = "refused";
  EVIDEX_EXPECT_CODE(tx->UpdateCase(seen_by_b), StatusCode::kConflict);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case got, tx->GetCase("case-1"));
  EXPECT_EQ(got.state, "validated");
}

TEST_P(StoreConformanceTest, UpdateMissingCaseIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  Case c = MakeCase("case-x", "org-a", At(0));
  c.version = 1;
  EVIDEX_EXPECT_CODE(tx->UpdateCase(c), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, AddAndListCaseParties) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->AddCaseParty(MakeParty("case-1", "org-c", "validator")));
  EVIDEX_ASSERT_OK(tx->AddCaseParty(MakeParty("case-1", "org-b", "addressee")));
  EVIDEX_ASSERT_OK(
      tx->AddCaseParty(MakeParty("case-1", "org-b", "enforcing_authority")));
  EVIDEX_EXPECT_CODE(
      tx->AddCaseParty(MakeParty("case-1", "org-b", "addressee")),
      StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(
      tx->AddCaseParty(MakeParty("case-x", "org-b", "addressee")),
      StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(
      tx->AddCaseParty(MakeParty("case-1", "org-z", "addressee")),
      StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto parties, tx->ListCaseParties("case-1"));
  std::vector<std::string> got;
  for (const CaseParty& p : parties) {
    EXPECT_EQ(p.case_id, "case-1");
    got.push_back(p.organisation_id + ":" + p.role);
  }
  EXPECT_THAT(got, ElementsAre("org-a:issuer", "org-b:addressee",
                               "org-b:enforcing_authority", "org-c:validator"));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto other, tx->ListCaseParties("case-2"));
  EXPECT_EQ(other.size(), 1u);
  EVIDEX_EXPECT_CODE(tx->ListCaseParties("case-x"), StatusCode::kNotFound);
}

// --- events
// -------------------------------------------------------------------------------------

TEST_P(StoreConformanceTest,
       EventSeqIsPerCaseWithoutGapsAndGlobalSeqIncreases) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2"}));
  std::vector<std::int64_t> global;
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  const char* order[] = {"case-1", "case-2", "case-1",
                         "case-1", "case-2", "case-1"};
  for (int i = 0; i < 6; ++i) {
    CaseEvent e = MakeEvent(order[i], "step-" + std::to_string(i), At(i));
    EVIDEX_ASSERT_OK_AND_ASSIGN(CaseEvent stored, tx->AppendEvent(e));
    global.push_back(stored.global_seq);
  }
  for (std::size_t i = 1; i < global.size(); ++i) {
    EXPECT_GT(global[i], global[i - 1]);
  }
  EVIDEX_ASSERT_OK(tx->Commit());

  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto one, rx->ListEvents("case-1"));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto two, rx->ListEvents("case-2"));
  ASSERT_EQ(one.size(), 5u);
  ASSERT_EQ(two.size(), 3u);
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].seq, static_cast<std::int64_t>(i) + 1);
  }
  for (std::size_t i = 0; i < two.size(); ++i) {
    EXPECT_EQ(two[i].seq, static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_EQ(one[0].type, "created");
  EXPECT_EQ(one[1].type, "step-0");
  EXPECT_EQ(one[4].type, "step-5");
  EXPECT_EQ(one[1].global_seq, global[0]);
  EXPECT_EQ(two[2].global_seq, global[4]);
  // Node-wide: the created events came first, then the appended ones in order.
  EXPECT_LT(one[0].global_seq, two[0].global_seq);
  EXPECT_LT(two[0].global_seq, global[0]);
}

TEST_P(StoreConformanceTest, GlobalSeqIncreasesInCommitOrder) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2"}));
  std::int64_t first = 0;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK_AND_ASSIGN(
        CaseEvent e, tx->AppendEvent(MakeEvent("case-1", "a", At(1))));
    first = e.global_seq;
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  {
    // Rolled back: its numbers must not matter.
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->AppendEvent(MakeEvent("case-2", "b", At(2))));
    EVIDEX_ASSERT_OK(tx->AppendEvent(MakeEvent("case-2", "c", At(3))));
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK_AND_ASSIGN(CaseEvent later,
                              tx->AppendEvent(MakeEvent("case-2", "d", At(4))));
  EXPECT_GT(later.global_seq, first);
  EXPECT_EQ(later.seq, 2);
  EVIDEX_ASSERT_OK(tx->Commit());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, rx->ListEvents("case-2"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, "d");
  EXPECT_EQ(events[1].global_seq, later.global_seq);
}

TEST_P(StoreConformanceTest,
       AppendEventIgnoresGivenNumbersAndKeepsEmptyActors) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  CaseEvent system = MakeEvent("case-1", "deadline_missed", At(9));
  system.actor_person_id = "";
  system.actor_organisation_id = "";
  system.seq = 42;
  system.global_seq = 4242;
  EVIDEX_ASSERT_OK_AND_ASSIGN(CaseEvent stored, tx->AppendEvent(system));
  EXPECT_EQ(stored.seq, 2);
  EXPECT_NE(stored.global_seq, 4242);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, tx->ListEvents("case-1"));
  ASSERT_EQ(events.size(), 2u);
  ExpectSameEvent(events[1], system);
  EXPECT_EQ(events[1].seq, 2);
  EXPECT_EQ(events[1].global_seq, stored.global_seq);
}

TEST_P(StoreConformanceTest, AppendEventErrors) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(tx->AppendEvent(MakeEvent("case-x", "created", At(0))),
                     StatusCode::kNotFound);
  CaseEvent bad = MakeEvent("case-1", "noted", At(0));
  bad.payload_json = "not json";
  EVIDEX_EXPECT_CODE(tx->AppendEvent(bad), StatusCode::kInvalidArgument);
  bad = MakeEvent("case-1", "", At(0));
  EVIDEX_EXPECT_CODE(tx->AppendEvent(bad), StatusCode::kInvalidArgument);
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      CaseEvent next, tx->AppendEvent(MakeEvent("case-1", "noted", At(1))));
  EXPECT_EQ(next.seq, 2);
  EVIDEX_EXPECT_CODE(tx->ListEvents("case-x"), StatusCode::kNotFound);
}

// --- cases of an organisation
// -------------------------------------------------------------------

// Fetches every page of org's cases with `limit`, checking each page's shape.
void FetchAllPages(Transaction& tx, const std::string& organisation_id,
                   int limit, std::vector<std::vector<std::string>>* pages) {
  std::string cursor;
  for (int guard = 0; guard < 100; ++guard) {
    EVIDEX_ASSERT_OK_AND_ASSIGN(
        CasePage page,
        tx.ListCasesForOrganisation(organisation_id, cursor, limit));
    EXPECT_LE(page.cases.size(), static_cast<std::size_t>(limit));
    pages->push_back(Ids(page.cases));
    if (page.next_cursor.empty()) return;
    cursor = page.next_cursor;
  }
  FAIL() << "more than 100 pages";
}

TEST_P(StoreConformanceTest, CasesOfAnOrganisationPageNewestFirst) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  std::vector<std::string> want;  // org-a's cases, newest first
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    for (int i = 0; i < 24; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "case-a%02d", i);
      EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, id, "org-a", At(i * 60)));
    }
    for (int i = 0; i < 5; ++i) {
      EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, "case-b" + std::to_string(i),
                                        "org-b", At(i * 60 + 30)));
    }
    // org-a has two roles in a case that org-b issued: it must appear once.
    EVIDEX_ASSERT_OK(tx->CreateCase(
        MakeCase("case-shared", "org-b", At(10 * 60 + 1)),
        {MakeParty("case-shared", "org-b", "issuer"),
         MakeParty("case-shared", "org-a", "addressee"),
         MakeParty("case-shared", "org-a", "enforcing_authority")},
        MakeEvent("case-shared", "created", At(10 * 60 + 1))));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  for (int i = 23; i >= 0; --i) {
    char id[16];
    std::snprintf(id, sizeof id, "case-a%02d", i);
    if (i == 10)
      want.push_back("case-shared");  // At(601), after case-a10 at At(600)
    want.push_back(id);
  }
  ASSERT_EQ(want.size(), 25u);

  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  std::vector<std::vector<std::string>> pages;
  ASSERT_NO_FATAL_FAILURE(FetchAllPages(*rx, "org-a", 10, &pages));
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].size(), 10u);
  EXPECT_EQ(pages[1].size(), 10u);
  EXPECT_EQ(pages[2].size(), 5u);
  std::vector<std::string> all;
  for (const auto& page : pages)
    all.insert(all.end(), page.begin(), page.end());
  EXPECT_EQ(all, want);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());

  // The cases come whole and in order of (created_at, id) descending.
  EVIDEX_ASSERT_OK_AND_ASSIGN(CasePage first,
                              rx->ListCasesForOrganisation("org-a", "", 10));
  for (std::size_t i = 1; i < first.cases.size(); ++i) {
    EXPECT_GT(Ms(first.cases[i - 1].created_at), Ms(first.cases[i].created_at));
  }
  EXPECT_EQ(first.cases[0].version, 1);
  ExpectSameCase(first.cases[0], MakeCase("case-a23", "org-a", At(23 * 60)));

  pages.clear();
  ASSERT_NO_FATAL_FAILURE(FetchAllPages(*rx, "org-b", 10, &pages));
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].size(), 6u);
}

TEST_P(StoreConformanceTest, FullLastPageHasNoCursor) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  for (int i = 0; i < 20; ++i) {
    EVIDEX_ASSERT_OK(
        CreateSimpleCase(*tx, "case-" + std::to_string(i), "org-a", At(i)));
  }
  std::vector<std::vector<std::string>> pages;
  ASSERT_NO_FATAL_FAILURE(FetchAllPages(*tx, "org-a", 10, &pages));
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[1].size(), 10u);
}

TEST_P(StoreConformanceTest, CasesCreatedAtTheSameInstantPageById) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  for (const char* id : {"case-c", "case-a", "case-e", "case-b", "case-d"}) {
    EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, id, "org-a", At(7)));
  }
  std::vector<std::vector<std::string>> pages;
  ASSERT_NO_FATAL_FAILURE(FetchAllPages(*tx, "org-a", 2, &pages));
  EXPECT_THAT(pages, ElementsAre(ElementsAre("case-e", "case-d"),
                                 ElementsAre("case-c", "case-b"),
                                 ElementsAre("case-a")));
}

TEST_P(StoreConformanceTest, PagingIsStableUnderInserts) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    for (int i = 1; i <= 6; ++i) {
      EVIDEX_ASSERT_OK(
          CreateSimpleCase(*tx, "case-" + std::to_string(i), "org-a", At(i)));
    }
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  std::string cursor;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
    EVIDEX_ASSERT_OK_AND_ASSIGN(CasePage page,
                                rx->ListCasesForOrganisation("org-a", "", 3));
    EXPECT_THAT(Ids(page.cases), ElementsAre("case-6", "case-5", "case-4"));
    cursor = page.next_cursor;
    ASSERT_FALSE(cursor.empty());
  }
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, "case-newer", "org-a", At(100)));
    EVIDEX_ASSERT_OK(CreateSimpleCase(*tx, "case-older", "org-a", At(-100)));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(CasePage second,
                              rx->ListCasesForOrganisation("org-a", cursor, 3));
  EXPECT_THAT(Ids(second.cases), ElementsAre("case-3", "case-2", "case-1"));
  ASSERT_FALSE(second.next_cursor.empty());
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      CasePage third,
      rx->ListCasesForOrganisation("org-a", second.next_cursor, 3));
  EXPECT_THAT(Ids(third.cases), ElementsAre("case-older"));
  EXPECT_TRUE(third.next_cursor.empty());
}

TEST_P(StoreConformanceTest, MalformedCursorIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  for (const char* cursor :
       {"zz", "abc", "not a cursor", "6e6f636f6c6f6e" /* "nocolon" */,
        "783a636173652d31" /* "x:case-1" */, "\xff\xfe"}) {
    EVIDEX_EXPECT_CODE(rx->ListCasesForOrganisation("org-a", cursor, 10),
                       StatusCode::kInvalidArgument)
        << "cursor `" << cursor << "`";
  }
}

TEST_P(StoreConformanceTest, CaseListLimitMustBePositive) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_EXPECT_CODE(rx->ListCasesForOrganisation("org-a", "", 0),
                     StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(rx->ListCasesForOrganisation("org-a", "", -3),
                     StatusCode::kInvalidArgument);
  EVIDEX_ASSERT_OK_AND_ASSIGN(CasePage one,
                              rx->ListCasesForOrganisation("org-a", "", 1));
  EXPECT_THAT(Ids(one.cases), ElementsAre("case-1"));
  EXPECT_TRUE(one.next_cursor.empty());
}

TEST_P(StoreConformanceTest, CasesOfMissingOrEmptyOrganisation) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_EXPECT_CODE(rx->ListCasesForOrganisation("org-z", "", 10),
                     StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(CasePage empty,
                              rx->ListCasesForOrganisation("org-c", "", 10));
  EXPECT_TRUE(empty.cases.empty());
  EXPECT_TRUE(empty.next_cursor.empty());
}

// --- deadlines
// ----------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, PutDeadlineInsertsOrReplaces) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  Deadline response =
      MakeDeadline("case-1", "response", At(864000), At(777600), "pending");
  Deadline objection = MakeDeadline("case-1", "objection_window", At(432000),
                                    std::nullopt, "pending");
  EVIDEX_ASSERT_OK(tx->PutDeadline(response));
  EVIDEX_ASSERT_OK(tx->PutDeadline(objection));
  response.due_at = At(100);
  response.warn_at = std::nullopt;
  response.status = "met";
  response.rule_id = "eu2023-1543.10.4";
  EVIDEX_ASSERT_OK(tx->PutDeadline(response));
  EVIDEX_ASSERT_OK(tx->Commit());

  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto deadlines, rx->ListDeadlines("case-1"));
  ASSERT_EQ(deadlines.size(), 2u);
  ExpectSame(deadlines[0], response);  // due first
  ExpectSame(deadlines[1], objection);
}

TEST_P(StoreConformanceTest, DeadlineErrors) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(tx->PutDeadline(MakeDeadline("case-x", "response", At(10),
                                                  std::nullopt, "pending")),
                     StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->PutDeadline(MakeDeadline("case-1", "response", At(10),
                                                  std::nullopt, "late")),
                     StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->ListDeadlines("case-x"), StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, tx->ListDeadlines("case-2"));
  EXPECT_TRUE(none.empty());
  EVIDEX_EXPECT_CODE(tx->ListDeadlinesToCheck(At(0), 0),
                     StatusCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, DeadlinesToCheckAreTheDueOnesEarliestFirst) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2", "case-3"}));
  const Instant now = At(1000);
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    // Included: a pending deadline at its warning, one without warning at its
    // due time, one whose warning (oddly) follows its due time, and an
    // approaching one due exactly now.
    EVIDEX_ASSERT_OK(tx->PutDeadline(
        MakeDeadline("case-1", "warned", At(2000), At(900), "pending")));
    EVIDEX_ASSERT_OK(tx->PutDeadline(
        MakeDeadline("case-2", "due", At(950), std::nullopt, "pending")));
    EVIDEX_ASSERT_OK(tx->PutDeadline(
        MakeDeadline("case-3", "late_warning", At(500), At(980), "pending")));
    EVIDEX_ASSERT_OK(tx->PutDeadline(
        MakeDeadline("case-1", "due_now", At(1000), At(100), "approaching")));
    // Excluded: not yet warned, approaching but not yet due, and the settled
    // ones.
    EVIDEX_ASSERT_OK(tx->PutDeadline(
        MakeDeadline("case-2", "later", At(3000), At(1100), "pending")));
    EVIDEX_ASSERT_OK(tx->PutDeadline(MakeDeadline(
        "case-3", "approaching", At(5000), At(100), "approaching")));
    EVIDEX_ASSERT_OK(tx->PutDeadline(
        MakeDeadline("case-1", "missed", At(10), std::nullopt, "missed")));
    EVIDEX_ASSERT_OK(
        tx->PutDeadline(MakeDeadline("case-2", "met", At(10), At(5), "met")));
    EVIDEX_ASSERT_OK(tx->PutDeadline(MakeDeadline("case-3", "cancelled", At(10),
                                                  std::nullopt, "cancelled")));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto due, rx->ListDeadlinesToCheck(now, 100));
    EXPECT_THAT(Names(due), ElementsAre("case-3/late_warning", "case-1/warned",
                                        "case-2/due", "case-1/due_now"));
    ASSERT_EQ(due.size(), 4u);
    ExpectSame(due[1],
               MakeDeadline("case-1", "warned", At(2000), At(900), "pending"));
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto first_two,
                                rx->ListDeadlinesToCheck(now, 2));
    EXPECT_THAT(Names(first_two),
                ElementsAre("case-3/late_warning", "case-1/warned"));
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto early,
                                rx->ListDeadlinesToCheck(At(0), 10));
    EXPECT_TRUE(early.empty());
  }
  // Once warned, the deadline waits for its due time.
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutDeadline(
      MakeDeadline("case-1", "warned", At(2000), At(900), "approaching")));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto due, tx->ListDeadlinesToCheck(now, 100));
  EXPECT_THAT(Names(due), ElementsAre("case-3/late_warning", "case-2/due",
                                      "case-1/due_now"));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto later,
                              tx->ListDeadlinesToCheck(At(2000), 100));
  EXPECT_THAT(Names(later),
              ElementsAre("case-3/late_warning", "case-2/due", "case-1/due_now",
                          "case-2/later", "case-1/warned"));
}

// --- access records
// -----------------------------------------------------------------------------

TEST_P(StoreConformanceTest, AccessRecordsListByTime) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2"}));
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(
        tx->RecordAccess(MakeAccess("case-1", "read_events", At(30))));
    EVIDEX_ASSERT_OK(
        tx->RecordAccess(MakeAccess("case-1", "read_case", At(10))));
    EVIDEX_ASSERT_OK(
        tx->RecordAccess(MakeAccess("case-2", "read_case", At(15))));
    AccessRecord bob = MakeAccess("case-1", "download_attachment", At(20));
    bob.person_id = "bob";
    bob.organisation_id = "org-b";
    bob.purpose = "produce the requested data";
    EVIDEX_ASSERT_OK(tx->RecordAccess(bob));
    EVIDEX_ASSERT_OK(
        tx->RecordAccess(MakeAccess("case-1", "read_case", At(30))));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto records, rx->ListAccess("case-1"));
  ASSERT_EQ(records.size(), 4u);
  std::vector<std::string> got;
  for (const AccessRecord& r : records) {
    EXPECT_EQ(r.case_id, "case-1");
    got.push_back(r.person_id + ":" + r.action + "@" +
                  std::to_string(Ms(r.at) - kT0));
  }
  EXPECT_THAT(
      got, ElementsAre("alice:read_case@10000", "bob:download_attachment@20000",
                       "alice:read_events@30000", "alice:read_case@30000"));
  EXPECT_EQ(records[1].organisation_id, "org-b");
  EXPECT_EQ(records[1].purpose, "produce the requested data");
  EXPECT_EQ(records[0].purpose, "prepare the reply to the order");
}

TEST_P(StoreConformanceTest, AccessRecordErrors) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(tx->RecordAccess(MakeAccess("case-x", "read_case", At(1))),
                     StatusCode::kNotFound);
  AccessRecord r = MakeAccess("case-1", "read_case", At(1));
  r.person_id = "nobody";
  EVIDEX_EXPECT_CODE(tx->RecordAccess(r), StatusCode::kNotFound);
  r = MakeAccess("case-1", "read_case", At(1));
  r.organisation_id = "org-z";
  EVIDEX_EXPECT_CODE(tx->RecordAccess(r), StatusCode::kNotFound);
  r = MakeAccess("case-1", "read_case", At(1));
  r.purpose = "";
  EVIDEX_EXPECT_CODE(tx->RecordAccess(r), StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->ListAccess("case-x"), StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, tx->ListAccess("case-2"));
  EXPECT_TRUE(none.empty());
}

// --- idempotency
// --------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, IdempotencyRecordsPerPersonAndKey) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto missing,
                                tx->GetIdempotency("alice", "k-1"));
    EXPECT_FALSE(missing.has_value());
    EVIDEX_ASSERT_OK(tx->PutIdempotency(MakeIdempotency("alice", "k-1")));
    IdempotencyRecord bobs = MakeIdempotency("bob", "k-1");
    bobs.status_code = 409;
    bobs.response_body = "";
    EVIDEX_ASSERT_OK(tx->PutIdempotency(bobs));
    EVIDEX_EXPECT_CODE(tx->PutIdempotency(MakeIdempotency("alice", "k-1")),
                       StatusCode::kAlreadyExists);
    EVIDEX_EXPECT_CODE(tx->PutIdempotency(MakeIdempotency("nobody", "k-1")),
                       StatusCode::kNotFound);
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto alices, rx->GetIdempotency("alice", "k-1"));
  ASSERT_TRUE(alices.has_value());
  IdempotencyRecord want = MakeIdempotency("alice", "k-1");
  EXPECT_EQ(alices->key, want.key);
  EXPECT_EQ(alices->person_id, want.person_id);
  EXPECT_EQ(alices->request_hash, want.request_hash);
  EXPECT_EQ(alices->status_code, 201);
  EXPECT_EQ(alices->response_body, want.response_body);
  EXPECT_EQ(Ms(alices->created_at), Ms(want.created_at));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto bobs, rx->GetIdempotency("bob", "k-1"));
  ASSERT_TRUE(bobs.has_value());
  EXPECT_EQ(bobs->status_code, 409);
  EXPECT_EQ(bobs->response_body, "");
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto other_key,
                              rx->GetIdempotency("alice", "k-2"));
  EXPECT_FALSE(other_key.has_value());
}

// --- attachments
// --------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, AttachmentBytesRoundTrip) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  std::string bytes;
  for (int round = 0; round < 3; ++round) {
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  }
  bytes += std::string("\0\0\0tail", 7);
  Attachment full = MakeAttachment("att-1", "case-1", bytes);
  Attachment empty = MakeAttachment("att-2", "case-1", "");
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->PutAttachment(full));
    EVIDEX_ASSERT_OK(tx->PutAttachment(empty));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Attachment got, rx->GetAttachment("att-1"));
  EXPECT_EQ(got.id, "att-1");
  EXPECT_EQ(got.case_id, "case-1");
  EXPECT_EQ(got.name, full.name);
  EXPECT_EQ(got.media_type, full.media_type);
  EXPECT_EQ(got.sha256, full.sha256);
  EXPECT_EQ(got.bytes.size(), 3 * 256 + 7u);
  EXPECT_EQ(got.bytes, bytes);
  EXPECT_EQ(Ms(got.created_at), Ms(full.created_at));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Attachment got_empty, rx->GetAttachment("att-2"));
  EXPECT_EQ(got_empty.bytes, "");
  EXPECT_EQ(got_empty.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_P(StoreConformanceTest, AttachmentErrors) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutAttachment(MakeAttachment("att-1", "case-1", "abc")));
  EVIDEX_EXPECT_CODE(
      tx->PutAttachment(MakeAttachment("att-1", "case-1", "xyz")),
      StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(
      tx->PutAttachment(MakeAttachment("att-2", "case-x", "abc")),
      StatusCode::kNotFound);
  Attachment wrong = MakeAttachment("att-3", "case-1", "abc");
  wrong.bytes = "abd";
  EVIDEX_EXPECT_CODE(tx->PutAttachment(wrong), StatusCode::kInvalidArgument);
  wrong = MakeAttachment("att-3", "case-1", "abc");
  for (char& ch : wrong.sha256) ch = static_cast<char>(std::toupper(ch));
  EVIDEX_EXPECT_CODE(tx->PutAttachment(wrong), StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->GetAttachment("att-3"), StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Attachment first, tx->GetAttachment("att-1"));
  EXPECT_EQ(first.bytes, "abc");
}

// --- organisation keys and the security log
// ---------------------------------------------------------------------

OrganisationKey MakeKey(const std::string& id, const std::string& org,
                        const std::string& kind, int valid_from) {
  std::string public_key(32, '\0');
  for (std::size_t i = 0; i < public_key.size(); ++i) {
    public_key[i] = static_cast<char>(id.size() * 7 + i);
  }
  return OrganisationKey{.id = id,
                         .organisation_id = org,
                         .kind = kind,
                         .public_key = public_key,
                         .sealed_secret = std::string("\x01sealed\0" + id),
                         .valid_from = At(valid_from),
                         .valid_until = std::nullopt,
                         .revoked_at = std::nullopt};
}

TEST_P(StoreConformanceTest, OrganisationKeysRoundTripInValidityOrder) {
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-b")));
    EVIDEX_ASSERT_OK(
        tx->PutOrganisationKey(MakeKey("k-2", "org-a", "signing", 9)));
    EVIDEX_ASSERT_OK(
        tx->PutOrganisationKey(MakeKey("k-1", "org-a", "encryption", 3)));
    EVIDEX_ASSERT_OK(
        tx->PutOrganisationKey(MakeKey("k-3", "org-b", "signing", 1)));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto keys, rx->ListOrganisationKeys("org-a"));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].id, "k-1");
  EXPECT_EQ(keys[1].id, "k-2");
  const OrganisationKey want = MakeKey("k-2", "org-a", "signing", 9);
  EXPECT_EQ(keys[1].organisation_id, "org-a");
  EXPECT_EQ(keys[1].kind, "signing");
  EXPECT_EQ(keys[1].public_key, want.public_key);
  EXPECT_EQ(keys[1].sealed_secret, want.sealed_secret);
  EXPECT_EQ(Ms(keys[1].valid_from), Ms(want.valid_from));
  EXPECT_FALSE(keys[1].valid_until.has_value());
  EXPECT_FALSE(keys[1].revoked_at.has_value());
  EVIDEX_ASSERT_OK_AND_ASSIGN(OrganisationKey one,
                              rx->GetOrganisationKey("k-3"));
  EXPECT_EQ(one.organisation_id, "org-b");
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, rx->ListOrganisationKeys("org-c"));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformanceTest, KeyRotationAndRevocationAreSetOnce) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  EVIDEX_ASSERT_OK(
      tx->PutOrganisationKey(MakeKey("k-1", "org-a", "signing", 1)));
  EVIDEX_ASSERT_OK(tx->RetireOrganisationKey("k-1", At(5)));
  EVIDEX_ASSERT_OK(tx->RetireOrganisationKey("k-1", At(6)));
  EVIDEX_ASSERT_OK(tx->RevokeOrganisationKey("k-1", At(7)));
  EVIDEX_ASSERT_OK(tx->RevokeOrganisationKey("k-1", At(8)));
  EVIDEX_ASSERT_OK_AND_ASSIGN(OrganisationKey k, tx->GetOrganisationKey("k-1"));
  ASSERT_TRUE(k.valid_until.has_value());
  ASSERT_TRUE(k.revoked_at.has_value());
  EXPECT_EQ(Ms(*k.valid_until), Ms(At(5)));
  EXPECT_EQ(Ms(*k.revoked_at), Ms(At(7)));
  EVIDEX_EXPECT_CODE(tx->RetireOrganisationKey("k-x", At(5)),
                     StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->RevokeOrganisationKey("k-x", At(5)),
                     StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, OrganisationKeyErrors) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  EVIDEX_ASSERT_OK(
      tx->PutOrganisationKey(MakeKey("k-1", "org-a", "signing", 1)));
  EVIDEX_EXPECT_CODE(
      tx->PutOrganisationKey(MakeKey("k-1", "org-a", "encryption", 2)),
      StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(
      tx->PutOrganisationKey(MakeKey("k-2", "org-x", "signing", 1)),
      StatusCode::kNotFound);
  OrganisationKey bad = MakeKey("k-3", "org-a", "signature", 1);
  EVIDEX_EXPECT_CODE(tx->PutOrganisationKey(bad), StatusCode::kInvalidArgument);
  bad = MakeKey("k-3", "org-a", "signing", 1);
  bad.public_key.pop_back();
  EVIDEX_EXPECT_CODE(tx->PutOrganisationKey(bad), StatusCode::kInvalidArgument);
  bad = MakeKey("k-3", "org-a", "signing", 1);
  bad.sealed_secret.clear();
  EVIDEX_EXPECT_CODE(tx->PutOrganisationKey(bad), StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->GetOrganisationKey("k-3"), StatusCode::kNotFound);
}

// --- package keys
// ---------------------------------------------------------------------

PackageKey MakePackageKey(const std::string& id, const std::string& org,
                          const std::string& use, int created_at) {
  std::string public_key(32, '\0');
  for (std::size_t i = 0; i < public_key.size(); ++i) {
    public_key[i] = static_cast<char>(id.size() * 5 + i);
  }
  return PackageKey{.id = id,
                    .organisation_id = org,
                    .use = use,
                    .name = "provider.example/" + id,
                    .public_key = public_key,
                    .created_at = At(created_at),
                    .revoked_at = std::nullopt};
}

TEST_P(StoreConformanceTest, PackageKeysRoundTripInRegistrationOrder) {
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-b")));
    EVIDEX_ASSERT_OK(
        tx->PutPackageKey(MakePackageKey("pk-2", "org-a", "sign", 9)));
    EVIDEX_ASSERT_OK(
        tx->PutPackageKey(MakePackageKey("pk-1", "org-a", "encrypt", 3)));
    EVIDEX_ASSERT_OK(
        tx->PutPackageKey(MakePackageKey("pk-3", "org-b", "sign", 1)));
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto keys, rx->ListPackageKeys("org-a"));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].id, "pk-1");
  EXPECT_EQ(keys[1].id, "pk-2");
  const PackageKey want = MakePackageKey("pk-2", "org-a", "sign", 9);
  EXPECT_EQ(keys[1].organisation_id, "org-a");
  EXPECT_EQ(keys[1].use, "sign");
  EXPECT_EQ(keys[1].name, want.name);
  EXPECT_EQ(keys[1].public_key, want.public_key);
  EXPECT_EQ(Ms(keys[1].created_at), Ms(want.created_at));
  EXPECT_FALSE(keys[1].revoked_at.has_value());
  EVIDEX_ASSERT_OK_AND_ASSIGN(PackageKey one, rx->GetPackageKey("pk-3"));
  EXPECT_EQ(one.organisation_id, "org-b");
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, rx->ListPackageKeys("org-c"));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformanceTest, PackageKeyRevocationIsSetOnce) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  EVIDEX_ASSERT_OK(
      tx->PutPackageKey(MakePackageKey("pk-1", "org-a", "sign", 1)));
  EVIDEX_ASSERT_OK(tx->RevokePackageKey("pk-1", At(7)));
  EVIDEX_ASSERT_OK(tx->RevokePackageKey("pk-1", At(8)));
  EVIDEX_ASSERT_OK_AND_ASSIGN(PackageKey k, tx->GetPackageKey("pk-1"));
  ASSERT_TRUE(k.revoked_at.has_value());
  EXPECT_EQ(Ms(*k.revoked_at), Ms(At(7)));
  EVIDEX_EXPECT_CODE(tx->RevokePackageKey("pk-x", At(5)),
                     StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, PackageKeyErrors) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  EVIDEX_ASSERT_OK(
      tx->PutPackageKey(MakePackageKey("pk-1", "org-a", "sign", 1)));
  EVIDEX_EXPECT_CODE(
      tx->PutPackageKey(MakePackageKey("pk-1", "org-a", "encrypt", 2)),
      StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(
      tx->PutPackageKey(MakePackageKey("pk-2", "org-x", "sign", 1)),
      StatusCode::kNotFound);
  PackageKey bad = MakePackageKey("pk-3", "org-a", "log", 1);
  EVIDEX_EXPECT_CODE(tx->PutPackageKey(bad), StatusCode::kInvalidArgument);
  bad = MakePackageKey("pk-3", "org-a", "sign", 1);
  bad.public_key.pop_back();
  EVIDEX_EXPECT_CODE(tx->PutPackageKey(bad), StatusCode::kInvalidArgument);
  bad = MakePackageKey("pk-3", "org-a", "sign", 1);
  bad.name.clear();
  EVIDEX_EXPECT_CODE(tx->PutPackageKey(bad), StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->GetPackageKey("pk-3"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, SecurityLogIsReadPerOrganisationNewestFirst) {
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    for (int i = 0; i < 3; ++i) {
      EVIDEX_ASSERT_OK_AND_ASSIGN(
          SecurityEvent e,
          tx->AppendSecurityEvent(SecurityEvent{
              .seq = 0,
              .at = At(i),
              .kind = "signed_document_refused",
              .reason = i == 1 ? "key_revoked" : "wrong_signature",
              .organisation_id = i == 2 ? "" : "org-a",
              .detail_json = R"({"n":)" + std::to_string(i) + "}"}));
      EXPECT_GE(e.seq, 1);
    }
    EVIDEX_EXPECT_CODE(
        tx->AppendSecurityEvent(SecurityEvent{.seq = 0,
                                              .at = At(4),
                                              .kind = "signed_document_refused",
                                              .reason = "wrong_signature",
                                              .organisation_id = "org-a",
                                              .detail_json = "{not json"}),
        StatusCode::kInvalidArgument);
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  constexpr std::int64_t kNewest = std::numeric_limits<std::int64_t>::max();
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events,
                              rx->ListSecurityEvents("org-a", kNewest, 1));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "key_revoked");
  EXPECT_EQ(events[0].detail_json, R"({"n":1})");
  EXPECT_EQ(Ms(events[0].at), Ms(At(1)));
  EVIDEX_ASSERT_OK_AND_ASSIGN(
      auto next, rx->ListSecurityEvents("org-a", events[0].seq, 5));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].detail_json, R"({"n":0})");
  EXPECT_LT(next[0].seq, events[0].seq);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto unattributed,
                              rx->ListSecurityEvents("", kNewest, 5));
  ASSERT_EQ(unattributed.size(), 1u);
  EXPECT_EQ(unattributed[0].detail_json, R"({"n":2})");
}

// --- the ledger's bookkeeping
// ---------------------------------------------------------------------

TEST_P(StoreConformanceTest, EventsAfterAGlobalSeqWithTheirLeaves) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1", "case-2"}));
  std::vector<std::int64_t> global;
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto all, tx->ListEventsAfter(0, 100));
    ASSERT_EQ(all.size(), 2u);  // the cases' first events
    for (const CaseEvent& e : all) global.push_back(e.global_seq);
    EVIDEX_ASSERT_OK_AND_ASSIGN(
        CaseEvent e, tx->AppendEvent(MakeEvent("case-1", "noted", At(1))));
    global.push_back(e.global_seq);
    EVIDEX_ASSERT_OK(tx->Commit());
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, tx->LastLoggedEvent());
  EXPECT_FALSE(none.has_value());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto all, tx->ListEventsAfter(0, 100));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_LT(all[0].global_seq, all[1].global_seq);
  EXPECT_LT(all[1].global_seq, all[2].global_seq);
  EXPECT_EQ(all[2].type, "noted");
  EXPECT_FALSE(all[0].leaf_index.has_value());

  EVIDEX_ASSERT_OK(tx->PutEventLeaf(global[0], 0));
  EVIDEX_ASSERT_OK(tx->PutEventLeaf(global[1], 1));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto page, tx->ListEventsAfter(global[0], 1));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].global_seq, global[1]);
  EXPECT_EQ(page[0].leaf_index, 1);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, tx->ListEvents("case-1"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].leaf_index, 0);
  EXPECT_FALSE(events[1].leaf_index.has_value());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto last, tx->LastLoggedEvent());
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->global_seq, global[1]);
  EXPECT_EQ(last->leaf_index, 1);

  EVIDEX_EXPECT_CODE(tx->PutEventLeaf(global[0], 5),
                     StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(tx->PutEventLeaf(global[2], 1),
                     StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(tx->PutEventLeaf(global[2] + 1000, 7),
                     StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->PutEventLeaf(global[2], -1),
                     StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx->ListEventsAfter(0, 0), StatusCode::kInvalidArgument);
  EVIDEX_ASSERT_OK(tx->PutEventLeaf(global[2], 2));
}

TEST_P(StoreConformanceTest, CaseSaltIsSetOnce) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto none, tx->GetCaseSalt("case-1"));
  EXPECT_FALSE(none.has_value());
  std::string salt(20, 's');  // bytes, NUL and non-UTF-8 included
  salt[0] = '\0';
  salt[19] = '\xff';
  EVIDEX_ASSERT_OK(tx->PutCaseSalt("case-1", salt));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto got, tx->GetCaseSalt("case-1"));
  EXPECT_EQ(got, salt);
  EVIDEX_EXPECT_CODE(tx->PutCaseSalt("case-1", std::string(32, 'x')),
                     StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(tx->PutCaseSalt("case-x", std::string(32, 'x')),
                     StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->GetCaseSalt("case-x"), StatusCode::kNotFound);
  EVIDEX_ASSERT_OK(tx->Commit());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx2, store().Begin());
  EVIDEX_ASSERT_OK(CreateSimpleCase(*tx2, "case-2", "org-a", At(0)));
  EVIDEX_EXPECT_CODE(tx2->PutCaseSalt("case-2", std::string(15, 'x')),
                     StatusCode::kInvalidArgument);
  EVIDEX_EXPECT_CODE(tx2->PutCaseSalt("case-2", std::string(65, 'x')),
                     StatusCode::kInvalidArgument);
}

// --- transactions
// -------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, TransactionSeesItsOwnWrites) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  EVIDEX_ASSERT_OK_AND_ASSIGN(Organisation got, tx->GetOrganisation("org-a"));
  EXPECT_EQ(got.id, "org-a");
}

TEST_P(StoreConformanceTest, DestroyedWithoutCommitRollsBack) {
  {
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
    EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
    EVIDEX_ASSERT_OK(
        tx->PutPerson(MakePerson("alice", "org-a", "a@a.example")));
  }
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_EXPECT_CODE(tx->GetOrganisation("org-a"), StatusCode::kNotFound);
  EVIDEX_EXPECT_CODE(tx->GetPerson("alice"), StatusCode::kNotFound);
  // The id is free again.
  EVIDEX_EXPECT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
}

TEST_P(StoreConformanceTest, ReadersSeeCommittedDataOnly) {
  ASSERT_NO_FATAL_FAILURE(Seed(store()));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto early, store().BeginRead());
  EVIDEX_ASSERT_OK(
      early->GetOrganisation("org-a"));  // its snapshot starts here
  EVIDEX_EXPECT_CODE(early->GetOrganisation("org-new"), StatusCode::kNotFound);

  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-new")));
  {
    // Readers run beside the open writer, without seeing its writes.
    EVIDEX_ASSERT_OK_AND_ASSIGN(auto during, store().BeginRead());
    EVIDEX_EXPECT_CODE(during->GetOrganisation("org-new"),
                       StatusCode::kNotFound);
    EVIDEX_EXPECT_OK(during->GetOrganisation("org-a"));
  }
  EVIDEX_ASSERT_OK(tx->Commit());

  EVIDEX_ASSERT_OK_AND_ASSIGN(auto after, store().BeginRead());
  EVIDEX_EXPECT_OK(after->GetOrganisation("org-new"));
  // The earlier reader keeps its snapshot.
  EVIDEX_EXPECT_CODE(early->GetOrganisation("org-new"), StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto orgs, early->ListOrganisations());
  EXPECT_EQ(orgs.size(), 3u);
}

TEST_P(StoreConformanceTest, ReadTransactionRefusesWrites) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  constexpr StatusCode kRefused = StatusCode::kFailedPrecondition;
  EVIDEX_EXPECT_CODE(rx->PutOrganisation(MakeOrganisation("org-x")), kRefused);
  EVIDEX_EXPECT_CODE(rx->PutPerson(MakePerson("x", "org-a", "x@a.example")),
                     kRefused);
  EVIDEX_EXPECT_CODE(
      rx->UpdatePerson(MakePerson("alice", "org-a", "a@a.example")), kRefused);
  EVIDEX_EXPECT_CODE(rx->PutApiToken(MakeToken("tok-x", "alice", "h")),
                     kRefused);
  EVIDEX_EXPECT_CODE(rx->RevokeApiToken("tok-x", At(1)), kRefused);
  EVIDEX_EXPECT_CODE(rx->PutSession(Session{.id_hash = "s",
                                            .person_id = "alice",
                                            .created_at = At(0),
                                            .expires_at = At(1),
                                            .revoked_at = std::nullopt}),
                     kRefused);
  EVIDEX_EXPECT_CODE(rx->RevokeSession("s", At(1)), kRefused);
  EVIDEX_EXPECT_CODE(CreateSimpleCase(*rx, "case-x", "org-a", At(0)), kRefused);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case c, rx->GetCase("case-1"));
  EVIDEX_EXPECT_CODE(rx->UpdateCase(c), kRefused);
  EVIDEX_EXPECT_CODE(
      rx->AddCaseParty(MakeParty("case-1", "org-b", "addressee")), kRefused);
  EVIDEX_EXPECT_CODE(rx->AppendEvent(MakeEvent("case-1", "noted", At(1))),
                     kRefused);
  EVIDEX_EXPECT_CODE(rx->PutDeadline(MakeDeadline("case-1", "response", At(9),
                                                  std::nullopt, "pending")),
                     kRefused);
  EVIDEX_EXPECT_CODE(rx->RecordAccess(MakeAccess("case-1", "read_case", At(1))),
                     kRefused);
  EVIDEX_EXPECT_CODE(rx->PutIdempotency(MakeIdempotency("alice", "k")),
                     kRefused);
  EVIDEX_EXPECT_CODE(rx->PutAttachment(MakeAttachment("att", "case-1", "a")),
                     kRefused);
  EVIDEX_EXPECT_OK(rx->Commit());

  EVIDEX_ASSERT_OK_AND_ASSIGN(auto check, store().BeginRead());
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case unchanged, check->GetCase("case-1"));
  EXPECT_EQ(unchanged.version, 1);
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto events, check->ListEvents("case-1"));
  EXPECT_EQ(events.size(), 1u);
  EVIDEX_EXPECT_CODE(check->GetOrganisation("org-x"), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, EndedTransactionRefusesCalls) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-a")));
  EVIDEX_ASSERT_OK(tx->Commit());
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(MakeOrganisation("org-b")),
                     StatusCode::kFailedPrecondition);
  EVIDEX_EXPECT_CODE(tx->GetOrganisation("org-a"),
                     StatusCode::kFailedPrecondition);
  EVIDEX_EXPECT_CODE(tx->Commit(), StatusCode::kFailedPrecondition);

  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_ASSERT_OK(rx->Commit());
  EVIDEX_EXPECT_CODE(rx->GetOrganisation("org-a"),
                     StatusCode::kFailedPrecondition);
  EVIDEX_EXPECT_CODE(rx->Commit(), StatusCode::kFailedPrecondition);

  // The committed transaction released the writer.
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto next, store().Begin());
  EVIDEX_EXPECT_OK(next->GetOrganisation("org-a"));
}

TEST_P(StoreConformanceTest, FailedCallLeavesTransactionUsable) {
  ASSERT_NO_FATAL_FAILURE(SeedCases(store(), {"case-1"}));
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto tx, store().Begin());
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-d")));
  EVIDEX_EXPECT_CODE(tx->PutOrganisation(MakeOrganisation("org-a")),
                     StatusCode::kAlreadyExists);
  EVIDEX_EXPECT_CODE(tx->AppendEvent(MakeEvent("case-x", "noted", At(1))),
                     StatusCode::kNotFound);
  EVIDEX_ASSERT_OK_AND_ASSIGN(Case c, tx->GetCase("case-1"));
  c.version = 7;
  EVIDEX_EXPECT_CODE(tx->UpdateCase(c), StatusCode::kConflict);
  EVIDEX_ASSERT_OK(tx->PutOrganisation(MakeOrganisation("org-e")));
  EVIDEX_ASSERT_OK(tx->Commit());
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto rx, store().BeginRead());
  EVIDEX_EXPECT_OK(rx->GetOrganisation("org-d"));
  EVIDEX_EXPECT_OK(rx->GetOrganisation("org-e"));
}

TEST_P(StoreConformanceTest, WritersTakeTurns) {
  EVIDEX_ASSERT_OK_AND_ASSIGN(auto first, store().Begin());
  EVIDEX_ASSERT_OK(first->PutOrganisation(MakeOrganisation("org-a")));
  std::atomic<bool> first_done{false};
  bool began_after_first = false;
  Status second_began;
  Status second_read;
  std::thread second([&] {
    Result<std::unique_ptr<Transaction>> tx = store().Begin();
    began_after_first = first_done.load();
    if (!tx.has_value()) {
      second_began = tx.error();
      return;
    }
    second_read = StatusOf((*tx)->GetOrganisation("org-a"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  first_done = true;
  EVIDEX_ASSERT_OK(first->Commit());
  second.join();
  EVIDEX_EXPECT_OK(second_began);
  EXPECT_TRUE(began_after_first);
  EVIDEX_EXPECT_OK(second_read);
}

}  // namespace
}  // namespace evidex::store
