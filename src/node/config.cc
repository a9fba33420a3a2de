#include "node/config.h"

#include <toml++/toml.h>

#include <charconv>

namespace evidex::node {
namespace {

Status Fail(std::string_view file, const toml::node& at,
            const std::string& problem) {
  return InvalidArgumentError(std::string(file) + ":" +
                              std::to_string(at.source().begin.line) + ": " +
                              problem);
}

}  // namespace

Status SetListen(std::string_view listen, NodeConfig& config) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgumentError("`" + std::string(listen) +
                                "` is not host:port");
  }
  std::string_view host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string_view port_text = listen.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return InvalidArgumentError("`" + std::string(port_text) +
                                "` is not a port number");
  }
  config.host = std::string(host);
  config.port = static_cast<std::uint16_t>(port);
  return OkStatus();
}

Status LoadConfig(std::string_view text, std::string_view file_name,
                  NodeConfig& config) {
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(std::string(file_name) + ":" +
                                std::to_string(e.source().begin.line) + ": " +
                                std::string(e.description()));
  }
  for (auto&& [section, node] : root) {
    const toml::table* t = node.as_table();
    if (t == nullptr)
      return Fail(file_name, node,
                  "`" + std::string(section.str()) + "` must be a table");
    for (auto&& [key_node, value] : *t) {
      std::string key =
          std::string(section.str()) + "." + std::string(key_node.str());
      auto string_value = [&](std::string& out) -> Status {
        if (!value.is_string())
          return Fail(file_name, value, "`" + key + "` must be a string");
        out = *value.value<std::string>();
        return OkStatus();
      };
      auto size_value = [&](auto& out, std::int64_t max) -> Status {
        if (!value.is_integer() || *value.value<std::int64_t>() < 1 ||
            *value.value<std::int64_t>() > max) {
          return Fail(file_name, value,
                      "`" + key + "` must be an integer from 1 to " +
                          std::to_string(max));
        }
        out = static_cast<std::remove_reference_t<decltype(out)>>(
            *value.value<std::int64_t>());
        return OkStatus();
      };
      if (key == "server.listen") {
        std::string listen;
        EVIDEX_RETURN_IF_ERROR(string_value(listen));
        Status s = SetListen(listen, config);
        if (!s.ok())
          return Fail(file_name, value, "`server.listen`: " + s.message());
      } else if (key == "server.tls_cert") {
        EVIDEX_RETURN_IF_ERROR(string_value(config.tls_cert));
      } else if (key == "server.tls_key") {
        EVIDEX_RETURN_IF_ERROR(string_value(config.tls_key));
      } else if (key == "server.threads") {
        EVIDEX_RETURN_IF_ERROR(size_value(config.threads, 64));
      } else if (key == "server.workers") {
        EVIDEX_RETURN_IF_ERROR(size_value(config.workers, 1024));
      } else if (key == "server.max_body_bytes") {
        EVIDEX_RETURN_IF_ERROR(
            size_value(config.max_body_bytes, std::int64_t{1} << 30));
      } else if (key == "limits.max_attachment_bytes") {
        EVIDEX_RETURN_IF_ERROR(
            size_value(config.max_attachment_bytes, std::int64_t{1} << 30));
      } else if (key == "limits.max_package_bytes") {
        EVIDEX_RETURN_IF_ERROR(
            size_value(config.max_package_bytes, std::int64_t{1} << 40));
      } else if (key == "storage.data_dir") {
        EVIDEX_RETURN_IF_ERROR(string_value(config.data_dir));
      } else if (key == "log.level") {
        std::string level;
        EVIDEX_RETURN_IF_ERROR(string_value(level));
        if (level == "debug") {
          config.log_level = LogLevel::kDebug;
        } else if (level == "info") {
          config.log_level = LogLevel::kInfo;
        } else if (level == "warning") {
          config.log_level = LogLevel::kWarning;
        } else if (level == "error") {
          config.log_level = LogLevel::kError;
        } else {
          return Fail(file_name, value,
                      "`log.level` must be debug, info, warning or error");
        }
      } else {
        return Fail(file_name, value, "unknown key `" + key + "`");
      }
    }
  }
  return OkStatus();
}

}  // namespace evidex::node
