// The client verbs: `evidex create|show|events|list|inbox|act|validate|respond|
// object|issue|receive` speak a node's HTTP API (src/node/openapi.json).
//
// Every verb sends one request to --node URL (http or https; TLS verifies the
// certificate against the system store or --ca FILE and the URL's host) with
// the bearer token of --token, and prints the node's JSON on standard output:
// one line, or indented with --pretty. A token is never printed, and never sent
// over plain http to a host other than a loopback one.
//
// Exit codes: 0 on a 2xx answer; 1 on any other answer, with the problem on
// standard error (`title: detail`, then `field: detail (cite)` per item, one
// per line); 2 for bad usage or when the node gives no answer (unreachable,
// TLS failure, timeout, malformed or oversized response), naming the URL.
#ifndef EVIDEX_CLI_CLIENT_H_
#define EVIDEX_CLI_CLIENT_H_

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace evidex::cli {

// A node's base URL: scheme://host[:port][/], no userinfo, path, query or
// fragment. `host` is lowercase and without the brackets of an IPv6 literal.
struct NodeUrl {
  std::string scheme;  // "http" or "https"
  std::string host;
  std::uint16_t port = 0;

  bool tls() const { return scheme == "https"; }
  // The Host header: the host (bracketed if IPv6), and the port if not the
  // scheme's default.
  std::string HostHeader() const;
};

Result<NodeUrl> ParseNodeUrl(std::string_view text);

// "localhost" or a loopback IP address literal (127.0.0.0/8, ::1).
bool IsLoopbackHost(std::string_view host);

// Fails when a token would travel in clear text: plain http to a host that is
// not loopback.
Status CheckTokenTransport(const NodeUrl& url, bool has_token);

struct HttpCall {
  std::string method;  // "GET" or "POST"
  std::string target;  // origin-form: "/api/v1/cases?limit=5"
  std::string body;    // sent as application/json when not empty
  std::vector<std::pair<std::string, std::string>> headers;
  // Not empty: the body is this file, streamed as an evidence package after
  // the node's `100 Continue` (a refusal costs no upload).
  std::string body_path;
  // Not empty: a 200 answer's body is streamed into this file (replacing it),
  // a 206 answer's body is appended to it; other answers go to `body`.
  std::string save_path;
};

struct HttpReply {
  int status = 0;
  std::string body;  // empty when the body went to `save_path`
  std::vector<std::pair<std::string, std::string>> headers;

  // The value of the first header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct Transport {
  std::string ca_file;  // empty: the system's trust store
  std::chrono::seconds timeout{30};
  std::size_t max_response_bytes = std::size_t{64} << 20;
};

// Sends one request and reads the answer. Fails with kUnavailable when there is
// no answer within the timeout (resolution, connection, TLS handshake and
// certificate, reading), and kResourceExhausted when the answer is too large.
// A file streamed up or down may take longer: the timeout then bounds each
// piece of it, not the whole.
Result<HttpReply> Exchange(const NodeUrl& url, const Transport& transport,
                           const HttpCall& call);

// The lines that explain an error answer: "title: detail", then one
// "field: detail (cite)" per item of `errors`. A body that is not a problem
// gives "HTTP <status>" and the body's first line.
std::string RenderProblem(int status, std::string_view body);

// `value` as JSON indented by two spaces, without a final newline.
std::string PrettyJson(const boost::json::value& value);

enum class ClientVerb {
  kCreate,
  kShow,
  kEvents,
  kList,
  kInbox,
  kAct,
  kUpload,
  kDownload
};

struct ClientOptions {
  ClientVerb verb = ClientVerb::kShow;
  std::string name;  // the verb as typed, for messages: "object"
  std::string node = "http://127.0.0.1:8080";
  std::string token;
  std::string ca_file;
  int timeout_seconds = 30;
  bool pretty = false;
  // create (FILE, or "-" for standard input) and upload (the package)
  std::string input_path;
  std::string idempotency_key;  // empty: a random one, printed on stderr
  // show, events, act, upload, download
  std::string case_id;
  std::string purpose;  // X-Purpose of show, events and download
  // download: the package, and where it goes (FILE.part until it is whole
  // and checked; an existing FILE.part is resumed)
  std::string package_id;
  std::string output_path;
  // act
  std::string action;
  std::string comment;
  std::vector<std::string> reasons;
  // list
  int limit = 0;  // 0: the node's default
  std::string cursor;
};

int RunClient(const ClientOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err);

}  // namespace evidex::cli

#endif  // EVIDEX_CLI_CLIENT_H_
