// The node's configuration: a TOML file (`evidex serve --config FILE`),
// overridden by flags.
//
//   [server]
//   listen = "127.0.0.1:8443"       # host:port; plain HTTP only on loopback
//   tls_cert = "/etc/evidex/cert.pem"
//   tls_key = "/etc/evidex/key.pem"
//   threads = 2                     # network threads
//   workers = 32                    # handler threads (they may wait for a
//   commit) max_body_bytes = 1048576        # every request body, attachments
//   too [storage] data_dir = "/var/lib/evidex"    # holds evidex.db (SQLite)
//   [limits]
//   max_attachment_bytes = 10485760 # an attached file; uploads are also
//                                   # bounded by server.max_body_bytes, which
//                                   # must be raised to allow larger files
//   max_package_bytes = 68719476736 # an evidence package (default 64 GiB,
//                                   # at most 1 TiB); streamed to disk, not
//                                   # bounded by server.max_body_bytes
//   [log]
//   level = "info"                  # debug, info, warning, error
//
// Unknown keys and wrong types are errors naming the file, line and key.
#ifndef EVIDEX_NODE_CONFIG_H_
#define EVIDEX_NODE_CONFIG_H_

#include <cstdint>
#include <string>

#include "core/log.h"
#include "core/status.h"

namespace evidex::node {

struct NodeConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8443;
  std::string tls_cert;
  std::string tls_key;
  int threads = 2;
  int workers = 32;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_attachment_bytes = 10 << 20;
  std::uint64_t max_package_bytes = std::uint64_t{64} << 30;
  std::string data_dir;
  LogLevel log_level = LogLevel::kInfo;
};

// Parses `host:port` (IPv6 as `[::1]:8443`) into the config.
Status SetListen(std::string_view listen, NodeConfig& config);

// Reads a configuration file's text over the defaults in `config`.
Status LoadConfig(std::string_view text, std::string_view file_name,
                  NodeConfig& config);

}  // namespace evidex::node

#endif  // EVIDEX_NODE_CONFIG_H_
