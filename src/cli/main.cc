// evidex: the one binary. Subcommands are registered here and implemented
// beside this file.
#include <CLI/CLI.hpp>
#include <iostream>
#include <utility>

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (serve_cmd->parsed()) {
    return evidex::cli::RunServe(serve, std::cout, std::cerr);
  }
  if (init_cmd->parsed()) {
    return evidex::cli::RunAdminInit(admin_init, std::cout, std::cerr);
  }
  evidex::SystemClock clock;
  if (route_cmd->parsed()) {
    return evidex::cli::RunRoute(route, std::cin, std::cout, std::cerr, clock);
  }
  for (const auto& [command, id] : merkle_commands) {
    if (command->parsed()) {
      merkle.command = id;
      return evidex::cli::RunMerkle(merkle, std::cin, std::cout, std::cerr);
    }
  }
  return 2;
}
