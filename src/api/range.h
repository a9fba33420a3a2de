// HTTP byte ranges (RFC 9110 14.1.2), for resumable downloads.
//
// Only one range per request is served (a multi-range request is answered as
// if it asked for the whole representation, which RFC 9110 allows a server to
// do by ignoring the header); `bytes=first-last`, `bytes=first-` and
// `bytes=-suffix` are understood.
#ifndef EVIDEX_API_RANGE_H_
#define EVIDEX_API_RANGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace evidex::api {

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// The range a `Range` header asks of a representation of `size` bytes:
// nullopt for the whole of it (no header, another unit, several ranges, or
// syntax this server ignores); kOutOfRange-like refusal (kFailedPrecondition,
// to answer 416) when the range is well-formed but starts at or after `size`.
Result<std::optional<ByteRange>> ParseRange(std::string_view header,
                                            std::uint64_t size);

// "bytes first-last/size", the Content-Range of a 206.
std::string ContentRange(const ByteRange& range, std::uint64_t size);

}  // namespace evidex::api

#endif  // EVIDEX_API_RANGE_H_
