#include "node/packages.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/encoding.h"
#include "evidence/io.h"
#include "evidence/keys.h"
#include "evidence/package.h"
#include "node/master_key.h"
#include "node/sandbox.h"
#include "node/secrets.h"
#include "store/sqlite_store.h"

namespace evidex::node {
namespace {

namespace fs = std::filesystem;

// The upload, download and trust endpoints in process, on a real store,
// ledger and package files: what the end-to-end test cannot see (the
// admission check apart from the body, the files left behind, the log proof
// against the node's own key).
class PackagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets().ok());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "packages");
    store_ =
        store::OpenSqliteStore((dir_ / "evidex.db").string(), clock_).value();
    auto master_key = MasterKey::LoadOrCreate(dir_);
    ASSERT_TRUE(master_key.has_value()) << master_key.error().message();
    auto people = SeedSandbox(*store_, clock_, true);
    ASSERT_TRUE(people.has_value()) << people.error().message();
    for (const SandboxPerson& p : *people) tokens_[p.organisation_id] = p.token;
    ledger_ = NodeLedger::Open(dir_, *master_key, *store_, clock_).value();
    packages_ = std::make_unique<Packages>(
        *store_, *ledger_, clock_, log_,
        PackagesOptions{.dir = dir_ / "packages",
                        .max_package_bytes = 1 << 20});
    packages_->RegisterRoutes(router_);
    signer_ = evidence::GenerateKey("nimbus.example", evidence::KeyUse::kSign)
                  .value();
    recipient_ =
        evidence::GenerateKey("tj.example", evidence::KeyUse::kEncrypt).value();
    Status s = store_->Write([&](store::Transaction& txn) -> Status {
      auto raw = [](const std::array<std::uint8_t, 32>& k) {
        return std::string(k.begin(), k.end());
      };
      EVIDEX_RETURN_IF_ERROR(txn.PutPackageKey(
          {"pkey_1", "org_ie_nimbus", "sign", signer_.name,
           raw(signer_.public_key), clock_.Now(), std::nullopt}));
      EVIDEX_RETURN_IF_ERROR(txn.PutPackageKey(
          {"pkey_2", "org_fr_instruction", "encrypt", recipient_.name,
           raw(recipient_.public_key), clock_.Now(), std::nullopt}));
      store::Case c;
      c.id = kCase;
      c.procedure = "eu2023-1543.epoc";
      c.state = "received";
      c.issuing_organisation_id = "org_fr_instruction";
      c.created_at = c.updated_at = clock_.Now();
      c.content_json = "{}";
      c.decision_json = "{}";
      store::CaseEvent created;
      created.case_id = kCase;
      created.type = "created";
      created.at = clock_.Now();
      created.payload_json = "{}";
      auto made = txn.CreateCase(c,
                                 {{kCase, "org_fr_instruction", "issuer"},
                                  {kCase, "org_ie_nimbus", "addressee"}},
                                 created);
      return made ? OkStatus() : made.error();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void TearDown() override {
    packages_.reset();
    ledger_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // A package of one small file for `order`, as a spooled upload would be.
  std::string Pack(const std::string& order, const std::string& name) {
    const fs::path item = dir_ / "logs.bin";
    std::ofstream(item, std::ios::binary) << std::string(5000, 'x');
    evidence::PackOptions o;
    o.order = order;
    o.created_at = "2026-11-29T10:00:00Z";
    o.signer = &signer_;
    o.recipient = recipient_.public_key;
    evidence::PackItem i;
    i.path = item.string();
    i.meta.name = "logs.bin";
    i.meta.media_type = "application/octet-stream";
    i.meta.data_category = "traffic";
    i.meta.produced_at = "2026-11-28T10:00:00Z";
    i.meta.producer = "nimbus";
    o.items.push_back(i);
    o.output = (dir_ / name).string();
    auto packed = evidence::Pack(o);
    EXPECT_TRUE(packed.has_value()) << packed.error().message();
    return o.output;
  }

  api::Request Upload(const std::string& org, const std::string& file) {
    api::Request req;
    req.method = "POST";
    req.path = std::string("/api/v1/cases/") + kCase + "/packages";
    req.request_id = "test";
    if (!org.empty()) {
      req.headers.emplace_back("authorization", "Bearer " + tokens_.at(org));
    }
    req.headers.emplace_back("idempotency-key", "k-" + file);
    req.body_file = file;
    req.body_size = file.empty() ? 0 : fs::file_size(file);
    return req;
  }

  api::Response Call(api::Request& req) {
    api::Router::Match m = router_.Find(req);
    EXPECT_NE(m.handler, nullptr);
    return (*m.handler)(req);
  }

  static constexpr char kCase[] = "case_pkg";
  const fs::path dir_ = fs::temp_directory_path() /
                        ("evidex_packages_test_" + std::to_string(::getpid()));
  SystemClock clock_;
  std::ostringstream log_text_;
  Logger log_{log_text_, clock_};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<NodeLedger> ledger_;
  std::unique_ptr<Packages> packages_;
  api::Router router_;
  std::map<std::string, std::string> tokens_;
  evidence::KeyEntry signer_;
  evidence::KeyEntry recipient_;
};

TEST_F(PackagesTest, OnlyAnAnsweringPartyIsAdmittedBeforeTheBody) {
  // The check the server runs on the headers: no body is there yet.
  auto admit = [&](api::Request req) {
    api::Router::Match m = router_.Find(req);
    EXPECT_EQ(m.upload_limit, 1u << 20);
    return m.admit == nullptr ? std::optional<api::Response>()
                              : (*m.admit)(req);
  };
  api::Request probe = Upload("", "");
  ASSERT_NE(router_.Find(probe).admit, nullptr);
  EXPECT_EQ(admit(Upload("", "")).value().status, 401);
  EXPECT_EQ(admit(Upload("org_us_cloudmail", "")).value().status, 404);
  EXPECT_EQ(admit(Upload("org_fr_instruction", "")).value().status, 403);
  EXPECT_FALSE(admit(Upload("org_ie_nimbus", "")).has_value());
  api::Request no_key = Upload("org_ie_nimbus", "");
  no_key.headers.pop_back();  // no Idempotency-Key
  EXPECT_EQ(admit(no_key).value().status, 400);
}

TEST_F(PackagesTest, AnAcceptedPackageIsKeptLoggedAndProvesItself) {
  const std::string spooled = Pack(kCase, "upload.evx");
  api::Request req = Upload("org_ie_nimbus", spooled);
  api::Response up = Call(req);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_FALSE(fs::exists(spooled));
  auto body = boost::json::parse(up.body).as_object();
  const std::string id(body.at("id").as_string());
  const fs::path kept = dir_ / "packages" / (id + ".evx");
  ASSERT_TRUE(fs::exists(kept));

  api::Request trust_req;
  trust_req.method = "GET";
  trust_req.path = std::string("/api/v1/cases/") + kCase + "/trust";
  trust_req.headers.emplace_back("authorization",
                                 "Bearer " + tokens_.at("org_fr_instruction"));
  api::Response trust_res = Call(trust_req);
  ASSERT_EQ(trust_res.status, 200) << trust_res.body;
  auto trust = evidence::ParseKeyFile(trust_res.body);
  ASSERT_TRUE(trust.has_value()) << trust.error().message();
  auto source = evidence::OpenPackageFile(kept.string());
  ASSERT_TRUE(source.has_value());
  evidence::VerifyOptions verify;
  verify.trust = &*trust;
  auto report = evidence::VerifyPackage(**source, verify);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(report->signer_trusted);
  ASSERT_TRUE(report->log.has_value());
  EXPECT_EQ(report->log->leaf_index, body.at("leaf_index").as_int64());
  EXPECT_EQ(report->log->trusted_signers.size(), 1u);

  api::Request get;
  get.method = "GET";
  get.path = std::string("/api/v1/cases/") + kCase + "/packages/" + id;
  get.headers.emplace_back("authorization",
                           "Bearer " + tokens_.at("org_fr_instruction"));
  get.headers.emplace_back("range", "bytes=10-19");
  api::Response part = Call(get);
  ASSERT_EQ(part.status, 206) << part.body;
  ASSERT_TRUE(part.file.has_value());
  EXPECT_EQ(part.file->path, kept.string());
  EXPECT_EQ(part.file->offset, 10u);
  EXPECT_EQ(part.file->length, 10u);
}

TEST_F(PackagesTest, RetriesOfOneUploadAtOnceAllGetTheOnePackage) {
  // A client that retries while its first attempt is still attaching the log
  // proof: every attempt waits for the one package, none sees it half done.
  const std::string packed = Pack(kCase, "retried.evx");
  constexpr int kAttempts = 4;
  std::vector<api::Request> attempts;
  for (int i = 0; i < kAttempts; ++i) {
    const std::string copy = packed + "." + std::to_string(i);
    fs::copy_file(packed, copy);
    attempts.push_back(Upload("org_ie_nimbus", copy));
    for (auto& [name, value] : attempts.back().headers) {
      if (name == "idempotency-key") value = "k-retried";
    }
  }
  std::vector<api::Response> answers(kAttempts);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] { answers[i] = Call(attempts[i]); });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> ids;
  for (const api::Response& a : answers) {
    ASSERT_EQ(a.status, 201) << a.body;
    ids.insert(std::string(boost::json::parse(a.body).at("id").as_string()));
  }
  ASSERT_EQ(ids.size(), 1u);
  std::vector<fs::path> kept;
  for (const auto& entry : fs::directory_iterator(dir_ / "packages")) {
    kept.push_back(entry.path());
  }
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].filename(), *ids.begin() + ".evx");
  auto source = evidence::OpenPackageFile(kept[0].string());
  ASSERT_TRUE(source.has_value());
  auto report = evidence::VerifyPackage(**source, {});
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(report->log.has_value());
}

TEST_F(PackagesTest, ARefusedPackageIsNotKeptAndIsInTheSecurityLog) {
  const std::string spooled = Pack("case_other", "other.evx");
  api::Request req = Upload("org_ie_nimbus", spooled);
  api::Response res = Call(req);
  EXPECT_EQ(res.status, 422);
  EXPECT_NE(res.body.find("wrong_order"), std::string::npos) << res.body;
  EXPECT_TRUE(fs::is_empty(dir_ / "packages"));
  auto txn = store_->BeginRead().value();
  auto events = txn->ListSecurityEvents("org_ie_nimbus", INT64_MAX, 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "package_refused");
  EXPECT_EQ(events[0].reason, "wrong_order");
}

TEST_F(PackagesTest, WhatAStopLeftUndoneIsFinishedAtStart) {
  // A package kept and recorded, whose proof a stop kept from being attached,
  // and one kept whose event never committed.
  const std::string spooled = Pack(kCase, "stopped.evx");
  auto source = evidence::OpenPackageFile(spooled);
  ASSERT_TRUE(source.has_value());
  auto report = evidence::VerifyPackage(**source, {});
  ASSERT_TRUE(report.has_value()) << report.error().message();
  source->reset();
  Status s = store_->Write([&](store::Transaction& txn) -> Status {
    store::CaseEvent e;
    e.case_id = kCase;
    e.type = "package_uploaded";
    e.actor_organisation_id = "org_ie_nimbus";
    e.at = clock_.Now();
    e.payload_json = R"({"package_id":"pkg_stopped","package_sha256":")" +
                     crypto::HexEncode(report->package_sha256) +
                     R"(","size":1,"items":1,"signer":"nimbus.example"})";
    auto appended = txn.AppendEvent(e);
    return appended ? OkStatus() : appended.error();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  const fs::path packages = dir_ / "packages";
  fs::copy_file(spooled, packages / "case_pkg.pkg_orphan.unlogged");
  fs::rename(spooled, packages / "case_pkg.pkg_stopped.unlogged");

  auto finished = packages_->FinishPending();
  ASSERT_TRUE(finished.has_value()) << finished.error().message();
  EXPECT_EQ(*finished, 1);
  EXPECT_FALSE(fs::exists(packages / "case_pkg.pkg_orphan.unlogged"));
  EXPECT_FALSE(fs::exists(packages / "case_pkg.pkg_stopped.unlogged"));
  auto kept =
      evidence::OpenPackageFile((packages / "pkg_stopped.evx").string());
  ASSERT_TRUE(kept.has_value());
  auto proved = evidence::VerifyPackage(**kept, {});
  ASSERT_TRUE(proved.has_value()) << proved.error().message();
  EXPECT_TRUE(proved->log.has_value());
  EXPECT_EQ(packages_->FinishPending().value(), 0);
}

}  // namespace
}  // namespace evidex::node
