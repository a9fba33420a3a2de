// JSON at the edge: a strict parser and a fast writer.
//
// ParseJson accepts exactly RFC 8259 JSON in UTF-8 (no comments, no trailing
// commas, no invalid UTF-8), by default rejects objects that repeat a key (two
// parsers could disagree on which value counts), and limits nesting depth.
// Errors say where: "line L, column C". The result is a boost::json::value;
// callers walk it with the helpers of their own layer.
//
// JsonWriter builds compact JSON text into a string without intermediate
// values. It is for output the program controls; it escapes strings but does
// not check that keys are unique, and it nests at most 64 containers deep.
//
// Both are thread-compatible: one instance per thread.
#ifndef EVIDEX_CORE_JSON_H_
#define EVIDEX_CORE_JSON_H_

#include <array>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace evidex {

struct JsonLimits {
  std::size_t max_depth = 32;
  // RFC 8259 allows repeated keys (the last one counts); evidex's own inputs
  // refuse them.
  bool allow_duplicate_keys = false;
};

// Parses `text` as one JSON document. Fails with kInvalidArgument naming the
// line and column of the first problem (syntax, invalid UTF-8, duplicate key
// unless allowed, too deep).
Result<boost::json::value> ParseJson(std::string_view text,
                                     JsonLimits limits = {});

// Appends `s` to `out` as a JSON string literal (with quotes). `s` must be
// valid UTF-8.
void AppendJsonString(std::string& out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Writes an object key; the next call writes its value.
  void Key(std::string_view key);

  void String(std::string_view s);
  void Int(std::int64_t v);
  // A finite number, shortest round-trip form; non-finite numbers are written
  // as null.
  void Double(double v);
  void Bool(bool v);
  void Null();
  // A string, or null when `s` is empty.
  void StringOrNull(std::string_view s);

 private:
  void Separate();

  static constexpr std::size_t kMaxDepth = 64;

  std::string& out_;
  // Per open container: whether it already holds an element.
  std::array<bool, kMaxDepth> has_element_{};
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

}  // namespace evidex

#endif  // EVIDEX_CORE_JSON_H_
