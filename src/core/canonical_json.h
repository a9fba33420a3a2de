// RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.
//
// Signatures and hashes over JSON are computed over these bytes, so two
// parties that hold the same value, however it was spelled on the wire, sign
// and verify the same thing. The form:
//   - no whitespace;
//   - object members sorted by their keys compared as UTF-16 code units
//     (RFC 8785 section 3.2.3), which differs from byte order only for
//     characters above U+FFFF against U+E000..U+FFFF;
//   - strings escaped as ECMAScript's JSON.stringify does: `\"`, `\\`, `\b`,
//     `\f`, `\n`, `\r`, `\t`, other control characters as `\u00xx` (lowercase
//     hex), everything else as itself in UTF-8;
//   - numbers as ECMAScript's Number.prototype.toString writes an IEEE 754
//     double: the shortest digits that round-trip, plain notation for decimal
//     exponents from -6 to 20, otherwise `d.ddde+N` / `d.ddde-N`; -0 is `0`.
//
// Integers held as int64 or uint64 (what ParseJson makes of digits without a
// fraction) are written as integers. One whose magnitude exceeds 2^53 is
// refused, because a double, and so any other JCS implementation, cannot hold
// it exactly, unless its digits are exactly the canonical spelling of a double
// (1231200000000000000 is; 9007199254740993 is not): the canonical form of a
// large double must itself canonicalise, once parsed again, to the same bytes.
// NaN and infinities are refused (JSON has no spelling for them),
// as are strings or keys that are not valid UTF-8 and values nested deeper than
// 128 containers.
//
// Pure and thread-safe.
#ifndef EVIDEX_CORE_CANONICAL_JSON_H_
#define EVIDEX_CORE_CANONICAL_JSON_H_

#include <boost/json/value.hpp>
#include <string>

#include "core/status.h"

namespace evidex {

// Returns the RFC 8785 canonical form of `v`. Fails with kInvalidArgument for
// an integer beyond +-2^53 that no double spells, a non-finite number, invalid
// UTF-8, or nesting deeper than 128, naming the problem.
Result<std::string> CanonicalJson(const boost::json::value& v);

}  // namespace evidex

#endif  // EVIDEX_CORE_CANONICAL_JSON_H_
