#include "api/json_body.h"

#include <algorithm>

#include "core/json.h"

namespace evidex::api {

Result<boost::json::value> ParseBody(std::string_view body) {
  auto v = ParseJson(body);
  if (!v) return Err(v.error());
  if (!v->is_object())
    return Err(InvalidArgumentError("the body must be a JSON object"));
  return v;
}

void FieldReader::Fail(std::string_view key, const std::string& problem) {
  if (!status_.ok()) return;
  status_ = InvalidArgumentError("field `" + prefix_ + std::string(key) +
                                 "`: " + problem);
}

const boost::json::value* FieldReader::Find(std::string_view key,
                                            bool required) {
  if (!status_.ok()) return nullptr;
  const boost::json::value* v = object_.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required)
      status_ = InvalidArgumentError("missing field `" + prefix_ +
                                     std::string(key) + "`");
    return nullptr;
  }
  return v;
}

std::string FieldReader::String(std::string_view key, bool required,
                                std::size_t max_length) {
  const boost::json::value* v = Find(key, required);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    Fail(key, "expected a string");
    return {};
  }
  std::string_view s = v->get_string();
  if (required && s.empty()) {
    Fail(key, "must not be empty");
    return {};
  }
  if (s.size() > max_length) {
    Fail(key, "longer than " + std::to_string(max_length) + " bytes");
    return {};
  }
  return std::string(s);
}

std::string FieldReader::Word(std::string_view key,
                              std::initializer_list<std::string_view> allowed,
                              bool required) {
  std::string s = String(key, required, 64);
  if (s.empty()) return s;
  if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
    std::string list;
    for (std::string_view a : allowed) {
      if (!list.empty()) list += ", ";
      list += "`" + std::string(a) + "`";
    }
    Fail(key, "unknown value `" + s + "`, expected one of " + list);
    return {};
  }
  return s;
}

std::optional<bool> FieldReader::Bool(std::string_view key, bool required) {
  const boost::json::value* v = Find(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    Fail(key, "expected true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<std::int64_t> FieldReader::Int(std::string_view key,
                                             std::int64_t min, std::int64_t max,
                                             bool required) {
  const boost::json::value* v = Find(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_int64() && !v->is_uint64()) {
    Fail(key, "expected an integer");
    return std::nullopt;
  }
  if (v->is_uint64() || v->get_int64() < min || v->get_int64() > max) {
    Fail(key, "must be between " + std::to_string(min) + " and " +
                  std::to_string(max));
    return std::nullopt;
  }
  return v->get_int64();
}

std::vector<std::string> FieldReader::Strings(std::string_view key,
                                              std::size_t max_items,
                                              bool required,
                                              std::size_t max_length) {
  const boost::json::value* v = Find(key, required);
  if (v == nullptr) return {};
  if (!v->is_array()) {
    Fail(key, "expected an array of strings");
    return {};
  }
  const boost::json::array& a = v->get_array();
  if (a.size() > max_items) {
    Fail(key, "more than " + std::to_string(max_items) + " items");
    return {};
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string item = std::string(key) + "[" + std::to_string(i) + "]";
    if (!a[i].is_string()) {
      Fail(item, "expected a string");
      return {};
    }
    if (a[i].get_string().size() > max_length) {
      Fail(item, "longer than " + std::to_string(max_length) + " bytes");
      return {};
    }
    out.emplace_back(a[i].get_string());
  }
  return out;
}

const boost::json::object* FieldReader::Object(std::string_view key,
                                               bool required) {
  const boost::json::value* v = Find(key, required);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Fail(key, "expected an object");
    return nullptr;
  }
  return &v->get_object();
}

void FieldReader::CheckKnown(std::initializer_list<std::string_view> known) {
  if (!status_.ok()) return;
  for (const auto& kv : object_) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      std::string key(kv.key().substr(0, 64));
      status_ = InvalidArgumentError("unknown field `" + prefix_ + key + "`");
      return;
    }
  }
}

}  // namespace evidex::api
