#include "api/router.h"

#include "api/problem.h"

namespace evidex::api {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(std::string method, std::string_view pattern, Handler handler,
                 Threading threading) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::string(pattern);
  for (std::string_view s : Split(pattern)) r.segments.emplace_back(s);
  r.handler = std::move(handler);
  r.threading = threading;
  routes_.push_back(std::move(r));
}

void Router::AddUpload(std::string method, std::string_view pattern,
                       Handler handler, std::uint64_t max_bytes,
                       Admission admit) {
  Add(std::move(method), pattern, std::move(handler), Threading::kWorker);
  routes_.back().upload_limit = max_bytes;
  routes_.back().admit = std::move(admit);
}

Router::Match Router::Find(Request& request) const {
  std::vector<std::string_view> parts = Split(request.path);
  std::string allow;
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < parts.size() && match; ++i) {
      match = IsParam(r.segments[i]) ? !parts[i].empty()
                                     : r.segments[i] == parts[i];
    }
    if (!match) continue;
    if (r.method != request.method) {
      if (!allow.empty()) allow += ", ";
      allow += r.method;
      continue;
    }
    request.params.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (IsParam(r.segments[i])) {
        request.params.emplace(
            r.segments[i].substr(1, r.segments[i].size() - 2),
            std::string(parts[i]));
      }
    }
    return {&r.handler,
            r.threading,
            r.upload_limit,
            r.admit ? &r.admit : nullptr,
            {}};
  }
  Match none;
  if (!allow.empty()) {
    none.refusal = ProblemResponse(
        405, "method not allowed",
        "`" + request.method + "` is not allowed here", request.request_id);
    none.refusal.headers.emplace_back("Allow", allow);
  } else {
    none.refusal = ProblemResponse(404, "not found", "no such resource",
                                   request.request_id);
  }
  return none;
}

Response Router::Dispatch(Request& request) const {
  Match m = Find(request);
  if (m.handler == nullptr) return std::move(m.refusal);
  return (*m.handler)(request);
}

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> out;
  for (const Route& r : routes_) out.push_back(r.method + " " + r.pattern);
  return out;
}

}  // namespace evidex::api
