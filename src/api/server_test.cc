// Starts the real server on a loopback port and talks HTTP (and HTTPS) to it.
#include "api/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <sstream>
#include <thread>
#include <vector>

#include "api/problem.h"
#include "core/json.h"

namespace evidex::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
namespace fs = std::filesystem;

// A plain connection to the server on loopback, for requests written byte by
// byte.
struct RawConnection {
  explicit RawConnection(std::uint16_t port) {
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
};

struct Reply {
  int status = 0;
  std::string body;
  std::string request_id;
  std::string content_type;
  bool keep_alive = false;
};

Reply Send(std::uint16_t port, http::verb method, const std::string& target,
           const std::string& body = "", const std::string& request_id = "") {
  RawConnection raw(port);
  beast::tcp_stream& stream = raw.stream;
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "localhost");
  if (!request_id.empty()) req.set("X-Request-Id", request_id);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {static_cast<int>(res.result_int()), res.body(),
          std::string(res["X-Request-Id"]),
          std::string(res[http::field::content_type]), res.keep_alive()};
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/healthz", [](const Request&) {
      Response r;
      r.body = R"({"status":"ok"})";
      return r;
    });
    router_.Add("POST", "/echo", [](const Request& req) {
      Response r;
      r.content_type = "text/plain";
      r.body = req.body;
      return r;
    });
    router_.Add("GET", "/slow", [this](const Request&) {
      slow_started_.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      Response r;
      r.body = R"({"slow":true})";
      return r;
    });
    router_.Add("GET", "/throw", [](const Request&) -> Response {
      throw std::runtime_error("boom /secret");
    });
    router_.Add(
        "GET", "/inline",
        [](const Request&) {
          Response r;
          r.body = R"({"inline":true})";
          return r;
        },
        Threading::kInline);
    // Answers only once another thread, 100 ms later, says the work is done;
    // `?fail` makes that work fail.
    router_.Add(
        "GET", "/deferred",
        [this](const Request& req) {
          Response r;
          r.body = R"({"deferred":true})";
          bool fail = req.query == "fail";
          r.before_send = [this, fail](Completion done) {
            deferred_.emplace_back([this, fail, done = std::move(done)] {
              std::this_thread::sleep_for(std::chrono::milliseconds(100));
              deferred_ran_ = true;
              done(fail ? UnavailableError("the record is not durable")
                        : OkStatus());
            });
          };
          return r;
        },
        Threading::kInline);
    // Answers with the size and contents of the streamed body, and where it
    // was spooled.
    router_.AddUpload(
        "POST", "/upload",
        [this](const Request& req) {
          std::ifstream in(req.body_file, std::ios::binary);
          std::string bytes((std::istreambuf_iterator<char>(in)), {});
          uploaded_ = bytes;
          spooled_at_ = req.body_file;
          Response r;
          r.content_type = "text/plain";
          r.body = std::to_string(req.body_size);
          return r;
        },
        300000,
        // Refuses a request with `X-Deny`, before its body.
        [this](const Request& req) -> std::optional<Response> {
          ++admissions_;
          if (req.Header("x-deny").empty()) return std::nullopt;
          return ProblemResponse(401, "unauthorized", "X-Deny", req.request_id);
        });
    // Streams `file_` from ?offset=N&length=M (the whole file by default).
    router_.Add("GET", "/file", [this](const Request& req) {
      Response r;
      r.content_type = "application/octet-stream";
      std::string offset = req.QueryParam("offset");
      std::string length = req.QueryParam("length");
      r.file = Response::FileSlice{
          file_.string(), offset.empty() ? 0 : std::stoull(offset),
          length.empty() ? fs::file_size(file_) : std::stoull(length)};
      return r;
    });
    router_.Add("GET", "/metrics", [this](const Request&) {
      Response r;
      r.content_type = "text/plain; version=0.0.4";
      r.body = metrics_.Render();
      return r;
    });
  }

  std::unique_ptr<HttpServer> StartServer(ServerOptions options = {}) {
    options.max_body_bytes = 1024;
    options.spool_dir = spool_.string();
    options.shutdown_grace = std::chrono::seconds(5);
    auto server =
        std::make_unique<HttpServer>(options, router_, log_, metrics_, clock_);
    Status s = server->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return server;
  }

  SystemClock clock_;
  std::ostringstream log_text_;
  Logger log_{log_text_, clock_};
  Metrics metrics_;
  Router router_;
  void TearDown() override { fs::remove_all(dir_); }

  // Files the server spools to or sends from.
  const fs::path dir_ = [] {
    fs::path d = fs::temp_directory_path() /
                 ("evidex_server_test_" + std::to_string(::getpid()));
    fs::create_directories(d / "spool");
    return d;
  }();
  const fs::path spool_ = dir_ / "spool";
  const fs::path file_ = dir_ / "file";
  std::string uploaded_;
  std::string spooled_at_;
  std::atomic<int> admissions_{0};
  std::promise<void> slow_started_;
  std::vector<std::jthread> deferred_;  // joined before the router goes
  std::atomic<bool> deferred_ran_{false};
};

TEST_F(ServerTest, AnswersAndEchoesRequestIds) {
  auto server = StartServer();
  ASSERT_NE(server->port(), 0);
  Reply r = Send(server->port(), http::verb::get, "/healthz", "", "abc-123");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  EXPECT_EQ(r.request_id, "abc-123");
  Reply fresh = Send(server->port(), http::verb::get, "/healthz", "",
                     "bad id with spaces");
  EXPECT_EQ(fresh.request_id.size(), 16u);
  Reply echo = Send(server->port(), http::verb::post, "/echo", "hello");
  EXPECT_EQ(echo.body, "hello");
}

TEST_F(ServerTest, InlineHandlersAnswer) {
  auto server = StartServer();
  Reply r = Send(server->port(), http::verb::get, "/inline");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"inline":true})");
}

TEST_F(ServerTest, ResponsesWaitForTheirWorkBeforeSend) {
  auto server = StartServer();
  Reply r = Send(server->port(), http::verb::get, "/deferred");
  EXPECT_TRUE(deferred_ran_.load());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"deferred":true})");
  EXPECT_TRUE(r.keep_alive);

  deferred_ran_ = false;
  Reply failed = Send(server->port(), http::verb::get, "/deferred?fail");
  EXPECT_TRUE(deferred_ran_.load());
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(failed.content_type, "application/problem+json");
  // The response that was not allowed to leave did not leave.
  EXPECT_EQ(failed.body.find("deferred"), std::string::npos);
}

// A body of `size` bytes that differ from piece to piece.
std::string Pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);
  }
  return out;
}

TEST_F(ServerTest, UploadsStreamToASpoolFileBeyondTheBodyLimit) {
  auto server = StartServer();
  std::string body = Pattern(250000);  // far beyond max_body_bytes (1024)
  Reply r = Send(server->port(), http::verb::post, "/upload", body);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "250000");
  EXPECT_EQ(admissions_.load(), 1);
  EXPECT_TRUE(uploaded_ == body);
  EXPECT_EQ(fs::path(spooled_at_).parent_path(), spool_);
  // The spooled file is gone once the response is out.
  EXPECT_TRUE(fs::is_empty(spool_));
}

TEST_F(ServerTest, AnUploadRefusedByItsAdmissionCheckIsAnsweredBeforeItsBody) {
  ServerOptions options;
  options.read_timeout = std::chrono::seconds(20);
  auto server = StartServer(options);
  RawConnection raw(server->port());
  beast::tcp_stream& stream = raw.stream;
  // Only the header: a server waiting for the body would not answer before
  // its read timeout, and would then answer 400.
  std::string head =
      "POST /upload HTTP/1.1\r\nHost: localhost\r\nX-Deny: 1\r\n"
      "Content-Length: 200000\r\n\r\n";
  beast::error_code ec;
  net::write(stream, net::buffer(head), ec);
  ASSERT_FALSE(ec);
  auto sent = std::chrono::steady_clock::now();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10));
  EXPECT_EQ(res[http::field::connection], "close");
  EXPECT_EQ(admissions_.load(), 1);
  EXPECT_TRUE(uploaded_.empty());
  EXPECT_TRUE(fs::is_empty(spool_));
}

TEST_F(ServerTest, ARefusedUploadWhoseBodyIsAlreadyComingStillGetsItsAnswer) {
  auto server = StartServer();
  RawConnection raw(server->port());
  beast::tcp_stream& stream = raw.stream;
  // No `Expect: 100-continue`: the client sends its whole body, 14 MiB (more
  // than the sockets buffer, less than the server discards), before it reads.
  // The server refuses at once, then reads and discards the body, so the
  // client's writes and its read succeed instead of meeting a reset
  // connection (a broken pipe without the lingering close).
  const std::string body = Pattern(14 << 20);
  std::string request =
      "POST /upload HTTP/1.1\r\nHost: localhost\r\nX-Deny: 1\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  beast::error_code ec;
  net::write(stream, net::buffer(request), ec);
  ASSERT_FALSE(ec) << ec.message();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(res[http::field::connection], "close");
  EXPECT_TRUE(uploaded_.empty());
}

TEST_F(ServerTest, AnAdmittedUploadThatExpects100ContinueIsToldToGoOn) {
  auto server = StartServer();
  RawConnection raw(server->port());
  beast::tcp_stream& stream = raw.stream;
  const std::string body = Pattern(5000);
  std::string head =
      "POST /upload HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  beast::error_code ec;
  net::write(stream, net::buffer(head), ec);
  ASSERT_FALSE(ec);
  // The body is sent only after the interim answer.
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> interim;
  http::read_header(stream, buffer, interim, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(interim.get().result(), http::status::continue_);
  net::write(stream, net::buffer(body), ec);
  ASSERT_FALSE(ec);
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "5000");
  EXPECT_TRUE(uploaded_ == body);
}

TEST_F(ServerTest, ARefusedUploadThatExpects100ContinueGetsOnlyTheRefusal) {
  auto server = StartServer();
  RawConnection raw(server->port());
  beast::tcp_stream& stream = raw.stream;
  std::string head =
      "POST /upload HTTP/1.1\r\nHost: localhost\r\nX-Deny: 1\r\n"
      "Expect: 100-continue\r\nContent-Length: 5000\r\n\r\n";
  beast::error_code ec;
  net::write(stream, net::buffer(head), ec);
  ASSERT_FALSE(ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_TRUE(uploaded_.empty());
}

TEST_F(ServerTest, AnUploadBeyondItsRouteLimitIs413AndLeavesNothing) {
  auto server = StartServer();
  Reply r = Send(server->port(), http::verb::post, "/upload", Pattern(300001));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_TRUE(uploaded_.empty());
  EXPECT_TRUE(fs::is_empty(spool_));
}

TEST_F(ServerTest, AChunkedUploadBeyondItsLimitIs413) {
  auto server = StartServer();
  RawConnection raw(server->port());
  beast::tcp_stream& stream = raw.stream;
  http::request<http::string_body> req{http::verb::post, "/upload", 11};
  req.set(http::field::host, "localhost");
  req.body() = Pattern(300001);
  req.chunked(true);
  beast::error_code ec;
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  EXPECT_EQ(res.result_int(), 413u);
  EXPECT_TRUE(uploaded_.empty());
  EXPECT_TRUE(fs::is_empty(spool_));
}

TEST_F(ServerTest, FilesGoOutInPiecesWholeOrAsASlice) {
  std::string content = Pattern(1 << 20 | 5);  // several pieces
  {
    std::ofstream out(file_, std::ios::binary);
    out << content;
  }
  auto server = StartServer();
  Reply whole = Send(server->port(), http::verb::get, "/file");
  EXPECT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.body == content);
  EXPECT_TRUE(whole.keep_alive);
  Reply slice = Send(server->port(), http::verb::get,
                     "/file?offset=262000&length=300000");
  EXPECT_TRUE(slice.body == content.substr(262000, 300000));
}

TEST_F(ServerTest, AMissingFileIs500) {
  auto server = StartServer();
  Reply r = Send(server->port(), http::verb::get, "/file?length=10");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.content_type, "application/problem+json");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedAreProblems) {
  auto server = StartServer();
  Reply missing = Send(server->port(), http::verb::get, "/nope?x=1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/problem+json");
  EXPECT_EQ(Send(server->port(), http::verb::delete_, "/healthz").status, 405);
}

TEST_F(ServerTest, OversizedBodyIs413) {
  auto server = StartServer();
  Reply r =
      Send(server->port(), http::verb::post, "/echo", std::string(2000, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/problem+json");
  // The server is still healthy afterwards.
  EXPECT_EQ(Send(server->port(), http::verb::get, "/healthz").status, 200);
}

TEST_F(ServerTest, MalformedRequestIs400) {
  auto server = StartServer();
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  net::write(socket, net::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")));
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(socket, buffer, res, ec);
  EXPECT_EQ(res.result_int(), 400u);
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutDetails) {
  auto server = StartServer();
  Reply r = Send(server->port(), http::verb::get, "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST_F(ServerTest, LogsOneLinePerRequestWithoutQueryOrBody) {
  auto server = StartServer();
  Send(server->port(), http::verb::post, "/echo?token=s3cr3t",
       "password=hunter2", "rid-1");
  server->Shutdown();
  std::string log = log_text_.str();
  EXPECT_NE(log.find("\"request_id\":\"rid-1\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"path\":\"/echo\""), std::string::npos);
  EXPECT_EQ(log.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(log.find("hunter2"), std::string::npos);
}

TEST_F(ServerTest, CountsRequestsInMetrics) {
  auto server = StartServer();
  Send(server->port(), http::verb::get, "/healthz");
  Reply m = Send(server->port(), http::verb::get, "/metrics");
  EXPECT_NE(m.body.find(
                "evidex_http_requests_total{method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("evidex_http_request_duration_seconds_count"),
            std::string::npos);
}

TEST_F(ServerTest, UnknownMethodsShareOneMetricsLabel) {
  auto server = StartServer();
  for (const char* method : {"FOO", "BAR", "BAZ"}) {
    RawConnection raw(server->port());
    beast::tcp_stream& stream = raw.stream;
    http::request<http::string_body> req;
    req.method_string(method);
    req.target("/healthz");
    req.version(11);
    req.set(http::field::host, "localhost");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 405u);
  }
  std::string page = metrics_.Render();
  EXPECT_NE(page.find("method=\"other\",status=\"405\"} 3"), std::string::npos)
      << page;
  EXPECT_EQ(page.find("FOO"), std::string::npos);
}

TEST_F(ServerTest, RefusesConnectionsBeyondTheLimit) {
  ServerOptions options;
  options.max_connections = 2;
  auto server = StartServer(options);
  net::io_context ioc;
  // Two kept-alive connections, each known to the server once it has answered
  // on it.
  std::vector<beast::tcp_stream> held;
  for (int i = 0; i < 2; ++i) {
    held.emplace_back(ioc);
    held.back().connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
    http::request<http::string_body> req{http::verb::get, "/healthz", 11};
    req.set(http::field::host, "localhost");
    http::write(held.back(), req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(held.back(), buffer, res);
    ASSERT_EQ(res.result_int(), 200u);
  }
  tcp::socket extra(ioc);
  extra.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  char byte;
  beast::error_code ec;
  extra.read_some(net::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, net::error::eof);
  EXPECT_NE(metrics_.Render().find("evidex_http_connections_refused_total 1"),
            std::string::npos);
  held.clear();
  // Once the held connections are gone, requests are served again.
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    try {
      served = Send(server->port(), http::verb::get, "/healthz").status == 200;
    } catch (const std::exception&) {
      // Still full for a moment: the server closed this connection.
    }
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
}

TEST_F(ServerTest, ShutdownLetsInFlightRequestsFinish) {
  auto server = StartServer();
  std::uint16_t port = server->port();
  auto slow = std::async(std::launch::async, [port] {
    return Send(port, http::verb::get, "/slow");
  });
  slow_started_.get_future().wait();
  server->Shutdown();
  Reply r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"slow":true})");
  EXPECT_FALSE(r.keep_alive);
  // No longer accepting.
  net::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_TRUE(ec);
}

TEST_F(ServerTest, PlainHttpOnlyOnLoopback) {
  ServerOptions options;
  options.host = "0.0.0.0";
  HttpServer server(options, router_, log_, metrics_, clock_);
  Status s = server.Start();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  ServerOptions bad;
  bad.host = "not-an-ip";
  HttpServer server2(bad, router_, log_, metrics_, clock_);
  EXPECT_EQ(server2.Start().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServerTest, ServesHttps) {
  namespace fs = std::filesystem;
  fs::path dir =
      fs::temp_directory_path() / ("evidex-tls-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-days 1 "
      "-subj /CN=localhost -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() +
      " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerOptions options;
  options.tls_cert_file = (dir / "cert.pem").string();
  options.tls_key_file = (dir / "key.pem").string();
  auto server = StartServer(options);

  net::io_context ioc;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.load_verify_file(options.tls_cert_file);
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  stream.handshake(net::ssl::stream_base::client);
  http::request<http::string_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "localhost");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), R"({"status":"ok"})");

  // Plain HTTP to the TLS port gets nothing useful.
  tcp::socket plain(ioc);
  plain.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  net::write(
      plain,
      net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  beast::flat_buffer b2;
  http::response<http::string_body> r2;
  beast::error_code ec;
  http::read(plain, b2, r2, ec);
  EXPECT_TRUE(ec);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evidex::api
