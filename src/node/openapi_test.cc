// The OpenAPI document describes exactly the routes the node registers (its
// use cases', its ledger's and its packages'): every (method, path) of the
// router is an operation of the document, and the reverse.
// tests/api/openapi_test.mjs checks the responses themselves.
#include "node/openapi.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "api/metrics.h"
#include "api/router.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "law/law.h"
#include "node/ledger.h"
#include "node/master_key.h"
#include "node/node.h"
#include "node/packages.h"
#include "node/secrets.h"
#include "store/sqlite_store.h"

namespace evidex::node {
namespace {

namespace bj = boost::json;

std::vector<std::string> DocumentedRoutes() {
  auto doc = ParseJson(OpenApiJson());
  EXPECT_TRUE(doc.has_value()) << doc.error().message();
  std::vector<std::string> out;
  if (!doc) return out;
  for (const auto& path : doc->at("paths").as_object()) {
    for (const auto& op : path.value().as_object()) {
      std::string method(op.key());
      std::transform(method.begin(), method.end(), method.begin(), [](char c) {
        return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      });
      out.push_back(method + " " + std::string(path.key()));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(OpenApiTest, IsAnOpenApi31Document) {
  auto doc = ParseJson(OpenApiJson());
  ASSERT_TRUE(doc.has_value()) << doc.error().message();
  EXPECT_EQ(doc->at("openapi").as_string(), "3.1.0");
  EXPECT_EQ(doc->at("jsonSchemaDialect").as_string(),
            "https://json-schema.org/draft/2020-12/schema");
}

TEST(OpenApiTest, DescribesExactlyTheRoutesTheNodeRegisters) {
  ASSERT_TRUE(InitSecrets().ok());
  char pattern[] = "/tmp/evidex-openapi-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  SystemClock clock;
  std::ostringstream log_out;
  Logger log(log_out, clock);
  api::Metrics metrics;
  auto law = law::LoadLaw(law::EmbeddedLawFiles());
  ASSERT_TRUE(law.has_value()) << law.error().message();
  {
    auto store = store::OpenSqliteStore(dir + "/evidex.db", clock);
    ASSERT_TRUE(store.has_value()) << store.error().message();
    auto master_key = MasterKey::LoadOrCreate(dir);
    ASSERT_TRUE(master_key.has_value()) << master_key.error().message();
    Node node(**store, *law, clock, log, metrics, *master_key, {});
    auto ledger = NodeLedger::Open(dir, *master_key, **store, clock);
    ASSERT_TRUE(ledger.has_value()) << ledger.error().message();
    Packages packages(**store, **ledger, clock, log, {.dir = dir});
    api::Router router;
    node.RegisterRoutes(router);
    (*ledger)->RegisterRoutes(router);
    packages.RegisterRoutes(router);
    std::vector<std::string> registered = router.Patterns();
    std::sort(registered.begin(), registered.end());
    EXPECT_THAT(DocumentedRoutes(), ::testing::ContainerEq(registered));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace evidex::node
