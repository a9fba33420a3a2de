// Routes requests to handlers by method and path pattern.
//
// Patterns are literal segments and `{name}` segments, which match one
// non-empty segment and are handed to the handler in Request::params:
// "/api/v1/cases/{id}/events". A path that matches no pattern answers 404; a
// path that matches with another method answers 405 with `Allow`. Add all
// routes before serving; Dispatch is then thread-safe (read-only).
#ifndef EVIDEX_API_ROUTER_H_
#define EVIDEX_API_ROUTER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"

namespace evidex::api {

// The check an upload route makes on a request's headers and parameters
// before its body is read (who asks, may they upload here): nullopt admits the
// request; a Response refuses it, and is sent without reading the body.
using Admission = std::function<std::optional<Response>(const Request&)>;

// Where the server runs a handler.
enum class Threading {
  // The handler may wait (for the disk, a writer's lock, a slow hash): it runs
  // on one of the server's worker threads.
  kWorker,
  // The handler is short and never waits (reads, computation, work deferred
  // through Response::before_send): it runs on the network thread that read the
  // request, saving two thread switches.
  kInline,
};

class Router {
 public:
  void Add(std::string method, std::string_view pattern, Handler handler,
           Threading threading = Threading::kWorker);

  // A route whose request body the server streams to a file
  // (Request::body_file), up to `max_bytes` (more answers 413), instead of
  // holding it in memory under the server's max_body_bytes. `admit` runs on a
  // worker once the header is read and before any byte of the body is: a
  // refusal is the answer, and the body is never read. The handler runs on a
  // worker.
  void AddUpload(std::string method, std::string_view pattern, Handler handler,
                 std::uint64_t max_bytes, Admission admit);

  // The route of a request.
  struct Match {
    const Handler* handler = nullptr;  // null when `refusal` is the answer
    Threading threading = Threading::kWorker;
    std::uint64_t upload_limit = 0;    // > 0 for routes added with AddUpload
    const Admission* admit = nullptr;  // for routes added with AddUpload
    Response refusal;                  // 404 or 405 when nothing matches
  };
  // Finds the handler for `request`, filling its params.
  Match Find(Request& request) const;

  // Calls the matching handler with `request` (whose params it fills), or
  // answers 404/405.
  Response Dispatch(Request& request) const;

  // The patterns, for documentation and tests.
  std::vector<std::string> Patterns() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for parameters
    Handler handler;
    Threading threading;
    std::uint64_t upload_limit = 0;
    Admission admit;
  };
  std::vector<Route> routes_;
};

}  // namespace evidex::api

#endif  // EVIDEX_API_ROUTER_H_
