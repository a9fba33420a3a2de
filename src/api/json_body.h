// Reading JSON request bodies field by field, with errors that name the field.
//
// ParseBody accepts one JSON object (duplicate keys refused). A FieldReader
// then takes each field with its type and bounds; the first problem is kept and
// every later read is skipped, so a handler reads all fields and checks
// `status()` once. Unknown fields are an error
// (`CheckKnown`). Messages look like "field `order.offence`: expected a
// string".
#ifndef EVIDEX_API_JSON_BODY_H_
#define EVIDEX_API_JSON_BODY_H_

#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace evidex::api {

// Parses a request body that must be a JSON object.
Result<boost::json::value> ParseBody(std::string_view body);

class FieldReader {
 public:
  // `prefix` is prepended to field names in messages ("" or "order.").
  FieldReader(const boost::json::object& object, std::string prefix = "")
      : object_(object), prefix_(std::move(prefix)) {}

  // A required (or, with required=false, optional: "" when absent or null)
  // string of at most `max_length` bytes.
  std::string String(std::string_view key, bool required = true,
                     std::size_t max_length = 256);
  // One of `allowed`.
  std::string Word(std::string_view key,
                   std::initializer_list<std::string_view> allowed,
                   bool required = true);
  std::optional<bool> Bool(std::string_view key, bool required = true);
  std::optional<std::int64_t> Int(std::string_view key, std::int64_t min,
                                  std::int64_t max, bool required = true);
  std::vector<std::string> Strings(std::string_view key, std::size_t max_items,
                                   bool required = true,
                                   std::size_t max_length = 256);
  // A nested object (nullptr when absent and not required, or on error).
  const boost::json::object* Object(std::string_view key, bool required = true);
  // Fails if the object has a key outside `known`.
  void CheckKnown(std::initializer_list<std::string_view> known);

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }

 private:
  const boost::json::value* Find(std::string_view key, bool required);
  void Fail(std::string_view key, const std::string& problem);

  const boost::json::object& object_;
  std::string prefix_;
  Status status_;
};

}  // namespace evidex::api

#endif  // EVIDEX_API_JSON_BODY_H_
