// The client verbs in-process: URL parsing, the token's transport, problem
// rendering, and requests to a real HttpServer on a loopback port (plain and
// TLS).
#include "cli/client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "api/metrics.h"
#include "api/router.h"
#include "api/server.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"

namespace evidex::cli {
namespace {

namespace fs = std::filesystem;

std::string Str(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "<absent>";
}

TEST(ClientUrlTest, AcceptsSchemeHostAndPort) {
  auto url = ParseNodeUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(url) << url.error().ToString();
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:8080");

  url = ParseNodeUrl("HTTPS://Node.Example.EU/");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->host, "node.example.eu");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->HostHeader(), "node.example.eu");

  url = ParseNodeUrl("http://[::1]:9000");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->HostHeader(), "[::1]:9000");

  url = ParseNodeUrl("https://[2001:DB8::1]");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "2001:db8::1");
  EXPECT_EQ(url->HostHeader(), "[2001:db8::1]");
}

TEST(ClientUrlTest, RefusesWhatIsNotABaseUrl) {
  for (const char* bad :
       {"", "127.0.0.1:8080", "ftp://host", "http://", "http://:80",
        "http://host:", "http://host:0", "http://host:65536", "http://host:8o",
        "http://user:pw@host", "http://host/api", "http://host?x=1",
        "http://host#f", "http://[::1", "http://[zz]", "http://[::1]x",
        "http://[::1]:", "http://ho st", "http://h_st"}) {
    auto url = ParseNodeUrl(bad);
    EXPECT_FALSE(url) << bad;
    if (!url) {
      EXPECT_EQ(url.error().code(), StatusCode::kInvalidArgument);
    }
  }
  auto url = ParseNodeUrl("http://user:secret@host");
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().message().find("user information"), std::string::npos);
}

TEST(ClientTokenTest, PlainHttpOnlyToLoopback) {
  for (const char* ok :
       {"http://127.0.0.1:1", "http://127.9.9.9", "http://localhost:8080",
        "http://[::1]:1", "https://node.example.eu", "https://10.0.0.1"}) {
    auto url = ParseNodeUrl(ok);
    ASSERT_TRUE(url) << ok;
    EXPECT_TRUE(CheckTokenTransport(*url, true).ok()) << ok;
  }
  for (const char* clear : {"http://node.example.eu", "http://10.0.0.1:8080",
                            "http://[2001:db8::1]", "http://localhost.evil"}) {
    auto url = ParseNodeUrl(clear);
    ASSERT_TRUE(url) << clear;
    EXPECT_FALSE(CheckTokenTransport(*url, true).ok()) << clear;
    EXPECT_TRUE(CheckTokenTransport(*url, false).ok()) << clear;
  }
}

TEST(ClientTokenTest, RunClientRefusesBeforeConnectingAndHidesTheToken) {
  ClientOptions options;
  options.name = "inbox";
  options.verb = ClientVerb::kInbox;
  options.node = "http://192.0.2.1:8080";
  options.token = "s3cr3t-token";
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunClient(options, in, out, err), 2);
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("clear text"), std::string::npos) << err.str();
  EXPECT_EQ(err.str().find("s3cr3t"), std::string::npos);
}

TEST(ClientProblemTest, TitleDetailAndItems) {
  EXPECT_EQ(RenderProblem(409, R"({"type":"about:blank","title":"conflict",)"
                               R"("status":409,"detail":"`issue` is not )"
                               R"(allowed in state `issued`",)"
                               R"("instance":"urn:evidex:request:r1"})"),
            "conflict: `issue` is not allowed in state `issued`\n");
  EXPECT_EQ(
      RenderProblem(
          400, R"j({"title":"bad request","detail":"the order lacks content",)j"
               R"j("errors":[{"field":"order.grounds","detail":"missing",)j"
               R"j("cite":"Reg. 2023/1543 Art. 5(5)"},)j"
               R"j({"field":"order.offence","detail":"line\nbreak"}]})j"),
      "bad request: the order lacks content\n"
      "order.grounds: missing (Reg. 2023/1543 Art. 5(5))\n"
      "order.offence: line break\n");
  EXPECT_EQ(RenderProblem(401, R"({"title":"unauthenticated"})"),
            "unauthenticated\n");
  EXPECT_EQ(RenderProblem(502, "<html>bad gateway\n</html>"),
            "HTTP 502: <html>bad gateway\n");
  EXPECT_EQ(RenderProblem(500, ""), "HTTP 500\n");
}

TEST(ClientPrettyJsonTest, IndentsByTwo) {
  auto v = ParseJson(R"({"a":[1,{"b":"x\"y"}],"c":{},"d":[],"e":null})");
  ASSERT_TRUE(v);
  EXPECT_EQ(PrettyJson(*v),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x\\\"y\"\n    }\n"
            "  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": null\n}");
}

// Answers every request with a description of it, so that the tests see what
// the client sent.
class ClientServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api::Handler echo = [](const api::Request& req) {
      api::Response r;
      if (req.params.count("id") && req.params.at("id") == "problem") {
        r.status = 409;
        r.content_type = "application/problem+json";
        r.body = R"({"type":"about:blank","title":"conflict","status":409,)"
                 R"("detail":"`issue` is not allowed","instance":"urn:x",)"
                 R"("errors":[{"field":"rule.x","detail":"closed",)"
                 R"("cite":"Art. 1"}]})";
        return r;
      }
      std::string body;
      JsonWriter w(body);
      w.BeginObject();
      w.Key("method");
      w.String(req.method);
      w.Key("path");
      w.String(req.path);
      w.Key("query");
      w.String(req.query);
      for (const char* h : {"authorization", "idempotency-key", "x-purpose",
                            "content-type", "host"}) {
        w.Key(h);
        w.String(req.Header(h));
      }
      w.Key("body");
      w.String(req.body);
      w.EndObject();
      r.body = body;
      return r;
    };
    router_.Add("GET", "/api/v1/inbox", echo);
    router_.Add("GET", "/api/v1/cases", echo);
    router_.Add("POST", "/api/v1/cases", echo);
    router_.Add("GET", "/api/v1/cases/{id}", echo);
    router_.Add("GET", "/api/v1/cases/{id}/events", echo);
    router_.Add("POST", "/api/v1/cases/{id}/actions/{action}", echo);
    router_.Add("GET", "/slow", [](const api::Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      return api::Response{};
    });
  }

  std::unique_ptr<api::HttpServer> Start(api::ServerOptions options = {}) {
    options.shutdown_grace = std::chrono::seconds(5);
    auto server = std::make_unique<api::HttpServer>(options, router_, log_,
                                                    metrics_, clock_);
    Status s = server->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return server;
  }

  ClientOptions Options(const api::HttpServer& server, ClientVerb verb,
                        std::string name) {
    ClientOptions o;
    o.verb = verb;
    o.name = std::move(name);
    o.node = "http://127.0.0.1:" + std::to_string(server.port());
    o.token = "tok";
    return o;
  }

  // Runs the client; returns the exit code and the parsed output object.
  int Run(const ClientOptions& o, boost::json::object* echoed = nullptr,
          const std::string& input = "") {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    int code = RunClient(o, in, out_, err_);
    if (echoed && code == 0) {
      auto v = ParseJson(out_.str());
      EXPECT_TRUE(v && v->is_object()) << out_.str();
      if (v && v->is_object()) *echoed = v->get_object();
    }
    return code;
  }

  SystemClock clock_;
  std::ostringstream log_text_;
  Logger log_{log_text_, clock_};
  api::Metrics metrics_;
  api::Router router_;
  std::ostringstream out_, err_;
};

TEST_F(ClientServerTest, SendsEachVerbAsTheApiSays) {
  auto server = Start();
  boost::json::object e;

  ClientOptions show = Options(*server, ClientVerb::kShow, "show");
  show.case_id = "case_a/b";
  show.purpose = "review";
  ASSERT_EQ(Run(show, &e), 0) << err_.str();
  EXPECT_EQ(Str(e, "method"), "GET");
  EXPECT_EQ(Str(e, "path"), "/api/v1/cases/case_a%2Fb");
  EXPECT_EQ(Str(e, "authorization"), "Bearer tok");
  EXPECT_EQ(Str(e, "x-purpose"), "review");
  EXPECT_EQ(Str(e, "host"), "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(out_.str().find('\n'), out_.str().size() - 1) << "one line";

  ClientOptions events = Options(*server, ClientVerb::kEvents, "events");
  events.case_id = "case_1";
  ASSERT_EQ(Run(events, &e), 0);
  EXPECT_EQ(Str(e, "path"), "/api/v1/cases/case_1/events");
  EXPECT_EQ(Str(e, "x-purpose"), "");

  ClientOptions list = Options(*server, ClientVerb::kList, "list");
  ASSERT_EQ(Run(list, &e), 0);
  EXPECT_EQ(Str(e, "query"), "");
  list.limit = 5;
  list.cursor = "00ff";
  ASSERT_EQ(Run(list, &e), 0);
  EXPECT_EQ(Str(e, "path"), "/api/v1/cases");
  EXPECT_EQ(Str(e, "query"), "limit=5&cursor=00ff");

  ClientOptions inbox = Options(*server, ClientVerb::kInbox, "inbox");
  inbox.token.clear();
  ASSERT_EQ(Run(inbox, &e), 0);
  EXPECT_EQ(Str(e, "path"), "/api/v1/inbox");
  EXPECT_EQ(Str(e, "authorization"), "");

  ClientOptions act = Options(*server, ClientVerb::kAct, "object");
  act.case_id = "case_1";
  act.action = "object";
  act.comment = "see \"Annex III\"";
  act.reasons = {"immunity", "ne_bis_in_idem"};
  ASSERT_EQ(Run(act, &e), 0);
  EXPECT_EQ(Str(e, "method"), "POST");
  EXPECT_EQ(Str(e, "path"), "/api/v1/cases/case_1/actions/object");
  EXPECT_EQ(Str(e, "content-type"), "application/json");
  EXPECT_EQ(Str(e, "body"), R"({"comment":"see \"Annex III\"",)"
                            R"("reasons":["immunity","ne_bis_in_idem"]})");
  act.comment.clear();
  act.reasons.clear();
  ASSERT_EQ(Run(act, &e), 0);
  EXPECT_EQ(Str(e, "body"), "{}");

  ClientOptions create = Options(*server, ClientVerb::kCreate, "create");
  create.input_path = "-";
  create.pretty = true;
  ASSERT_EQ(Run(create, &e, R"({"procedure":"x"})"), 0) << err_.str();
  EXPECT_EQ(Str(e, "path"), "/api/v1/cases");
  EXPECT_EQ(Str(e, "body"), R"({"procedure":"x"})");
  std::string key = Str(e, "idempotency-key");
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(err_.str(), "idempotency key: " + key + "\n");
  EXPECT_NE(out_.str().find("\n  \"method\": \"POST\""), std::string::npos);
  create.idempotency_key = "retry-1";
  create.pretty = false;
  ASSERT_EQ(Run(create, &e, "{}"), 0);
  EXPECT_EQ(Str(e, "idempotency-key"), "retry-1");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ClientServerTest, BadUsageIsExit2) {
  auto server = Start();
  ClientOptions create = Options(*server, ClientVerb::kCreate, "create");
  create.input_path = "-";
  EXPECT_EQ(Run(create, nullptr, "{not json"), 2);
  EXPECT_NE(err_.str().find("is not JSON"), std::string::npos) << err_.str();
  create.input_path = "/nonexistent/order.json";
  EXPECT_EQ(Run(create), 2);
  EXPECT_NE(err_.str().find("cannot read"), std::string::npos);

  ClientOptions show = Options(*server, ClientVerb::kShow, "show");
  EXPECT_EQ(Run(show), 2);
  EXPECT_EQ(err_.str(), "evidex show: a case id is needed\n");
  show.case_id = "case_1";
  show.purpose = "a\r\nX-Injected: 1";
  EXPECT_EQ(Run(show), 2);

  ClientOptions bad_node = Options(*server, ClientVerb::kInbox, "inbox");
  bad_node.node = "http://host/path";
  EXPECT_EQ(Run(bad_node), 2);
  EXPECT_NE(err_.str().find("--node"), std::string::npos);
}

TEST_F(ClientServerTest, ErrorAnswerIsExit1WithTheProblem) {
  auto server = Start();
  ClientOptions o = Options(*server, ClientVerb::kAct, "act");
  o.node += "/";
  o.case_id = "problem";
  o.action = "issue";
  EXPECT_EQ(Run(o), 1);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(),
            "conflict: `issue` is not allowed\n"
            "rule.x: closed (Art. 1)\n");
}

TEST_F(ClientServerTest, NoAnswerIsExit2NamingTheUrl) {
  auto server = Start();
  ClientOptions gone = Options(*server, ClientVerb::kInbox, "inbox");
  auto url = ParseNodeUrl(gone.node);
  ASSERT_TRUE(url);
  Transport transport;
  transport.timeout = std::chrono::seconds(1);
  HttpCall call;
  call.method = "GET";
  call.target = "/slow";
  auto reply = Exchange(*url, transport, call);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(reply.error().message(), "timed out after 1 s");

  transport.timeout = std::chrono::seconds(5);
  transport.max_response_bytes = 10;
  call.target = "/api/v1/inbox";
  reply = Exchange(*url, transport, call);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code(), StatusCode::kResourceExhausted);

  server->Shutdown();
  server.reset();
  EXPECT_EQ(Run(gone), 2);
  EXPECT_EQ(err_.str().rfind("evidex inbox: no answer from " + gone.node, 0),
            0u)
      << err_.str();
}

TEST_F(ClientServerTest, HttpsVerifiesTheCertificateAndTheHost) {
  fs::path dir = fs::temp_directory_path() /
                 ("evidex-client-tls-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost "
      "-keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() +
      " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  api::ServerOptions options;
  options.tls_cert_file = (dir / "cert.pem").string();
  options.tls_key_file = (dir / "key.pem").string();
  auto server = Start(options);
  std::string port = std::to_string(server->port());

  ClientOptions o = Options(*server, ClientVerb::kInbox, "inbox");
  o.node = "https://localhost:" + port;
  o.ca_file = options.tls_cert_file;
  boost::json::object e;
  ASSERT_EQ(Run(o, &e), 0) << err_.str();
  EXPECT_EQ(Str(e, "host"), "localhost:" + port);

  // The certificate names localhost, not 127.0.0.1.
  o.node = "https://127.0.0.1:" + port;
  EXPECT_EQ(Run(o), 2);
  EXPECT_NE(err_.str().find("TLS"), std::string::npos) << err_.str();
  // The system's store does not trust a self-signed certificate.
  o.node = "https://localhost:" + port;
  o.ca_file.clear();
  EXPECT_EQ(Run(o), 2);
  o.ca_file = (dir / "missing.pem").string();
  EXPECT_EQ(Run(o), 2);
  EXPECT_NE(err_.str().find("CA file"), std::string::npos) << err_.str();
  server->Shutdown();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evidex::cli
