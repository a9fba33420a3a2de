#include "api/range.h"

#include <charconv>

namespace evidex::api {
namespace {

// A run of decimal digits, all of `text`; nullopt otherwise (or on overflow).
std::optional<std::uint64_t> Number(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

Result<std::optional<ByteRange>> ParseRange(std::string_view header,
                                            std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return std::nullopt;
  std::string_view spec = header.substr(kUnit.size());
  std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != spec.npos) {
    return std::nullopt;
  }
  std::string_view first = spec.substr(0, dash), last = spec.substr(dash + 1);
  Status unsatisfiable(StatusCode::kFailedPrecondition,
                       "the range lies outside the " + std::to_string(size) +
                           " bytes of the file");
  if (first.empty()) {  // the last `suffix` bytes
    std::optional<std::uint64_t> suffix = Number(last);
    if (!suffix) return std::nullopt;
    if (*suffix == 0 || size == 0) return Err(unsatisfiable);
    std::uint64_t length = std::min(*suffix, size);
    return ByteRange{size - length, length};
  }
  std::optional<std::uint64_t> from = Number(first);
  if (!from) return std::nullopt;
  std::uint64_t to = size == 0 ? 0 : size - 1;
  if (!last.empty()) {
    std::optional<std::uint64_t> given = Number(last);
    if (!given || *given < *from) return std::nullopt;
    to = std::min(*given, to);
  }
  if (*from >= size) return Err(unsatisfiable);
  return ByteRange{*from, to - *from + 1};
}

std::string ContentRange(const ByteRange& range, std::uint64_t size) {
  return "bytes " + std::to_string(range.offset) + "-" +
         std::to_string(range.offset + range.length - 1) + "/" +
         std::to_string(size);
}

}  // namespace evidex::api
