#include "node/config.h"

#include <gtest/gtest.h>

namespace evidex::node {
namespace {

TEST(ConfigTest, ReadsEveryKey) {
  NodeConfig c;
  Status s = LoadConfig(R"toml(
[server]
listen = "10.0.0.5:9443"
tls_cert = "/c.pem"
tls_key = "/k.pem"
threads = 4
workers = 16
max_body_bytes = 2048
[storage]
data_dir = "/var/lib/evidex"
[limits]
max_attachment_bytes = 4096
max_package_bytes = 8589934592
[log]
level = "warning"
)toml",
                        "node.toml", c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.host, "10.0.0.5");
  EXPECT_EQ(c.port, 9443);
  EXPECT_EQ(c.tls_cert, "/c.pem");
  EXPECT_EQ(c.tls_key, "/k.pem");
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.workers, 16);
  EXPECT_EQ(c.max_body_bytes, 2048u);
  EXPECT_EQ(c.data_dir, "/var/lib/evidex");
  EXPECT_EQ(c.max_attachment_bytes, 4096u);
  EXPECT_EQ(c.max_package_bytes, std::uint64_t{8} << 30);
  EXPECT_EQ(c.log_level, LogLevel::kWarning);
}

TEST(ConfigTest, ErrorsNameFileLineAndKey) {
  NodeConfig c;
  EXPECT_EQ(LoadConfig("[server]\nlisten = \"x:1\"\nport = 3\n", "n.toml", c)
                .message(),
            "n.toml:3: unknown key `server.port`");
  EXPECT_EQ(LoadConfig("[server]\nthreads = \"two\"\n", "n.toml", c).message(),
            "n.toml:2: `server.threads` must be an integer from 1 to 64");
  EXPECT_EQ(
      LoadConfig("[server]\nlisten = \"nohost\"\n", "n.toml", c).message(),
      "n.toml:2: `server.listen`: `nohost` is not host:port");
  EXPECT_EQ(LoadConfig("[log]\nlevel = \"loud\"\n", "n.toml", c).message(),
            "n.toml:2: `log.level` must be debug, info, warning or error");
  EXPECT_NE(LoadConfig("[server\n", "n.toml", c).message().find("n.toml:1:"),
            std::string::npos);
}

TEST(ConfigTest, ListenAcceptsIpv6) {
  NodeConfig c;
  ASSERT_TRUE(SetListen("[::1]:8080", c).ok());
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_FALSE(SetListen("127.0.0.1:70000", c).ok());
  EXPECT_FALSE(SetListen("127.0.0.1:", c).ok());
}

}  // namespace
}  // namespace evidex::node
