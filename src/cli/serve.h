// `evidex serve` runs a node; `evidex admin init` prepares its data directory.
//
// serve: reads the configuration (--config FILE, then flags), opens the SQLite
// store in the data directory, seeds the sandbox with --sandbox (writing
// DIR/sandbox.json with a token for every demo person before the node answers
// /healthz), serves until SIGINT or SIGTERM, then shuts down gracefully. Exit 0
// after a clean shutdown, 2 for bad options or configuration, 1 when the node
// cannot start.
//
// admin init: creates the data directory and the database, the first
// organisation and its administrator, and prints the administrator's API token
// once (it is stored only hashed).
#ifndef EVIDEX_CLI_SERVE_H_
#define EVIDEX_CLI_SERVE_H_

#include <iosfwd>
#include <string>

namespace evidex::cli {

struct ServeOptions {
  std::string config_file;
  std::string data_dir;
  std::string listen;  // host:port
  std::string tls_cert;
  std::string tls_key;
  bool sandbox = false;
};

int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err);

struct AdminInitOptions {
  std::string data_dir;
  std::string organisation;
  std::string kind;
  std::string state;
  std::string name;
  std::string email;
};

int RunAdminInit(const AdminInitOptions& options, std::ostream& out,
                 std::ostream& err);

}  // namespace evidex::cli

#endif  // EVIDEX_CLI_SERVE_H_
