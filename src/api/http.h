// The HTTP exchange as handlers see it: a parsed request and the response they
// return.
//
// Handlers never see sockets or TLS; the server (server.h) turns wire messages
// into Request and Response. A handler is a function, called on one of the
// server's threads; it must be thread-safe with respect to other handlers.
#ifndef EVIDEX_API_HTTP_H_
#define EVIDEX_API_HTTP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace evidex::api {

struct Request {
  std::string method;  // GET, POST, ...
  std::string path;    // without the query string, percent-decoding not applied
  std::string query;   // after '?', raw
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string request_id;
  std::string remote_address;
  // For routes added with Router::AddUpload: the body, streamed to this file
  // (in the server's spool directory) instead of into `body`. The handler may
  // rename it away; the server removes it after the response if it is still
  // there.
  std::string body_file;
  std::uint64_t body_size = 0;
  // Path parameters matched by the router ({id} -> value).
  std::map<std::string, std::string, std::less<>> params;

  // The first header named `name` (lowercase), or empty.
  std::string_view Header(std::string_view name) const;
  // The query parameter `name`, percent-decoded, or empty.
  std::string QueryParam(std::string_view name) const;
};

// Called once, from any thread, when the work a response waits for is done.
using Completion = std::function<void(Status)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A body streamed from a file instead of `body`: `length` bytes from
  // `offset`. The server opens the file once the response may leave and sends
  // it in pieces; a file that cannot be opened or read to the end answers 500,
  // or, once the headers are out, ends the connection.
  struct FileSlice {
    std::string path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  std::optional<FileSlice> file;
  // Work that must be done before this response may leave (e.g. making the
  // record of a read durable). When set, the server calls it once, without
  // holding a thread while it waits, and sends the response only once it has
  // called its Completion exactly once: with OK, the response goes out; with
  // an error, a problem for that error goes out instead.
  std::function<void(Completion)> before_send;
};

using Handler = std::function<Response(const Request&)>;

}  // namespace evidex::api

#endif  // EVIDEX_API_HTTP_H_
