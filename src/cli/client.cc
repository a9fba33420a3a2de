#include "cli/client.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>

#include "core/file.h"
#include "core/json.h"
#include "crypto/encoding.h"
#include "evidence/io.h"
#include "evidence/package.h"

namespace evidex::cli {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

std::string Lowercase(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool IsHostnameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

bool IsIpLiteral(const std::string& host) {
  beast::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// Percent-encodes all but the unreserved characters of RFC 3986, for a path
// segment or a query value.
std::string Encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
        (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

// Control characters from the node's text become spaces, so that each item
// stays on its line and nothing reaches the terminal as an escape sequence.
std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::string StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? Printable(v->get_string()) : std::string();
}

// Runs one asynchronous operation of `ioc` until it completes or `deadline`
// passes. `start` begins the operation with the completion handler it is given
// (called with the operation's error code); on the deadline, `cancel` aborts it
// and the function waits for the aborted handler.
template <typename Start, typename Cancel>
beast::error_code RunUntil(net::io_context& ioc, SteadyTime deadline,
                           Start start, Cancel cancel) {
  std::optional<beast::error_code> result;
  start([&result](beast::error_code ec) { result = ec; });
  ioc.restart();
  ioc.run_until(deadline);
  if (result) return *result;
  cancel();
  ioc.restart();
  ioc.run();
  return net::error::timed_out;
}

Status Failure(std::string_view step, const beast::error_code& ec,
               const Transport& transport) {
  if (ec == net::error::timed_out) {
    return UnavailableError("timed out after " +
                            std::to_string(transport.timeout.count()) + " s");
  }
  if (ec == http::error::body_limit) {
    return ResourceExhaustedError("the answer is larger than " +
                                  std::to_string(transport.max_response_bytes) +
                                  " bytes");
  }
  return UnavailableError(std::string(step) + ": " + ec.message());
}

// Connects `stream` (a tcp_stream, or a TLS stream over one, whose TLS
// handshake `handshake` performs), sends the request and reads the answer.
template <typename Stream, typename Handshake>
Result<HttpReply> Talk(net::io_context& ioc, Stream& stream,
                       Handshake handshake, const NodeUrl& url,
                       const Transport& transport, const HttpCall& call) {
  SteadyTime deadline = std::chrono::steady_clock::now() + transport.timeout;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  auto close = [&tcp_layer] { tcp_layer.close(); };

  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  beast::error_code ec = RunUntil(
      ioc, deadline,
      [&](auto done) {
        resolver.async_resolve(
            url.host, std::to_string(url.port), tcp::resolver::numeric_service,
            [&endpoints, done](beast::error_code e,
                               tcp::resolver::results_type r) {
              endpoints = std::move(r);
              done(e);
            });
      },
      [&resolver] { resolver.cancel(); });
  if (ec) return Err(Failure("resolving the host", ec, transport));

  ec = RunUntil(
      ioc, deadline,
      [&](auto done) {
        tcp_layer.async_connect(
            endpoints,
            [done](beast::error_code e, const tcp::endpoint&) { done(e); });
      },
      close);
  if (ec) return Err(Failure("connecting", ec, transport));
  ec = handshake(deadline, close);
  if (ec) return Err(Failure("TLS", ec, transport));

  // A file streamed up or down renews the deadline for each piece.
  auto renew = [&] {
    deadline = std::chrono::steady_clock::now() + transport.timeout;
  };
  auto io = [&](auto start) { return RunUntil(ioc, deadline, start, close); };
  auto done_with = [](auto done) {
    return [done](beast::error_code e, std::size_t) { done(e); };
  };
  beast::flat_buffer buffer;
  // The answer's head; no limit here, the body's parser has its own.
  std::optional<http::response_parser<http::empty_body>> head;
  auto read_head = [&] {
    head.emplace();
    head->body_limit(boost::none);
    return io([&](auto done) {
      http::async_read_header(stream, buffer, *head, done_with(done));
    });
  };

  http::verb verb = http::string_to_verb(call.method);
  auto prepare = [&](auto& req) {
    req.method(verb);
    req.target(call.target);
    req.version(11);
    req.set(http::field::host, url.HostHeader());
    req.set(http::field::user_agent, "evidex");
    req.set(http::field::accept, "application/json");
    for (const auto& [name, value] : call.headers) req.set(name, value);
    req.keep_alive(false);
  };
  if (call.body_path.empty()) {
    http::request<http::string_body> req;
    prepare(req);
    if (!call.body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = call.body;
    }
    req.prepare_payload();
    ec =
        io([&](auto done) { http::async_write(stream, req, done_with(done)); });
    if (ec) return Err(Failure("sending", ec, transport));
    ec = read_head();
  } else {
    http::request<http::file_body> req;
    prepare(req);
    beast::error_code fe;
    req.body().open(call.body_path.c_str(), beast::file_mode::scan, fe);
    if (fe) {
      return Err(NotFoundError("cannot read `" + call.body_path +
                               "`: " + fe.message()));
    }
    req.set(http::field::content_type, "application/vnd.evidex.evx");
    req.set(http::field::expect, "100-continue");
    req.prepare_payload();
    http::request_serializer<http::file_body> sr(req);
    ec = io([&](auto done) {
      http::async_write_header(stream, sr, done_with(done));
    });
    if (ec) return Err(Failure("sending", ec, transport));
    ec = read_head();
    if (!ec && head->get().result() == http::status::continue_) {
      while (!ec && !sr.is_done()) {
        renew();
        ec = io([&](auto done) {
          http::async_write_some(stream, sr, done_with(done));
        });
      }
      if (ec) return Err(Failure("sending", ec, transport));
      ec = read_head();
    }
  }
  if (ec) return Err(Failure("reading the answer", ec, transport));

  HttpReply reply;
  reply.status = static_cast<int>(head->get().result_int());
  for (const auto& field : head->get()) {
    reply.headers.emplace_back(std::string(field.name_string()),
                               std::string(field.value()));
  }
  if (!call.save_path.empty() && (reply.status == 200 || reply.status == 206)) {
    http::response_parser<http::file_body> parser(std::move(*head));
    parser.body_limit(boost::none);
    beast::error_code fe;
    parser.get().body().open(call.save_path.c_str(),
                             reply.status == 206
                                 ? beast::file_mode::append_existing
                                 : beast::file_mode::write,
                             fe);
    if (fe) {
      return Err(UnavailableError("cannot write `" + call.save_path +
                                  "`: " + fe.message()));
    }
    // Each read fills what the buffer has room for (at most 64 KiB): room
    // for that much, not the few bytes the head left, saves syscalls.
    buffer.reserve(64 << 10);
    while (!ec && !parser.is_done()) {
      renew();
      ec = io([&](auto done) {
        http::async_read_some(stream, buffer, parser, done_with(done));
      });
    }
    if (ec) return Err(Failure("reading the answer", ec, transport));
    return reply;
  }
  const auto length = head->content_length();
  if (length && *length > transport.max_response_bytes) {
    return Err(
        Failure("reading the answer", http::error::body_limit, transport));
  }
  http::response_parser<http::string_body> parser(std::move(*head));
  parser.body_limit(transport.max_response_bytes);
  ec = io([&](auto done) {
    http::async_read(stream, buffer, parser, done_with(done));
  });
  if (ec) return Err(Failure("reading the answer", ec, transport));
  reply.body = std::move(parser.get().body());
  return reply;
}

void AppendPretty(const json::value& v, int depth, std::string& out) {
  auto indent = [&out](int d) {
    out.append(static_cast<std::size_t>(d) * 2, ' ');
  };
  switch (v.kind()) {
    case json::kind::object: {
      const json::object& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& [key, item] : o) {
        if (!first) out += ",\n";
        first = false;
        indent(depth + 1);
        AppendJsonString(out, key);
        out += ": ";
        AppendPretty(item, depth + 1, out);
      }
      out += "\n";
      indent(depth);
      out += "}";
      return;
    }
    case json::kind::array: {
      const json::array& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ",\n";
        indent(depth + 1);
        AppendPretty(a[i], depth + 1, out);
      }
      out += "\n";
      indent(depth);
      out += "]";
      return;
    }
    case json::kind::string:
      AppendJsonString(out, v.get_string());
      return;
    default:
      out += json::serialize(v);
  }
}

Result<std::string> ReadInput(const std::string& path, std::istream& in) {
  constexpr std::size_t kMaxInput = std::size_t{16} << 20;
  std::ifstream file;
  std::istream* source = &in;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return Err(NotFoundError("cannot read `" + path + "`"));
    source = &file;
  }
  std::string text(kMaxInput + 1, '\0');
  source->read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(source->gcount()));
  if (text.size() > kMaxInput) {
    return Err(ResourceExhaustedError("`" + path + "` is larger than " +
                                      std::to_string(kMaxInput) + " bytes"));
  }
  if (auto parsed = ParseJson(text); !parsed) {
    return Err(InvalidArgumentError(
        "`" + path + "` is not JSON: " + parsed.error().message()));
  }
  return text;
}

Result<std::string> RandomKey() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Err(UnavailableError("no source of randomness"));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  for (unsigned char b : bytes) {
    key.push_back(kHex[b >> 4]);
    key.push_back(kHex[b & 0xf]);
  }
  return key;
}

std::string ActionBody(const ClientOptions& options) {
  std::string body;
  JsonWriter w(body);
  w.BeginObject();
  if (!options.comment.empty()) {
    w.Key("comment");
    w.String(options.comment);
  }
  if (!options.reasons.empty()) {
    w.Key("reasons");
    w.BeginArray();
    for (const std::string& r : options.reasons) w.String(r);
    w.EndArray();
  }
  w.EndObject();
  return body;
}

bool IsHeaderValue(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

// The request of a verb; fails for bad usage.
Result<HttpCall> BuildCall(const ClientOptions& options, std::istream& in,
                           std::ostream& err) {
  HttpCall call;
  std::string case_path = "/api/v1/cases/" + Encode(options.case_id);
  bool needs_case = options.verb != ClientVerb::kCreate &&
                    options.verb != ClientVerb::kList &&
                    options.verb != ClientVerb::kInbox;
  if (needs_case && options.case_id.empty()) {
    return Err(InvalidArgumentError("a case id is needed"));
  }
  if (!IsHeaderValue(options.purpose) ||
      !IsHeaderValue(options.idempotency_key)) {
    return Err(InvalidArgumentError(
        "--purpose and --idempotency-key are one line each"));
  }
  switch (options.verb) {
    case ClientVerb::kCreate:
    case ClientVerb::kUpload: {
      if (options.verb == ClientVerb::kCreate) {
        EVIDEX_ASSIGN_OR_RETURN(call.body, ReadInput(options.input_path, in));
        call.target = "/api/v1/cases";
      } else {
        call.body_path = options.input_path;
        call.target = case_path + "/packages";
      }
      std::string key = options.idempotency_key;
      if (key.empty()) {
        EVIDEX_ASSIGN_OR_RETURN(key, RandomKey());
        err << "idempotency key: " << key << "\n";
      }
      call.method = "POST";
      call.headers.emplace_back("Idempotency-Key", key);
      break;
    }
    case ClientVerb::kDownload:
      if (options.package_id.empty() || options.output_path.empty()) {
        return Err(InvalidArgumentError("a package id and a file are needed"));
      }
      call.method = "GET";
      call.target = case_path + "/packages/" + Encode(options.package_id);
      if (!options.purpose.empty()) {
        call.headers.emplace_back("X-Purpose", options.purpose);
      }
      break;
    case ClientVerb::kShow:
    case ClientVerb::kEvents:
      call.method = "GET";
      call.target =
          options.verb == ClientVerb::kShow ? case_path : case_path + "/events";
      if (!options.purpose.empty()) {
        call.headers.emplace_back("X-Purpose", options.purpose);
      }
      break;
    case ClientVerb::kList: {
      call.method = "GET";
      call.target = "/api/v1/cases";
      char separator = '?';
      if (options.limit != 0) {
        call.target += separator + ("limit=" + std::to_string(options.limit));
        separator = '&';
      }
      if (!options.cursor.empty()) {
        call.target += separator + ("cursor=" + Encode(options.cursor));
      }
      break;
    }
    case ClientVerb::kInbox:
      call.method = "GET";
      call.target = "/api/v1/inbox";
      break;
    case ClientVerb::kAct:
      if (options.action.empty()) {
        return Err(InvalidArgumentError("an action is needed"));
      }
      call.method = "POST";
      call.target = case_path + "/actions/" + Encode(options.action);
      call.body = ActionBody(options);
      break;
  }
  if (!options.token.empty()) {
    call.headers.emplace_back("Authorization", "Bearer " + options.token);
  }
  return call;
}

// Where a download goes until it is whole and checked (FILE.part), and the
// offset from which it is asked for: after an interrupted download, from the
// last byte it kept (asked for again, so that the node always answers with the
// rest and its digest, even when nothing else is missing).
Result<std::uintmax_t> PrepareDownload(const ClientOptions& options,
                                       HttpCall& call) {
  std::error_code ec;
  if (fs::exists(options.output_path, ec)) {
    return Err(FailedPreconditionError("`" + options.output_path +
                                       "` exists and is not replaced"));
  }
  call.save_path = options.output_path + ".part";
  const std::uintmax_t have = fs::file_size(call.save_path, ec);
  if (ec || have == 0) return 0;  // nothing to resume
  const std::uintmax_t from = have - 1;
  fs::resize_file(call.save_path, from, ec);
  if (ec) {
    return Err(UnavailableError("cannot resume `" + call.save_path +
                                "`: " + ec.message()));
  }
  call.headers.emplace_back("Range", "bytes=" + std::to_string(from) + "-");
  return from;
}

// Checks a finished download (a whole package whose digest is the one the
// node announced) and moves it to its name durably. Returns the exit code.
int FinishDownload(const ClientOptions& options, std::uintmax_t resumed,
                   const HttpReply& reply, std::ostream& out, std::ostream& err,
                   const std::string& prefix) {
  const std::string part = options.output_path + ".part";
  auto fail = [&](const std::string& why) {
    std::error_code ignored;
    fs::remove(part, ignored);
    err << prefix << why << "; `" << part << "` is removed: download again\n";
    return 1;
  };
  if (reply.status == 416) {
    return fail("the partial download is longer than the package");
  }
  if (reply.status == 206 &&
      !reply.Header("Content-Range")
           .starts_with("bytes " + std::to_string(resumed) + "-")) {
    return fail("the node sent another range than the one asked for");
  }
  auto source = evidence::OpenPackageFile(part);
  if (!source) return fail(std::string(source.error().message()));
  auto report = evidence::VerifyPackage(**source, {});
  source->reset();
  if (!report) {
    return fail("the download is not a whole package: " +
                std::string(report.error().message()));
  }
  const std::string sha256 = crypto::HexEncode(report->package_sha256);
  if (sha256 != reply.Header("X-Package-SHA256")) {
    return fail("the download's digest " + sha256 +
                " is not the one the node announced");
  }
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(part, ec);
  if (Status s = MoveFileDurably(part, options.output_path); !s.ok()) {
    err << prefix << s.message() << "\n";
    return 1;
  }
  json::object done;
  done["case_id"] = options.case_id;
  done["package_id"] = options.package_id;
  done["file"] = options.output_path;
  done["size"] = size;
  done["resumed_at"] = resumed;
  done["package_sha256"] = sha256;
  out << (options.pretty ? PrettyJson(done) : json::serialize(done)) << "\n";
  return 0;
}

}  // namespace

std::string HttpReply::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (Lowercase(n) == Lowercase(name)) return v;
  }
  return "";
}

std::string NodeUrl::HostHeader() const {
  std::string h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (port != (tls() ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

Result<NodeUrl> ParseNodeUrl(std::string_view text) {
  auto bad = [text](std::string_view why) {
    return Err(InvalidArgumentError("`" + std::string(text) + "` " +
                                    std::string(why)));
  };
  std::size_t colon = text.find("://");
  if (colon == std::string_view::npos) {
    return bad("is not a URL (http://host:port or https://host:port)");
  }
  NodeUrl url;
  url.scheme = Lowercase(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https") {
    return bad("is neither http nor https");
  }
  std::string_view rest = text.substr(colon + 3);
  std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (end != std::string_view::npos && rest.substr(end) != "/") {
    return bad("has a path, query or fragment (only scheme, host and port)");
  }
  if (authority.find('@') != std::string_view::npos) {
    return bad("has user information (give a token with --token)");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed `[`");
    url.host = Lowercase(authority.substr(1, close - 1));
    beast::error_code ec;
    net::ip::make_address_v6(url.host, ec);
    if (ec) return bad("has an invalid IPv6 address");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("has text after `]`");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("has an empty port");
    }
  } else {
    std::size_t port_colon = authority.find(':');
    url.host = Lowercase(authority.substr(0, port_colon));
    if (port_colon != std::string_view::npos) {
      port_text = authority.substr(port_colon + 1);
      if (port_text.empty()) return bad("has an empty port");
    }
    if (url.host.empty()) return bad("has no host");
    for (char c : url.host) {
      if (!IsHostnameChar(c)) return bad("has an invalid host");
    }
  }
  url.port = url.tls() ? 443 : 80;
  if (!port_text.empty()) {
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return bad("has an invalid port");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return bad("has an invalid port");
    url.port = static_cast<std::uint16_t>(port);
  }
  return url;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  beast::error_code ec;
  net::ip::address a = net::ip::make_address(std::string(host), ec);
  return !ec && a.is_loopback();
}

Status CheckTokenTransport(const NodeUrl& url, bool has_token) {
  if (has_token && !url.tls() && !IsLoopbackHost(url.host)) {
    return FailedPreconditionError(
        "refusing to send the token in clear text to `" + url.host +
        "`: use https (plain http only to a loopback host)");
  }
  return OkStatus();
}

Result<HttpReply> Exchange(const NodeUrl& url, const Transport& transport,
                           const HttpCall& call) {
  net::io_context ioc;
  if (!url.tls()) {
    beast::tcp_stream stream(ioc);
    auto no_handshake = [](SteadyTime, auto) { return beast::error_code(); };
    return Talk(ioc, stream, no_handshake, url, transport, call);
  }
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (transport.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return Err(UnavailableError("cannot load the system's CAs"));
  } else {
    ctx.load_verify_file(transport.ca_file, ec);
    if (ec) {
      return Err(InvalidArgumentError("cannot load the CA file `" +
                                      transport.ca_file + "`"));
    }
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  if (!IsIpLiteral(url.host) &&
      !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    return Err(InternalError("cannot set the TLS server name"));
  }
  auto handshake = [&](SteadyTime deadline, auto close) {
    return RunUntil(
        ioc, deadline,
        [&](auto done) {
          stream.async_handshake(ssl::stream_base::client,
                                 [done](beast::error_code e) { done(e); });
        },
        close);
  };
  return Talk(ioc, stream, handshake, url, transport, call);
}

std::string RenderProblem(int status, std::string_view body) {
  std::string out;
  auto parsed = ParseJson(body, {.max_depth = 8, .allow_duplicate_keys = true});
  const json::object* problem =
      parsed && parsed->is_object() ? &parsed->get_object() : nullptr;
  std::string title = problem ? StringField(*problem, "title") : "";
  if (title.empty()) {
    out = "HTTP " + std::to_string(status);
    std::string_view first = body.substr(0, body.find('\n'));
    if (!first.empty()) out += ": " + Printable(first.substr(0, 200));
    return out + "\n";
  }
  out = title;
  std::string detail = StringField(*problem, "detail");
  if (!detail.empty()) out += ": " + detail;
  out += "\n";
  const json::value* errors = problem->if_contains("errors");
  if (errors && errors->is_array()) {
    for (const json::value& item : errors->get_array()) {
      if (!item.is_object()) continue;
      const json::object& o = item.get_object();
      out += StringField(o, "field") + ": " + StringField(o, "detail");
      std::string cite = StringField(o, "cite");
      if (!cite.empty()) out += " (" + cite + ")";
      out += "\n";
    }
  }
  return out;
}

std::string PrettyJson(const json::value& value) {
  std::string out;
  AppendPretty(value, 0, out);
  return out;
}

int RunClient(const ClientOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err) {
  const std::string prefix = "evidex " + options.name + ": ";
  auto url = ParseNodeUrl(options.node);
  if (!url) {
    err << prefix << "--node: " << url.error().message() << "\n";
    return 2;
  }
  if (Status s = CheckTokenTransport(*url, !options.token.empty()); !s.ok()) {
    err << prefix << s.message() << "\n";
    return 2;
  }
  auto call = BuildCall(options, in, err);
  if (!call) {
    err << prefix << call.error().message() << "\n";
    return call.error().code() == StatusCode::kUnavailable ? 1 : 2;
  }
  std::uintmax_t resumed = 0;
  const bool download = options.verb == ClientVerb::kDownload;
  if (download) {
    auto prepared = PrepareDownload(options, *call);
    if (!prepared) {
      err << prefix << prepared.error().message() << "\n";
      return 2;
    }
    resumed = *prepared;
  }
  Transport transport;
  transport.ca_file = options.ca_file;
  transport.timeout = std::chrono::seconds(options.timeout_seconds);
  auto reply = Exchange(*url, transport, *call);
  if (!reply) {
    err << prefix << "no answer from " << options.node << ": "
        << reply.error().message() << "\n";
    return 2;
  }
  const bool ranged =
      std::any_of(call->headers.begin(), call->headers.end(),
                  [](const auto& header) { return header.first == "Range"; });
  if (download && (reply->status == 200 || reply->status == 206 ||
                   (reply->status == 416 && ranged))) {
    return FinishDownload(options, resumed, *reply, out, err, prefix);
  }
  if (reply->status < 200 || reply->status > 299) {
    err << RenderProblem(reply->status, reply->body);
    return 1;
  }
  if (reply->body.empty()) return 0;
  auto value = ParseJson(reply->body, {.max_depth = 64});
  if (!value) {
    err << prefix << "the answer of " << options.node
        << " is not JSON: " << value.error().message() << "\n";
    return 1;
  }
  out << (options.pretty ? PrettyJson(*value) : json::serialize(*value))
      << "\n";
  return 0;
}

}  // namespace evidex::cli
