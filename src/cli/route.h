// `evidex route FILE|-`: reads a routing query, prints the Decision as JSON.
//
// Exit codes: 0 when a decision is made (even with no open channel); 2 when the
// query is invalid or unreadable, with one line on standard error naming the
// offending field; 1 when the law files themselves fail to load.
#ifndef EVIDEX_CLI_ROUTE_H_
#define EVIDEX_CLI_ROUTE_H_

#include <iosfwd>
#include <string>

#include "core/time.h"

namespace evidex::cli {

struct RouteOptions {
  std::string query_path;  // "-" for standard input
  std::string law_dir;     // empty: the law compiled into the binary
};

int RunRoute(const RouteOptions& options, std::istream& in, std::ostream& out,
             std::ostream& err, const Clock& clock);

}  // namespace evidex::cli

#endif  // EVIDEX_CLI_ROUTE_H_
