#include "api/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "api/problem.h"

namespace evidex::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

// Files go out in pieces of this size: memory per download stays bounded.
constexpr std::size_t kFilePiece = 256 << 10;

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string RandomRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = rng();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[v & 0xf];
    v >>= 4;
  }
  return id;
}

// The method as a metrics label: the standard methods by name, anything else
// (clients choose method tokens freely) as `other`, so that the label set stays
// bounded.
std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m :
       {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == m) return m;
  }
  return "other";
}

// A live connection, so that Shutdown can close it when it is idle. Touched
// only on the connection's strand; `close` is set once before the connection is
// registered.
struct Connection {
  bool busy = false;  // a request is being handled
  bool closed = false;
  std::function<void()> close;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  const Router& router;
  Logger& log;
  Metrics& metrics;
  const Clock& clock;

  net::io_context ioc{options.threads};
  net::thread_pool workers{
      static_cast<std::size_t>(std::max(1, options.workers))};
  std::unique_ptr<net::ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint16_t> bound_port{0};
  std::filesystem::path spool_dir;

  std::mutex mu;
  std::condition_variable idle;
  std::set<std::pair<std::shared_ptr<Connection>, net::any_io_executor>>
      connections;
  bool shut_down = false;

  prometheus::Histogram& latency = metrics.GetHistogram(
      "evidex_http_request_duration_seconds", "Time to handle an HTTP request.",
      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
       2.5});

  Impl(ServerOptions o, const Router& r, Logger& l, Metrics& m, const Clock& c)
      : options(std::move(o)),
        router(r),
        log(l),
        metrics(m),
        clock(c),
        spool_dir(options.spool_dir.empty()
                      ? std::filesystem::temp_directory_path()
                      : std::filesystem::path(options.spool_dir)) {}

  void Register(const std::shared_ptr<Connection>& c, net::any_io_executor ex) {
    std::lock_guard<std::mutex> lock(mu);
    connections.emplace(c, std::move(ex));
  }
  void Unregister(const std::shared_ptr<Connection>& c) {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = connections.begin(); it != connections.end(); ++it) {
      if (it->first == c) {
        connections.erase(it);
        break;
      }
    }
    idle.notify_all();
  }

  template <typename Body>
  Request MakeRequest(const http::request<Body>& msg,
                      const std::string& remote) {
    Request req;
    req.method = std::string(msg.method_string());
    std::string_view target = msg.target();
    std::size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos)
      req.query = std::string(target.substr(q + 1));
    req.headers.reserve(std::distance(msg.begin(), msg.end()));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& ch : name)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    std::string_view given = req.Header("x-request-id");
    req.request_id =
        SaneRequestId(given) ? std::string(given) : RandomRequestId();
    req.remote_address = remote;
    return req;
  }

  Response Call(const Handler& handler, const Request& req) {
    try {
      return handler(req);
    } catch (const std::exception& e) {
      log.Error("handler failed",
                {{"request_id", req.request_id}, {"error", e.what()}});
      return ProblemResponse(InternalError("handler failed"), req.request_id);
    }
  }

  // Runs an upload route's admission check; a check that throws refuses.
  std::optional<Response> Admit(const Admission& admit, const Request& req) {
    try {
      return admit(req);
    } catch (const std::exception& e) {
      log.Error("admission check failed",
                {{"request_id", req.request_id}, {"error", e.what()}});
      return ProblemResponse(InternalError("admission check failed"),
                             req.request_id);
    }
  }

  // Runs `before_send` and resumes the calling coroutine, on its own executor,
  // with the status it completes with; no thread waits meanwhile.
  static net::awaitable<Status> AwaitBeforeSend(
      std::function<void(Completion)> before_send) {
    return net::async_initiate<const net::use_awaitable_t<>&, void(Status)>(
        [before_send = std::move(before_send)](auto handler) mutable {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          before_send([h](Status status) {
            auto ex = net::get_associated_executor(*h);
            net::post(ex, [h, status = std::move(status)]() mutable {
              std::move (*h)(std::move(status));
            });
          });
        },
        net::use_awaitable);
  }

  // The headers every response carries, and the handler's.
  template <typename Body>
  void SetHeaders(http::response<Body>& out, const Request& req, Response& res,
                  bool keep_alive) {
    out.set(http::field::server, "evidex");
    out.set(http::field::content_type, res.content_type);
    out.set("X-Request-Id", req.request_id);
    out.set("X-Content-Type-Options", "nosniff");
    out.set(http::field::cache_control, "no-store");
    for (auto& [k, v] : res.headers) out.set(k, v);
    out.keep_alive(keep_alive && !stopping.load());
  }

  // Logs and counts an answered request.
  void Observe(const Request& req, int status,
               std::chrono::steady_clock::time_point start) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    latency.Observe(seconds);
    metrics
        .GetCounter("evidex_http_requests_total",
                    "HTTP requests answered, by method and status.",
                    {{"method", std::string(MethodLabel(req.method))},
                     {"status", std::to_string(status)}})
        .Increment();
    log.Info("request", {{"request_id", req.request_id},
                         {"method", req.method},
                         {"path", req.path},
                         {"status", std::int64_t{status}},
                         {"duration_ms", seconds * 1000.0}});
  }

  http::response<http::string_body> Finish(
      const Request& req, Response res, unsigned version, bool keep_alive,
      std::chrono::steady_clock::time_point start) {
    http::response<http::string_body> out{static_cast<http::status>(res.status),
                                          version};
    SetHeaders(out, req, res, keep_alive);
    out.body() = std::move(res.body);
    out.prepare_payload();
    Observe(req, res.status, start);
    return out;
  }

  // Sends `res`, whose body is res.file, in pieces. Returns whether the
  // connection may carry another request.
  template <typename Stream>
  net::awaitable<bool> SendFile(Stream& stream, const Request& req,
                                Response res, unsigned version, bool keep_alive,
                                std::chrono::steady_clock::time_point start) {
    const Response::FileSlice slice = *res.file;
    int fd = ::open(slice.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      log.Error("cannot open a file to send",
                {{"request_id", req.request_id}, {"error", strerror(errno)}});
      auto out = Finish(req,
                        ProblemResponse(InternalError("the file is unreadable"),
                                        req.request_id),
                        version, keep_alive, start);
      auto [ec, n] = co_await http::async_write(stream, out, kNoThrow);
      (void)n;
      co_return !ec && out.keep_alive();
    }
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    http::response<http::buffer_body> out{static_cast<http::status>(res.status),
                                          version};
    SetHeaders(out, req, res, keep_alive);
    out.content_length(slice.length);
    out.body().data = nullptr;
    out.body().more = true;
    http::response_serializer<http::buffer_body> sr{out};
    beast::get_lowest_layer(stream).expires_after(options.read_timeout);
    auto [hec, hn] = co_await http::async_write_header(stream, sr, kNoThrow);
    (void)hn;
    if (hec) co_return false;
    std::vector<char> piece(kFilePiece);
    std::uint64_t sent = 0;
    bool ok = true;
    while (sent < slice.length) {
      std::size_t want = static_cast<std::size_t>(
          std::min<std::uint64_t>(piece.size(), slice.length - sent));
      ssize_t got = ::pread(fd, piece.data(), want,
                            static_cast<off_t>(slice.offset + sent));
      if (got <= 0) {
        log.Error("a file being sent ended early",
                  {{"request_id", req.request_id},
                   {"sent", static_cast<std::int64_t>(sent)}});
        ok = false;
        break;
      }
      out.body().data = piece.data();
      out.body().size = static_cast<std::size_t>(got);
      out.body().more = true;
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      auto [wec, wn] = co_await http::async_write(stream, sr, kNoThrow);
      (void)wn;
      if (wec && wec != http::error::need_buffer) {
        ok = false;
        break;
      }
      sent += static_cast<std::uint64_t>(got);
    }
    if (ok) {
      out.body().data = nullptr;
      out.body().more = false;
      auto [fec, fn] = co_await http::async_write(stream, sr, kNoThrow);
      (void)fn;
      ok = !fec;
    }
    Observe(req, res.status, start);
    // A body cut short cannot be followed by another response.
    co_return ok&& out.keep_alive();
  }

  // Reads the body of an upload route into a new file of the spool directory,
  // one piece at a time (each piece with its own read timeout). Returns the
  // answer to send instead of calling the handler, if any.
  template <typename Stream>
  net::awaitable<std::optional<Response>> ReceiveFile(
      Stream& stream, beast::flat_buffer& buffer,
      http::request_parser<http::empty_body>& head, std::uint64_t limit,
      Request& req) {
    auto too_large = [&] {
      return ProblemResponse(
          413, "payload too large",
          "the body is larger than " + std::to_string(limit) + " bytes",
          req.request_id);
    };
    if (head.content_length().value_or(0) > limit) co_return too_large();
    std::filesystem::path path =
        spool_dir / ("upload-" + req.request_id + "-" + RandomRequestId());
    http::request_parser<http::file_body> parser(std::move(head));
    parser.body_limit(limit);
    beast::error_code ec;
    parser.get().body().open(path.c_str(), beast::file_mode::write_new, ec);
    if (ec) {
      log.Error("cannot spool an upload",
                {{"request_id", req.request_id}, {"error", ec.message()}});
      co_return ProblemResponse(UnavailableError("cannot store the upload"),
                                req.request_id);
    }
    req.body_file = path.string();
    // Each read fills what the buffer has room for (at most 64 KiB): room for
    // that much, not the few bytes the head left, saves syscalls (uploads ran
    // at 100 MiB/s reading about 1 KiB at a time).
    buffer.reserve(64 << 10);
    while (!parser.is_done()) {
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      auto [rec, n] =
          co_await http::async_read_some(stream, buffer, parser, kNoThrow);
      (void)n;
      if (rec == http::error::body_limit) co_return too_large();
      if (rec) {
        co_return ProblemResponse(400, "bad request",
                                  "the body did not arrive whole",
                                  req.request_id);
      }
    }
    buffer.shrink_to_fit();
    parser.get().body().file().close(ec);
    if (ec) {
      co_return ProblemResponse(UnavailableError("cannot store the upload"),
                                req.request_id);
    }
    req.body_size = std::filesystem::file_size(path, ec);
    co_return std::nullopt;
  }

  // Answers a request the server refuses before any handler sees it (too large,
  // malformed).
  template <typename Stream>
  net::awaitable<void> Refuse(Stream& stream, int status,
                              std::string_view title, std::string_view detail) {
    Request req;
    req.request_id = RandomRequestId();
    req.method = "-";
    req.path = "-";
    auto res =
        Finish(req, ProblemResponse(status, title, detail, req.request_id), 11,
               false, std::chrono::steady_clock::now());
    co_await http::async_write(stream, res, kNoThrow);
  }

  // A client that sends its body without waiting for `100 Continue` is still
  // sending when a refusal ends the connection; closing at once would reset
  // the connection, and the client would lose the answer. So the server stops
  // sending, then reads and discards what still comes, within bounds, before
  // it closes (a lingering close).
  template <typename Stream>
  net::awaitable<void> Linger(Stream& stream) {
    static constexpr std::size_t kMaxDiscarded = std::size_t{16} << 20;
    auto& tcp_stream = beast::get_lowest_layer(stream);
    beast::error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_stream.expires_after(std::chrono::seconds(2));
    std::vector<char> scratch(64 << 10);
    for (std::size_t discarded = 0; discarded < kMaxDiscarded;) {
      auto [ec, n] =
          co_await tcp_stream.async_read_some(net::buffer(scratch), kNoThrow);
      if (ec) break;
      discarded += n;
    }
  }

  template <typename Stream>
  net::awaitable<void> Serve(Stream& stream, std::shared_ptr<Connection> conn,
                             std::string remote) {
    beast::flat_buffer buffer;
    bool unread_body = false;  // a refusal left the client's body unread
    while (!stopping.load()) {
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      http::request_parser<http::empty_body> head;
      head.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      // The body's limit depends on the route: checked once it is known.
      head.body_limit(boost::none);
      auto [ec, n] =
          co_await http::async_read_header(stream, buffer, head, kNoThrow);
      (void)n;
      if (ec == http::error::header_limit) {
        co_await Refuse(stream, 431, "request header fields too large",
                        "headers too large");
        break;
      }
      if (ec == http::error::end_of_stream ||
          ec == net::error::operation_aborted || ec == beast::error::timeout ||
          ec == net::error::eof || ec == net::error::connection_reset) {
        break;
      }
      if (ec) {
        co_await Refuse(stream, 400, "bad request", "malformed HTTP request");
        break;
      }
      conn->busy = true;
      auto start = std::chrono::steady_clock::now();
      unsigned version = head.get().version();
      bool keep_alive = head.get().keep_alive();
      Request req = MakeRequest(head.get(), remote);
      Router::Match match = router.Find(req);
      std::optional<Response> refused;
      if (match.handler != nullptr && match.upload_limit > 0) {
        // Who asks and whether they may upload here is settled before any
        // byte of the body is read.
        if (match.admit != nullptr) {
          refused = co_await net::co_spawn(
              workers,
              [&]() -> net::awaitable<std::optional<Response>> {
                co_return Admit(*match.admit, req);
              },
              net::use_awaitable);
        }
        // A client that waits for `100 Continue` sends the body only once
        // the request is admitted (RFC 9110 10.1.1).
        if (!refused &&
            beast::iequals(head.get()[http::field::expect], "100-continue")) {
          http::response<http::empty_body> go_on{http::status::continue_,
                                                 version};
          auto [wec, wn] = co_await http::async_write(stream, go_on, kNoThrow);
          (void)wn;
          if (wec) break;
        }
        if (!refused) {
          refused = co_await ReceiveFile(stream, buffer, head,
                                         match.upload_limit, req);
        }
      } else {
        // The header parser has already taken Content-Length: the limit is
        // checked here; a chunked body meets it while it is read.
        if (head.content_length().value_or(0) > options.max_body_bytes) {
          co_await Refuse(stream, 413, "payload too large",
                          "the body is larger than " +
                              std::to_string(options.max_body_bytes) +
                              " bytes");
          unread_body = true;
          break;
        }
        http::request_parser<http::string_body> parser(std::move(head));
        parser.body_limit(options.max_body_bytes);
        auto [bec, bn] =
            co_await http::async_read(stream, buffer, parser, kNoThrow);
        (void)bn;
        if (bec == http::error::body_limit) {
          co_await Refuse(stream, 413, "payload too large",
                          "the body is larger than " +
                              std::to_string(options.max_body_bytes) +
                              " bytes");
          unread_body = true;
          break;
        }
        if (bec) {
          co_await Refuse(stream, 400, "bad request", "malformed HTTP request");
          break;
        }
        req.body = std::move(parser.get().body());
      }
      Response response;
      if (refused) {
        response = std::move(*refused);
        keep_alive = false;  // the rest of the body was not read
        unread_body = true;
      } else if (match.handler == nullptr) {
        response = std::move(match.refusal);
      } else if (match.threading == Threading::kInline) {
        response = Call(*match.handler, req);
      } else {
        // The handler runs on a worker thread; the connection resumes on its
        // strand.
        response = co_await net::co_spawn(
            workers,
            [&]() -> net::awaitable<Response> {
              co_return Call(*match.handler, req);
            },
            net::use_awaitable);
      }
      if (!req.body_file.empty()) {
        std::error_code ignored;
        std::filesystem::remove(req.body_file, ignored);
      }
      if (response.before_send) {
        Status done = co_await AwaitBeforeSend(std::move(response.before_send));
        if (!done.ok()) {
          log.Error(
              "work before the response failed",
              {{"request_id", req.request_id}, {"error", done.message()}});
          response = ProblemResponse(done, req.request_id);
        }
      }
      bool keep = false;
      if (response.file) {
        keep = co_await SendFile(stream, req, std::move(response), version,
                                 keep_alive, start);
      } else {
        auto res = Finish(req, std::move(response), version, keep_alive, start);
        keep = res.keep_alive();
        beast::get_lowest_layer(stream).expires_after(options.read_timeout);
        auto [wec, wn] = co_await http::async_write(stream, res, kNoThrow);
        (void)wn;
        keep = keep && !wec;
      }
      conn->busy = false;
      if (!keep) break;
    }
    if (unread_body) co_await Linger(stream);
  }

  net::awaitable<void> Session(tcp::socket socket) {
    auto conn = std::make_shared<Connection>();
    net::any_io_executor ex = co_await net::this_coro::executor;
    std::string remote;
    boost::system::error_code rec;
    auto endpoint = socket.remote_endpoint(rec);
    if (!rec) remote = endpoint.address().to_string();
    beast::tcp_stream tcp_stream(std::move(socket));
    conn->close = [&tcp_stream, self = conn.get()] {
      if (!self->closed) {
        self->closed = true;
        beast::error_code ignored;
        tcp_stream.socket().cancel(ignored);
      }
    };
    Register(conn, ex);
    if (tls) {
      beast::ssl_stream<beast::tcp_stream&> stream(tcp_stream, *tls);
      tcp_stream.expires_after(options.read_timeout);
      auto [hec] = co_await stream.async_handshake(
          net::ssl::stream_base::server, kNoThrow);
      if (!hec) {
        co_await Serve(stream, conn, remote);
        tcp_stream.expires_after(std::chrono::seconds(5));
        co_await stream.async_shutdown(kNoThrow);
      }
    } else {
      co_await Serve(tcp_stream, conn, remote);
    }
    conn->closed = true;
    beast::error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_stream.socket().close(ignored);
    Unregister(conn);
  }

  net::awaitable<void> Accept() {
    while (true) {
      auto [ec, socket] =
          co_await acceptor.async_accept(net::make_strand(ioc), kNoThrow);
      if (ec) {
        if (stopping.load() || ec == net::error::operation_aborted) co_return;
        log.Warning("accept failed", {{"error", ec.message()}});
        continue;
      }
      std::size_t open = 0;
      {
        std::lock_guard<std::mutex> lock(mu);
        open = connections.size();
      }
      if (open >= options.max_connections) {
        // Counted before the close, which the client may see at once.
        metrics
            .GetCounter("evidex_http_connections_refused_total",
                        "Connections closed because the server was full.")
            .Increment();
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      auto ex = socket.get_executor();
      net::co_spawn(ex, Session(std::move(socket)), net::detached);
    }
  }
};

HttpServer::HttpServer(ServerOptions options, const Router& router, Logger& log,
                       Metrics& metrics, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), router, log, metrics,
                                   clock)) {}

HttpServer::~HttpServer() { Shutdown(); }

Status HttpServer::Start() {
  Impl& s = *impl_;
  boost::system::error_code ec;
  auto address = net::ip::make_address(s.options.host, ec);
  if (ec)
    return InvalidArgumentError("`" + s.options.host +
                                "` is not an IP address");
  bool plain =
      s.options.tls_cert_file.empty() && s.options.tls_key_file.empty();
  if (plain && !address.is_loopback()) {
    return FailedPreconditionError(
        "plain HTTP is allowed only on a loopback address; give a "
        "TLS certificate and key to listen on `" +
        s.options.host + "`");
  }
  if (!plain) {
    s.tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    s.tls->set_options(
        net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
        net::ssl::context::no_tlsv1_1);
    s.tls->use_certificate_chain_file(s.options.tls_cert_file, ec);
    if (ec)
      return InvalidArgumentError("cannot use TLS certificate `" +
                                  s.options.tls_cert_file + "`");
    s.tls->use_private_key_file(s.options.tls_key_file, net::ssl::context::pem,
                                ec);
    if (ec)
      return InvalidArgumentError("cannot use TLS key `" +
                                  s.options.tls_key_file + "`");
  }
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError("cannot listen on " + s.options.host + ":" +
                            std::to_string(s.options.port) + ": " +
                            ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  net::co_spawn(s.acceptor.get_executor(), s.Accept(), net::detached);
  for (int i = 0; i < std::max(1, s.options.threads); ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
  s.log.Info("listening", {{"address", s.options.host},
                           {"port", std::int64_t{s.bound_port.load()}},
                           {"tls", !plain}});
  return OkStatus();
}

std::uint16_t HttpServer::port() const { return impl_->bound_port.load(); }

void HttpServer::Shutdown() {
  Impl& s = *impl_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.shut_down) return;
    s.shut_down = true;
  }
  s.stopping = true;
  net::post(s.acceptor.get_executor(), [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
  });
  auto deadline = std::chrono::steady_clock::now() + s.options.shutdown_grace;
  std::unique_lock<std::mutex> lock(s.mu);
  while (!s.connections.empty() &&
         std::chrono::steady_clock::now() < deadline) {
    for (const auto& [conn, ex] : s.connections) {
      net::post(ex, [c = conn] {
        if (!c->busy) c->close();
      });
    }
    s.idle.wait_for(lock, std::chrono::milliseconds(50));
  }
  lock.unlock();
  s.ioc.stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  s.workers.join();
  s.log.Info("stopped", {});
}

}  // namespace evidex::api
