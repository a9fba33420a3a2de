// evidex: the one binary. Subcommands are registered here and implemented beside this file.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/route.h"
#include "core/time.h"

int main(int argc, char** argv) {
  CLI::App app{"evidex: cross-border cooperation on electronic evidence"};
  app.require_subcommand(1);

  evidex::cli::RouteOptions route;
  CLI::App* route_cmd = app.add_subcommand(
      "route", "Print the lawful channels for a query (JSON on standard output)");
  route_cmd->add_option("query", route.query_path, "Query file, or - for standard input")
      ->required();
  route_cmd->add_option("--law", route.law_dir,
                        "Load the law from this directory (rules/, registry/) instead of the "
                        "built-in law");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  evidex::SystemClock clock;
  if (route_cmd->parsed()) {
    return evidex::cli::RunRoute(route, std::cin, std::cout, std::cerr, clock);
  }
  return 2;
}
