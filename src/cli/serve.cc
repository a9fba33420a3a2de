#include "cli/serve.h"

#include <signal.h>
#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <stop_token>
#include <thread>

#include "api/metrics.h"
#include "api/router.h"
#include "api/server.h"
#include "core/file.h"
#include "core/log.h"
#include "law/law.h"
#include "law/vocabulary.h"
#include "node/auth.h"
#include "node/config.h"
#include "node/keys.h"
#include "node/ledger.h"
#include "node/master_key.h"
#include "node/node.h"
#include "node/packages.h"
#include "node/sandbox.h"
#include "node/secrets.h"
#include "store/sqlite_store.h"

namespace evidex::cli {
namespace {

namespace fs = std::filesystem;

Status EnsureDataDir(const std::string& dir) {
  if (dir.empty())
    return InvalidArgumentError("a data directory is needed (--data DIR)");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return UnavailableError("cannot create `" + dir + "`: " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  return OkStatus();
}

void PrintSandbox(std::ostream& out,
                  const std::vector<node::SandboxPerson>& people,
                  const std::string& base, const fs::path& json) {
  out << "evidex sandbox: demo people and their API tokens (also in "
      << json.string() << ")\n";
  for (const node::SandboxPerson& p : people) {
    out << "  " << p.name << " (" << p.organisation << ", " << p.state << "; ";
    for (std::size_t i = 0; i < p.roles.size(); ++i)
      out << (i ? ", " : "") << p.roles[i];
    out << ")\n    " << p.token << "\n";
  }
  out << "Try:\n"
      << "  curl -s " << base << "/healthz\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" " << base
      << "/api/v1/me\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" " << base
      << "/api/v1/organisations\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" --data "
         "@examples/route-fr-ie-subscriber.json "
      << base << "/api/v1/route\n"
      << "  evidex inbox --node " << base
      << " --token $TOKEN    (the client verbs: "
      << "evidex --help)\n";
}

}  // namespace

int RunServe(const ServeOptions& options, std::ostream& out,
             std::ostream& err) {
  node::NodeConfig config;
  if (!options.config_file.empty()) {
    std::ifstream in(options.config_file);
    if (!in) {
      err << "evidex serve: cannot read `" << options.config_file << "`\n";
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    Status s = node::LoadConfig(ss.str(), options.config_file, config);
    if (!s.ok()) {
      err << "evidex serve: " << s.message() << "\n";
      return 2;
    }
  }
  if (!options.data_dir.empty()) config.data_dir = options.data_dir;
  if (!options.tls_cert.empty()) config.tls_cert = options.tls_cert;
  if (!options.tls_key.empty()) config.tls_key = options.tls_key;
  if (!options.listen.empty()) {
    Status s = node::SetListen(options.listen, config);
    if (!s.ok()) {
      err << "evidex serve: --listen: " << s.message() << "\n";
      return 2;
    }
  }
  if (Status s = EnsureDataDir(config.data_dir); !s.ok()) {
    err << "evidex serve: " << s.message() << "\n";
    return 2;
  }
  if (!node::InitSecrets().ok()) {
    err << "evidex serve: no source of randomness\n";
    return 1;
  }

  // Signals are handled by this thread alone: block them before any other
  // thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  Logger log(std::cerr, clock, config.log_level);
  auto law = law::LoadLaw(law::EmbeddedLawFiles());
  if (!law) {
    err << "evidex serve: the law does not load: " << law.error().message()
        << "\n";
    return 1;
  }
  fs::path dir(config.data_dir);
  // Created with the data directory; the node's secret keys are sealed under
  // it.
  auto master_key = node::MasterKey::LoadOrCreate(dir);
  if (!master_key) {
    err << "evidex serve: " << master_key.error().message() << "\n";
    return 1;
  }
  auto store = store::OpenSqliteStore((dir / "evidex.db").string(), clock);
  if (!store) {
    err << "evidex serve: " << store.error().message() << "\n";
    return 1;
  }

  node::NodeOptions node_options;
  node_options.max_attachment_bytes = config.max_attachment_bytes;
  std::vector<node::SandboxPerson> people;
  fs::path sandbox_json = dir / "sandbox.json";
  if (options.sandbox) {
    node_options.party_overrides = node::SandboxOverrides(*law);
    auto seeded = node::SeedSandbox(**store, clock, !fs::exists(sandbox_json));
    if (!seeded) {
      err << "evidex serve: cannot seed the sandbox: "
          << seeded.error().message() << "\n";
      return 1;
    }
    people = std::move(*seeded);
    if (!people.empty()) {
      if (Status s = WriteFileDurably(sandbox_json, node::SandboxJson(people));
          !s.ok()) {
        err << "evidex serve: " << s.message() << "\n";
        return 1;
      }
    }
  }

  // Every organisation signs with its own key: the sandbox's, admin init's,
  // and those of databases from before keys existed get theirs now.
  if (Status s = (*store)->Write([&](store::Transaction& txn) -> Status {
        EVIDEX_ASSIGN_OR_RETURN(
            int created,
            node::EnsureOrganisationKeys(txn, *master_key, clock.Now()));
        if (created > 0) {
          log.Info("organisation keys created",
                   {{"keys", std::int64_t{created}}});
        }
        return OkStatus();
      });
      !s.ok()) {
    err << "evidex serve: cannot create organisation keys: " << s.message()
        << "\n";
    return 1;
  }
  // The ledger: every event not yet logged is logged before the node serves.
  auto ledger = node::NodeLedger::Open(dir, *master_key, **store, clock);
  if (!ledger) {
    err << "evidex serve: the ledger: " << ledger.error().message() << "\n";
    return 1;
  }
  if (auto logged = (*ledger)->CatchUp(); !logged) {
    err << "evidex serve: the ledger: " << logged.error().message() << "\n";
    return 1;
  } else {
    log.Info(
        "ledger caught up",
        {{"logged", *logged},
         {"size", static_cast<std::int64_t>((*ledger)->log().IntegratedSize())},
         {"key", (*ledger)->log().verifier().VerifierKey()}});
  }

  api::Metrics metrics;
  api::Router router;
  node::Node node(**store, *law, clock, log, metrics, *master_key,
                  node_options);
  node.RegisterRoutes(router);
  (*ledger)->RegisterRoutes(router);
  // Uploads spool next to where packages are kept: keeping one is a rename.
  for (const char* sub : {"spool", "packages"}) {
    std::error_code ec;
    fs::create_directories(dir / sub, ec);
    if (ec) {
      err << "evidex serve: cannot create `" << (dir / sub).string()
          << "`: " << ec.message() << "\n";
      return 1;
    }
  }
  // What is left in the spool are bodies of uploads a stop cut short.
  {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir / "spool", ec)) {
      std::error_code ignored;
      fs::remove(entry.path(), ignored);
    }
  }
  node::Packages packages(
      **store, **ledger, clock, log,
      {.dir = dir / "packages", .max_package_bytes = config.max_package_bytes});
  if (auto finished = packages.FinishPending(); !finished) {
    err << "evidex serve: packages: " << finished.error().message() << "\n";
    return 1;
  } else if (*finished > 0) {
    log.Info("packages finished", {{"packages", std::int64_t{*finished}}});
  }
  packages.RegisterRoutes(router);
  api::ServerOptions server_options;
  server_options.spool_dir = (dir / "spool").string();
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.tls_cert_file = config.tls_cert;
  server_options.tls_key_file = config.tls_key;
  server_options.threads = config.threads;
  server_options.workers = config.workers;
  server_options.max_body_bytes = config.max_body_bytes;
  api::HttpServer server(server_options, router, log, metrics, clock);
  if (Status s = server.Start(); !s.ok()) {
    err << "evidex serve: " << s.message() << "\n";
    return s.code() == StatusCode::kUnavailable ? 1 : 2;
  }
  bool tls = !config.tls_cert.empty();
  std::string host = config.host.find(':') != std::string::npos
                         ? "[" + config.host + "]"
                         : config.host;
  std::string base = std::string(tls ? "https" : "http") + "://" + host + ":" +
                     std::to_string(server.port());
  if (options.sandbox) {
    if (people.empty()) {
      out << "evidex sandbox: data kept from an earlier run; tokens are in "
          << sandbox_json.string() << "\n";
    } else {
      PrintSandbox(out, people, base, sandbox_json);
    }
  }
  out << "evidex node listening on " << base << " (data in " << dir.string()
      << "); stop with Ctrl-C\n";
  out.flush();

  // The deadline scheduler: once a second, in its own thread, until shutdown.
  std::jthread scheduler([&](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      auto events = node.CheckDeadlines(clock.Now());
      if (!events) {
        log.Warning("deadline check failed",
                    {{"error", events.error().message()}});
      } else if (*events > 0) {
        log.Info("deadlines checked", {{"events", std::int64_t{*events}}});
      }
      std::unique_lock<std::mutex> lock(mu);
      wake.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
    }
  });

  // The ledger's feeder: logs new events and signs a checkpoint, five times a
  // second, in its own thread, until shutdown.
  std::jthread feeder([&](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      auto logged = (*ledger)->CatchUp();
      if (!logged) {
        log.Warning("ledger catch-up failed",
                    {{"error", logged.error().message()}});
      }
      std::unique_lock<std::mutex> lock(mu);
      wake.wait_for(lock, stop, std::chrono::milliseconds(200),
                    [] { return false; });
    }
  });

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log.Info("shutting down", {{"signal", std::int64_t{signal_number}}});
  scheduler.request_stop();
  scheduler.join();
  feeder.request_stop();
  feeder.join();
  server.Shutdown();
  return 0;
}

int RunAdminInit(const AdminInitOptions& options, std::ostream& out,
                 std::ostream& err) {
  if (!law::ParseStateCode(options.state)) {
    err << "evidex admin init: --state: `" << options.state
        << "` is not a two-letter State code (ISO 3166-1 alpha-2)\n";
    return 2;
  }
  if (Status s = EnsureDataDir(options.data_dir); !s.ok()) {
    err << "evidex admin init: " << s.message() << "\n";
    return 2;
  }
  if (!node::InitSecrets().ok()) {
    err << "evidex admin init: no source of randomness\n";
    return 1;
  }
  auto master_key = node::MasterKey::LoadOrCreate(options.data_dir);
  if (!master_key) {
    err << "evidex admin init: " << master_key.error().message() << "\n";
    return 1;
  }
  SystemClock clock;
  auto store = store::OpenSqliteStore(
      (std::filesystem::path(options.data_dir) / "evidex.db").string(), clock);
  if (!store) {
    err << "evidex admin init: " << store.error().message() << "\n";
    return 1;
  }
  auto txn = (*store)->Begin();
  if (!txn) {
    err << "evidex admin init: " << txn.error().message() << "\n";
    return 1;
  }
  // Initialising is done once: a second run must not mint another
  // administrator with full scopes.
  if (auto orgs = (*txn)->ListOrganisations(); !orgs || !orgs->empty()) {
    err << "evidex admin init: `" << options.data_dir
        << "` already holds a node; nothing was changed\n";
    return 2;
  }
  Instant now = clock.Now();
  store::Organisation org{node::NewId("org"),
                          options.organisation,
                          options.kind,
                          options.state,
                          {},
                          now};
  store::Person person;
  person.id = node::NewId("person");
  person.organisation_id = org.id;
  person.name = options.name;
  person.email = options.email;
  person.roles = {"admin"};
  person.created_at = now;
  node::Secret secret = node::NewSecret(node::kTokenPrefix);
  store::ApiToken token;
  token.id = node::NewId("tok");
  token.person_id = person.id;
  token.token_hash = secret.hash;
  token.scopes = {"read", "write", "admin"};
  token.created_at = now;
  token.expires_at = now + std::chrono::days(30);
  Status s = (*txn)->PutOrganisation(org);
  if (s.ok()) s = (*txn)->PutPerson(person);
  if (s.ok()) s = (*txn)->PutApiToken(token);
  if (s.ok()) {
    auto keys = node::EnsureOrganisationKeys(**txn, *master_key, now);
    if (!keys) s = keys.error();
  }
  if (s.ok()) s = (*txn)->Commit();
  if (!s.ok()) {
    err << "evidex admin init: " << s.message() << "\n";
    return s.code() == StatusCode::kAlreadyExists ||
                   s.code() == StatusCode::kInvalidArgument
               ? 2
               : 1;
  }
  out << "Created organisation " << org.id << " and administrator " << person.id
      << ".\n"
      << "API token (shown once, valid 30 days): " << secret.value << "\n";
  return 0;
}

}  // namespace evidex::cli
