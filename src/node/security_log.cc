// GET /api/v1/organisations/{id}/security-events: the organisation's entries
// of the node's security log (refused signed documents and signing requests),
// newest first, for its administrators and auditors.
#include <charconv>
#include <limits>

#include "core/json.h"
#include "core/log.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/node.h"

namespace evidex::node {
namespace {

// A query parameter holding an integer in [min, max], or `absent` when empty.
Result<std::int64_t> IntParam(const api::Request& req, std::string_view name,
                              std::int64_t min, std::int64_t max,
                              std::int64_t absent) {
  std::string text = req.QueryParam(name);
  if (text.empty()) return absent;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min ||
      v > max) {
    return Err(InvalidArgumentError("query parameter `" + std::string(name) +
                                    "` must be " + std::to_string(min) +
                                    " to " + std::to_string(max)));
  }
  return v;
}

}  // namespace

api::Response Node::SecurityEvents(const api::Request& req) {
  auto reading = ReadAs(req, clock_.Now(), "read");
  if (!reading) return Problem(reading.error(), req);
  const Principal& p = reading->principal;
  const std::string& id = req.params.at("id");
  if (p.organisation.id != id) {
    return Problem(NotFoundError("no such organisation"), req);
  }
  if (!p.HasRole("admin") && !p.HasRole("auditor")) {
    return Problem(Status(StatusCode::kPermissionDenied,
                          "the security log is for administrators and "
                          "auditors"),
                   req);
  }
  constexpr std::int64_t kNewest = std::numeric_limits<std::int64_t>::max();
  auto limit = IntParam(req, "limit", 1, 200, 50);
  if (!limit) return Problem(limit.error(), req);
  auto before = IntParam(req, "cursor", 1, kNewest, kNewest);
  if (!before) return Problem(before.error(), req);
  auto events =
      reading->txn->ListSecurityEvents(id, *before, static_cast<int>(*limit));
  if (!events) return Problem(events.error(), req);
  std::string out = "{\"events\":[";
  for (std::size_t i = 0; i < events->size(); ++i) {
    const store::SecurityEvent& e = (*events)[i];
    if (i > 0) out += ",";
    std::string head;
    JsonWriter w(head);
    w.BeginObject();
    w.Key("seq");
    w.Int(e.seq);
    w.Key("at");
    w.String(FormatInstant(e.at));
    w.Key("kind");
    w.String(e.kind);
    w.Key("reason");
    w.String(e.reason);
    w.EndObject();
    head.pop_back();
    // The detail is JSON the node wrote (the store checks it is JSON).
    out += head + ",\"detail\":" + e.detail_json + "}";
  }
  out += "],\"next_cursor\":";
  if (static_cast<std::int64_t>(events->size()) == *limit) {
    AppendJsonString(out, std::to_string(events->back().seq));
  } else {
    out += "null";
  }
  out += "}";
  return JsonResponse(200, std::move(out));
}

}  // namespace evidex::node
