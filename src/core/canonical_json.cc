#include "core/canonical_json.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace evidex {
namespace {

namespace bj = boost::json;

constexpr std::size_t kMaxDepth = 128;
constexpr std::uint64_t kMaxExactInteger = std::uint64_t{1} << 53;

// Decodes UTF-8 into UTF-16 code units; nullopt if `s` is not valid UTF-8
// (overlong forms, surrogates and values above U+10FFFF are invalid).
std::optional<std::u16string> Utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto b0 = static_cast<unsigned char>(s[i]);
    char32_t cp;
    std::size_t len;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = b0 & 0x1f;
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      cp = b0 & 0x0f;
      len = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return std::nullopt;
    }
    if (s.size() - i < len) return std::nullopt;
    for (std::size_t j = 1; j < len; ++j) {
      auto b = static_cast<unsigned char>(s[i + j]);
      if ((b & 0xc0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
      return std::nullopt;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

Status AppendString(std::string& out, std::string_view s) {
  if (!Utf16(s)) {
    return InvalidArgumentError("a string is not valid UTF-8");
  }
  AppendJsonString(out, s);
  return OkStatus();
}

// ECMAScript Number::toString (ECMA-262 section 7.1.12.1) for a finite double:
// with the shortest digits d1..dk and the exponent n such that the value is
// 0.d1..dk x 10^n, the layout depends on k and n.
void AppendDouble(std::string& out, double d) {
  if (d == 0) {  // Both +0 and -0.
    out.push_back('0');
    return;
  }
  char buf[32];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(end - buf));
  if (s.front() == '-') {
    out.push_back('-');
    s.remove_prefix(1);
  }
  // s is "D[.DDD]e(+|-)XX".
  std::size_t e = s.find('e');
  std::string digits(1, s[0]);
  if (e > 1) digits.append(s.substr(2, e - 2));
  std::string_view exp_text = s.substr(e + 1);
  bool exp_negative = exp_text.front() == '-';
  int exp = 0;
  std::from_chars(exp_text.data() + 1, exp_text.data() + exp_text.size(), exp);
  if (exp_negative) exp = -exp;

  const int k = static_cast<int>(digits.size());
  const int n = exp + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    out += std::to_string(n - 1 < 0 ? 1 - n : n - 1);
  }
}

// An integer up to 2^53 in magnitude is written as is. A larger one is
// accepted only if it is what the canonical form of a double spells (as
// 1231200000000000000 is): then the canonical bytes of a document with large
// doubles parse again, as integers, into the same canonical bytes. Any other
// (9007199254740993) would silently become a different number in a reader
// that holds numbers as doubles, and is refused.
template <typename Int>
Status AppendInteger(std::string& out, Int i) {
  const std::string digits = std::to_string(i);
  const std::uint64_t magnitude =
      i < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(i)
            : static_cast<std::uint64_t>(i);
  if (magnitude > kMaxExactInteger) {
    std::string as_double;
    AppendDouble(as_double, static_cast<double>(i));
    if (as_double != digits) {
      return InvalidArgumentError(
          "the integer `" + digits +
          "` exceeds 2^53 in magnitude and no double holds it exactly");
    }
  }
  out += digits;
  return OkStatus();
}

Status AppendValue(std::string& out, const bj::value& v, std::size_t depth);

Status AppendObject(std::string& out, const bj::object& o, std::size_t depth) {
  std::vector<std::pair<std::u16string, const bj::key_value_pair*>> members;
  members.reserve(o.size());
  for (const auto& kv : o) {
    auto key = Utf16(kv.key());
    if (!key) return InvalidArgumentError("an object key is not valid UTF-8");
    members.emplace_back(std::move(*key), &kv);
  }
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.push_back('{');
  bool first = true;
  for (const auto& [key, kv] : members) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, kv->key());
    out.push_back(':');
    EVIDEX_RETURN_IF_ERROR(AppendValue(out, kv->value(), depth + 1));
  }
  out.push_back('}');
  return OkStatus();
}

Status AppendValue(std::string& out, const bj::value& v, std::size_t depth) {
  if ((v.is_array() || v.is_object()) && depth >= kMaxDepth) {
    return InvalidArgumentError("JSON nested deeper than " +
                                std::to_string(kMaxDepth) + " containers");
  }
  switch (v.kind()) {
    case bj::kind::null:
      out += "null";
      return OkStatus();
    case bj::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return OkStatus();
    case bj::kind::int64:
      return AppendInteger(out, v.get_int64());
    case bj::kind::uint64:
      return AppendInteger(out, v.get_uint64());
    case bj::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d)) {
        return InvalidArgumentError("a number is not finite");
      }
      AppendDouble(out, d);
      return OkStatus();
    }
    case bj::kind::string:
      return AppendString(out, v.get_string());
    case bj::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        EVIDEX_RETURN_IF_ERROR(AppendValue(out, e, depth + 1));
      }
      out.push_back(']');
      return OkStatus();
    }
    case bj::kind::object:
      return AppendObject(out, v.get_object(), depth);
  }
  return InternalError("unknown JSON kind");
}

}  // namespace

Result<std::string> CanonicalJson(const boost::json::value& v) {
  std::string out;
  EVIDEX_RETURN_IF_ERROR(AppendValue(out, v, 0));
  return out;
}

}  // namespace evidex
