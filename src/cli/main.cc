// evidex: the one binary. Subcommands are registered here and implemented
// beside this file.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/client.h"
#include "cli/evidence.h"
#include "cli/ledger.h"
#include "cli/merkle.h"
#include "cli/route.h"
#include "cli/serve.h"
#include "core/time.h"

int main(int argc, char** argv) {
  CLI::App app{"evidex: cross-border cooperation on electronic evidence"};
  app.require_subcommand(1);

  evidex::cli::RouteOptions route;
  CLI::App* route_cmd = app.add_subcommand(
      "route",
      "Print the lawful channels for a query (JSON on standard output)");
  route_cmd
      ->add_option("query", route.query_path,
                   "Query file, or - for standard input")
      ->required();
  route_cmd->add_option(
      "--law", route.law_dir,
      "Load the law from this directory (rules/, registry/) instead of the "
      "built-in law");

  evidex::cli::MerkleOptions merkle;
  CLI::App* merkle_cmd = app.add_subcommand(
      "merkle", "RFC 9162 Merkle tree roots and proofs of hex leaves on stdin");
  merkle_cmd->require_subcommand(1);
  CLI::App* merkle_root =
      merkle_cmd->add_subcommand("root", "Print the root (hex)");
  CLI::App* merkle_inclusion = merkle_cmd->add_subcommand(
      "inclusion", "Print the inclusion proof of a leaf (JSON)");
  merkle_inclusion
      ->add_option("index", merkle.argument, "Index of the leaf, from 0")
      ->required();
  CLI::App* merkle_consistency = merkle_cmd->add_subcommand(
      "consistency", "Print the consistency proof from an older size (JSON)");
  merkle_consistency
      ->add_option("old_size", merkle.argument,
                   "Number of leaves of the older tree, from 0")
      ->required();
  const std::pair<CLI::App*, evidex::cli::MerkleCommand> merkle_commands[] = {
      {merkle_root, evidex::cli::MerkleCommand::kRoot},
      {merkle_inclusion, evidex::cli::MerkleCommand::kInclusion},
      {merkle_consistency, evidex::cli::MerkleCommand::kConsistency},
      {merkle_cmd->add_subcommand(
           "verify-inclusion",
           "Check an inclusion proof (JSON on standard input)"),
       evidex::cli::MerkleCommand::kVerifyInclusion},
      {merkle_cmd->add_subcommand(
           "verify-consistency",
           "Check a consistency proof (JSON on standard input)"),
       evidex::cli::MerkleCommand::kVerifyConsistency},
  };

  evidex::cli::LedgerFsckOptions ledger_fsck;
  CLI::App* ledger_cmd = app.add_subcommand(
      "ledger", "Check a stored ledger (tamper-evident log)");
  ledger_cmd->require_subcommand(1);
  CLI::App* fsck_cmd = ledger_cmd->add_subcommand(
      "fsck",
      "Re-derive the tree from the stored entries, check every checkpoint, "
      "name the first bad index (exit 0 sound, 1 not)");
  fsck_cmd->add_option("dir", ledger_fsck.dir, "The ledger's directory")
      ->required();
  fsck_cmd->add_option("--vkey", ledger_fsck.vkey,
                       "The log's verifier key (name+id+key) to check "
                       "against, instead of DIR/vkey");
  evidex::cli::LedgerCheckpointOptions ledger_checkpoint;
  CLI::App* checkpoint_cmd = ledger_cmd->add_subcommand(
      "checkpoint",
      "Check a signed checkpoint against the log's key; print its origin, "
      "size and root (JSON)");
  checkpoint_cmd
      ->add_option("file", ledger_checkpoint.path,
                   "The signed checkpoint, or - for standard input")
      ->required();
  checkpoint_cmd
      ->add_option("--vkey", ledger_checkpoint.vkey,
                   "The log's verifier key (name+id+key)")
      ->required();

  evidex::cli::ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run a node");
  serve_cmd->add_option("--config", serve.config_file,
                        "TOML configuration file");
  serve_cmd->add_option("--data", serve.data_dir,
                        "Data directory (the database)");
  serve_cmd->add_option("--listen", serve.listen,
                        "host:port (plain HTTP only on loopback)");
  serve_cmd->add_option("--tls-cert", serve.tls_cert, "TLS certificate (PEM)");
  serve_cmd->add_option("--tls-key", serve.tls_key, "TLS private key (PEM)");
  serve_cmd->add_flag("--sandbox", serve.sandbox,
                      "Seed demonstration organisations and people");

  evidex::cli::AdminInitOptions admin_init;
  CLI::App* admin_cmd = app.add_subcommand("admin", "Administer a node");
  admin_cmd->require_subcommand(1);
  CLI::App* init_cmd = admin_cmd->add_subcommand(
      "init",
      "Create the data directory, the first organisation and its "
      "administrator; print a one-time token");
  init_cmd->add_option("--data", admin_init.data_dir, "Data directory")
      ->required();
  init_cmd
      ->add_option("--organisation", admin_init.organisation,
                   "Name of the first organisation")
      ->required();
  init_cmd->add_option("--kind", admin_init.kind, "Kind of organisation")
      ->required()
      ->check(CLI::IsMember({"issuing_authority", "validating_authority",
                             "enforcing_authority", "central_authority",
                             "point_of_contact_24_7", "service_provider",
                             "domain_registrar", "oversight"}));
  init_cmd->add_option("--state", admin_init.state, "State (ISO 3166-1)")
      ->required();
  init_cmd->add_option("--name", admin_init.name, "Administrator's name")
      ->required();
  init_cmd->add_option("--email", admin_init.email, "Administrator's e-mail")
      ->required();

  // The client verbs share one set of options; only one verb is parsed.
  // Their environment defaults are read here rather than with CLI11's envname,
  // which would also apply them through the verbs not given.
  evidex::cli::ClientOptions client;
  if (const char* node = std::getenv("EVIDEX_NODE")) client.node = node;
  if (const char* token = std::getenv("EVIDEX_TOKEN")) client.token = token;
  std::vector<std::pair<CLI::App*, evidex::cli::ClientVerb>> client_commands;
  auto add_client = [&](const char* name, const char* description,
                        evidex::cli::ClientVerb verb) {
    CLI::App* cmd = app.add_subcommand(name, description);
    cmd->group("Client (speaks a node's HTTP API)");
    cmd->add_option("--node", client.node,
                    "The node's URL (default: $EVIDEX_NODE, else "
                    "http://127.0.0.1:8080)");
    cmd->add_option("--token", client.token,
                    "API token (default: $EVIDEX_TOKEN); never sent over "
                    "plain http to a host that is not loopback");
    cmd->add_option("--ca", client.ca_file,
                    "Trust this CA (PEM) for https instead of the system's")
        ->check(CLI::ExistingFile);
    cmd->add_option("--timeout", client.timeout_seconds,
                    "Seconds to wait for the answer (default 30)")
        ->check(CLI::Range(1, 3600));
    cmd->add_flag("--pretty", client.pretty, "Indent the JSON output");
    client_commands.emplace_back(cmd, verb);
    return cmd;
  };
  using evidex::cli::ClientVerb;
  CLI::App* create_cmd = add_client(
      "create", "Create a case from a JSON file (POST /api/v1/cases)",
      ClientVerb::kCreate);
  create_cmd
      ->add_option("file", client.input_path,
                   "The case (JSON), or - for standard input")
      ->required();
  auto add_idempotency_key = [&client](CLI::App* cmd) {
    cmd->add_option(
        "--idempotency-key", client.idempotency_key,
        "Reuse the key of an earlier attempt (default: a random key, printed "
        "on standard error)");
  };
  add_idempotency_key(create_cmd);
  for (const char* name : {"show", "events"}) {
    bool show = std::string_view(name) == "show";
    CLI::App* cmd =
        add_client(name, show ? "Print a case" : "Print a case's events",
                   show ? ClientVerb::kShow : ClientVerb::kEvents);
    cmd->add_option("case_id", client.case_id, "The case id")->required();
    cmd->add_option("--purpose", client.purpose,
                    "Why you read the case (kept in the access record)");
  }
  CLI::App* list_cmd =
      add_client("list", "List the cases you can see", ClientVerb::kList);
  list_cmd->add_option("--limit", client.limit, "Page size (1-200)")
      ->check(CLI::Range(1, 200));
  list_cmd->add_option("--cursor", client.cursor,
                       "next_cursor of the previous page");
  add_client("inbox", "List the cases awaiting your action",
             ClientVerb::kInbox);
  CLI::App* upload_cmd = add_client(
      "upload",
      "Upload a sealed evidence package (.evx) to a case, streamed from disk",
      ClientVerb::kUpload);
  upload_cmd->add_option("case_id", client.case_id, "The case id")->required();
  upload_cmd->add_option("file", client.input_path, "The package")
      ->required()
      ->check(CLI::ExistingFile);
  add_idempotency_key(upload_cmd);
  CLI::App* download_cmd = add_client(
      "download",
      "Download a case's evidence package into FILE, resuming FILE.part, and "
      "check it is whole",
      ClientVerb::kDownload);
  download_cmd->add_option("case_id", client.case_id, "The case id")
      ->required();
  download_cmd->add_option("package_id", client.package_id, "The package id")
      ->required();
  download_cmd->add_option("-o,--output", client.output_path, "FILE")
      ->required();
  download_cmd->add_option(
      "--purpose", client.purpose,
      "Why you download the package (kept in the access record)");
  // act and respond name their action; the other verbs are an action each.
  const std::pair<const char*, const char*> actions[] = {
      {"act", "Take an action on a case"},
      {"respond",
       "Answer an order as its addressee (produce, report_inability, "
       "request_clarification)"},
      {"validate", "Validate an order (action `validate`)"},
      {"object", "Object to an order (action `object`)"},
      {"issue", "Issue an order (action `issue`)"},
      {"receive", "Acknowledge receipt of an order (action `receive`)"},
  };
  std::vector<std::pair<CLI::App*, std::string>> action_commands;
  for (const auto& [name, description] : actions) {
    CLI::App* cmd = add_client(name, description, ClientVerb::kAct);
    cmd->add_option("case_id", client.case_id, "The case id")->required();
    std::string fixed;
    if (std::string_view(name) == "act") {
      cmd->add_option("action", client.action, "The action, e.g. issue")
          ->required();
    } else if (std::string_view(name) == "respond") {
      cmd->add_option("action", client.action, "The answer")
          ->required()
          ->check(CLI::IsMember(
              {"produce", "report_inability", "request_clarification"}));
    } else {
      fixed = name;
    }
    cmd->add_option("--comment", client.comment, "A comment for the record");
    CLI::Option* reason =
        cmd->add_option("--reason", client.reasons,
                        "A reason (repeatable), e.g. a ground of refusal");
    reason->allow_extra_args(false);
    if (fixed == "object") reason->required();
    action_commands.emplace_back(cmd, fixed);
  }

  evidex::cli::EvidenceOptions evidence;
  const auto evidence_commands =
      evidex::cli::AddEvidenceCommands(app, evidence);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (serve_cmd->parsed()) {
    return evidex::cli::RunServe(serve, std::cout, std::cerr);
  }
  if (fsck_cmd->parsed()) {
    return evidex::cli::RunLedgerFsck(ledger_fsck, std::cout, std::cerr);
  }
  if (checkpoint_cmd->parsed()) {
    return evidex::cli::RunLedgerCheckpoint(ledger_checkpoint, std::cin,
                                            std::cout, std::cerr);
  }
  if (init_cmd->parsed()) {
    return evidex::cli::RunAdminInit(admin_init, std::cout, std::cerr);
  }
  for (const auto& [command, verb] : client_commands) {
    if (command->parsed()) {
      client.verb = verb;
      client.name = command->get_name();
      for (const auto& [action_cmd, action] : action_commands) {
        if (action_cmd == command && !action.empty()) client.action = action;
      }
      return evidex::cli::RunClient(client, std::cin, std::cout, std::cerr);
    }
  }
  evidex::SystemClock clock;
  if (route_cmd->parsed()) {
    return evidex::cli::RunRoute(route, std::cin, std::cout, std::cerr, clock);
  }
  for (const auto& [command, id] : evidence_commands) {
    if (command->parsed()) {
      evidence.command = id;
      return evidex::cli::RunEvidence(evidence, std::cout, std::cerr, clock);
    }
  }
  for (const auto& [command, id] : merkle_commands) {
    if (command->parsed()) {
      merkle.command = id;
      return evidex::cli::RunMerkle(merkle, std::cin, std::cout, std::cerr);
    }
  }
  return 2;
}
