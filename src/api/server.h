// The HTTP/1.1 server of a node: Boost.Beast over Asio with C++20 coroutines.
//
// TLS (OpenSSL) is the default; plain HTTP is allowed only on a loopback
// address, for local use and tests. Each request is read with bounded header
// and body sizes (a larger body answers 413) and a read timeout, given a
// request id (the client's `X-Request-Id` when it is sane, else a random one),
// dispatched to the router (on a worker thread, or inline on the network
// thread for handlers that never wait), logged as one
// structured line (method, path without query, status, duration; never headers
// or bodies), and counted in the metrics. Upload routes stream their bodies to
// a spool file, after their admission check has passed on the headers (a
// client that sent `Expect: 100-continue` is then told to go on), and
// responses may stream a file slice (Range downloads): no request or response
// body of those is ever held whole in memory.
//
// Shutdown: Shutdown() stops accepting, closes idle connections, lets requests
// already being handled finish and answer (with `Connection: close`), and
// returns when all connections are gone or the grace period has passed. No
// handler is interrupted midway.
//
// Thread safety: Start, Shutdown and port may be called from any thread; the
// router must not change while the server runs.
#ifndef EVIDEX_API_SERVER_H_
#define EVIDEX_API_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/metrics.h"
#include "api/router.h"
#include "core/log.h"
#include "core/status.h"
#include "core/time.h"

namespace evidex::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;     // 0: any free port (see HttpServer::port)
  std::string tls_cert_file;  // PEM; with tls_key_file. Both empty: plain HTTP
                              // (loopback only)
  std::string tls_key_file;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::seconds read_timeout{30};
  // Connections beyond this many are closed at once: a flood of idle or slow
  // connections cannot take every socket and thread.
  std::size_t max_connections = 1024;
  int threads = 2;  // network threads (reading, writing, TLS)
  // Threads that run handlers, which may block on the store (e.g. waiting for a
  // group commit): more than the cores, so that requests waiting for durability
  // do not stall the others.
  int workers = 32;
  std::chrono::seconds shutdown_grace{10};
  // Where the bodies of upload routes (Router::AddUpload) are written while
  // they arrive; empty: the system's temporary directory. Best on the file
  // system where handlers keep uploads, so that keeping one is a rename.
  std::string spool_dir;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router, Logger& log,
             Metrics& metrics, const Clock& clock);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on background threads. Fails with
  // kFailedPrecondition for plain HTTP on a non-loopback address,
  // kInvalidArgument for a bad address or TLS files, and kUnavailable when the
  // port cannot be bound.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // Stops gracefully (see above); idempotent.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evidex::api

#endif  // EVIDEX_API_SERVER_H_
