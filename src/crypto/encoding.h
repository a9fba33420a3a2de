// Byte encodings for hashes and keys: hexadecimal (RFC 4648 section 8) and
// base64 (RFC 4648 section 4, the standard alphabet with padding).
//
// Encoders write the one canonical form: lowercase hex, and standard base64
// with `=` padding (keys and signatures in signed documents, C2SP signed notes
// and checkpoints). Decoders are strict and say what is wrong and where: a
// message names the zero-based offset of the first offending character, so
// callers can prefix the field or line it came from.
//
// All functions are pure and thread-safe.
#ifndef EVIDEX_CRYPTO_ENCODING_H_
#define EVIDEX_CRYPTO_ENCODING_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace evidex::crypto {

// Returns `bytes` as lowercase hexadecimal, two digits a byte.
std::string HexEncode(std::span<const std::uint8_t> bytes);

// Decodes hexadecimal; digits may be upper or lower case. Fails with
// kInvalidArgument when `hex` has an odd number of digits or holds a character
// that is not a hex digit.
Result<std::vector<std::uint8_t>> HexDecode(std::string_view hex);

// Returns `bytes` as standard base64 with `=` padding, the one form
// Base64Decode accepts.
std::string Base64Encode(std::span<const std::uint8_t> bytes);

// Decodes standard base64 with `=` padding: the length must be a multiple of 4,
// padding may only end the text, and the unused bits before the padding must be
// zero (so every byte string has exactly one accepted encoding). No whitespace
// is allowed. Fails with kInvalidArgument otherwise.
Result<std::vector<std::uint8_t>> Base64Decode(std::string_view text);

}  // namespace evidex::crypto

#endif  // EVIDEX_CRYPTO_ENCODING_H_
