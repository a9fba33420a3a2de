#include "api/problem.h"

#include "core/json.h"

namespace evidex::api {
namespace {

std::string_view TitleFor(int http_status) {
  switch (http_status) {
    case 400:
      return "bad request";
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not found";
    case 405:
      return "method not allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload too large";
    case 429:
      return "too many requests";
    case 503:
      return "unavailable";
    default:
      return "internal error";
  }
}

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

Response ProblemResponse(int http_status, std::string_view title,
                         std::string_view detail, std::string_view request_id,
                         const std::vector<ProblemItem>& items) {
  Response r;
  r.status = http_status;
  r.content_type = "application/problem+json";
  JsonWriter w(r.body);
  w.BeginObject();
  w.Key("type");
  w.String("about:blank");
  w.Key("title");
  w.String(title);
  w.Key("status");
  w.Int(http_status);
  w.Key("detail");
  w.String(detail);
  w.Key("instance");
  w.String(std::string("urn:evidex:request:") + std::string(request_id));
  if (!items.empty()) {
    w.Key("errors");
    w.BeginArray();
    for (const ProblemItem& item : items) {
      w.BeginObject();
      w.Key("field");
      w.String(item.field);
      w.Key("detail");
      w.String(item.detail);
      if (!item.cite.empty()) {
        w.Key("cite");
        w.String(item.cite);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return r;
}

Response ProblemResponse(const Status& status, std::string_view request_id,
                         const std::vector<ProblemItem>& items) {
  int http_status = HttpStatusFor(status.code());
  bool internal = http_status == 500;
  return ProblemResponse(
      http_status, TitleFor(http_status),
      internal ? "internal error; quote the request id" : status.message(),
      request_id, items);
}

}  // namespace evidex::api
